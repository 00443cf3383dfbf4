"""Signed seals over every legal chain (docs/journal.md): the ``journal_seal`` table, the
technical and legal event log ``journal_event``, and a place in its chain (``chain_seq``) for
each entry of the points ledger, the account ledger and the audit log.

Rows written before this migration join their chain in the order they were written (time,
then id) and are covered by one unsigned seal a chain, made here: no key is at hand during a
migration. Every later seal is signed; ``storage/journal_check.py`` accepts an unsigned seal
only as the first of its chain.

A ledger entry's customer may move along a merge (m0019): its chain covers the customer it
was booked for (``booked_for``), and the check follows the merges from there.

An audit row's old and new values may be erased on request (m0020), so its chain covers them
through ``value_digest``: SHA-256 of a random salt and the two values, the salt kept beside
them and erased with them (storage/journal_names.py explains the same idea for names).
"""

from storage.journal_chains import (
    AUDIT,
    LEDGER_CHAINS,
    audit_payload,
    chain_hash,
    genesis,
    ledger_payload,
)
from storage.migrations.m0001_initial import append_only

SEAL_ONLY = "journal seals are append-only"
LEDGERS = ("loyalty_entry", "account_entry")
CHAINED = (*LEDGERS, "audit_log")

STATEMENTS = [
    """CREATE TABLE "journal_seal" ("id" INTEGER NOT NULL PRIMARY KEY,
        "chain" TEXT NOT NULL, "seq" INTEGER NOT NULL, "head" TEXT NOT NULL,
        "sealed_at" TEXT NOT NULL, "key_id" TEXT NOT NULL, "signature" TEXT NOT NULL)""",
    'CREATE UNIQUE INDEX "journal_seal_chain_seq" ON "journal_seal" ("chain", "seq")',
    """CREATE TABLE "journal_event" ("id" TEXT NOT NULL PRIMARY KEY,
        "chain_seq" INTEGER NOT NULL, "at" TEXT NOT NULL, "till_no" INTEGER NOT NULL,
        "kind" TEXT NOT NULL, "actor" TEXT NOT NULL, "details" TEXT NOT NULL)""",
    'CREATE UNIQUE INDEX "journal_event_chain_seq" ON "journal_event" ("chain_seq")',
    'CREATE INDEX "journal_event_at" ON "journal_event" ("at")',
    *(f'ALTER TABLE "{table}" ADD COLUMN "chain_seq" INTEGER' for table in CHAINED),
    *(f'CREATE UNIQUE INDEX "{table}_chain_seq" ON "{table}" ("chain_seq")' for table in CHAINED),
    *(f'ALTER TABLE "{table}" ADD COLUMN "booked_for" TEXT' for table in LEDGERS),
    *(f'UPDATE "{table}" SET "booked_for" = "customer_id"' for table in LEDGERS),
    """ALTER TABLE "audit_log" ADD COLUMN "value_digest" TEXT NOT NULL DEFAULT ''""",
    """ALTER TABLE "audit_log" ADD COLUMN "value_salt" TEXT NOT NULL DEFAULT ''""",
]

PROTECTIONS = [
    *append_only("journal_seal"),
    *append_only("journal_event"),
    *(
        f"""CREATE TRIGGER "{table}_chain_no_update" BEFORE UPDATE OF "chain_seq" ON "{table}"
        BEGIN SELECT RAISE(ABORT, 'the sales journal is append-only'); END"""
        for table in CHAINED
    ),
    *(
        f"""CREATE TRIGGER "{table}_booked_no_update" BEFORE UPDATE OF "booked_for" ON "{table}"
        BEGIN SELECT RAISE(ABORT, 'the sales journal is append-only'); END"""
        for table in LEDGERS
    ),
    """CREATE TRIGGER "audit_log_digest_no_update" BEFORE UPDATE OF "value_digest"
        ON "audit_log" BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
    """CREATE TRIGGER "audit_log_salt_erase_only" BEFORE UPDATE OF "value_salt" ON "audit_log"
        WHEN NEW."value_salt" != ''
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
]


def up(database) -> None:
    for statement in STATEMENTS:
        database.execute_sql(statement)
    for chain, table in LEDGER_CHAINS.items():
        _chain_legacy(database, chain, table, "created_at", ledger_payload)
    _chain_legacy(database, AUDIT, "audit_log", "at", audit_payload)
    for till_no, receipt_no, head in database.execute_sql(
        "SELECT till_no, receipt_no, journal_hash FROM sale s WHERE receipt_no ="
        " (SELECT MAX(receipt_no) FROM sale WHERE till_no = s.till_no)"
    ).fetchall():
        _unsigned_seal(database, f"sale/{till_no}", receipt_no, head)
    for statement in PROTECTIONS:
        database.execute_sql(statement)


def _chain_legacy(database, chain: str, table: str, time_column: str, payload) -> None:
    """Number the rows already there and seal them, unsigned."""
    ids = [
        row[0]
        for row in database.execute_sql(
            f'SELECT "id" FROM "{table}" ORDER BY "{time_column}", "id"'
        ).fetchall()
    ]
    if not ids:
        return
    database.execute_sql("CREATE TEMP TABLE chain_order (id TEXT PRIMARY KEY, seq INTEGER)")
    database.cursor().executemany(
        "INSERT INTO chain_order VALUES (?, ?)", [(i, n) for n, i in enumerate(ids, 1)]
    )
    database.execute_sql(
        f'UPDATE "{table}" SET "chain_seq" = (SELECT seq FROM chain_order'
        f' WHERE chain_order.id = "{table}".id)'
    )
    database.execute_sql("DROP TABLE chain_order")
    head = genesis(chain)
    cursor = database.execute_sql(f'SELECT * FROM "{table}" ORDER BY "chain_seq"')
    names = [column[0] for column in cursor.description]
    for row in cursor:
        head = chain_hash(head, payload(dict(zip(names, row, strict=True))))
    _unsigned_seal(database, chain, len(ids), head)


def _unsigned_seal(database, chain: str, seq: int, head: str) -> None:
    database.execute_sql(
        "INSERT INTO journal_seal (chain, seq, head, sealed_at, key_id, signature)"
        " VALUES (?, ?, ?, strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now'), '', '')",
        (chain, seq, head),
    )
