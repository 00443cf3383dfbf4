"""Closures kept: a till's daily (Z), monthly and yearly closures, each written once in one
transaction, numbered per kind, hash-chained to the till's previous closure and signed with
the journal's Ed25519 key (storage/keys.py); and the X report of the running day.
storage/closure_check.py verifies them.

A Z covers receipts by number: every receipt after the previous Z's last one, up to the last
recorded before the Z's end (now for today, the next midnight for a day closed later). A sale
made after the day's Z is therefore in the next Z, never lost. Rules and arithmetic are in
till/core/closures.py; docs/closures.md says what is closed when."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from storage import events, keys
from storage.ids import new_id
from storage.models import database
from till.core.closures import (
    GENESIS_HASH,
    CashCount,
    Closure,
    ClosureKind,
    ClosureRefused,
    GrandTotals,
    JournalHead,
    PeriodTotals,
    SaleFigures,
    VatTotal,
    add_totals,
    cash_count,
    closure_hash,
    closure_payload,
    day_bounds,
    local_day,
    month_bounds,
    month_label,
    totals_of,
    year_bounds,
)
from till.core.words import N_, Listing
from till.errors import TillError

COLUMNS = (
    "id, till_no, kind, number, chain_no, period, opened_at, closed_at, created_at,"
    " first_receipt_no, last_receipt_no, currency, totals, grand_total, grand_total_absolute,"
    " cash_opening, cash_expected, cash_counted, cash_difference, journal_receipt_no,"
    " journal_hash, actor, approved_by, previous_hash, hash, key_id, signature"
)
COLUMN_NAMES = tuple(name.strip() for name in COLUMNS.split(","))
_INSERT = f"INSERT INTO closure ({COLUMNS}) VALUES ({', '.join('?' * 27)})"
SELECT = f"SELECT {COLUMNS} FROM closure"
SHOWN_DAYS = 5
"""How many open days a refusal names before it says how many more."""


class ClosureNotFound(TillError):
    """No closure has the number asked for."""


def x_report(
    till_no: int, *, currency: str, opening: int = 0, now: datetime | None = None
) -> Closure:
    """The running day as its Z would close it now, without closing anything."""
    moment = _moment(now)
    cursor = database.cursor()
    return _day_draft(
        cursor,
        till_no,
        _last(cursor, till_no, ClosureKind.DAY),
        number=0,
        period=local_day(moment).isoformat(),
        closed_at=moment,
        created_at=moment,
        currency=currency,
        opening=opening,
        counted=None,
        actor="",
        approved_by="",
    )


def close_day(
    till_no: int,
    day: date | None = None,
    *,
    key_dir: Path,
    currency: str,
    actor: str,
    approved_by: str,
    opening: int = 0,
    counted: int | None = None,
    now: datetime | None = None,
) -> Closure:
    """The Z of ``day`` (default: today), written once. Refused for a day to come, a day
    closed already, a day before the last Z, and while an earlier day has receipts no Z
    covers (close it first: the message names it)."""
    moment = _moment(now)
    today = local_day(moment)
    day = day or today
    if day > today:
        raise ClosureRefused(
            N_("{day} has not begun: a day is closed once it has started."), day=day
        )
    key = _signing_key(key_dir)
    start, end = day_bounds(day)
    end = min(end, moment)
    with database.atomic():
        cursor = database.cursor()
        _refuse_twice(cursor, till_no, ClosureKind.DAY, day.isoformat())
        last = _last(cursor, till_no, ClosureKind.DAY)
        if last and last.period > day.isoformat():
            raise ClosureRefused(
                N_("Days are closed in order: {closure} closed {period}, after {day}."),
                closure=last.name,
                period=last.period,
                day=day,
            )
        after = last.last_receipt_no if last else 0
        closed = {date.fromisoformat(p) for p in _periods(cursor, till_no, ClosureKind.DAY)}
        open_days = sorted(_days_with_receipts(cursor, till_no, after, start) - closed)
        if open_days:
            if len(open_days) == 1:
                raise ClosureRefused(
                    N_(
                        "{days} has receipts no Z covers: close {first} first "
                        "(till close day --date {first})."
                    ),
                    days=_listed(open_days),
                    first=open_days[0],
                )
            raise ClosureRefused(
                N_(
                    "{days} have receipts no Z covers: close {first} first "
                    "(till close day --date {first})."
                ),
                days=_listed(open_days),
                first=open_days[0],
            )
        draft = _day_draft(
            cursor,
            till_no,
            last,
            number=(last.number if last else 0) + 1,
            period=day.isoformat(),
            closed_at=end,
            created_at=moment,
            currency=currency,
            opening=opening,
            counted=counted,
            actor=actor,
            approved_by=approved_by,
        )
        return _seal(cursor, draft, key)


def _day_draft(
    cursor,
    till_no: int,
    last: Closure | None,
    *,
    number: int,
    period: str,
    closed_at: str,
    created_at: str,
    currency: str,
    opening: int,
    counted: int | None,
    actor: str,
    approved_by: str,
) -> Closure:
    """A Z (or, numbered 0, the X report) of the receipts after ``last`` Z's up to
    ``closed_at``, unsigned."""
    after = last.last_receipt_no if last else 0
    upto = _covered_up_to(cursor, till_no, after, closed_at)
    totals = totals_of(figures(cursor, till_no, after + 1, upto))
    return Closure(
        till_no=till_no,
        kind=ClosureKind.DAY,
        number=number,
        period=period,
        opened_at=last.closed_at if last else "",
        closed_at=closed_at,
        created_at=created_at,
        first_receipt_no=after + 1,
        last_receipt_no=upto,
        currency=currency,
        totals=totals,
        grand=(last.grand if last else GrandTotals()).carried(totals),
        head=_head(cursor, till_no),
        actor=actor,
        approved_by=approved_by,
        cash=cash_count(
            totals, opening, counted, cash_deposits(cursor, till_no, draft_since(last), closed_at)
        ),
    )


def _moment(now: datetime | None) -> str:
    """``now`` (default: this instant) in UTC, ISO 8601: when a closure or report is taken."""
    return (now or datetime.now(UTC)).astimezone(UTC).isoformat()


def draft_since(last: Closure | None) -> str:
    """Where a Z's cash begins: the previous Z's end, or the beginning."""
    return last.closed_at if last else ""


def cash_deposits(cursor: Any, till_no: int, since: str, until: str) -> int:
    """Cash paid into customer accounts at this till after ``since`` up to ``until`` (the
    event log's deposits: ``storage/accounts.deposit`` journals each with its till)."""
    rows = cursor.execute(
        "SELECT details FROM journal_event WHERE kind = 'deposit' AND till_no = ?"
        " AND at > ? AND at <= ?",
        (till_no, since, until),
    ).fetchall()
    total = 0
    for (details,) in rows:
        deposit = json.loads(details)
        if deposit.get("method") == "cash" and isinstance(deposit.get("amount"), int):
            total += deposit["amount"]
    return total


def close_month(
    till_no: int,
    year: int,
    month: int,
    *,
    key_dir: Path,
    currency: str,
    actor: str,
    approved_by: str,
    now: datetime | None = None,
) -> Closure:
    """The month's closure, the sum of its days' Z. Refused before the month is over, a second
    time, before an earlier month with closed days, and while a day of the month has receipts
    and no Z (the open days are named)."""
    moment = _moment(now)
    label = month_label(year, month)
    start, end = month_bounds(year, month)

    def open_days(cursor, days: list[Closure]) -> list:
        closed_days = {d.period for d in days}
        with_receipts = _days_with_receipts(cursor, till_no, 0, end, since=start)
        return sorted(d for d in with_receipts if d.isoformat() not in closed_days)

    return _close_period(
        till_no,
        ClosureKind.MONTH,
        label,
        (start, end),
        open_days,
        moment=moment,
        key_dir=key_dir,
        currency=currency,
        actor=actor,
        approved_by=approved_by,
    )


def close_year(
    till_no: int,
    year: int,
    *,
    key_dir: Path,
    currency: str,
    actor: str,
    approved_by: str,
    now: datetime | None = None,
) -> Closure:
    """The year's closure, the sum of its months. Refused before the year is over, a second
    time, before an earlier year with closed months, and while a month of the year with days
    closed or receipts is not closed."""
    moment = _moment(now)
    label = f"{year:04d}"
    start, end = year_bounds(year)

    def open_months(cursor, months: list[Closure]) -> list:
        active = {p[:7] for p in _periods(cursor, till_no, ClosureKind.DAY) if p[:4] == label}
        active |= {
            d.isoformat()[:7] for d in _days_with_receipts(cursor, till_no, 0, end, since=start)
        }
        return sorted(active - {m.period for m in months})

    return _close_period(
        till_no,
        ClosureKind.YEAR,
        label,
        (start, end),
        open_months,
        moment=moment,
        key_dir=key_dir,
        currency=currency,
        actor=actor,
        approved_by=approved_by,
    )


_PARTS = {ClosureKind.MONTH: ClosureKind.DAY, ClosureKind.YEAR: ClosureKind.MONTH}
"""What a month or a year is the sum of."""
_NOT_OVER = {
    ClosureKind.MONTH: N_("{period} is not over: a month is closed after its last day."),
    ClosureKind.YEAR: N_("{period} is not over: a year is closed after its last day."),
}
_IN_ORDER = {
    ClosureKind.MONTH: N_("Close {period} first: months are closed in order."),
    ClosureKind.YEAR: N_("Close {period} first: years are closed in order."),
}
_PARTS_OPEN = {
    ClosureKind.MONTH: N_("Close the days of {period} first: {parts}."),
    ClosureKind.YEAR: N_("Close the months of {period} first: {parts}."),
}


def _close_period(
    till_no: int,
    kind: ClosureKind,
    label: str,
    bounds: tuple[str, str],
    open_parts: Callable[[Any, list[Closure]], list],
    *,
    moment: str,
    key_dir: Path,
    currency: str,
    actor: str,
    approved_by: str,
) -> Closure:
    """Close the month or year ``label`` as the sum of its closed parts (days or months),
    written once; ``open_parts`` names those of its parts still to close."""
    part = _PARTS[kind]
    if moment < bounds[1]:
        raise ClosureRefused(_NOT_OVER[kind], period=label)
    key = _signing_key(key_dir)
    with database.atomic():
        cursor = database.cursor()
        _refuse_twice(cursor, till_no, kind, label)
        closed = _periods(cursor, till_no, kind)
        earlier = sorted({p[: len(label)] for p in _periods(cursor, till_no, part)} - closed)
        earlier = [e for e in earlier if e < label]
        if earlier:
            raise ClosureRefused(_IN_ORDER[kind], period=earlier[0])
        parts = _of_period(cursor, till_no, part, label + "-")
        still_open = open_parts(cursor, parts)
        if still_open:
            raise ClosureRefused(_PARTS_OPEN[kind], period=label, parts=_listed(still_open))
        return _seal(
            cursor,
            _summed(kind, label, parts, bounds, cursor, till_no, currency),
            key,
            actor=actor,
            approved_by=approved_by,
            moment=moment,
        )


def _summed(
    kind: ClosureKind,
    label: str,
    parts: list[Closure],
    bounds: tuple[str, str],
    cursor,
    till_no: int,
    currency: str,
) -> Closure:
    """A month from its days or a year from its months (actor and times set by _seal)."""
    last = _last(cursor, till_no, kind)
    totals = add_totals(part.totals for part in parts)
    return Closure(
        till_no=till_no,
        kind=kind,
        number=(last.number if last else 0) + 1,
        period=label,
        opened_at=parts[0].opened_at if parts else bounds[0],
        closed_at=parts[-1].closed_at if parts else bounds[1],
        created_at="",
        first_receipt_no=parts[0].first_receipt_no if parts else 0,
        last_receipt_no=parts[-1].last_receipt_no if parts else 0,
        currency=currency,
        totals=totals,
        grand=(last.grand if last else GrandTotals()).carried(totals),
        head=_head(cursor, till_no),
        actor="",
        approved_by="",
    )


def _seal(
    cursor,
    draft: Closure,
    key: keys.JournalKey,
    *,
    actor: str | None = None,
    approved_by: str | None = None,
    moment: str | None = None,
) -> Closure:
    """Chain the closure to the till's last one, sign it and write it."""
    previous = cursor.execute(
        "SELECT chain_no, hash FROM closure WHERE till_no = ? ORDER BY chain_no DESC LIMIT 1",
        (draft.till_no,),
    ).fetchone()
    chain_no, previous_hash = (previous[0] + 1, previous[1]) if previous else (1, GENESIS_HASH)
    closure = replace(
        draft,
        chain_no=chain_no,
        previous_hash=previous_hash,
        actor=draft.actor if actor is None else actor,
        approved_by=draft.approved_by if approved_by is None else approved_by,
        created_at=moment or draft.created_at,
    )
    digest = closure_hash(previous_hash, closure_payload(closure))
    signature = key.sign(digest.encode()).hex()
    closure = replace(closure, hash=digest, signature=signature)
    cash = closure.cash
    cursor.execute(
        _INSERT,
        (
            new_id(),
            closure.till_no,
            str(closure.kind),
            closure.number,
            closure.chain_no,
            closure.period,
            closure.opened_at,
            closure.closed_at,
            closure.created_at,
            closure.first_receipt_no,
            closure.last_receipt_no,
            closure.currency,
            json.dumps(closure.totals.to_json(), sort_keys=True),
            closure.grand.total,
            closure.grand.absolute,
            cash.opening if cash else None,
            cash.expected if cash else None,
            cash.counted if cash else None,
            cash.difference if cash else None,
            closure.head.receipt_no,
            closure.head.journal_hash,
            closure.actor,
            closure.approved_by,
            closure.previous_hash,
            closure.hash,
            key.key_id,
            closure.signature,
        ),
    )
    details = {
        "closure": str(closure.kind),
        "number": closure.number,
        "period": closure.period,
        "net_total": closure.totals.net_total,
        "grand_total": closure.grand.total,
        "hash": closure.hash,
    }
    events.record_event(
        events.CLOSURE,
        closure.actor,
        details,
        till_no=closure.till_no,
        at=closure.created_at,
        cursor=cursor,
    )
    return closure


def _signing_key(key_dir: Path) -> keys.JournalKey:
    """The journal's key, made here only for a till that has never closed: a key gone
    missing after closures were signed is an error naming its file, never a new key."""
    (closed,) = database.execute_sql("SELECT EXISTS (SELECT 1 FROM closure)").fetchone()
    return keys.signing_key(key_dir, create=not closed)


def closures(till_no: int, kind: ClosureKind | None = None) -> list[Closure]:
    """The till's closures in the order they were taken."""
    where, args = "till_no = ?", [str(till_no)]
    if kind is not None:
        where, args = "till_no = ? AND kind = ?", [str(till_no), str(kind)]
    rows = database.execute_sql(f"{SELECT} WHERE {where} ORDER BY chain_no", args)
    return [closure_from_row(row) for row in rows]


def get_closure(till_no: int, kind: ClosureKind, number: int) -> Closure:
    row = database.execute_sql(
        f"{SELECT} WHERE till_no = ? AND kind = ? AND number = ?", (till_no, str(kind), number)
    ).fetchone()
    if row is None:
        raise ClosureNotFound(
            N_("Till {till} has no {closure} {number}."),
            till=till_no,
            closure=kind.word,
            number=number,
        )
    return closure_from_row(row)


def last_closure(till_no: int, kind: ClosureKind) -> Closure | None:
    return _last(database.cursor(), till_no, kind)


# Reading the journal


def figures(cursor, till_no: int, first: int, last: int) -> list[SaleFigures]:
    """Each sale and refund with receipt numbers ``first`` to ``last``, with its payments
    and VAT."""
    if last < first:
        return []
    span = (till_no, first, last)
    payments: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for receipt_no, method, amount in cursor.execute(
        "SELECT s.receipt_no, p.method, p.amount FROM sale s"
        " JOIN sale_payment p ON p.sale_id = s.id"
        " WHERE s.till_no = ? AND s.receipt_no BETWEEN ? AND ? ORDER BY s.receipt_no, p.position",
        span,
    ).fetchall():
        payments[receipt_no].append((method, amount))
    vat: dict[int, list[VatTotal]] = defaultdict(list)
    for receipt_no, rate, gross, net, tax in cursor.execute(
        "SELECT s.receipt_no, v.rate_bp, v.gross, v.net, v.vat FROM sale s"
        " JOIN sale_vat v ON v.sale_id = s.id"
        " WHERE s.till_no = ? AND s.receipt_no BETWEEN ? AND ?",
        span,
    ).fetchall():
        vat[receipt_no].append(VatTotal(rate, gross, net, tax))
    return [
        SaleFigures(total, refund_of is not None, tuple(payments[no]), tuple(vat[no]))
        for no, total, refund_of in cursor.execute(
            "SELECT receipt_no, total, refund_of FROM sale"
            " WHERE till_no = ? AND receipt_no BETWEEN ? AND ? ORDER BY receipt_no",
            span,
        ).fetchall()
    ]


def _covered_up_to(cursor, till_no: int, after: int, before: str) -> int:
    """The last receipt a Z ending at ``before`` covers (``after``: none more)."""
    (upto,) = cursor.execute(
        "SELECT MAX(receipt_no) FROM sale WHERE till_no = ? AND receipt_no > ? AND created_at < ?",
        (till_no, after, before),
    ).fetchone()
    return upto or after


def _days_with_receipts(
    cursor, till_no: int, after: int, before: str, *, since: str = ""
) -> set[date]:
    """The local days of the receipts after number ``after``, made from ``since`` until
    ``before``."""
    rows = cursor.execute(  # to the minute: every time zone is a whole number of minutes
        "SELECT DISTINCT substr(created_at, 1, 16) FROM sale"
        " WHERE till_no = ? AND receipt_no > ? AND created_at >= ? AND created_at < ?",
        (till_no, after, since, before),
    ).fetchall()
    return {local_day(f"{minute}+00:00") for (minute,) in rows}


def _head(cursor, till_no: int) -> JournalHead:
    row = cursor.execute(
        "SELECT receipt_no, journal_hash FROM sale WHERE till_no = ?"
        " ORDER BY receipt_no DESC LIMIT 1",
        (till_no,),
    ).fetchone()
    return JournalHead(*row) if row else JournalHead()


# Reading closures


def _refuse_twice(cursor, till_no: int, kind: ClosureKind, period: str) -> None:
    row = cursor.execute(
        "SELECT number, created_at FROM closure WHERE till_no = ? AND kind = ? AND period = ?",
        (till_no, str(kind), period),
    ).fetchone()
    if row:
        raise ClosureRefused(
            N_(
                "{period} is already closed ({closure} {number}, taken {taken} UTC): "
                "a closure is taken once and never redone."
            ),
            period=period,
            closure=kind.word,
            number=row[0],
            taken=row[1][:16],
        )


def _last(cursor, till_no: int, kind: ClosureKind) -> Closure | None:
    row = cursor.execute(
        f"{SELECT} WHERE till_no = ? AND kind = ? ORDER BY number DESC LIMIT 1",
        (till_no, str(kind)),
    ).fetchone()
    return closure_from_row(row) if row else None


def _periods(cursor, till_no: int, kind: ClosureKind) -> set[str]:
    rows = cursor.execute(
        "SELECT period FROM closure WHERE till_no = ? AND kind = ?", (till_no, str(kind))
    ).fetchall()
    return {p for (p,) in rows}


def _of_period(cursor, till_no: int, kind: ClosureKind, prefix: str) -> list[Closure]:
    rows = cursor.execute(
        f"{SELECT} WHERE till_no = ? AND kind = ? AND substr(period, 1, ?) = ? ORDER BY number",
        (till_no, str(kind), len(prefix), prefix),
    ).fetchall()
    return [closure_from_row(row) for row in rows]


def closure_from_row(row: tuple) -> Closure:
    """A closure as its row (``SELECT`` order) holds it."""
    column = dict(zip(COLUMN_NAMES, row, strict=True))
    expected = column["cash_expected"]
    cash = CashCount(column["cash_opening"], expected, column["cash_counted"])
    return Closure(
        till_no=column["till_no"],
        kind=ClosureKind(column["kind"]),
        number=column["number"],
        period=column["period"],
        opened_at=column["opened_at"],
        closed_at=column["closed_at"],
        created_at=column["created_at"],
        first_receipt_no=column["first_receipt_no"],
        last_receipt_no=column["last_receipt_no"],
        currency=column["currency"],
        totals=PeriodTotals.from_json(json.loads(column["totals"])),
        grand=GrandTotals(column["grand_total"], column["grand_total_absolute"]),
        head=JournalHead(column["journal_receipt_no"], column["journal_hash"]),
        actor=column["actor"],
        approved_by=column["approved_by"],
        cash=None if expected is None else cash,
        chain_no=column["chain_no"],
        previous_hash=column["previous_hash"],
        hash=column["hash"],
        signature=column["signature"],
    )


def _listed(items: list) -> Listing:
    return Listing((str(item) for item in items), SHOWN_DAYS)
