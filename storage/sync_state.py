"""This till's standing with the back office (the ``sync_state`` table): how far it has
pulled the server's feed, and up to which outbox row the server has confirmed its pushes."""

from __future__ import annotations

from typing import Any

from storage.models import database

PULL_CURSOR = "pull_cursor"
PUSHED_UP_TO = "pushed_up_to"
SYNCED_AT = "synced_at"
"""Seconds since the epoch of the last complete sync; 0: never."""


def get(name: str, cursor: Any = None) -> int:
    row = (
        (cursor or database.cursor())
        .execute("SELECT value FROM sync_state WHERE name = ?", (name,))
        .fetchone()
    )
    return int(row[0]) if row else 0


def advance(name: str, value: int, cursor: Any = None) -> None:
    """Move ``name`` forward to ``value``; never back (a late answer cannot undo a newer one).
    Call inside the transaction of what it counts."""
    (cursor or database.cursor()).execute(
        "UPDATE sync_state SET value = MAX(value, ?) WHERE name = ?", (value, name)
    )


def mark_synced(at_epoch: int) -> None:
    """A complete sync (push and pull) has just finished."""
    with database.atomic():
        advance(SYNCED_AT, at_epoch)


def synced_at() -> int:
    return get(SYNCED_AT)
