"""Loyalty rules: what a sale earns, when points may be spent, and which points expire.

Points live in an append-only ledger (``storage.loyalty``): a balance is a sum, so points
earned on two tills while offline both count once they meet. These functions only compute.
"""

from __future__ import annotations

import calendar
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from till.errors import InvalidSale


@dataclass(frozen=True)
class LoyaltyProgram:
    """The shop's program, from the ``[loyalty]`` table of the configuration."""

    points_per_unit: int = 1
    """Points earned per whole currency unit spent on eligible lines."""
    categories: tuple[str, ...] = ()
    """Product categories that earn; empty means every category."""
    threshold: int = 100
    """Points a customer must hold before spending any."""
    point_value: int = 1
    """What one point is worth when spent, in minor units (1: 100 points are 1.00)."""
    expiry_months: int = 12
    """Points expire this many months after they were earned; 0 means never."""
    offline_cap: int = 500
    """At most this many points may be spent while the till cannot reach the back office."""


@dataclass(frozen=True)
class LedgerEntry:
    """One movement of points: positive (earned, added) or negative (spent, expired, removed)."""

    points: int
    created_at: datetime


def points_earned(
    lines: Iterable[tuple[str, int]],
    program: LoyaltyProgram,
    *,
    excluded_customer: bool = False,
    paid_with_points: int = 0,
    minor_per_unit: int = 100,
) -> int:
    """Points for ``(category, line total)`` pairs; none for a customer excluded from promotions,
    and none on the part of the basket that points paid for."""
    if excluded_customer:
        return 0
    eligible = sum(
        total
        for category, total in lines
        if total > 0 and (not program.categories or category in program.categories)
    )
    return max(eligible - paid_with_points, 0) * program.points_per_unit // minor_per_unit


def spendable_points(balance: int, program: LoyaltyProgram, *, online: bool) -> int:
    """Points that may be spent now: none below the threshold, and at most the offline cap
    while the back office cannot confirm the balance."""
    if balance < max(program.threshold, 1):
        return 0
    return balance if online else min(balance, program.offline_cap)


def points_for(amount: int, program: LoyaltyProgram) -> int:
    """Points that pay ``amount`` minor units exactly; refuses amounts points cannot make."""
    if amount <= 0:
        raise InvalidSale("A payment must be more than zero.")
    if amount % program.point_value:
        raise InvalidSale(f"Points pay in steps of {program.point_value} cents.")
    return amount // program.point_value


def add_months(moment: datetime, months: int) -> datetime:
    year, month = divmod(moment.month - 1 + months, 12)
    year += moment.year
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def open_batches(
    entries: Iterable[LedgerEntry], program: LoyaltyProgram
) -> list[tuple[datetime, int]]:
    """Earned points not yet used, as ``(expires at, points)``, oldest first.

    Spending and expiry use the oldest points first. A negative balance (an offline overdraft)
    is a debt that the next points earned pay off first.
    """
    batches: deque[list] = deque()
    debt = 0
    for entry in sorted(entries, key=lambda e: e.created_at):
        if entry.points > 0:
            points = entry.points
            paid = min(debt, points)
            debt, points = debt - paid, points - paid
            if points:
                expires = (
                    add_months(entry.created_at, program.expiry_months)
                    if program.expiry_months
                    else datetime.max.replace(tzinfo=entry.created_at.tzinfo)
                )
                batches.append([expires, points])
        else:
            need = -entry.points
            while need and batches:
                used = min(need, batches[0][1])
                batches[0][1] -= used
                need -= used
                if not batches[0][1]:
                    batches.popleft()
            debt += need
    return [(expires, points) for expires, points in batches]


def points_expiring(entries: Iterable[LedgerEntry], program: LoyaltyProgram, now: datetime) -> int:
    """Points that have expired by ``now`` and are still counted in the balance."""
    return sum(points for expires, points in open_batches(entries, program) if expires <= now)
