"""Closures as plain rules: the day (Z), month and year a till closes, the totals of a period
from its sales and refunds, the perpetual grand totals carried from closure to closure, the
cash expected in the drawer, and the canonical form a closure is sealed in.

No database here: storage/closures.py reads the journal and keeps the closures; the printer's
report (devices/printer/report.py) and the screens read the ``Closure`` values made here.

Periods are the shop's local calendar (the machine's time zone), stored as UTC bounds; a day's
Z covers every receipt recorded before it was taken, by number (docs/closures.md)."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from till.core.sale import PaymentMethod, receipt_code
from till.core.words import N_, Phrase, Word
from till.errors import TillError

GENESIS_HASH = "0" * 64
"""What the first closure of a till chains to."""


class ClosureKind(StrEnum):
    DAY = "day"
    MONTH = "month"
    YEAR = "year"

    @property
    def word(self) -> Word:
        """How a printed report and the CLI name a closure of this kind."""
        return Word(CLOSURE_TITLES[self])


CLOSURE_TITLES = {
    ClosureKind.DAY: N_("Z"),
    ClosureKind.MONTH: N_("Month"),
    ClosureKind.YEAR: N_("Year"),
}
CLOSURE_NAMES = {
    ClosureKind.DAY: N_("Z {number}"),
    ClosureKind.MONTH: N_("Month {number}"),
    ClosureKind.YEAR: N_("Year {number}"),
}
X_REPORT = N_("X report")


class ClosureRefused(TillError):
    """A period cannot be closed (not yet, not again, or not before another): the message
    says why and what to close first."""


@dataclass(frozen=True)
class VatTotal:
    """The share of a period taxed at one rate, refunds deducted."""

    rate_bp: int
    gross: int
    net: int
    vat: int


@dataclass(frozen=True)
class SaleFigures:
    """What a closure counts of one journaled sale or refund."""

    total: int
    refund: bool
    payments: tuple[tuple[str, int], ...]
    """(method, amount kept): change is already out of a cash amount; negative on a refund."""
    vat: tuple[VatTotal, ...]


METHOD_ORDER = tuple(str(method) for method in PaymentMethod)


@dataclass(frozen=True)
class PeriodTotals:
    """What a period took and gave back, in minor units."""

    sales_count: int = 0
    sales_total: int = 0
    refunds_count: int = 0
    refunds_total: int = 0
    """Zero or negative: what refunds handed back."""
    by_method: tuple[tuple[str, int], ...] = ()
    """Per payment method, refunds deducted, in the order of ``PaymentMethod``."""
    cash_refunded: int = 0
    """Zero or negative: the cash refunds handed over (already deducted in ``by_method``)."""
    vat: tuple[VatTotal, ...] = ()
    """Per rate, highest first, refunds deducted."""

    @property
    def net_total(self) -> int:
        return self.sales_total + self.refunds_total

    @property
    def absolute_total(self) -> int:
        """Sales and refunds both counted as positive amounts."""
        return self.sales_total - self.refunds_total

    @property
    def cash(self) -> int:
        """Cash taken less cash handed back."""
        return dict(self.by_method).get(str(PaymentMethod.CASH), 0)

    def to_json(self) -> dict[str, Any]:
        return {
            "sales_count": self.sales_count,
            "sales_total": self.sales_total,
            "refunds_count": self.refunds_count,
            "refunds_total": self.refunds_total,
            "by_method": [[method, amount] for method, amount in self.by_method],
            "cash_refunded": self.cash_refunded,
            "vat": [
                {"rate_bp": v.rate_bp, "gross": v.gross, "net": v.net, "vat": v.vat}
                for v in self.vat
            ],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PeriodTotals:
        return cls(
            sales_count=int(data["sales_count"]),
            sales_total=int(data["sales_total"]),
            refunds_count=int(data["refunds_count"]),
            refunds_total=int(data["refunds_total"]),
            by_method=tuple((str(m), int(a)) for m, a in data["by_method"]),
            cash_refunded=int(data["cash_refunded"]),
            vat=tuple(
                VatTotal(int(v["rate_bp"]), int(v["gross"]), int(v["net"]), int(v["vat"]))
                for v in data["vat"]
            ),
        )


def totals_of(sales: Iterable[SaleFigures]) -> PeriodTotals:
    """The totals of a period from each of its sales and refunds."""
    counts = [0, 0]
    amounts = [0, 0]
    methods: dict[str, int] = defaultdict(int)
    cash_refunded = 0
    vat: list[VatTotal] = []
    for sale in sales:
        counts[sale.refund] += 1
        amounts[sale.refund] += sale.total
        for method, amount in sale.payments:
            methods[method] += amount
            if sale.refund and method == PaymentMethod.CASH:
                cash_refunded += amount
        vat.extend(sale.vat)
    return _period_totals(counts, amounts, methods, cash_refunded, vat)


def add_totals(parts: Iterable[PeriodTotals]) -> PeriodTotals:
    """The totals of a month from its days, or of a year from its months."""
    counts = [0, 0]
    amounts = [0, 0]
    methods: dict[str, int] = defaultdict(int)
    cash_refunded = 0
    vat: list[VatTotal] = []
    for part in parts:
        counts[0] += part.sales_count
        counts[1] += part.refunds_count
        amounts[0] += part.sales_total
        amounts[1] += part.refunds_total
        cash_refunded += part.cash_refunded
        for method, amount in part.by_method:
            methods[method] += amount
        vat.extend(part.vat)
    return _period_totals(counts, amounts, methods, cash_refunded, vat)


def _period_totals(
    counts: list[int],
    amounts: list[int],
    methods: dict[str, int],
    cash_refunded: int,
    vat: Iterable[VatTotal],
) -> PeriodTotals:
    """The totals from what was counted: sales then refunds (``counts``, ``amounts``), per
    method, and every VAT share, summed here per rate."""
    by_rate: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for line in vat:
        shares = by_rate[line.rate_bp]
        shares[0] += line.gross
        shares[1] += line.net
        shares[2] += line.vat
    return PeriodTotals(
        sales_count=counts[0],
        sales_total=amounts[0],
        refunds_count=counts[1],
        refunds_total=amounts[1],
        by_method=_ordered(methods),
        cash_refunded=cash_refunded,
        vat=tuple(VatTotal(rate, *by_rate[rate]) for rate in sorted(by_rate, reverse=True)),
    )


def _ordered(methods: dict[str, int]) -> tuple[tuple[str, int], ...]:
    known = [m for m in METHOD_ORDER if m in methods]
    unknown = sorted(m for m in methods if m not in METHOD_ORDER)
    return tuple((m, methods[m]) for m in known + unknown)


@dataclass(frozen=True)
class GrandTotals:
    """The perpetual totals since the till's first sale, carried from closure to closure."""

    total: int = 0
    """Every net total (sales less refunds) added up."""
    absolute: int = 0
    """Sales and refunds both added as positive amounts: it only ever grows."""

    def carried(self, period: PeriodTotals) -> GrandTotals:
        return GrandTotals(self.total + period.net_total, self.absolute + period.absolute_total)


@dataclass(frozen=True)
class CashCount:
    """The drawer at a Z: what should be in it and what was counted."""

    opening: int
    """The float the drawer started with."""
    expected: int
    counted: int | None = None
    """None: nobody counted it."""

    @property
    def difference(self) -> int | None:
        """Counted less expected: negative when cash is missing."""
        return None if self.counted is None else self.counted - self.expected


def cash_count(
    totals: PeriodTotals, opening: int, counted: int | None, deposits: int = 0
) -> CashCount:
    """Expected cash: the float, plus cash taken, less cash handed back on refunds, plus
    the cash customers paid into their accounts at this till (``deposits``)."""
    return CashCount(opening, opening + totals.cash + deposits, counted)


@dataclass(frozen=True)
class JournalHead:
    """The end of the till's sales journal when a closure was taken: printed and sealed
    with it, so that a journal cut short after the closure shows."""

    receipt_no: int = 0
    """0: the till had no sale yet."""
    journal_hash: str = ""


@dataclass(frozen=True)
class Closure:
    """A closure as stored, printed and shown; an X report is one with number 0, never
    stored."""

    till_no: int
    kind: ClosureKind
    number: int
    period: str
    """``2026-12-01``, ``2026-12`` or ``2026``."""
    opened_at: str
    """UTC, ISO 8601: where what it covers begins (the previous closure's end; "" at first)."""
    closed_at: str
    """UTC, ISO 8601: where what it covers ends (the moment it was taken, or the period's
    end for a day closed later)."""
    created_at: str
    first_receipt_no: int
    last_receipt_no: int
    """The receipts it covers, by number. A Z with no receipt has ``last = first - 1`` (the
    next Z starts after it); a month or year with no day has 0 and 0."""
    currency: str
    totals: PeriodTotals
    grand: GrandTotals
    head: JournalHead
    actor: str
    approved_by: str
    cash: CashCount | None = None
    """A Z's and an X report's drawer; None for months and years."""
    chain_no: int = 0
    previous_hash: str = ""
    hash: str = ""
    signature: str = ""

    @property
    def is_x(self) -> bool:
        return self.number == 0

    @property
    def name(self) -> Phrase:
        """``Z 12``, ``Month 3``, ``X report``: worded where it is shown."""
        return (
            Phrase(X_REPORT) if self.is_x else Phrase(CLOSURE_NAMES[self.kind], number=self.number)
        )

    @property
    def receipt_count(self) -> int:
        """How many receipts it covers (sales and refunds)."""
        if not self.first_receipt_no:
            return 0
        return max(self.last_receipt_no - self.first_receipt_no + 1, 0)

    @property
    def first_receipt(self) -> str:
        return receipt_code(self.till_no, self.first_receipt_no) if self.receipt_count else ""

    @property
    def last_receipt(self) -> str:
        return receipt_code(self.till_no, self.last_receipt_no) if self.receipt_count else ""

    @property
    def head_receipt(self) -> str:
        no = self.head.receipt_no
        return receipt_code(self.till_no, no) if no else ""


def closure_payload(closure: Closure) -> dict[str, Any]:
    """Everything a closure says, as it is hashed and signed."""
    cash = closure.cash
    return {
        "till_no": closure.till_no,
        "kind": str(closure.kind),
        "number": closure.number,
        "chain_no": closure.chain_no,
        "period": closure.period,
        "opened_at": closure.opened_at,
        "closed_at": closure.closed_at,
        "created_at": closure.created_at,
        "first_receipt_no": closure.first_receipt_no,
        "last_receipt_no": closure.last_receipt_no,
        "currency": closure.currency,
        "totals": closure.totals.to_json(),
        "grand_total": closure.grand.total,
        "grand_total_absolute": closure.grand.absolute,
        "cash_opening": cash.opening if cash else None,
        "cash_expected": cash.expected if cash else None,
        "cash_counted": cash.counted if cash else None,
        "journal_receipt_no": closure.head.receipt_no,
        "journal_hash": closure.head.journal_hash,
        "actor": closure.actor,
        "approved_by": closure.approved_by,
    }


def closure_hash(previous_hash: str, payload: dict[str, Any]) -> str:
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256((previous_hash + canonical).encode()).hexdigest()


# The calendar: periods as the shop lives them, bounds as the journal stores times.


def parse_day(text: str) -> date:
    stripped = text.strip()
    try:
        if len(stripped) == 10:
            return date.fromisoformat(stripped)
    except ValueError:
        pass
    raise ClosureRefused(N_("{text!r}: not a day; write it YYYY-MM-DD."), text=text[:20])


def parse_month(text: str) -> tuple[int, int]:
    year, _, month = text.strip().partition("-")
    digits = (year + month).isascii() and year.isdigit() and month.isdigit()
    if digits and len(year) == 4 and len(month) == 2 and 1 <= int(month) <= 12 and int(year):
        return int(year), int(month)
    raise ClosureRefused(N_("{text!r}: not a month; write it YYYY-MM."), text=text[:20])


def parse_year(text: str) -> int:
    stripped = text.strip()
    if len(stripped) == 4 and stripped.isascii() and stripped.isdigit() and int(stripped) > 0:
        return int(stripped)
    raise ClosureRefused(N_("{text!r}: not a year; write it YYYY."), text=text[:20])


def local_start(day: date) -> str:
    """The UTC moment the shop's local day begins (the machine's time zone, summer time
    included), as the journal writes times."""
    local = datetime(day.year, day.month, day.day).astimezone()
    return local.astimezone(UTC).isoformat()


def local_day(moment: str) -> date:
    """The shop's local day of a stored UTC moment."""
    return datetime.fromisoformat(moment).astimezone().date()


def day_bounds(day: date) -> tuple[str, str]:
    return local_start(day), local_start(date.fromordinal(day.toordinal() + 1))


def month_bounds(year: int, month: int) -> tuple[str, str]:
    after = date(year + month // 12, month % 12 + 1, 1)
    return local_start(date(year, month, 1)), local_start(after)


def year_bounds(year: int) -> tuple[str, str]:
    return local_start(date(year, 1, 1)), local_start(date(year + 1, 1, 1))


def month_label(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"
