"""Invoices and credit notes (docs/invoices.md): the ``invoice`` table, one row per document
issued, numbered per till without a gap (``F01-000001``; a credit note takes the next number
of the same series). Append-only: an invoice issued is never changed nor removed, it is
corrected by a credit note. One document per sale; ``document`` keeps the whole invoice as
issued (the parties as they were that day), so a copy says the same years later."""

APPEND_ONLY = "invoices are append-only"

STATEMENTS = [
    """CREATE TABLE "invoice" ("id" TEXT NOT NULL PRIMARY KEY,
        "till_no" INTEGER NOT NULL, "number" INTEGER NOT NULL, "code" TEXT NOT NULL,
        "kind" TEXT NOT NULL, "sale_id" TEXT NOT NULL, "credits_id" TEXT,
        "customer_id" TEXT, "issued_at" TEXT NOT NULL, "issue_date" TEXT NOT NULL,
        "due_date" TEXT NOT NULL, "currency" TEXT NOT NULL, "net" INTEGER NOT NULL,
        "tax" INTEGER NOT NULL, "total" INTEGER NOT NULL, "due" INTEGER NOT NULL,
        "actor" TEXT NOT NULL, "document" TEXT NOT NULL,
        FOREIGN KEY ("sale_id") REFERENCES "sale" ("id"),
        FOREIGN KEY ("credits_id") REFERENCES "invoice" ("id"))""",
    'CREATE UNIQUE INDEX "invoice_code" ON "invoice" ("code")',
    'CREATE UNIQUE INDEX "invoice_till_no_number" ON "invoice" ("till_no", "number")',
    'CREATE UNIQUE INDEX "invoice_sale_id" ON "invoice" ("sale_id")',
    'CREATE INDEX "invoice_customer_id" ON "invoice" ("customer_id")',
    f"""CREATE TRIGGER "invoice_no_update" BEFORE UPDATE ON "invoice"
        BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END""",
    f"""CREATE TRIGGER "invoice_no_delete" BEFORE DELETE ON "invoice"
        BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END""",
]


def up(database) -> None:
    for statement in STATEMENTS:
        database.execute_sql(statement)
