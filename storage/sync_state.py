"""This till's standing with the back office (the ``sync_state`` table): how far it has
pulled the server's feed, and up to which outbox row the server has confirmed its pushes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from storage import index_build
from storage.db import PRAGMAS
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


PULL_CACHE_KB = 32 * 1024
"""The page cache of the pulling connection while it pulls (``cache_size`` is 1 MB
otherwise): a transaction of new customers dirties a few thousand pages of the customer
indexes, and those that do not fit are written to the WAL before the commit, then again."""
PULL_CHECKPOINT_PAGES = 8_192
"""WAL pages (32 MB) between the pull's checkpoints (SQLite's default is 1,000): a page the
pull rewrites in several transactions is copied into the database once per checkpoint, and
each checkpoint waits for the disk twice."""


@contextmanager
def pulling() -> Iterator[None]:
    """Around a pull's transactions on this thread's connection: their commits do not wait
    for the disk (``synchronous = NORMAL``; the database is in WAL mode, so it stays sound).
    A power cut may then undo the last pages applied, each with its cursor (one
    transaction), and the next pull fetches them again from the server, which holds them.
    The next commit made with FULL (a sale's) makes them durable with it. A new till's first
    sync commits hundreds of times: each waiting for the disk took ~16 ms here. Meanwhile the
    connection has a larger page cache and checkpoints less often (``PULL_CACHE_KB``,
    ``PULL_CHECKPOINT_PAGES``): a first sync of 100,000 customers wrote 5.1 GB to the disk
    for a 243 MB database, 2.9 GB with these and transactions of 500 (bench/sync_initial.py).
    On a new till (no customer, nothing pulled), the customer indexes only searches read are
    dropped first and built again once the pull ends, however it ends
    (storage/index_build.py)."""
    cache = database.execute_sql("PRAGMA cache_size").fetchone()[0]
    checkpoint = database.execute_sql("PRAGMA wal_autocheckpoint").fetchone()[0]
    database.execute_sql("PRAGMA synchronous = NORMAL")
    database.execute_sql(f"PRAGMA cache_size = {-PULL_CACHE_KB}")
    database.execute_sql(f"PRAGMA wal_autocheckpoint = {PULL_CHECKPOINT_PAGES}")
    set_aside: dict[str, str] = {}
    try:
        if get(PULL_CURSOR) == 0:
            set_aside = index_build.set_aside()
        yield
    finally:
        try:
            index_build.build_back(set_aside)  # with the pull's larger cache to sort in
        finally:
            database.execute_sql(f"PRAGMA synchronous = {PRAGMAS['synchronous']}")
            database.execute_sql(f"PRAGMA cache_size = {int(cache)}")
            database.execute_sql(f"PRAGMA wal_autocheckpoint = {int(checkpoint)}")
