"""Loyalty rules: what a sale earns, when points may be spent, and which points expire.

Points live in an append-only ledger (``storage.loyalty``): a balance is a sum, so points
earned on two tills while offline both count once they meet. These functions only compute.
"""

from __future__ import annotations

import calendar
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from till.core.words import N_
from till.errors import InvalidSale, Refusal


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
    expiry_date: str = ""
    """``MM-DD``: instead, points expire at the end of that day in the year after the one they
    were earned in (``12-31``: points of 2026 last until 31 December 2027)."""
    offline_cap: int = 500
    """At most this many points may be spent while the till cannot reach the back office."""

    @property
    def expires(self) -> bool:
        return bool(self.expiry_months or self.expiry_date)

    @property
    def expiry_rule(self) -> str:
        """The expiry rule in words, for ledger reasons and screens."""
        if self.expiry_date:
            return f"points expire on {self.expiry_date} of the year after they were earned"
        return f"points older than {self.expiry_months} months"


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


def spendable_points(
    balance: int, program: LoyaltyProgram, *, online: bool, held_at_sync: int | None = None
) -> int:
    """Points that may be spent now: none below the threshold (so none while overdrawn); while
    the back office cannot confirm the balance, at most the offline cap and at most
    ``held_at_sync`` (what the customer had at the last sync less what this till spent since,
    ``till.core.offline.held_at_sync``)."""
    if balance < max(program.threshold, 1):
        return 0
    if online:
        return balance
    limit = min(balance, program.offline_cap)
    return limit if held_at_sync is None else max(min(limit, held_at_sync), 0)


def points_for(amount: int, program: LoyaltyProgram) -> int:
    """Points that pay ``amount`` minor units exactly; refuses amounts points cannot make."""
    if amount <= 0:
        raise InvalidSale(N_("A payment must be more than zero."))
    if amount % program.point_value:
        raise InvalidSale(
            N_("Points pay in steps of {step}, a point's worth in minor units."),
            step=program.point_value,
        )
    return amount // program.point_value


def add_months(moment: datetime, months: int) -> datetime:
    year, month = divmod(moment.month - 1 + months, 12)
    year += moment.year
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def expires_at(earned_at: datetime, program: LoyaltyProgram) -> datetime:
    """When points earned at ``earned_at`` expire under the program."""
    if program.expiry_date:
        month, day = parse_month_day(program.expiry_date)
        year = earned_at.astimezone().year + 1  # the shop's calendar, not UTC's
        day = min(day, calendar.monthrange(year, month)[1])
        end_of_day = datetime(year, month, day) + timedelta(days=1)
        # a naive time is read as the till's local time, summer time included
        return end_of_day.astimezone(earned_at.tzinfo)
    if program.expiry_months:
        return add_months(earned_at, program.expiry_months)
    return datetime.max.replace(tzinfo=earned_at.tzinfo)


def parse_month_day(text: str) -> tuple[int, int]:
    """``MM-DD`` as (month, day); raises a Refusal (a ValueError) with the reason."""
    month, dash, day = text.partition("-")
    if not (dash and text.isascii() and month.isdigit() and day.isdigit()):
        raise Refusal(N_("write a day of the year as MM-DD such as 12-31, got {text!r}"), text=text)
    month_no, day_no = int(month), int(day)
    if not 1 <= month_no <= 12 or not 1 <= day_no <= calendar.monthrange(2024, month_no)[1]:
        raise Refusal(N_("{text!r} is not a day of the year"), text=text)
    return month_no, day_no


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
                batches.append([expires_at(entry.created_at, program), points])
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
