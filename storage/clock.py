"""This till's hybrid logical clock (till/core/hlc.py), kept in the database (``hlc_clock``)
so it moves forward across restarts and whatever the wall clock does. Stamp and witness
inside the transaction of the change they belong to."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from storage.models import database
from till.core.hlc import Hlc, absorbable, is_node

_pending: ContextVar[list[str] | None] = ContextVar("witnessed", default=None)


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def stamp(now: int | None = None) -> str:
    """A fresh clock for a change made on this till, later than every clock it has made or
    seen."""
    clock = _load().tick(now_ms() if now is None else now)
    _store(clock)
    return str(clock)


def stamps(count: int, now: int | None = None) -> list[str]:
    """``count`` fresh clocks, each later than the one before (``stamp`` ``count`` times, with
    one read and one write of the clock for them all: an import's thousand customers)."""
    clock = _load()
    wall = now_ms() if now is None else now
    made = []
    for _ in range(count):
        clock = clock.tick(wall)
        made.append(str(clock))
    if made:
        _store(clock)
    return made


def witness(clocks: Iterable[str], now: int | None = None) -> None:
    """Clocks from another till have been seen: later local changes stamp past them. Inside
    ``witnessing()`` only the latest is noted, and written once when the block ends."""
    latest = max(clocks, default="")
    if not latest:
        return
    pending = _pending.get()
    if pending is not None:
        pending.append(latest)
        return
    _receive(latest, now)


@contextmanager
def witnessing() -> Iterator[None]:
    """Note the clocks witnessed in the block (a pull's changes) and move this till's clock
    past the latest once, at the end: one write instead of one per change."""
    pending: list[str] = []
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)
    if pending:
        _receive(max(pending), None)


def _receive(latest: str, now: int | None) -> None:
    wall = now_ms() if now is None else now
    _store(_load().receive(absorbable(Hlc.parse(latest), wall), wall))


def adopt_node(name: str) -> None:
    """Stamp from now on in ``name`` (the till's name on the server, once it syncs): ties then
    go by till name. Clocks already made keep their node; this till's clock only moves
    forward, so no two of its stamps can tie whatever their nodes."""
    if is_node(name):
        database.execute_sql(
            "UPDATE hlc_clock SET node = ? WHERE id = 1 AND node <> ?", (name, name)
        )


def current() -> Hlc:
    return _load()


def _load() -> Hlc:
    node, wall, counter = database.execute_sql(
        "SELECT node, wall_ms, counter FROM hlc_clock WHERE id = 1"
    ).fetchone()
    return Hlc(wall, counter, node)


def _store(clock: Hlc) -> None:
    database.execute_sql(
        "UPDATE hlc_clock SET wall_ms = ?, counter = ? WHERE id = 1",
        (clock.wall_ms, clock.counter),
    )
