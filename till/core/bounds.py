"""The largest figures the register accepts, and the one rule that checks them.

Every entry point (screen, CLI, import, config, sync) goes through these checks, so a number
refused by one is refused by all; a widget may cap its field's length, but the rule is here.
Each limit leaves room for sums: a sale, a ledger or a stock count built from figures within
these bounds stays far below SQLite's 64-bit integers.
"""

from __future__ import annotations

import re

from till.core.words import N_, Word
from till.errors import InvalidSale

MAX_AMOUNT = 1_000_000_000
"""Minor units in one amount (a price, a payment, a deposit): ten million in a currency with
two decimals, a million with three."""

MAX_QUANTITY = 999
"""Units on one sale line."""

MAX_POINTS = 1_000_000
"""Loyalty points in one adjustment, either way."""

MAX_POINTS_BALANCE = 1_000_000_000
"""A points balance an adjustment may reach, either way."""

MAX_PERCENT_BP = 9_999
"""A percentage (VAT rate, discount) in basis points: under 100 %."""

MAX_STOCK = 10_000_000
"""Units counted on hand, either way (a stock can go below zero between counts)."""

STOCK = Word(N_("stock"))
POINTS = Word(N_("points"))
AMOUNT = Word(N_("amount"))
DEPOSIT = Word(N_("deposit"))
"""What a figure is, as its bound's message names it (``stock: 12,000,000 is outside…``),
worded in the reader's language."""

_WHOLE = re.compile(r"^[+-]?[0-9]{1,19}$")


def parse_whole(text: str, what: str, low: int, high: int) -> int:
    """A whole number written in ASCII digits, between ``low`` and ``high``; InvalidSale
    naming ``what`` otherwise (``1e23``, ``²``, ``12.0`` and 40 digits are all refused)."""
    cleaned = text.strip().replace(" ", "")
    if not _WHOLE.match(cleaned):
        raise InvalidSale(N_("{what}: a whole number, got {text}."), what=what, text=_shown(text))
    return check_range(int(cleaned), what, low, high)


def check_range(value: int, what: str, low: int, high: int) -> int:
    """``value`` itself if ``low <= value <= high``; InvalidSale naming ``what`` otherwise."""
    if not low <= value <= high:
        if value.bit_length() > 64:
            raise InvalidSale(
                N_("{what}: a number that large is outside {low:,} to {high:,}."),
                what=what,
                low=low,
                high=high,
            )
        raise InvalidSale(
            N_("{what}: {value:,} is outside {low:,} to {high:,}."),
            what=what,
            value=value,
            low=low,
            high=high,
        )
    return value


def check_stock(units: int) -> int:
    return check_range(units, STOCK, -MAX_STOCK, MAX_STOCK)


def check_points_adjustment(points: int, balance: int = 0) -> int:
    """A manual points adjustment: not zero, at most MAX_POINTS either way, and leaving the
    balance within MAX_POINTS_BALANCE (or, for a balance already beyond it, nearer zero)."""
    if not points:
        raise InvalidSale(N_("An adjustment of zero points changes nothing."))
    check_range(points, POINTS, -MAX_POINTS, MAX_POINTS)
    after = balance + points
    if abs(after) > MAX_POINTS_BALANCE and abs(after) >= abs(balance):
        raise InvalidSale(
            N_("points: the balance would be {balance:,}, beyond {most:,} either way."),
            balance=after,
            most=MAX_POINTS_BALANCE,
        )
    return points


def check_amount(minor: int, what: str = AMOUNT) -> int:
    return check_range(minor, what, 0, MAX_AMOUNT)


def _shown(text: str) -> str:
    """Outside text quoted in a message: escaped, and cut if long."""
    text = text.strip()
    return repr(text if len(text) <= 24 else text[:20] + "…")
