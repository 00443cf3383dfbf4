"""Merging a record's fields across tills: each field keeps the value with the later clock
(last writer wins, field by field). Clocks are hybrid logical clocks in their text form
(till/core/hlc.py), which order as text: wall time, then counter, then node (the till), so
of two stamps made in the same millisecond with the same counter the higher node wins.
Equal clocks with different values (one till's stamp reused: a restored database) are
settled by the values' JSON text, higher wins, so every replica still picks the same one.

A deletion wins over every edit, older or newer: the record is not brought back, and each
edit that arrives after it is a loss. (A till that edited offline held only the fields it
changed, never the whole record, so an edit cannot bring back what was deleted.)

The same function decides on every till and on the server, so they converge whatever order
the changes arrive in: the rule is commutative, associative and idempotent."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from till.core.hlc import from_time, is_node

DELETED = "deleted"
"""The pseudo-field a deletion's clock is stamped on."""

UNSTAMPED = ""
"""The clock of a value written before clocks existed: older than every clock."""


@dataclass(frozen=True)
class Version:
    """A field's value and the clock that wrote it (UNSTAMPED: before clocks)."""

    value: Any
    clock: str
    till: str = ""
    """The till that wrote it, as the server names it ("": this till)."""


@dataclass(frozen=True)
class Loss:
    """A value that lost, beside the one that won."""

    field: str
    winner: Version
    loser: Version
    held_lost: bool
    """True: the value held here was replaced; False: the incoming value was ignored."""


@dataclass(frozen=True)
class Merge:
    """What applying incoming versions does: ``take`` is what to write (values or only newer
    clocks for the same value), ``losses`` what the audit log keeps."""

    take: dict[str, Version] = field(default_factory=dict)
    losses: tuple[Loss, ...] = ()


def beats(challenger: Version, holder: Version) -> bool:
    """Whether ``challenger`` replaces ``holder``."""
    return (challenger.clock, _canonical(challenger.value)) > (
        holder.clock,
        _canonical(holder.value),
    )


def merge(held: Mapping[str, Version], incoming: Mapping[str, Version]) -> Merge:
    """Merge ``incoming`` into ``held``, field by field. A field not held is taken."""
    take: dict[str, Version] = {}
    losses: list[Loss] = []
    for name, theirs in incoming.items():
        ours = held.get(name)
        if ours is None:
            take[name] = theirs
        elif _canonical(ours.value) == _canonical(theirs.value):
            if theirs.clock > ours.clock:
                take[name] = theirs  # the same value, written again later: keep the later clock
        elif beats(theirs, ours):
            take[name] = theirs
            losses.append(Loss(name, theirs, ours, held_lost=True))
        else:
            losses.append(Loss(name, ours, theirs, held_lost=False))
    return Merge(take, tuple(losses))


def after_deletion(deletion: Version, incoming: Mapping[str, Version]) -> Merge:
    """Edits that arrive for a deleted record: each one is lost to the deletion."""
    return Merge(
        {},
        tuple(Loss(name, deletion, theirs, held_lost=False) for name, theirs in incoming.items()),
    )


def _canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def versions_of(
    values: Mapping[str, Any], clocks: Mapping[str, str] | None, at: str, till: str
) -> dict[str, Version]:
    """A change's values as versions: each with its clock, or, for a change written before
    clocks existed, the clock of the time it says it was made (``at``) and its till. Every
    replica (tills and server) reads a change this same way."""
    if clocks is None:
        legacy = str(from_time(at, till if is_node(till) else "unknown"))
        clocks = dict.fromkeys(values, legacy)
    return {name: Version(value, clocks[name], till) for name, value in values.items()}
