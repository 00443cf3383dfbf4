"""Customer accounts (credit notes, deposits, on-account sales) as an append-only ledger;
returns linked to the sale they refund; stock per product."""

STATEMENTS = [
    """CREATE TABLE "account_entry" ("id" TEXT NOT NULL PRIMARY KEY,
        "customer_id" TEXT NOT NULL, "kind" TEXT NOT NULL, "amount" INTEGER NOT NULL,
        "sale_id" TEXT, "reason" TEXT NOT NULL, "actor" TEXT NOT NULL,
        "created_at" TEXT NOT NULL,
        FOREIGN KEY ("customer_id") REFERENCES "customer" ("id"))""",
    """CREATE INDEX "account_entry_customer_id_created_at"
        ON "account_entry" ("customer_id", "created_at")""",
    'ALTER TABLE "sale" ADD COLUMN "refund_of" TEXT',
    'CREATE INDEX "sale_refund_of" ON "sale" ("refund_of")',
    'ALTER TABLE "product" ADD COLUMN "stock" INTEGER NOT NULL DEFAULT 0',
]


def up(database) -> None:
    from storage.migrations.m0001_initial import append_only

    for statement in STATEMENTS:
        database.execute_sql(statement)
    for statement in append_only("account_entry"):
        database.execute_sql(statement)
