"""Hybrid logical clocks: a wall time in milliseconds, a counter for events within one
millisecond (or while the wall clock stands behind a time already seen), and the node that
made the stamp. Clocks order by (wall, counter, node); their text form orders the same way
as plain text, so a database or a JSON document can hold and compare them as strings.

Text form: ``<wall: 12 hex digits>-<counter: 4 hex digits>-<node>``, e.g.
``0193a2b4c5d6-0000-north``. Text from the network is parsed strictly and bounded."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

WALL_DIGITS = 12
COUNTER_DIGITS = 4
MAX_WALL_MS = 16**WALL_DIGITS - 1
"""Year 10889: far beyond any clock, and the fixed width keeps text order."""
MAX_COUNTER = 16**COUNTER_DIGITS - 1
MAX_NODE = 40
MAX_TEXT = WALL_DIGITS + 1 + COUNTER_DIGITS + 1 + MAX_NODE

_NODE = r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}"
_NODE_ONLY = re.compile(rf"^{_NODE}\Z")
_TEXT = re.compile(rf"^([0-9a-f]{{{WALL_DIGITS}}})-([0-9a-f]{{{COUNTER_DIGITS}}})-({_NODE})\Z")


class ClockError(ValueError):
    """Text that is not a clock, or a clock pushed past its range."""


@dataclass(frozen=True, order=True)
class Hlc:
    """One stamp. ``tick`` and ``receive`` return the next one; a stamp never changes."""

    wall_ms: int
    counter: int
    node: str

    def __post_init__(self) -> None:
        if not 0 <= self.wall_ms <= MAX_WALL_MS:
            raise ClockError(f"wall time {self.wall_ms} is outside 0 to {MAX_WALL_MS}.")
        if not 0 <= self.counter <= MAX_COUNTER:
            raise ClockError(f"counter {self.counter} is outside 0 to {MAX_COUNTER}.")
        if not isinstance(self.node, str) or not _NODE_ONLY.match(self.node):
            raise ClockError(
                f"node {self.node!r}: 1 to {MAX_NODE} letters, digits, '.', '_' or '-'."
            )

    def __str__(self) -> str:
        return f"{self.wall_ms:0{WALL_DIGITS}x}-{self.counter:0{COUNTER_DIGITS}x}-{self.node}"

    @classmethod
    def parse(cls, text: object) -> Hlc:
        """The clock ``text`` writes; anything else (wrong type, too long, upper-case hex,
        missing parts) is refused with ClockError."""
        if not isinstance(text, str) or len(text) > MAX_TEXT:
            raise ClockError("not a clock.")
        match = _TEXT.match(text)
        if match is None:
            raise ClockError("not a clock.")
        wall, counter, node = match.groups()
        return cls(int(wall, 16), int(counter, 16), node)

    def tick(self, now_ms: int) -> Hlc:
        """The stamp of a local event at wall time ``now_ms``: later than this one even when
        the wall clock has gone back."""
        wall = max(self.wall_ms, now_ms)
        return _next(wall, self.counter + 1 if wall == self.wall_ms else 0, self.node)

    def receive(self, remote: Hlc, now_ms: int) -> Hlc:
        """This node's clock after seeing ``remote``: later than both."""
        wall = max(self.wall_ms, remote.wall_ms, now_ms)
        if wall == self.wall_ms == remote.wall_ms:
            counter = max(self.counter, remote.counter) + 1
        elif wall == self.wall_ms:
            counter = self.counter + 1
        elif wall == remote.wall_ms:
            counter = remote.counter + 1
        else:
            counter = 0
        return _next(wall, counter, self.node)


MAX_AHEAD_MS = 24 * 3600 * 1000
"""How far ahead of this node's wall clock a remote clock may carry it: a till whose clock
is a day fast, or a hostile one stamping the year 10000, cannot run every clock into its
limit."""


def absorbable(remote: Hlc, now_ms: int) -> Hlc:
    """``remote`` as far as a node at wall time ``now_ms`` follows it: unchanged, or brought
    back to MAX_AHEAD_MS past now. (Its value still merges with its own clock.)"""
    limit = now_ms + MAX_AHEAD_MS
    return remote if remote.wall_ms <= limit else Hlc(max(0, limit), 0, remote.node)


def start(node: str) -> Hlc:
    """A node's clock before its first event."""
    return Hlc(0, 0, node)


def is_node(name: str) -> bool:
    return _NODE_ONLY.match(name) is not None


def _next(wall: int, counter: int, node: str) -> Hlc:
    if counter > MAX_COUNTER:  # 65,536 events in one millisecond: borrow the next one
        wall, counter = wall + 1, 0
    return Hlc(wall, counter, node)  # ClockError past year 10889


def from_time(at: str, node: str) -> Hlc:
    """The clock a change made before clocks existed counts with: the time it says it was
    made (ISO 8601 with an offset), counter 0, the till that made it."""
    moment = datetime.fromisoformat(at)
    if moment.tzinfo is None:
        raise ClockError(f"{at!r} says no time zone.")
    return Hlc(max(0, int(moment.timestamp() * 1000)), 0, node)
