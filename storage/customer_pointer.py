"""Where a merged-away customer points (``customer.merged_into``, m0019): the survivor, and
every id whose sales and entries count as the survivor's. The sales journal is never
rewritten, so a merged-away customer's sales keep its id; readers follow the pointer here."""

from __future__ import annotations

from typing import Any

from storage.models import database

MAX_HOPS = 8
"""A merge re-points the customers already merged into the one it merges away, so a chain
is one hop; a few more tolerate a till that applied merges in an unusual order."""


def survivor_id(customer_id: str, cursor: Any = None) -> str:
    """The customer ``customer_id`` was merged into (itself when it was not)."""
    execute = (cursor or database.cursor()).execute
    current = customer_id
    for _ in range(MAX_HOPS):
        row = execute("SELECT merged_into FROM customer WHERE id = ?", (current,)).fetchone()
        if row is None or not row[0]:
            return current
        current = row[0]
    return current


def ids_counted_as(customer_id: str) -> list[str]:
    """The survivor of ``customer_id`` first, then every customer merged into it: the ids
    whose sales are the survivor's history."""
    survivor = survivor_id(customer_id)
    merged = database.execute_sql(
        "SELECT id FROM customer WHERE merged_into = ? ORDER BY id", (survivor,)
    )
    return [survivor, *(row[0] for row in merged)]
