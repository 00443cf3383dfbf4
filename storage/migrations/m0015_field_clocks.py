"""Customer fields merge across tills by a hybrid logical clock per field.

- ``hlc_clock``: this till's clock (one row), so a restart, or a wall clock set back, never
  stamps a change earlier than one already made. Its node is a name made here, once.
- ``field_clock``: the clock and the origin till of each field of each synced record
  (``customer``, ``customer_address``), and a deletion's clock on the pseudo-field
  ``deleted`` (the record's tombstone: a deleted record is not brought back).
- ``origin_till`` on customers and addresses: the till that made the row ("" here).
- ``old_clock`` and ``new_clock`` on the audit log: a merge keeps the losing value with both
  clocks.

The fields this till already changed are stamped with the time its audit log gives them,
deletions recorded there become tombstones, and the pull cursor goes back to 0: the feed is
replayed (inserts are by id, merges by clock, the till's own changes are passed over), which
brings in the customer updates earlier versions passed over."""

from __future__ import annotations

import secrets
from datetime import datetime

from till.core.customer import EDITABLE
from till.core.hlc import Hlc

STATEMENTS = [
    """CREATE TABLE "hlc_clock" ("id" INTEGER NOT NULL PRIMARY KEY CHECK ("id" = 1),
        "node" TEXT NOT NULL, "wall_ms" INTEGER NOT NULL, "counter" INTEGER NOT NULL)""",
    """CREATE TABLE "field_clock" ("entity" TEXT NOT NULL, "entity_id" TEXT NOT NULL,
        "field" TEXT NOT NULL, "clock" TEXT NOT NULL, "till" TEXT NOT NULL,
        PRIMARY KEY ("entity", "entity_id", "field"))""",
    """ALTER TABLE "customer" ADD COLUMN "origin_till" TEXT NOT NULL DEFAULT ''""",
    """ALTER TABLE "customer_address" ADD COLUMN "origin_till" TEXT NOT NULL DEFAULT ''""",
    """ALTER TABLE "audit_log" ADD COLUMN "old_clock" TEXT NOT NULL DEFAULT ''""",
    """ALTER TABLE "audit_log" ADD COLUMN "new_clock" TEXT NOT NULL DEFAULT ''""",
]

_CUSTOMER_FIELDS = frozenset(EDITABLE) | {"card_number", "active"}
_STAMPED_ACTIONS = ("create", "update", "card", "deactivate", "reactivate")


def up(database) -> None:
    for statement in STATEMENTS:
        database.execute_sql(statement)
    node = f"till-{secrets.token_hex(6)}"
    latest = 0
    rows = database.execute_sql(
        "SELECT entity_id, field, action, MAX(at) FROM audit_log WHERE entity = 'customer'"
        " AND action IN ('create', 'update', 'card', 'deactivate', 'reactivate', 'delete')"
        " GROUP BY entity_id, field, action"
    ).fetchall()
    stamps: dict[tuple[str, str], int] = {}
    for entity_id, field, action, at in rows:
        name = "deleted" if action == "delete" else field
        if action in _STAMPED_ACTIONS and field not in _CUSTOMER_FIELDS:
            continue
        wall = _millis(at)
        if wall is not None:
            stamps[entity_id, name] = max(wall, stamps.get((entity_id, name), 0))
    for (entity_id, name), wall in stamps.items():
        database.execute_sql(
            "INSERT INTO field_clock (entity, entity_id, field, clock, till)"
            " VALUES ('customer', ?, ?, ?, '')",
            (entity_id, name, str(Hlc(wall, 0, node))),
        )
        latest = max(latest, wall)
    # Fields of a deleted customer are gone with it: only the tombstone stays.
    database.execute_sql(
        "DELETE FROM field_clock WHERE field <> 'deleted' AND entity_id IN"
        " (SELECT entity_id FROM field_clock WHERE field = 'deleted')"
    )
    database.execute_sql(
        "INSERT INTO hlc_clock (id, node, wall_ms, counter) VALUES (1, ?, ?, 0)", (node, latest)
    )
    replay_feed(database)


def replay_feed(database) -> None:
    """Pull the server's feed again from its start: the changes earlier versions passed over
    are applied now, and the rest changes nothing (entries and customers are inserted by id
    when absent, fields merge by clock, a tombstone keeps a deleted customer deleted)."""
    database.execute_sql("UPDATE sync_state SET value = 0 WHERE name = 'pull_cursor'")


def _millis(at: str) -> int | None:
    try:
        moment = datetime.fromisoformat(at)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        return None
    return max(0, int(moment.timestamp() * 1000))
