"""The filter language of saved segments (docs/segments.md): ``city=Lyon spend_12m>=100
consent_email=yes`` read into criteria, every one of which a customer must meet.

A pure function of the text: it knows the fields, their operators and their values, and
refuses anything else with a message a manager can read. Storage turns the criteria into SQL.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from enum import Enum

from till.core.text import printable
from till.core.words import N_
from till.errors import TillError, reason_of

MAX_TEXT = 1000
"""Characters of one filter."""
MAX_CRITERIA = 20
MAX_VALUE = 100
"""Characters of one value (a city, a tag)."""
MAX_VALUES = 50
"""Values of one criterion: ``city=Lyon,Paris`` is two."""
MAX_MONTHS = 24
"""The longest period: other tills' sales are kept one by one for two years
(storage/remote_sales.py), older ones only summed."""
MAX_NUMBER = 10**12


class FilterRefused(TillError):
    """A filter that cannot be read: said in plain words, nothing searched."""


class Kind(Enum):
    """What a field's values are, hence which operators it takes."""

    TEXT = "text"
    POSTCODE = "postcode"
    TAG = "tag"
    YES_NO = "yes/no"
    MONTH = "month"
    DAYS = "days"
    COUNT = "count"
    MONEY = "money"
    POINTS = "points"


FIELDS: dict[str, Kind] = {
    "city": Kind.TEXT,
    "postcode": Kind.POSTCODE,
    "segment": Kind.TEXT,
    "family": Kind.TEXT,
    "status": Kind.TEXT,
    "tag": Kind.TAG,
    "birth_month": Kind.MONTH,
    "consent_email": Kind.YES_NO,
    "consent_sms": Kind.YES_NO,
    "consent_post": Kind.YES_NO,
    "recency": Kind.DAYS,
    "visits": Kind.COUNT,
    "spend": Kind.MONEY,
    "basket": Kind.MONEY,
    "points": Kind.POINTS,
}
"""Every field a filter may name; ``visits``, ``spend`` and ``basket`` also take a period of
whole months: ``spend_12m`` (the current month and the eleven before)."""

PERIOD_FIELDS = frozenset({"visits", "spend", "basket"})
EQUALITY = ("=", "!=")
ORDER = ("=", "!=", "<", "<=", ">", ">=")
OPERATORS: dict[Kind, tuple[str, ...]] = {
    Kind.TEXT: EQUALITY,
    Kind.POSTCODE: EQUALITY,
    Kind.TAG: EQUALITY,
    Kind.YES_NO: ("=",),
    Kind.MONTH: ORDER,
    Kind.DAYS: ORDER,
    Kind.COUNT: ORDER,
    Kind.MONEY: ORDER,
    Kind.POINTS: ORDER,
}
_LISTED = (Kind.TEXT, Kind.POSTCODE, Kind.TAG, Kind.MONTH)
"""Kinds whose ``=`` and ``!=`` take several values separated by commas (any of them)."""

_CRITERION = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\s*(>=|<=|!=|=|<|>)(.*)", re.DOTALL)
_PERIOD = re.compile(r"([a-z]+)_([0-9]{1,3})m")
_INTEGER = re.compile(r"-?[0-9]+")
"""Any length: a value is at most ``MAX_VALUE`` characters, and a long one is too large."""
_YES = frozenset({"yes", "y", "true", "1", "oui", "o"})
_NO = frozenset({"no", "n", "false", "0", "non"})


@dataclass(frozen=True)
class Criterion:
    """One condition: ``field op value`` (any of ``values`` for ``=``, none for ``!=``).
    Money is in minor units; ``months`` is the period of a sales figure (None: all time)."""

    field: str
    op: str
    values: tuple[str | int, ...]
    months: int | None = None

    @property
    def value(self) -> str | int:
        return self.values[0]


@dataclass(frozen=True)
class SegmentFilter:
    """A filter read: its criteria, in the order written (all must hold)."""

    text: str
    criteria: tuple[Criterion, ...]


def parse_filter(text: str, precision: int = 2) -> SegmentFilter:
    """Read ``text`` into criteria; ``precision``: the currency's decimals, for amounts
    typed as the shop writes them (``100``, ``99.90``, ``99,90``)."""
    if len(text) > MAX_TEXT:
        raise FilterRefused(N_("A filter is at most {most} characters long."), most=MAX_TEXT)
    spaced = text.replace("\t", " ").replace("\n", " ")
    if printable(spaced) != spaced:
        raise FilterRefused(N_("A filter holds letters, digits and signs only."))
    try:
        words = shlex.split(text, comments=False, posix=True)
    except ValueError:
        raise FilterRefused(N_("A quote of the filter is not closed.")) from None
    if len(words) > MAX_CRITERIA:
        raise FilterRefused(N_("A filter holds at most {most} criteria."), most=MAX_CRITERIA)
    return SegmentFilter(spaced.strip(), tuple(_criterion(word, precision) for word in words))


def field_names() -> str:
    """The fields, as a refusal lists them."""
    return ", ".join([*FIELDS, "visits_Nm", "spend_Nm", "basket_Nm"])


def _criterion(word: str, precision: int) -> Criterion:
    match = _CRITERION.fullmatch(word.strip())
    if match is None:
        raise FilterRefused(
            N_("{text} is not a criterion: write a field, a sign and a value, e.g. city=Lyon."),
            text=_shown(word),
        )
    name, op, raw = match.group(1).lower(), match.group(2), match.group(3).strip()
    field, months = _field(name)
    kind = FIELDS[field]
    if op not in OPERATORS[kind]:
        raise FilterRefused(
            N_("{field} takes {signs} only."), field=name, signs=" ".join(OPERATORS[kind])
        )
    if not raw:
        raise FilterRefused(N_("{field} needs a value after {sign}."), field=name, sign=op)
    listed = kind in _LISTED and op in EQUALITY
    parts = [part.strip() for part in raw.split(",")] if listed else [raw]
    if len(parts) > MAX_VALUES:
        raise FilterRefused(N_("{field} takes at most {most} values."), field=name, most=MAX_VALUES)
    values = tuple(_value(name, kind, part, precision) for part in parts)
    return Criterion(field, op, values, months)


def _field(name: str) -> tuple[str, int | None]:
    if name in FIELDS:
        return name, None
    period = _PERIOD.fullmatch(name)
    if period and period.group(1) in PERIOD_FIELDS:
        months = int(period.group(2))
        if not 1 <= months <= MAX_MONTHS:
            raise FilterRefused(
                N_("{field}: a period is 1 to {most} months."), field=name, most=MAX_MONTHS
            )
        return period.group(1), months
    raise FilterRefused(
        N_("Unknown field {field}: the fields are {fields}."),
        field=_shown(name),
        fields=field_names(),
    )


def _value(name: str, kind: Kind, raw: str, precision: int) -> str | int:
    if not raw:
        raise FilterRefused(N_("{field} has an empty value."), field=name)
    if len(raw) > MAX_VALUE:
        raise FilterRefused(
            N_("{field}: a value is at most {most} characters long."), field=name, most=MAX_VALUE
        )
    if kind in (Kind.TEXT, Kind.TAG):
        return raw
    if kind is Kind.POSTCODE:
        if "*" in raw[:-1]:
            raise FilterRefused(N_("{field}: a star only ends a value, e.g. 69*."), field=name)
        return raw
    if kind is Kind.YES_NO:
        word = raw.lower()
        if word in _YES or word in _NO:
            return int(word in _YES)
        raise FilterRefused(N_("{field} is yes or no."), field=name)
    if kind is Kind.MONEY:
        from till.core.money import parse_amount

        try:
            return parse_amount(raw, precision)
        except TillError as error:
            reason = reason_of(error)
            raise FilterRefused(N_("{field}: {reason}"), field=name, reason=reason) from None
    number = _number(name, raw)
    if kind is Kind.MONTH and not 1 <= number <= 12:
        raise FilterRefused(N_("{field} is a month, 1 to 12."), field=name)
    if kind in (Kind.DAYS, Kind.COUNT) and number < 0:
        raise FilterRefused(N_("{field} cannot be negative."), field=name)
    return number


def _number(name: str, raw: str) -> int:
    if not _INTEGER.fullmatch(raw):
        raise FilterRefused(
            N_("{field}: {value} is not a whole number."), field=name, value=_shown(raw)
        )
    number = int(raw)
    if abs(number) > MAX_NUMBER:
        raise FilterRefused(
            N_("{field}: {value} is too large: at most {most} either side of zero."),
            field=name,
            value=_shown(raw),
            most=MAX_NUMBER,
        )
    return number


def _shown(text: str) -> str:
    """Hostile text quoted back safely: printable, short."""
    cleaned = printable(text)
    return cleaned if len(cleaned) <= 30 else cleaned[:29] + "…"
