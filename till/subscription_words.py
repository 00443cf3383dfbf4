"""Subscription cards in words, where they are shown: the reminder the cashier reads when the
customer is attached, and the lines of the customer file."""

from __future__ import annotations

from datetime import date

from till.core.formats import Formats
from till.core.subscriptions import Period, Reminder, Standing
from till.i18n import _, plural


def reminder_words(reminder: Reminder, formats: Formats) -> str:
    """``Gold ends on 12/15/26, in 3 days.``; ``Gold ended on 12/1/26.``"""
    day = formats.date(reminder.ends)
    if reminder.days_left > 0:
        return plural(
            reminder.days_left,
            "{plan} ends on {date}, in {n} day.",
            "{plan} ends on {date}, in {n} days.",
            plan=reminder.name,
            date=day,
        )
    if reminder.days_left == 0:
        return _("{plan} ends today.").format(plan=reminder.name)
    return _("{plan} ended on {date}.").format(plan=reminder.name, date=day)


def reminder_short(reminder: Reminder) -> str:
    """The same on the status line, kept short: ``Gold: 3 d``, ``Gold: ended``."""
    if reminder.days_left >= 0:
        return _("{plan}: {n} d").format(plan=reminder.name, n=reminder.days_left)
    return _("{plan}: ended").format(plan=reminder.name)


def period_words(period: Period, formats: Formats) -> str:
    """One purchase on the customer file: ``Gold 10 %  12/2/26 – 12/1/27``, and why it no
    longer counts."""
    benefit = period.benefit
    covers = ", ".join(benefit.categories) if benefit.categories else _("everything")
    said = _("{plan} {rate} on {covers}: {starts} to {ends}").format(
        plan=benefit.name,
        rate=formats.rate(benefit.discount_bp),
        covers=covers,
        starts=formats.date(period.starts),
        ends=formats.date(period.ends),
    )
    return said + ("  " + _("(refunded)") if period.cancelled else "")


SHOWN_PERIODS = 5
"""Purchases listed on the customer file; the CLI's ``till subscriptions show`` lists all."""


def standing_summary(standing: Standing, formats: Formats, today: date) -> str:
    """``Gold until 12/1/27``, ``Gold ended on 12/1/26``, or ``-``."""
    valid = standing.valid_until(today)
    if valid is not None:
        name, ends = valid
        return _("{plan} until {date}").format(plan=name, date=formats.date(ends))
    last = standing.last()
    if last is not None and last.ends < today:
        return _("{plan} ended on {date}.").format(
            plan=last.benefit.name, date=formats.date(last.ends)
        )
    if last is not None:  # bought ahead, not started yet
        return _("{plan} from {date}").format(
            plan=last.benefit.name, date=formats.date(last.starts)
        )
    return "-"


def standing_lines(standing: Standing, formats: Formats, today: date) -> list[str]:
    """The customer file's lines: the card that holds now, then the latest purchases."""
    if not standing.periods:
        return [_("Subscription: none")]
    lines = [_("Subscription: {state}").format(state=standing_summary(standing, formats, today))]
    lines += ["  " + period_words(p, formats) for p in standing.periods[:SHOWN_PERIODS]]
    more = len(standing.periods) - SHOWN_PERIODS
    if more > 0:
        lines.append("  " + plural(more, "and {n} more", "and {n} more"))
    return lines
