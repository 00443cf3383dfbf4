"""This till's hybrid logical clock (till/core/hlc.py), kept in the database (``hlc_clock``)
so it moves forward across restarts and whatever the wall clock does. Stamp and witness
inside the transaction of the change they belong to."""

from __future__ import annotations

import time

from storage.models import database
from till.core.hlc import Hlc


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def stamp(now: int | None = None) -> str:
    """A fresh clock for a change made on this till, later than every clock it has made or
    seen."""
    clock = _load().tick(now_ms() if now is None else now)
    _store(clock)
    return str(clock)


def witness(clocks: list[str], now: int | None = None) -> None:
    """Clocks from another till have been seen: later local changes stamp past them."""
    if not clocks:
        return
    current = _load()
    wall = now_ms() if now is None else now
    for text in clocks:
        current = current.receive(Hlc.parse(text), wall)
    _store(current)


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
