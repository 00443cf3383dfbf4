"""The append-only ledgers of a customer (points, account): one row a movement, with its outbox
row for the back office, written inside the transaction of its cause."""

from __future__ import annotations

from typing import Any

from storage import outbox
from storage.customer_pointer import survivor_id
from storage.ids import new_id
from storage.models import database


def append(
    table: str,
    value_column: str,
    customer_id: str,
    kind: str,
    value: int,
    *,
    actor: str,
    at: str,
    reason: str = "",
    sale_id: str | None = None,
    cursor: Any = None,
) -> str:
    """Append one movement of ``value`` (points or money) to ``table``; returns its id."""
    entry_id = new_id()
    customer_id = survivor_id(customer_id, cursor)  # a customer merged away since
    (cursor or database.cursor()).execute(
        f"INSERT INTO {table} (id, customer_id, kind, {value_column}, sale_id, reason, actor,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (entry_id, customer_id, kind, value, sale_id, reason, actor, at),
    )
    payload = {
        "id": entry_id,
        "customer_id": customer_id,
        "kind": kind,
        value_column: value,
        "sale_id": sale_id,
        "reason": reason,
        "actor": actor,
        "at": at,
    }
    outbox.append(table, entry_id, "create", payload, at, cursor=cursor)
    return entry_id
