"""The outbox: every change another till needs, appended in the transaction that makes it."""

from __future__ import annotations

import json
from typing import Any

from peewee import SQL

from storage import audit, sync_state
from storage.json_text import dumps_with
from storage.models import Outbox, database
from till.core.words import N_
from till.errors import TillError

PROTOCOL_VERSION = 1


compact_json = dumps_with(compact=True)
"""``json.dumps(…, separators=(",", ":"))``: an import appends a thousand rows a chunk."""

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
    document = compact_json({"v": PROTOCOL_VERSION, **payload})
    (cursor or database.cursor()).execute(_INSERT, (entity, entity_id, operation, document, now))


def pending(limit: int = 100) -> list[dict[str, Any]]:
    """The oldest changes the server has not confirmed (less those set aside), as dicts."""
    confirmed = sync_state.get(sync_state.PUSHED_UP_TO)
    set_aside = SQL("(SELECT seq FROM outbox_set_aside)")
    rows = (
        Outbox.select()
        .where((Outbox.seq > confirmed) & Outbox.seq.not_in(set_aside))
        .order_by(Outbox.seq)
        .limit(limit)
    )
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


def set_aside(seq: int, reason: str, actor: str, at: str) -> str:
    """Stop sending change ``seq``, which the back office refuses: it stays in the outbox,
    listed with the reason, and the changes behind it go on. Returns what it was (e.g.
    ``loyalty_entry create 0193…``); TillError if ``seq`` is not a change waiting to go."""
    with database.atomic():
        confirmed = sync_state.get(sync_state.PUSHED_UP_TO)
        row = Outbox.get_or_none(Outbox.seq == seq)
        taken = database.execute_sql("SELECT 1 FROM outbox_set_aside WHERE seq = ?", (seq,))
        if row is None or seq <= confirmed or taken.fetchone():
            raise TillError(
                N_("change {seq} is not waiting to be sent: nothing to set aside."), seq=seq
            )
        database.execute_sql(
            "INSERT INTO outbox_set_aside (seq, reason, actor, at) VALUES (?, ?, ?, ?)",
            (seq, reason, actor, at),
        )
        what = f"{row.entity} {row.operation} {row.entity_id}"
        audit.record("outbox", str(seq), "set aside", actor, at, [(what, reason, "")])
    return what


def set_aside_changes() -> list[tuple[int, str, str, str, str]]:
    """Every change set aside: (seq, what, reason, actor, at), oldest first."""
    rows = database.execute_sql(
        "SELECT s.seq, o.entity || ' ' || o.operation || ' ' || o.entity_id, s.reason, s.actor,"
        " s.at FROM outbox_set_aside AS s JOIN outbox AS o ON o.seq = s.seq ORDER BY s.seq"
    )
    return [tuple(row) for row in rows]
