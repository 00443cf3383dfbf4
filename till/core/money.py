"""Money in integer minor units: parsing what a cashier types, rounding, display through babel.

Babel's locale data costs about 5 MB of memory once loaded, for the few symbols an amount
needs; so the currency pattern babel resolves for the configured locale is kept in a small
file in the user's cache directory and formatting applies it, loading babel's data only when
that file is missing or written by another babel version.
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

from till.core.bounds import MAX_AMOUNT as MAX_AMOUNT  # the bounds live in bounds.py
from till.core.bounds import MAX_PERCENT_BP
from till.core.words import N_
from till.errors import InvalidSale

T = TypeVar("T")
log = logging.getLogger(__name__)

# What no receipt code page has, for what they have: no-break spaces, and the fullwidth
# currency signs some locales write (ja_JP's ￥ printed as "?").
_PRINTER_UNSAFE_SPACES = str.maketrans(
    {"\u202f": " ", "\u00a0": " ", "\uffe5": "\u00a5", "\uffe1": "\u00a3", "\uffe0": "\u00a2"}
)


_DECIMAL = re.compile(r"[0-9]+(\.[0-9]*)?|\.[0-9]+")
"""A number as a cashier or a file writes it: ASCII digits and one decimal point."""


def parse_amount(text: str, precision: int = 2) -> int:
    """Turn a typed amount such as ``12``, ``12.5`` or ``12,50`` into minor units."""
    cleaned = text.strip().replace(" ", "").replace(",", ".")
    if not cleaned:
        raise InvalidSale(N_("Type an amount."))
    if not _DECIMAL.fullmatch(cleaned.removeprefix("-")):  # Decimal reads ٣, 1_0 and 1e3
        raise InvalidSale(N_("{text!r} is not an amount."), text=text.strip()[:24])
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise InvalidSale(N_("{text!r} is not an amount."), text=text.strip()) from None
    if not value.is_finite():
        raise InvalidSale(N_("{text!r} is not an amount."), text=text.strip())
    if value < 0:
        raise InvalidSale(N_("An amount cannot be negative."))
    if value and not -20 < value.adjusted() < 20:  # 1e999999999 would overflow the scaling
        raise InvalidSale(
            N_("{text} is not an amount the register accepts."), text=text.strip()[:24]
        )
    scaled = value.scaleb(precision)
    if scaled != scaled.to_integral_value():
        raise InvalidSale(
            N_("{text} has more than {precision} decimals."),
            text=text.strip(),
            precision=precision,
        )
    minor = int(scaled)
    if minor > MAX_AMOUNT:
        raise InvalidSale(N_("{text} is more than the register accepts."), text=text.strip())
    return minor


def parse_rate(text: str) -> int:
    """Turn a percentage such as ``5.5`` or ``20`` into basis points (550, 2000)."""
    cleaned = text.strip().rstrip("%").strip().replace(",", ".")
    if not _DECIMAL.fullmatch(cleaned):
        raise InvalidSale(N_("{text!r} is not a percentage."), text=text.strip()[:24])
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise InvalidSale(N_("{text!r} is not a percentage."), text=text.strip()) from None
    if not value.is_finite() or value < 0 or value * 100 > MAX_PERCENT_BP:
        raise InvalidSale(N_("{text!r} is not a percentage between 0 and 100."), text=text.strip())
    basis_points = value * 100
    if basis_points != basis_points.to_integral_value():
        raise InvalidSale(N_("{text}% has more than two decimals."), text=text.strip())
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
    def _pattern(self) -> CurrencyPattern | None:
        """Babel's pattern resolved for this currency and locale; None: babel formats each."""
        return cached_pattern(self.currency, self.locale)

    @cached_property
    def precision(self) -> int:
        if self._pattern is not None:
            return self._pattern.precision
        from babel.numbers import get_currency_precision

        return get_currency_precision(self.currency)

    @property
    def minor_per_unit(self) -> int:
        """Minor units in one unit of the currency: 100 for EUR, 1 for JPY, 1000 for KWD."""
        return 10**self.precision

    def __call__(self, minor: int) -> str:
        """The amount for the screen, e.g. ``12,50 €``."""
        formatted = self._formatted.get(minor)
        if formatted is None:
            if self._pattern is not None:
                formatted = self._pattern.format(minor)
            else:
                from babel.numbers import format_currency

                formatted = format_currency(
                    Decimal(minor).scaleb(-self.precision), self.currency, locale=self.locale
                )
            if len(self._formatted) < 50_000:  # prices and totals repeat; bound the memory
                self._formatted[minor] = formatted
        return formatted

    def plain(self, minor: int) -> str:
        """The amount without currency sign or grouping, as a cashier would type it in this
        locale (``12,50`` in fr_FR, ``12.50`` in en_US): what an amount field is prefilled
        with; ``parse_amount`` reads either separator."""
        from till.core.formats import formats_for

        text = f"{Decimal(minor).scaleb(-self.precision):.{self.precision}f}"
        decimal = formats_for(self.locale).patterns.decimal
        return text.replace(".", decimal) if decimal in (",", ".") else text

    def for_print(self, minor: int) -> str:
        """The amount with what no receipt code page has (no-break spaces, a fullwidth
        currency sign) replaced by what they have."""
        return self(minor).translate(_PRINTER_UNSAFE_SPACES)


class CurrencyPattern:
    """A locale's standard currency pattern with its symbols filled in, for whole minor units:
    what ``babel.numbers.format_currency`` does, without keeping babel's locale data loaded."""

    __slots__ = ("decimal", "group", "grouping", "min_digits", "precision", "prefixes", "suffixes")

    def __init__(
        self,
        precision: int,
        prefixes: tuple[str, str],
        suffixes: tuple[str, str],
        grouping: tuple[int, int],
        min_digits: int,
        decimal: str,
        group: str,
    ) -> None:
        self.precision = precision
        self.prefixes = prefixes
        """Before the number: positive, negative."""
        self.suffixes = suffixes
        """After the number: positive, negative."""
        self.grouping = grouping
        """Digits in the first group from the right, then in every other group."""
        self.min_digits = min_digits
        self.decimal = decimal
        self.group = group

    def format(self, minor: int) -> str:
        negative = minor < 0
        digits = str(abs(minor))
        if self.precision:
            digits = digits.rjust(self.precision + 1, "0")
            integer = digits[: -self.precision]
            number_end = self.decimal + digits[-self.precision :]
        else:
            integer, number_end = digits, ""
        integer = integer.rjust(self.min_digits, "0")
        size, grouped = self.grouping[0], ""
        while len(integer) > size:  # babel's grouping loop
            grouped = self.group + integer[-size:] + grouped
            integer = integer[:-size]
            size = self.grouping[1]
        return self.prefixes[negative] + integer + grouped + number_end + self.suffixes[negative]

    def to_json(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in self.__slots__}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CurrencyPattern:
        """The pattern ``to_json`` wrote; ValueError on anything else."""
        try:
            if set(data) != set(cls.__slots__):
                raise TypeError
            prefixes, suffixes, grouping = (
                tuple(data[name]) for name in ("prefixes", "suffixes", "grouping")
            )
            texts = (*prefixes, *suffixes, data["decimal"], data["group"])
            numbers = (data["precision"], *grouping, data["min_digits"])
            if not (
                len(prefixes) == len(suffixes) == len(grouping) == 2
                and all(isinstance(text, str) for text in texts)
                and all(type(number) is int and number >= 0 for number in numbers)
                and min(grouping) > 0
            ):
                raise TypeError
        except TypeError:
            raise ValueError(f"not a currency pattern: {data!r}") from None
        return cls(
            data["precision"],
            prefixes,
            suffixes,
            grouping,
            data["min_digits"],
            data["decimal"],
            data["group"],
        )


def pattern_from_babel(currency: str, locale: str) -> CurrencyPattern | None:
    """The locale's standard currency pattern for ``currency`` as babel resolves it (loads its
    locale data); None when it uses a feature ``CurrencyPattern`` does not reproduce."""
    from babel import Locale
    from babel.numbers import (
        get_currency_precision,
        get_currency_symbol,
        get_decimal_symbol,
        get_group_symbol,
    )

    parsed = Locale.parse(locale)
    pattern = parsed.currency_formats["standard"]
    symbol = get_currency_symbol(currency, parsed)

    def filled(affix: str) -> str:
        return affix.replace("¤¤", currency.upper()).replace("¤", symbol)

    decimal, group = get_decimal_symbol(parsed), get_group_symbol(parsed)
    if (
        pattern.exp_prec
        or pattern.scale
        or "@" in pattern.pattern
        or not pattern.number_pattern
        or any("¤¤¤" in affix for affix in (*pattern.prefix, *pattern.suffix))
        or any(c in text for c in "'¤" for text in (decimal, group, symbol, currency))
        or any("'" in filled(affix) for affix in (*pattern.prefix, *pattern.suffix))
    ):
        return None
    return CurrencyPattern(
        precision=get_currency_precision(currency),
        prefixes=(filled(pattern.prefix[0]), filled(pattern.prefix[1])),
        suffixes=(filled(pattern.suffix[0]), filled(pattern.suffix[1])),
        grouping=(pattern.grouping[0], pattern.grouping[1]),
        min_digits=pattern.int_prec[0],
        decimal=decimal,
        group=group,
    )


_SAFE_NAME = re.compile(r"[A-Za-z0-9_@.-]+")


def cache_directory() -> Path:
    """Where the resolved patterns are kept: ``$XDG_CACHE_HOME/till`` or ``~/.cache/till``."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "till"


def cached_json(
    name: str,
    compute: Callable[[], T | None],
    load: Callable[[Any], T],
    dump: Callable[[T], Any],
    what: str,
) -> T | None:
    """``compute()``, kept as JSON in the cache file ``name``: read from there while it exists
    (put babel's version in the name), written there otherwise. A cache that cannot be read or
    written only costs the computing; a file is replaced whole, never half written."""
    try:
        path = cache_directory() / name if _SAFE_NAME.fullmatch(name) else None
    except RuntimeError:  # no home directory
        path = None
    if path is not None:
        try:
            return load(json.loads(path.read_text(encoding="utf-8")))
        except FileNotFoundError:
            pass
        except (OSError, ValueError) as error:
            log.info("%s cache %s ignored: %s", what, path, error)
    value = compute()
    if path is not None and value is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}")
            partial.write_text(json.dumps(dump(value), ensure_ascii=False), "utf-8")
            partial.replace(path)
        except OSError as error:
            log.info("%s not cached in %s: %s", what, path.parent, error)
    return value


def cached_pattern(currency: str, locale: str) -> CurrencyPattern | None:
    """``pattern_from_babel``, read from the cache when babel's version has not changed since it
    was written there."""
    import babel  # the package alone: its version, no locale data

    return cached_json(
        f"money-{babel.__version__}-{locale}-{currency}.json",
        lambda: pattern_from_babel(currency, locale),
        CurrencyPattern.from_json,
        CurrencyPattern.to_json,
        "money format",
    )
