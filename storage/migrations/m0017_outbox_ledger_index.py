"""Find a ledger entry's outbox row by the entry's id, so the offline spending cap reads only
the customer's own entries (storage/offline_balance.py), however many changes wait to be
pushed. Partial indexes: the other outbox rows (sales, customers) pay nothing for them."""

STATEMENTS = [
    """CREATE INDEX "outbox_loyalty_entry" ON "outbox" ("entity_id")
        WHERE "entity" = 'loyalty_entry'""",
    """CREATE INDEX "outbox_account_entry" ON "outbox" ("entity_id")
        WHERE "entity" = 'account_entry'""",
]


def up(database) -> None:
    for statement in STATEMENTS:
        database.execute_sql(statement)
