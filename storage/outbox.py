"""The outbox: every change another till needs, appended in the transaction that makes it."""

from __future__ import annotations

import json
from typing import Any

from storage import sync_state
from storage.models import Outbox, database

PROTOCOL_VERSION = 1


_INSERT = (
    "INSERT INTO outbox (entity, entity_id, operation, payload, created_at) VALUES (?, ?, ?, ?, ?)"
)


def append(
    entity: str,
    entity_id: str,
    operation: str,
    payload: dict[str, Any],
    now: str,
    *,
    cursor: Any = None,
) -> None:
    """Queue a change for the back office. Call inside the transaction that makes the change."""
    document = json.dumps({"v": PROTOCOL_VERSION, **payload}, separators=(",", ":"))
    (cursor or database.cursor()).execute(_INSERT, (entity, entity_id, operation, document, now))


def pending(limit: int = 100) -> list[dict[str, Any]]:
    """The oldest changes the server has not confirmed, as plain dicts."""
    confirmed = sync_state.get(sync_state.PUSHED_UP_TO)
    rows = Outbox.select().where(Outbox.seq > confirmed).order_by(Outbox.seq).limit(limit)
    return [
        {
            "seq": row.seq,
            "entity": row.entity,
            "entity_id": row.entity_id,
            "operation": row.operation,
            "payload": json.loads(row.payload),
        }
        for row in rows
    ]


def pending_count() -> int:
    """How many changes the server has not confirmed yet."""
    confirmed = sync_state.get(sync_state.PUSHED_UP_TO)
    return Outbox.select().where(Outbox.seq > confirmed).count()


def acknowledge(up_to_seq: int) -> None:
    """The server confirmed every change up to ``up_to_seq``: they are no longer pending.
    The rows stay (nothing the server has not confirmed is ever removed, and the confirmed
    ones are kept until a pruning rule exists); a late, lower answer changes nothing."""
    with database.atomic():
        sync_state.advance(sync_state.PUSHED_UP_TO, up_to_seq)
