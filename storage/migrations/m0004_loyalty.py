"""Loyalty: the cards issued (a replaced card stays, blocked) and the ledger of points."""

STATEMENTS = [
    """CREATE TABLE "loyalty_card" ("number" TEXT NOT NULL PRIMARY KEY,
        "customer_id" TEXT NOT NULL, "status" TEXT NOT NULL, "issued_at" TEXT NOT NULL,
        "blocked_at" TEXT NOT NULL,
        FOREIGN KEY ("customer_id") REFERENCES "customer" ("id"))""",
    'CREATE INDEX "loyalty_card_customer_id" ON "loyalty_card" ("customer_id")',
    """CREATE TABLE "loyalty_entry" ("id" TEXT NOT NULL PRIMARY KEY,
        "customer_id" TEXT NOT NULL, "kind" TEXT NOT NULL, "points" INTEGER NOT NULL,
        "sale_id" TEXT, "reason" TEXT NOT NULL, "actor" TEXT NOT NULL,
        "created_at" TEXT NOT NULL,
        FOREIGN KEY ("customer_id") REFERENCES "customer" ("id"))""",
    """CREATE INDEX "loyalty_entry_customer_id_created_at"
        ON "loyalty_entry" ("customer_id", "created_at")""",
]


def up(database) -> None:
    from storage.migrations.m0001_initial import append_only

    for statement in STATEMENTS:
        database.execute_sql(statement)
    for statement in append_only("loyalty_entry"):
        database.execute_sql(statement)
