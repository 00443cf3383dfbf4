"""Saved segments (docs/segments.md): named filters over the customer file and the sales
figures (storage/customer_stats.py), counted, previewed and listed.

A filter's criteria (till/core/segment_filter.py) become one parameterized SQL condition:
column names come from this module's tables, every value is a parameter. A segment holds
the customers who stand: merged-away, anonymised and inactive ones never count.

For the campaigns: ``segment_customer_ids(name)`` and ``segment_exists(name)``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from storage.models import SavedSegment, database
from till.core.customer import display_name
from till.core.segment_filter import (
    FIELDS,
    Criterion,
    FilterRefused,
    Kind,
    SegmentFilter,
    parse_filter,
)
from till.core.text import printable
from till.core.words import N_

MAX_NAME = 40
MAX_PREVIEW = 100
BATCH = 1000

STANDING = "+c.merged_into IS NULL AND c.anonymised_at = '' AND c.active = 1"
"""The customers a segment may hold (``+``: never through the merged-into index, which holds
nearly every customer under NULL)."""
FROM = "FROM customer c LEFT JOIN customer_stats s ON s.customer_id = c.id"
CUSTOMERS_ONLY = "FROM customer c"
"""For a count whose criteria never read ``s``: no join."""

_COLUMNS = {
    "city": "c.city",
    "postcode": "c.postcode",
    "segment": "c.segment",
    "family": "c.family",
    "status": "c.status",
    "consent_email": "c.consent_email",
    "consent_sms": "c.consent_sms",
    "consent_post": "c.consent_post",
}
_FIGURES = frozenset({"recency", "visits", "spend", "basket"})
_SQL_OP = {"=": "=", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
_COST = {Kind.DAYS: 1, Kind.COUNT: 1, Kind.MONEY: 1, Kind.POINTS: 3}
"""Order of evaluation: the customer's own columns first, the figures next, the sums of
rows (a period, the points) last, so the costly ones run for the fewest customers."""


class SegmentNotFound(FilterRefused):
    """No saved segment has that name."""


@dataclass(frozen=True)
class Segment:
    """A saved segment as stored."""

    name: str
    where: str
    created_by: str
    created_at: str
    updated_at: str
    money_decimals: int = 2

    @property
    def filter(self) -> SegmentFilter:
        return parse_filter(self.where, self.money_decimals)


@dataclass(frozen=True)
class PreviewRow:
    """One customer of a preview: enough to recognise them."""

    code: str
    name: str
    city: str
    last_sale_at: str
    visits: int
    spend: int


@dataclass(frozen=True)
class Condition:
    """A filter as SQL: the condition on ``FROM``'s aliases and its parameters."""

    sql: str
    params: tuple[object, ...]
    reads_figures: bool = True
    """Whether it reads ``s`` (customer_stats): without, a count needs no join."""

    @property
    def source(self) -> str:
        return FROM if self.reads_figures else CUSTOMERS_ONLY


def condition(segment_filter: SegmentFilter, now: datetime | None = None) -> Condition:
    """The SQL condition a customer meets when they belong to ``segment_filter``."""
    now = (now or datetime.now(UTC)).astimezone(UTC)
    parts, params = [STANDING], []
    ordered = sorted(
        segment_filter.criteria,
        key=lambda c: _COST.get(FIELDS[c.field], 0) + (2 if c.months else 0),
    )
    # A period's sums follow s once s is read anyway (then only for customers whose other
    # figures hold), c otherwise (then no join at all).
    reads_figures = any(c.months is None and c.field in _FIGURES for c in ordered)
    owner = "s.customer_id" if reads_figures else "c.id"
    for criterion in ordered:
        sql, values = _criterion_sql(criterion, now, owner)
        parts.append(sql)
        params.extend(values)
    joined = " AND ".join(f"({part})" for part in parts)
    return Condition(joined, tuple(params), reads_figures)


def count(segment_filter: SegmentFilter, now: datetime | None = None) -> int:
    where = condition(segment_filter, now)
    row = database.execute_sql(f"SELECT COUNT(*) {where.source} WHERE {where.sql}", where.params)
    return int(row.fetchone()[0])


def preview(
    segment_filter: SegmentFilter, limit: int = 10, now: datetime | None = None
) -> list[PreviewRow]:
    """The first ``limit`` customers of the segment, in the file's order."""
    where = condition(segment_filter, now)
    rows = database.execute_sql(
        "SELECT c.code, c.kind, c.last_name, c.first_name, c.company, c.city,"
        " COALESCE(s.last_sale_at, ''), COALESCE(s.visits, 0), COALESCE(s.spend, 0)"
        f" {FROM} WHERE {where.sql} ORDER BY c.num LIMIT ?",
        (*where.params, max(0, min(limit, MAX_PREVIEW))),
    )
    return [
        PreviewRow(
            code,
            printable(display_name(kind, last, first, company)),
            printable(city),
            last_at[:10],
            visits,
            spend,
        )
        for code, kind, last, first, company, city, last_at, visits, spend in rows
    ]


def customer_ids(segment_filter: SegmentFilter, now: datetime | None = None) -> Iterator[str]:
    where = condition(segment_filter, now)
    cursor = database.execute_sql(
        f"SELECT c.id {where.source} WHERE {where.sql} ORDER BY c.num", where.params
    )
    while batch := cursor.fetchmany(BATCH):
        for (customer_id,) in batch:
            yield customer_id


def segment_exists(name: str) -> bool:
    """Whether a segment of that name is saved (names ignore case)."""
    return SavedSegment.select().where(SavedSegment.name == name).exists()


def segment_customer_ids(name: str, now: datetime | None = None) -> Iterator[str]:
    """The ids of the customers the saved segment ``name`` holds now (standing customers
    only: never merged-away, anonymised or inactive ones), in the file's order. Raises
    ``SegmentNotFound`` at once when no segment has that name."""
    return customer_ids(get_segment(name).filter, now)


def get_segment(name: str) -> Segment:
    row = SavedSegment.get_or_none(SavedSegment.name == name)
    if row is None:
        raise SegmentNotFound(N_("No segment is named {name}."), name=printable(name)[:MAX_NAME])
    return _segment(row)


def list_segments() -> list[Segment]:
    return [_segment(row) for row in SavedSegment.select().order_by(SavedSegment.name)]


def _segment(row: SavedSegment) -> Segment:
    return Segment(
        row.name,
        row.where_text,
        row.created_by,
        row.created_at,
        row.updated_at,
        row.money_decimals,
    )


def save_segment(
    name: str, segment_filter: SegmentFilter, actor: str, money_decimals: int = 2
) -> Segment:
    """Save (or replace) the segment ``name``; the filter was read already, its amounts
    with ``money_decimals`` (the currency's)."""
    name = check_name(name)
    at = datetime.now(UTC).isoformat()
    with database.atomic():
        existing = SavedSegment.get_or_none(SavedSegment.name == name)
        if existing is None:
            SavedSegment.create(
                name=name,
                where_text=segment_filter.text,
                money_decimals=money_decimals,
                created_by=actor,
                created_at=at,
                updated_at=at,
            )
        else:
            SavedSegment.update(
                where_text=segment_filter.text, money_decimals=money_decimals, updated_at=at
            ).where(SavedSegment.name == name).execute()
    return get_segment(name)


def check_name(name: str) -> str:
    cleaned = name.strip()
    if not cleaned or len(cleaned) > MAX_NAME or printable(cleaned) != cleaned:
        raise FilterRefused(
            N_("A segment's name is 1 to {most} letters, digits or signs."), most=MAX_NAME
        )
    return cleaned


def _criterion_sql(criterion: Criterion, now: datetime, owner: str) -> tuple[str, list[object]]:
    kind = FIELDS[criterion.field]
    op = criterion.op
    values: list[object] = list(criterion.values)
    if kind is Kind.TEXT:
        return _listed(f"{_COLUMNS[criterion.field]} COLLATE NOCASE", op, values)
    if kind is Kind.YES_NO:
        return _listed(_COLUMNS[criterion.field], op, values)
    if kind is Kind.POSTCODE:
        return _postcodes(op, [str(v) for v in values])
    if kind is Kind.TAG:
        marks = ", ".join("?" * len(values))
        has = (
            "CASE WHEN json_valid(c.targeting) THEN EXISTS (SELECT 1 FROM json_each(c.targeting)"
            f" t WHERE t.value COLLATE NOCASE IN ({marks})) ELSE 0 END"
        )
        return (has if op == "=" else f"NOT {has}"), values
    if kind is Kind.MONTH:
        month = "CAST(substr(c.birth_date, 6, 2) AS INTEGER)"
        sql, params = (
            _listed(month, op, values) if op in ("=", "!=") else (f"{month} {op} ?", values)
        )
        return f"c.birth_date != '' AND {sql}", params
    if kind is Kind.DAYS:
        return _recency(op, int(criterion.value), now)
    if kind is Kind.POINTS:
        points = "(SELECT TOTAL(l.points) FROM loyalty_entry l WHERE l.customer_id = c.id)"
        return f"{points} {_SQL_OP[op]} ?", values
    return _figure(criterion, now, owner)


def _listed(column: str, op: str, values: list[object]) -> tuple[str, list[object]]:
    if len(values) == 1:
        return f"{column} {_SQL_OP[op]} ?", values
    marks = ", ".join("?" * len(values))
    return f"{column} {'IN' if op == '=' else 'NOT IN'} ({marks})", values


def _postcodes(op: str, values: list[str]) -> tuple[str, list[object]]:
    parts: list[str] = []
    params: list[object] = []
    for value in values:
        if value.endswith("*"):
            prefix = value[:-1]
            if not prefix:
                parts.append("c.postcode != ''")
            elif ord(prefix[-1]) < sys.maxunicode:  # a range: the index serves it
                parts.append("(c.postcode >= ? AND c.postcode < ?)")
                params += [prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1)]
            else:
                parts.append("substr(c.postcode, 1, ?) = ?")
                params += [len(prefix), prefix]
        else:
            parts.append("c.postcode = ?")
            params.append(value)
    anyone = " OR ".join(parts)
    if op == "=":  # says what the postcode index's WHERE says, so that it may be used
        return f"c.postcode != '' AND ({anyone})", params
    return f"NOT ({anyone})", params


def _recency(op: str, days: int, now: datetime) -> tuple[str, list[object]]:
    """Recency is the whole days since the last purchase: ``recency<=N`` is a purchase
    after ``now - (N + 1) days``. A customer who never bought has none: no recency holds."""

    def after(n: int) -> object:  # a last purchase later than this is at most n days ago
        return (now - timedelta(days=n + 1)).isoformat()

    last = "s.last_sale_at"
    match op:
        case "<=":
            return f"{last} > ?", [after(days)]
        case "<":
            return f"{last} > ?", [after(days - 1)]
        case ">":
            return f"{last} != '' AND {last} <= ?", [after(days)]
        case ">=":
            return f"{last} != '' AND {last} <= ?", [after(days - 1)]
        case "=":
            return f"{last} > ? AND {last} <= ?", [after(days), after(days - 1)]
    return f"{last} != '' AND NOT ({last} > ? AND {last} <= ?)", [after(days), after(days - 1)]


def _figure(criterion: Criterion, now: datetime, owner: str) -> tuple[str, list[object]]:
    op, value = _SQL_OP[criterion.op], criterion.value
    if criterion.months is None:
        if criterion.field == "basket":  # the average, compared without rounding
            return f"s.visits > 0 AND s.spend {op} ? * s.visits", [value]
        return f"COALESCE(s.{criterion.field}, 0) {op} ?", [value]
    since = first_month(now, criterion.months)
    rows = f"FROM customer_month m WHERE m.customer_id = {owner} AND m.month >= ?"
    if criterion.field == "basket":
        return (
            f"(SELECT CASE WHEN SUM(m.visits) > 0 THEN SUM(m.spend) - ? * SUM(m.visits) END"
            f" {rows}) {op} 0",
            [value, since],
        )
    return f"(SELECT COALESCE(SUM(m.{criterion.field}), 0) {rows}) {op} ?", [since, value]


def first_month(now: datetime, months: int) -> str:
    """``YYYY-MM`` of the first month of a period of ``months`` ending with ``now``'s."""
    index = now.year * 12 + now.month - 1 - (months - 1)
    return f"{index // 12:04d}-{index % 12 + 1:02d}"
