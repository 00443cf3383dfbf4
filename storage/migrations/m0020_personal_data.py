"""Erasing a person (GDPR) from an append-only till: ``customer.anonymised_at``, the
``journal_redaction`` table, and triggers that let exactly the recorded erasures through.

- The sales journal stays append-only, with one exception: the receipt header of a sale that
  has a row in ``journal_redaction`` may change (the customer's name erased). Every other
  column of every sale stays refused, redacted or not, and ``verify_journal`` detects any
  other change to the header. A column added to ``sale`` later must join the list of
  ``sale_redaction_header_only`` (tests/storage/test_customer_privacy.py checks every one).
- ``journal_redaction`` itself is append-only.
- The audit log stays append-only, except that an old or new value may be erased (set to ''
  or ``(erased)``, till/core/privacy.py); every other column stays refused.
"""

from storage.migrations.m0001_initial import append_only

APPEND_ONLY = "the sales journal is append-only"


def up(database) -> None:
    database.execute_sql(
        'ALTER TABLE "customer" ADD COLUMN "anonymised_at" TEXT NOT NULL DEFAULT \'\''
    )
    database.execute_sql(  # the few erased customers, found without reading every one
        'CREATE INDEX "customer_anonymised" ON "customer" ("anonymised_at")'
        " WHERE \"anonymised_at\" != ''"
    )
    database.execute_sql(
        """CREATE TABLE "journal_redaction" ("sale_id" TEXT NOT NULL PRIMARY KEY,
        "till_no" INTEGER NOT NULL, "at" TEXT NOT NULL, "actor" TEXT NOT NULL,
        "approved_by" TEXT NOT NULL, "journal_format" INTEGER NOT NULL,
        "residual_hash" TEXT NOT NULL,
        FOREIGN KEY ("sale_id") REFERENCES "sale" ("id") ON DELETE RESTRICT)"""
    )
    for statement in append_only("journal_redaction"):
        database.execute_sql(statement)

    columns = [row[1] for row in database.execute_sql('PRAGMA table_info("sale")').fetchall()]
    others = ", ".join(f'"{name}"' for name in columns if name != "receipt_header")
    database.execute_sql('DROP TRIGGER "sale_no_update"')
    database.execute_sql(
        f"""CREATE TRIGGER "sale_no_update" BEFORE UPDATE ON "sale"
        WHEN NOT EXISTS (SELECT 1 FROM "journal_redaction" WHERE "sale_id" = OLD."id")
        BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END"""
    )
    database.execute_sql(
        f"""CREATE TRIGGER "sale_redaction_header_only" BEFORE UPDATE OF {others} ON "sale"
        BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END"""
    )

    database.execute_sql('DROP TRIGGER "audit_log_no_update"')
    database.execute_sql(
        """CREATE TRIGGER "audit_log_no_update" BEFORE UPDATE OF "id", "at", "actor",
        "entity", "entity_id", "action", "field", "old_clock", "new_clock" ON "audit_log"
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"""
    )
    database.execute_sql(
        """CREATE TRIGGER "audit_log_erase_only" BEFORE UPDATE OF "old_value", "new_value"
        ON "audit_log" WHEN NEW."old_value" NOT IN ('', '(erased)')
        OR NEW."new_value" NOT IN ('', '(erased)')
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"""
    )
