"""Invoices issued before invoices went to the back office (docs/invoices.md, "Sync"): each is
queued in the outbox once, as ``storage.invoices.issue_invoice`` queues one issued now, in the
order of its till's series."""

import json

_UNSENT = (
    "SELECT id, till_no, number, code, kind, sale_id, credits_id, customer_id, issued_at,"
    " actor, document FROM invoice WHERE id NOT IN"
    " (SELECT entity_id FROM outbox WHERE entity = 'invoice') ORDER BY till_no, number"
)
_INSERT = (
    "INSERT INTO outbox (entity, entity_id, operation, payload, created_at)"
    " VALUES ('invoice', ?, 'create', ?, ?)"
)
PROTOCOL_VERSION = 1
"""The outbox's payload version when this migration was written (storage/outbox.py)."""


def up(database) -> None:
    names = ("id", "till_no", "number", "code", "kind", "sale_id", "credits_id", "customer_id")
    for row in database.execute_sql(_UNSENT).fetchall():
        *columns, issued_at, actor, document = row
        payload = {
            "v": PROTOCOL_VERSION,
            **dict(zip(names, columns, strict=True)),
            "issued_at": issued_at,
            "actor": actor,
            "document": json.loads(document),
        }
        text = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
        database.execute_sql(_INSERT, (row[0], text, issued_at))
