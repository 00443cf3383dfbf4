"""Closures (docs/closures.md): the ``closure`` table of daily (Z), monthly and yearly
closures, append-only: a closure cannot be redone (one per till, kind and period) nor altered
(no UPDATE, no DELETE). Each row is hash-chained to the one before on its till and signed;
``storage.closures.verify_closures`` checks both and that these triggers are still here."""

APPEND_ONLY = "closures are append-only"

STATEMENTS = [
    """CREATE TABLE "closure" ("id" TEXT NOT NULL PRIMARY KEY,
        "till_no" INTEGER NOT NULL, "kind" TEXT NOT NULL, "number" INTEGER NOT NULL,
        "chain_no" INTEGER NOT NULL, "period" TEXT NOT NULL, "opened_at" TEXT NOT NULL,
        "closed_at" TEXT NOT NULL, "created_at" TEXT NOT NULL,
        "first_receipt_no" INTEGER NOT NULL, "last_receipt_no" INTEGER NOT NULL,
        "currency" TEXT NOT NULL, "totals" TEXT NOT NULL, "grand_total" INTEGER NOT NULL,
        "grand_total_absolute" INTEGER NOT NULL, "cash_opening" INTEGER,
        "cash_expected" INTEGER, "cash_counted" INTEGER, "cash_difference" INTEGER,
        "journal_receipt_no" INTEGER NOT NULL, "journal_hash" TEXT NOT NULL,
        "actor" TEXT NOT NULL, "approved_by" TEXT NOT NULL, "previous_hash" TEXT NOT NULL,
        "hash" TEXT NOT NULL, "key_id" TEXT NOT NULL, "signature" TEXT NOT NULL)""",
    """CREATE UNIQUE INDEX "closure_till_no_kind_number"
        ON "closure" ("till_no", "kind", "number")""",
    """CREATE UNIQUE INDEX "closure_till_no_kind_period"
        ON "closure" ("till_no", "kind", "period")""",
    'CREATE UNIQUE INDEX "closure_till_no_chain_no" ON "closure" ("till_no", "chain_no")',
    f"""CREATE TRIGGER "closure_no_update" BEFORE UPDATE ON "closure"
        BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END""",
    f"""CREATE TRIGGER "closure_no_delete" BEFORE DELETE ON "closure"
        BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END""",
]

TRIGGERS = ("closure_no_update", "closure_no_delete")
"""What verify_closures expects to find, each as this migration wrote it."""


def up(database) -> None:
    for statement in STATEMENTS:
        database.execute_sql(statement)
