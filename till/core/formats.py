"""Dates, times, percentages, counts and typed amounts as the configured locale writes them:
one formatter for each kind of value, used by every screen, the receipt and the CLI.

Like money (``till.core.money``), the few patterns a locale needs are resolved by babel once
and kept in a small file in the user's cache directory; formatting applies them, so babel's
locale data (about 5 MB resident) is loaded only when that file is missing, written by
another babel version, or the locale's pattern uses a field this module does not reproduce
(then babel formats each value itself).
"""

from __future__ import annotations

import logging
import re
from dataclasses import asdict, dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache, cached_property
from typing import Any

from till.core.money import cached_json

log = logging.getLogger(__name__)

_FIELDS = re.compile(r"'(?:[^']|'')*'|([A-Za-z])\1*")
_NUMERIC_FIELDS = {"d", "M", "y", "H", "h", "m", "s", "a"}
_PRINTER_UNSAFE_SPACES = str.maketrans({"\u202f": " ", "\u00a0": " "})


def count(number: int, one: str, many: str = "") -> str:
    """``1 item``, ``2 items``, ``0 items``; ``many`` when the plural is not ``one`` + s."""
    return f"{number} {one if number == 1 else many or one + 's'}"


def for_print(text: str) -> str:
    """Text with the no-break spaces no receipt code page has replaced by plain spaces."""
    return text.translate(_PRINTER_UNSAFE_SPACES)


@dataclass(frozen=True)
class LocalePatterns:
    """What a locale's short dates and times, decimals and percentages look like."""

    date: str
    """An LDML date pattern such as ``dd/MM/y``."""
    time: str
    """An LDML time pattern such as ``HH:mm`` or ``h:mm a``."""
    date_time: str
    """How a date ``{1}`` and a time ``{0}`` are joined: ``{1} {0}``, ``{1}, {0}``."""
    decimal: str
    percent_prefix: str
    percent_suffix: str
    am: str
    pm: str

    def to_json(self) -> dict[str, str]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LocalePatterns:
        """The patterns ``to_json`` wrote; ValueError on anything else."""
        names = set(cls.__dataclass_fields__)
        if set(data) != names or not all(isinstance(value, str) for value in data.values()):
            raise ValueError(f"not locale patterns: {data!r}")
        return cls(**data)

    @property
    def numeric(self) -> bool:
        """Whether its dates and times use only fields ``format_pattern`` reproduces."""
        return all(
            not match[1] or match[1] in _NUMERIC_FIELDS
            for pattern in (self.date, self.time)
            for match in _FIELDS.finditer(pattern)
        )


def format_pattern(pattern: str, moment: datetime | date, am: str = "AM", pm: str = "PM") -> str:
    """Apply an LDML date or time pattern made of numeric fields (d, M, y, H, h, m, s, a)."""

    def field(match: re.Match[str]) -> str:
        text = match[0]
        if text.startswith("'"):
            return text[1:-1].replace("''", "'") if text != "''" else "'"
        letter, width = text[0], len(text)
        if letter == "y":
            year = moment.year
            return f"{year % 100:02d}" if width == 2 else str(year).rjust(width, "0")
        if letter == "a":
            return am if getattr(moment, "hour", 0) < 12 else pm
        value = {
            "d": moment.day,
            "M": moment.month,
            "H": getattr(moment, "hour", 0),
            "h": getattr(moment, "hour", 0) % 12 or 12,
            "m": getattr(moment, "minute", 0),
            "s": getattr(moment, "second", 0),
        }[letter]
        return str(value).rjust(width, "0")

    return _FIELDS.sub(field, pattern)


def patterns_from_babel(locale: str) -> LocalePatterns:
    """The locale's short date and time, decimal symbol and percentage, as babel resolves
    them (loads its locale data)."""
    from babel import Locale
    from babel.dates import get_date_format, get_datetime_format, get_time_format
    from babel.numbers import get_decimal_symbol

    parsed = Locale.parse(locale)
    percent = parsed.percent_formats[None]
    periods = parsed.day_periods.get("format", {}).get("abbreviated", {})
    return LocalePatterns(
        date=get_date_format("short", parsed).pattern,
        time=get_time_format("short", parsed).pattern,
        date_time=str(get_datetime_format("short", parsed)),
        decimal=get_decimal_symbol(parsed),
        percent_prefix=percent.prefix[0],
        percent_suffix=percent.suffix[0],
        am=periods.get("am", "AM"),
        pm=periods.get("pm", "PM"),
    )


def cached_patterns(locale: str) -> LocalePatterns:
    """``patterns_from_babel``, read from the cache when babel's version has not changed since
    it was written; a cache that cannot be read or written only costs babel's memory."""
    import babel  # the package alone: its version, no locale data

    patterns = cached_json(
        f"formats-{babel.__version__}-{locale}.json",
        lambda: patterns_from_babel(locale),
        LocalePatterns.from_json,
        LocalePatterns.to_json,
        "locale formats",
    )
    assert patterns is not None  # babel always has patterns for a locale it parsed
    return patterns


class Formats:
    """Formats dates, times, percentages and typed numbers for one locale."""

    def __init__(self, locale: str) -> None:
        self.locale = locale

    @cached_property
    def patterns(self) -> LocalePatterns:
        return cached_patterns(self.locale)

    @cached_property
    def _numeric(self) -> bool:
        return self.patterns.numeric

    def phone(self, e164: str) -> str:
        """A stored number as people here read it: national form for the locale's country,
        international for others (``06 12 34 56 78`` in fr_FR, ``+44 20 7946 0958``)."""
        from till.core.customer import format_phone

        return format_phone(e164, self.locale.partition("_")[2])

    def date(self, value: datetime | date | str) -> str:
        """A day as the locale writes it short: ``01/12/2026`` (fr_FR), ``12/1/26`` (en_US)."""
        moment = _local(value)
        if isinstance(moment, datetime):
            moment = moment.date()
        if not self._numeric:
            from babel.dates import format_date

            return format_date(moment, "short", locale=self.locale)
        return format_pattern(self.patterns.date, moment)

    def time(self, value: datetime | str) -> str:
        """A time of day, short: ``20:16`` (fr_FR), ``8:16 PM`` (en_US), in local time."""
        moment = _local(value)
        if not isinstance(moment, datetime):
            raise TypeError(f"not a time: {value!r}")
        if not self._numeric:
            from babel.dates import format_time

            return format_time(moment, "short", locale=self.locale)
        return format_pattern(self.patterns.time, moment, self.patterns.am, self.patterns.pm)

    def date_time(self, value: datetime | str) -> str:
        """A moment, short, in local time: ``01/12/2026 20:16`` (fr_FR)."""
        moment = _local(value)
        if not isinstance(moment, datetime):
            raise TypeError(f"not a moment: {value!r}")
        glue = self.patterns.date_time
        return glue.replace("{1}", self.date(moment)).replace("{0}", self.time(moment))

    def decimal(self, value: Decimal | int, places: int | None = None) -> str:
        """A plain number with the locale's decimal separator and no grouping: ``23,96``; what
        an input is prefilled with (``till.core.money.parse_amount`` reads it back)."""
        number = Decimal(value)
        text = f"{number:.{places}f}" if places is not None else f"{number.normalize():f}"
        return text.replace(".", self.patterns.decimal)

    def rate(self, basis_points: int) -> str:
        """A percentage in basis points: ``550`` → ``5,5 %`` (fr_FR), ``5.5%`` (en_US)."""
        number = self.decimal(Decimal(basis_points).scaleb(-2))
        return f"{self.patterns.percent_prefix}{number}{self.patterns.percent_suffix}"


@cache
def formats_for(locale: str) -> Formats:
    """The one ``Formats`` of a locale in this process (its patterns are read once)."""
    return Formats(locale)


def _local(value: datetime | date | str) -> datetime | date:
    """A stored ISO string or a value, in the till's local time when it knows its zone."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if "T" in value or " " in value else _day(value)
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone()
    return value


def _day(text: str) -> date:
    return date.fromisoformat(text)
