"""The clock and origin till of each field of a synced record (``field_clock``), and the
tombstones of deleted ones (the pseudo-field ``deleted``). Call inside the change's
transaction."""

from __future__ import annotations

from collections.abc import Iterable

from storage.models import database
from till.core.merge import DELETED


def held(entity: str, entity_id: str) -> dict[str, tuple[str, str]]:
    """Each stamped field's ``(clock, till)``."""
    rows = database.execute_sql(
        "SELECT field, clock, till FROM field_clock WHERE entity = ? AND entity_id = ?",
        (entity, entity_id),
    )
    return {field: (clock, till) for field, clock, till in rows}


_STAMP = (
    "INSERT INTO field_clock (entity, entity_id, field, clock, till) VALUES (?, ?, ?, ?, ?)"
    " ON CONFLICT (entity, entity_id, field) DO UPDATE SET clock = excluded.clock,"
    " till = excluded.till"
)


def stamp(entity: str, entity_id: str, clocks: dict[str, str], till: str = "") -> None:
    """Record the clock each field now holds, and which till wrote it ("": this one)."""
    database.cursor().executemany(
        _STAMP, [(entity, entity_id, field, clock, till) for field, clock in clocks.items()]
    )


def stamp_many(entity: str, stamps: Iterable[tuple[str, dict[str, str], str]]) -> None:
    """``stamp`` for several records, ``(entity_id, clocks, till)`` each, in one statement."""
    database.cursor().executemany(
        _STAMP,
        [
            (entity, entity_id, field, clock, till)
            for entity_id, clocks, till in stamps
            for field, clock in clocks.items()
        ],
    )


def deleted(entity: str, entity_id: str) -> tuple[str, str] | None:
    """The deletion's ``(clock, till)`` of a deleted record; None if it is not deleted."""
    row = database.execute_sql(
        "SELECT clock, till FROM field_clock WHERE entity = ? AND entity_id = ? AND field = ?",
        (entity, entity_id, DELETED),
    ).fetchone()
    return (row[0], row[1]) if row else None


def bury(entity: str, entity_ids: Iterable[str], clock: str, till: str = "") -> None:
    """The records are deleted: only their tombstone stays (the later of two deletions)."""
    for entity_id in entity_ids:
        database.execute_sql(
            "DELETE FROM field_clock WHERE entity = ? AND entity_id = ? AND field <> ?",
            (entity, entity_id, DELETED),
        )
        database.execute_sql(
            "INSERT INTO field_clock (entity, entity_id, field, clock, till)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (entity, entity_id, field) DO UPDATE"
            " SET clock = excluded.clock, till = excluded.till WHERE excluded.clock > clock",
            (entity, entity_id, DELETED, clock, till),
        )
