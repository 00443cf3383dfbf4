"""Subscription cards (docs/subscriptions.md): a plan sold as a product gives its holder a
percentage off, on everything or on some categories, from one day to another inclusive.

Plain rules, no storage: the period a purchase gives, which periods hold on a day, the
benefit a line gets, and when the cashier should hear that one ends soon."""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from till.core.bounds import MAX_PERCENT_BP
from till.core.words import N_
from till.errors import InvalidSale

MAX_DAYS = 3_660
"""A plan lasts at most about ten years, whatever its unit."""
MAX_MONTHS = 120
MAX_NAME = 40
"""Characters of a plan's name: it is printed beside each line it discounts."""
MAX_CATEGORIES = 50
MAX_CATEGORY = 100
MAX_UNITS = 10
"""Cards of one plan on one sale: each extends the last, so ten years at most a sale."""
RECENTLY_ENDED_DAYS = 30
"""An ended subscription is still told to the cashier this many days after its end."""


class DurationUnit(StrEnum):
    DAYS = "days"
    MONTHS = "months"


@dataclass(frozen=True)
class Plan:
    """A subscription plan: the product that sells it, its name, how long it lasts and what
    it takes off (its price is the product's)."""

    product_id: str
    name: str
    duration: int
    unit: DurationUnit
    discount_bp: int
    categories: tuple[str, ...] = ()
    """The categories it discounts; empty: everything."""


@dataclass(frozen=True)
class Benefit:
    """What a valid subscription takes off a sale's lines: a plan's name, its rate, and the
    categories it covers (empty: every line)."""

    name: str
    discount_bp: int
    categories: tuple[str, ...] = ()

    def covers(self, category: str) -> bool:
        return not self.categories or category in self.categories

    @classmethod
    def from_data(cls, data: Benefit | dict[str, Any]) -> Benefit:
        """A benefit read back from an open or parked sale kept as JSON."""
        if isinstance(data, Benefit):
            return data
        return cls(str(data["name"]), int(data["discount_bp"]), tuple(data.get("categories", ())))


@dataclass(frozen=True)
class Period:
    """One purchase of a plan by a customer: from ``starts`` to ``ends`` inclusive, unless
    the refund of its sale cancelled it."""

    id: str
    plan: str
    """The plan's product id."""
    benefit: Benefit
    starts: date
    ends: date
    sale_id: str = ""
    created_at: str = ""
    cancelled: bool = False

    def holds_on(self, day: date) -> bool:
        return not self.cancelled and self.starts <= day <= self.ends


@dataclass(frozen=True)
class Standing:
    """A customer's subscriptions as the cashier and the customer file see them."""

    periods: tuple[Period, ...] = field(default_factory=tuple)
    """Every purchase, newest first, cancelled ones included (the history)."""

    def current(self, day: date) -> Period | None:
        """The period that holds on ``day`` and ends last, or None."""
        holding = [p for p in self.periods if p.holds_on(day)]
        return max(holding, key=lambda p: p.ends, default=None)

    def valid_until(self, day: date) -> tuple[str, date] | None:
        """The plan that holds on ``day`` and the last day it holds without a break, renewals
        bought ahead included; None when none holds."""
        current = self.current(day)
        if current is None:
            return None
        ends = current.ends
        chained = sorted(
            (p for p in self.periods if p.plan == current.plan and not p.cancelled),
            key=lambda p: p.starts,
        )
        for period in chained:
            if period.starts <= ends + timedelta(days=1):
                ends = max(ends, period.ends)
        return current.benefit.name, ends

    def last(self) -> Period | None:
        """The period that ends last, whatever the day (none cancelled)."""
        return max((p for p in self.periods if not p.cancelled), key=lambda p: p.ends, default=None)

    def benefits(self, day: date) -> tuple[Benefit, ...]:
        """The benefits that hold on ``day``, one for each plan."""
        found: dict[str, Benefit] = {}
        for period in self.periods:
            if period.holds_on(day):
                found.setdefault(period.plan, period.benefit)
        return tuple(found.values())


def add_months(day: date, months: int) -> date:
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    return day.replace(year=year, month=month + 1, day=min(day.day, _month_days(year, month + 1)))


def _month_days(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def period_after(plan: Plan, last_end: date | None, today: date) -> tuple[date, date]:
    """The days a new card of ``plan`` covers: from the day after the current period of the
    same plan while it still holds (a renewal extends it), else from ``today``; inclusive."""
    starts = last_end + timedelta(days=1) if last_end and last_end >= today else today
    if plan.unit is DurationUnit.MONTHS:
        ends = add_months(starts, plan.duration) - timedelta(days=1)
    else:
        ends = starts + timedelta(days=plan.duration - 1)
    return starts, ends


def line_benefit(benefits: Iterable[Benefit], category: str) -> Benefit | None:
    """The best benefit for a line of ``category``; None when none covers it."""
    covering = [b for b in benefits if b.discount_bp > 0 and b.covers(category)]
    return max(covering, key=lambda b: b.discount_bp, default=None)


@dataclass(frozen=True)
class Reminder:
    """What the cashier is told when the customer is attached: the plan, its last day, and
    how many days are left (negative: ended that many days ago)."""

    name: str
    ends: date
    days_left: int


def reminder(standing: Standing, today: date, warn_days: int) -> Reminder | None:
    """A reminder when the customer's last subscription ends within ``warn_days`` days, or
    ended within ``RECENTLY_ENDED_DAYS``; None otherwise."""
    last = standing.last()
    if last is None:
        return None
    left = (last.ends - today).days
    if -RECENTLY_ENDED_DAYS <= left <= warn_days:
        return Reminder(last.benefit.name, last.ends, left)
    return None


def check_plan(plan: Plan) -> Plan:
    """The plan, cleaned and bounded; InvalidSale naming what is wrong."""
    name = " ".join(plan.name.split())
    if not name or len(name) > MAX_NAME or not name.isprintable():
        raise InvalidSale(N_("A plan's name has 1 to {most} characters."), most=MAX_NAME)
    if plan.unit is DurationUnit.MONTHS and not 1 <= plan.duration <= MAX_MONTHS:
        raise InvalidSale(N_("A plan lasts 1 to {most} months."), most=MAX_MONTHS)
    if plan.unit is DurationUnit.DAYS and not 1 <= plan.duration <= MAX_DAYS:
        raise InvalidSale(N_("A plan lasts 1 to {most} days."), most=MAX_DAYS)
    if not 1 <= plan.discount_bp <= MAX_PERCENT_BP:
        raise InvalidSale(N_("A plan's discount is more than 0 % and under 100 %."))
    categories = tuple(dict.fromkeys(" ".join(c.split()) for c in plan.categories if c.strip()))
    if len(categories) > MAX_CATEGORIES or any(
        len(c) > MAX_CATEGORY or not c.isprintable() for c in categories
    ):
        raise InvalidSale(
            N_("A plan covers at most {most} categories of up to {length} characters."),
            most=MAX_CATEGORIES,
            length=MAX_CATEGORY,
        )
    return Plan(plan.product_id, name, plan.duration, plan.unit, plan.discount_bp, categories)


def parse_duration(text: str) -> tuple[int, DurationUnit]:
    """``12m`` → 12 months, ``30d`` → 30 days; InvalidSale otherwise (bounds by check_plan)."""
    text = text.strip().lower()
    units = {"m": DurationUnit.MONTHS, "d": DurationUnit.DAYS}
    number, unit = text[:-1], units.get(text[-1:])
    if unit is None or not (number.isascii() and number.isdigit()) or len(number) > 5:
        raise InvalidSale(N_("A duration is a number of months or days: 12m, 30d."))
    return int(number), unit
