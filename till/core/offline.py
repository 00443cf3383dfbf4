"""Spending a customer's points or account credit on a till that has not synced recently, and
the overdrafts found once every till's entries meet.

Both ledgers are append-only and merge by union, so two tills offline can each spend the same
points (or the same deposit). A stale till therefore spends at most what the customer had at
its last sync, less what it has spent itself since; online it spends the whole balance. What
still goes below zero when the entries meet is an overdraft: kept, listed and shown, never
clipped. These functions only compute.

Why ``held_at_sync`` reads only the till's own unconfirmed entries: the local balance is the
sum of every entry this till holds. Those the server has (pushed and confirmed, or pulled) make
up the balance as of the till's last exchange with it; the rest are this till's entries the
server has not confirmed (outbox rows above ``pushed_up_to``). So

    balance at the last sync − spent here since
        = local balance − unconfirmed entries − |unconfirmed spends|
        = local balance − unconfirmed credits (earned, deposited, given back, adjusted up).

One correction: a return cancels, up to their size, the entries its sale wrote since the
sync. What it gives back of a spend since (points that paid, a sale charged on account refunded
as a credit note) may be spent again: on the server the two sum to nothing. What it takes back
of points earned here since is no spend: those points were never spendable. What a return
gives back of a spend the server already has stays locked until the till syncs, like points
earned here: a credit the server has not seen is spendable only once it has.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Unconfirmed:
    """One of this till's ledger entries that the server has not confirmed yet."""

    value: int
    """Points or minor units: positive is a credit to the customer, negative a spend."""
    sale_id: str | None = None
    """The sale that wrote it, if any."""
    returns_sale_id: str | None = None
    """For an entry written by a return: the sale returned."""


def held_at_sync(balance: int, unconfirmed: Iterable[Unconfirmed]) -> int:
    """What the customer had at this till's last sync, less what this till has spent since
    (net of what its returns moved back). ``balance``: the local balance."""
    entries = list(unconfirmed)
    spent: dict[str, int] = defaultdict(int)  # by a sale since the sync
    earned: dict[str, int] = defaultdict(int)
    given_back: dict[str, int] = defaultdict(int)  # by a return since, of the sale returned
    taken_back: dict[str, int] = defaultdict(int)
    for entry in entries:
        if entry.returns_sale_id is not None:
            moved = given_back if entry.value > 0 else taken_back
            moved[entry.returns_sale_id] += abs(entry.value)
        elif entry.sale_id is not None:
            made = earned if entry.value > 0 else spent
            made[entry.sale_id] += abs(entry.value)
    credited = sum(entry.value for entry in entries if entry.value > 0)
    # A return cancels what its sale did since the sync, up to what the sale did: what it
    # gives back of a spend is spendable again, what it takes back of points earned here
    # was never spendable, so it is no spend.
    offset = sum(min(back, spent[sale]) for sale, back in given_back.items())
    offset += sum(min(back, earned[sale]) for sale, back in taken_back.items())
    return balance - credited + offset


def is_stale(synced_at: int, now: float, offline_after: int) -> bool:
    """Whether the last complete sync (epoch seconds; 0: never) is more than ``offline_after``
    seconds ago. A sync in the future (the clock was set back) proves nothing: stale."""
    return not (synced_at and 0 <= now - synced_at <= offline_after)


@dataclass(frozen=True)
class Entry:
    """A ledger entry as the overdraft check reads it."""

    value: int
    at: datetime
    till: str = ""
    kind: str = ""
    id: str = ""


def overdrawing(entries: Sequence[Entry], floor: int = 0) -> list[Entry]:
    """The spends that left the balance below ``floor`` (0, or minus a credit limit): in time
    order, those since the balance last stood at or above it. Empty when it ends at or above."""
    ordered = sorted(entries, key=lambda entry: (entry.at, entry.id))
    running = 0
    since: list[Entry] = []
    for entry in ordered:
        running += entry.value
        if running >= floor:
            since = []
        elif entry.value < 0:
            since.append(entry)
    return since


@dataclass(frozen=True)
class Overdrawn:
    """A ledger below its floor: by how much, and the spends that took it there."""

    by: int
    entries: tuple[Entry, ...]

    @property
    def after_sync(self) -> bool:
        """Whether a spend did it (only entries from two tills can spend beyond the balance),
        rather than a return taking back what was already spent."""
        return any(entry.kind != "return" for entry in self.entries)


def overdraft(entries: Sequence[Entry], floor: int = 0) -> Overdrawn | None:
    """The overdraft of a ledger whose entries sum below ``floor``; None when there is none."""
    balance = sum(entry.value for entry in entries)
    if balance >= floor:
        return None
    return Overdrawn(floor - balance, tuple(overdrawing(entries, floor)))
