"""Returns: which lines of a sale can still come back, and what returning them refunds.

A return gives back each line's share of what was paid for it, discount included; amounts
are shared out cumulatively (what all returns of a line have refunded is that share of the
whole line, rounded once), so returning every unit refunds the line to the cent, however many
returns it took. Points follow the same way: the points a sale earned are taken back, and the
points that paid for it are given back, in proportion to the money returned.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from till.core.money import divide_half_up
from till.core.sale import RecordedLine, RecordedSale, receipt_code
from till.core.words import N_
from till.errors import InvalidSale


def parse_receipt_number(text: str) -> str:
    """A receipt number as scanned from the receipt's barcode (``01-000042``), typed short
    (``1-42``) or without its dash (``01000042``)."""
    cleaned = "".join(text.split())
    till, dash, number = cleaned.partition("-")
    if not dash and cleaned.isdigit() and len(cleaned) == 8:
        till, number = cleaned[:2], cleaned[2:]
    ascii_digits = cleaned.isascii() and till.isdigit() and number.isdigit()  # not ² nor ٣
    if not (ascii_digits and 1 <= len(till) <= 2 and len(number) <= 6):
        raise InvalidSale(
            N_(
                "{text!r} is not a receipt number: scan the receipt's barcode or type it like "
                "01-000042."
            ),
            text=text.strip()[:40],
        )
    return receipt_code(int(till), int(number))


@dataclass(frozen=True)
class ReturnableLine:
    """A line of the original sale, and how much of it came back already."""

    line: RecordedLine
    returned: int = 0

    @property
    def remaining(self) -> int:
        return self.line.quantity - self.returned


@dataclass(frozen=True)
class Returnable:
    """A sale as a return sees it."""

    sale: RecordedSale
    lines: tuple[ReturnableLine, ...]
    refunded: int = 0
    """Money refunded by earlier returns of this sale (positive)."""

    @property
    def fully_returned(self) -> bool:
        return all(line.remaining == 0 for line in self.lines)


def share(total: int, part_before: int, part_after: int, whole: int) -> int:
    """What ``total`` owes to ``part_after - part_before`` of ``whole``, shared cumulatively."""
    if whole == 0:
        return 0
    return divide_half_up(total * part_after, whole) - divide_half_up(total * part_before, whole)


def return_lines(returnable: Returnable, quantities: Mapping[int, int]) -> tuple[RecordedLine, ...]:
    """The lines of a return, negative, numbered as in the sale: ``quantities`` maps a line
    number to how many units come back. Refuses more than was bought and not yet returned."""
    by_number = {entry.line.line_no: entry for entry in returnable.lines}
    lines = []
    for line_no, quantity in sorted(quantities.items()):
        if quantity == 0:
            continue
        entry = by_number.get(line_no)
        if entry is None:
            raise InvalidSale(N_("The sale has no line {line}."), line=line_no)
        if not 0 < quantity <= entry.remaining:
            raise InvalidSale(
                N_("{name}: {remaining} can still be returned, not {quantity}."),
                name=entry.line.name,
                remaining=entry.remaining,
                quantity=quantity,
            )
        sold, before, after = entry.line.quantity, entry.returned, entry.returned + quantity
        lines.append(
            RecordedLine(
                line_no,
                entry.line.code,
                entry.line.name,
                -quantity,
                entry.line.unit_price,
                entry.line.vat_rate_bp,
                -share(entry.line.total, before, after, sold),
                -share(entry.line.discount, before, after, sold),
                entry.line.note,
            )
        )
    if not lines:
        raise InvalidSale(N_("Choose what comes back: no line has a quantity to return."))
    return tuple(lines)


@dataclass(frozen=True)
class PointsBack:
    """What a return does to the customer's points."""

    earned_taken_back: int
    spent_given_back: int
    money_in_points: int
    """The part of the refund that goes back as points rather than money."""


def points_back(
    sale: RecordedSale, refunded_before: int, refund: int, point_value: int
) -> PointsBack:
    """The points a return of ``refund`` (positive) moves, after ``refunded_before`` by earlier
    returns of the same sale. Points that paid come back as points instead of money; points that
    bought a discount come back as points too (the lines were refunded net of it)."""
    after = refunded_before + refund
    value = max(point_value, 1)
    points_paid = sum(p.amount for p in sale.payments if p.method == "points")
    points_discount = max(sale.points_spent * value - points_paid, 0)
    for_payment = share(points_paid, refunded_before, after, sale.total) // value
    for_discount = share(points_discount, refunded_before, after, sale.total) // value
    return PointsBack(
        earned_taken_back=share(sale.points_earned, refunded_before, after, sale.total),
        spent_given_back=for_payment + for_discount,
        money_in_points=for_payment * value,
    )
