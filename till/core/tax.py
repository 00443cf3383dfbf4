"""VAT on tax-inclusive prices: the breakdown per rate, rounded once per rate."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from till.core.money import divide_half_up


@dataclass(frozen=True)
class VatLine:
    """The share of a sale taxed at one rate."""

    rate_bp: int
    gross: int
    net: int
    vat: int


def split_gross(gross: int, rate_bp: int) -> tuple[int, int]:
    """Split a tax-inclusive amount into (net, vat); the two always add up to ``gross``."""
    net = divide_half_up(gross * 10_000, 10_000 + rate_bp)
    return net, gross - net


def vat_breakdown(amounts: Iterable[tuple[int, int]]) -> list[VatLine]:
    """Group ``(rate_bp, gross)`` pairs by rate, highest rate first."""
    gross_by_rate: dict[int, int] = defaultdict(int)
    for rate_bp, gross in amounts:
        gross_by_rate[rate_bp] += gross
    lines = []
    for rate_bp in sorted(gross_by_rate, reverse=True):
        gross = gross_by_rate[rate_bp]
        net, vat = split_gross(gross, rate_bp)
        lines.append(VatLine(rate_bp, gross, net, vat))
    return lines


def net_of(gross: int, rate_bp: int) -> int:
    """What a tax-inclusive amount is before tax, as a business customer's line shows it."""
    return split_gross(gross, rate_bp)[0]
