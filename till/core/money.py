"""Money in integer minor units: parsing what a cashier types, rounding, display through babel."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cached_property

from till.errors import InvalidSale

MAX_AMOUNT = 10_000_000_00
"""The largest amount the register accepts in one entry: ten million in major units."""

_PRINTER_UNSAFE_SPACES = str.maketrans({"\u202f": " ", "\u00a0": " "})


def parse_amount(text: str, precision: int = 2) -> int:
    """Turn a typed amount such as ``12``, ``12.5`` or ``12,50`` into minor units."""
    cleaned = text.strip().replace(" ", "").replace(",", ".")
    if not cleaned:
        raise InvalidSale("Type an amount.")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise InvalidSale(f"{text.strip()!r} is not an amount.") from None
    if not value.is_finite():
        raise InvalidSale(f"{text.strip()!r} is not an amount.")
    if value < 0:
        raise InvalidSale("An amount cannot be negative.")
    scaled = value.scaleb(precision)
    if scaled != scaled.to_integral_value():
        raise InvalidSale(f"{text.strip()} has more than {precision} decimals.")
    minor = int(scaled)
    if minor > MAX_AMOUNT:
        raise InvalidSale(f"{text.strip()} is more than the register accepts.")
    return minor


def parse_rate(text: str) -> int:
    """Turn a percentage such as ``5.5`` or ``20`` into basis points (550, 2000)."""
    cleaned = text.strip().rstrip("%").strip().replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise InvalidSale(f"{text.strip()!r} is not a percentage.") from None
    if not value.is_finite() or value < 0 or value >= 100:
        raise InvalidSale(f"{text.strip()!r} is not a percentage between 0 and 100.")
    basis_points = value * 100
    if basis_points != basis_points.to_integral_value():
        raise InvalidSale(f"{text.strip()}% has more than two decimals.")
    return int(basis_points)


def divide_half_up(numerator: int, denominator: int) -> int:
    """Integer division rounding halves away from zero: the one rounding rule of the register."""
    quotient = Decimal(numerator) / Decimal(denominator)
    return int(quotient.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def format_rate(basis_points: int) -> str:
    """``550`` → ``5.5%``, ``2000`` → ``20%``."""
    return f"{Decimal(basis_points).scaleb(-2).normalize():f}%"


class MoneyFormat:
    """Formats minor units for the configured currency and locale."""

    def __init__(self, currency: str, locale: str) -> None:
        self.currency = currency
        self.locale = locale
        self._formatted: dict[int, str] = {}

    @cached_property
    def precision(self) -> int:
        from babel.numbers import get_currency_precision

        return get_currency_precision(self.currency)

    def __call__(self, minor: int) -> str:
        """The amount for the screen, e.g. ``12,50 €``."""
        formatted = self._formatted.get(minor)
        if formatted is None:
            from babel.numbers import format_currency

            formatted = format_currency(
                Decimal(minor).scaleb(-self.precision), self.currency, locale=self.locale
            )
            if len(self._formatted) < 50_000:  # prices and totals repeat; bound the memory
                self._formatted[minor] = formatted
        return formatted

    def plain(self, minor: int) -> str:
        """The amount without currency sign, as a cashier would type it: ``12.50``."""
        return f"{Decimal(minor).scaleb(-self.precision):.{self.precision}f}"

    def for_print(self, minor: int) -> str:
        """The amount with the no-break spaces no receipt code page has replaced by spaces."""
        return self(minor).translate(_PRINTER_UNSAFE_SPACES)
