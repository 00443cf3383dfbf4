"""The outbox: every change another till needs, appended in the transaction that makes it."""

from __future__ import annotations

import json
from typing import Any

from storage.models import Outbox

PROTOCOL_VERSION = 1


def append(entity: str, entity_id: str, operation: str, payload: dict[str, Any], now: str) -> None:
    """Queue a change for the back office. Call inside the transaction that makes the change."""
    Outbox.insert(
        entity=entity,
        entity_id=entity_id,
        operation=operation,
        payload=json.dumps({"v": PROTOCOL_VERSION, **payload}, separators=(",", ":")),
        created_at=now,
    ).execute()


def pending(limit: int = 100) -> list[dict[str, Any]]:
    """The oldest changes not yet pushed, as plain dicts."""
    rows = Outbox.select().order_by(Outbox.seq).limit(limit)
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
