"""A customer merged as a duplicate points to the one kept (``merged_into``): the sales
journal cannot be rewritten, so its sales keep the merged-away id, and lookups, history,
figures and balances follow the pointer (storage/customer_merge.py).

The points and account ledgers stay append-only with one exception: an entry's customer may
move to the customer its customer was merged into (the merge re-points them, and an entry
arriving later from another till). Every other change to an entry is still refused."""

LEDGERS = ("loyalty_entry", "account_entry")
APPEND_ONLY = "the sales journal is append-only"


def up(database) -> None:
    database.execute_sql('ALTER TABLE "customer" ADD COLUMN "merged_into" TEXT')
    database.execute_sql('CREATE INDEX "customer_merged_into" ON "customer" ("merged_into")')
    for table in LEDGERS:
        columns = [row[1] for row in database.execute_sql(f'PRAGMA table_info("{table}")')]
        others = ", ".join(f'"{name}"' for name in columns if name != "customer_id")
        database.execute_sql(f'DROP TRIGGER "{table}_no_update"')
        database.execute_sql(
            f"""CREATE TRIGGER "{table}_no_update" BEFORE UPDATE OF {others} ON "{table}"
            BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END"""
        )
        database.execute_sql(
            f"""CREATE TRIGGER "{table}_to_survivor_only" BEFORE UPDATE OF "customer_id"
            ON "{table}" WHEN NEW."customer_id" IS NOT
                (SELECT "merged_into" FROM "customer" WHERE "id" = OLD."customer_id")
            BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END"""
        )
