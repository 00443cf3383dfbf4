"""What a customer pays for a line: price lists, promotions, discounts and tax-free export.

The rules, in order, for one line:

1. The base price is the customer's price-list price for the product (their price code),
   or the shelf price when the list has none.
2. The customer then gets the better (lower) of two offers, never both: the product's
   promotional price, unless the customer is excluded from promotions; or the base price
   less the customer's discount (the larger of the segment discount and an unexpired
   personal discount, or the best subscription covering the line's category, whichever
   takes more off). Products marked not discountable get neither.
3. A discount never takes a line below its cost (when the cost is known), unless the shop
   allows it. A promotional price is the shop's own choice and is not held to cost.
4. An export customer is sold tax-free: the line is charged its amount before VAT.

Amounts are rounded once per line, half up; VAT is then rounded once per rate over the
line totals (``till.core.tax``), so lines and VAT always add up to the total.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from till.core.line_notes import (
    PROMOTION,
    discount_note,
    price_list_note,
    price_set_by_note,
    segment_note,
    subscription_note,
)
from till.core.money import divide_half_up
from till.core.subscriptions import Benefit, line_benefit
from till.core.tax import net_of

if TYPE_CHECKING:
    from till.core.customer import Customer
    from till.core.sale import Item

FULL_BP = 10_000
"""100 % in basis points."""


@dataclass(frozen=True)
class PriceTerms:
    """The prices an attached customer is entitled to; walk-in customers get ``NO_TERMS``."""

    price_code: str = ""
    discount_bp: int = 0
    """Percentage off, in basis points (500 is 5 %)."""
    discount_reason: str = ""
    """The discount's note (till/core/line_notes.py), shown beside it on screen and receipt:
    ``segment:500:VIP`` says *VIP 5 %*."""
    promotions: bool = True
    """False for a customer excluded from promotions."""
    tax_free: bool = False
    """An export sale: charged before VAT."""
    allow_below_cost: bool = False
    subscriptions: tuple[Benefit, ...] = ()
    """The customer's subscriptions valid on the sale's day (till/core/subscriptions.py): a
    line gets the better of its best one and the discount above, never both."""

    def __post_init__(self) -> None:  # read back from a sale kept as JSON: dicts in a list
        if not all(isinstance(b, Benefit) for b in self.subscriptions) or not isinstance(
            self.subscriptions, tuple
        ):
            object.__setattr__(
                self, "subscriptions", tuple(Benefit.from_data(b) for b in self.subscriptions)
            )


NO_TERMS = PriceTerms()


@dataclass(frozen=True)
class LinePrice:
    """A line as the customer pays it."""

    unit_price: int
    """The regular price per unit, before any promotion or discount (VAT excluded when
    tax-free): the same presentation for every kind of reduction."""
    discount: int
    """What the promotion or the discount takes off the line at its regular price, in minor
    units; zero or more. What the customer saved on the line."""
    total: int
    vat_rate_bp: int
    """The product's rate, or 0 on a tax-free sale."""
    note: str = ""
    """Why the price differs from the shelf, as a code (till/core/line_notes.py):
    ``promotion``, ``price-list:B``, ``segment:500:VIP``; "" when it does not."""


def price_line(item: Item, quantity: int, terms: PriceTerms = NO_TERMS) -> LinePrice:
    """The price of ``quantity`` of ``item`` for a customer with ``terms``."""
    base, note = item.unit_price, ""
    if item.price_set_by:
        note = price_set_by_note(item.price_set_by)
    elif terms.price_code and item.code_price is not None:
        base, note = item.code_price, price_list_note(terms.price_code)
    rate = item.vat_rate_bp
    tax_free = terms.tax_free
    charged_rate = 0 if tax_free else rate

    def amount(gross: int) -> int:
        return net_of(gross, rate) if tax_free else gross

    unit = amount(base)
    full = amount(base * quantity)
    offers = [(full, 0, note)]
    if item.discountable and terms.promotions and item.promo_price is not None:
        promo = amount(item.promo_price * quantity)
        if promo < full:
            offers.append((promo, full - promo, PROMOTION))
    discount_bp, reason = terms.discount_bp, terms.discount_reason
    benefit = line_benefit(terms.subscriptions, item.category) if terms.subscriptions else None
    if benefit is not None and benefit.discount_bp > discount_bp:
        discount_bp = benefit.discount_bp
        reason = subscription_note(benefit.name, benefit.discount_bp)
    if item.discountable and discount_bp > 0:
        discount = divide_half_up(full * min(discount_bp, FULL_BP), FULL_BP)
        if item.cost and not terms.allow_below_cost:
            floor = _cost_floor(item.cost * quantity, charged_rate)
            discount = max(min(discount, full - floor), 0)
        if discount:
            offers.append((full - discount, discount, reason))
    total, discount, why = min(offers, key=lambda offer: offer[0])
    return LinePrice(unit, discount, total, charged_rate, why)


def allocate(amount: int, weights: list[int]) -> list[int]:
    """Share ``amount`` out in proportion to ``weights``, rounding cumulatively so the shares
    add up to ``amount`` exactly (a sale-wide discount spread over its lines)."""
    whole = sum(weights)
    if whole <= 0:
        return [0] * len(weights)
    shares, before = [], 0
    for weight in weights:
        after = before + weight
        shares.append(
            divide_half_up(amount * after, whole) - divide_half_up(amount * before, whole)
        )
        before = after
    return shares


def room_above_cost(item: Item, quantity: int, terms: PriceTerms, price: LinePrice) -> int:
    """How much more may come off a line priced ``price`` before it is charged below cost
    (README pricing rule 3): all of it when the item has no cost or the customer may buy
    below cost."""
    if not item.cost or terms.allow_below_cost:
        return max(price.total, 0)
    return max(price.total - _cost_floor(item.cost * quantity, price.vat_rate_bp), 0)


def _cost_floor(cost_excl_vat: int, rate_bp: int) -> int:
    """The least a line may be charged: its cost plus the VAT on it, rounded up."""
    return -(-cost_excl_vat * (FULL_BP + rate_bp) // FULL_BP)


def customer_terms(
    customer: Customer,
    *,
    segment_discounts: dict[str, int],
    allow_below_cost: bool,
    today: date,
) -> PriceTerms:
    """The price terms a customer file gives, on ``today``."""
    from till.core.money import parse_rate

    until = date.fromisoformat(customer.discount_until) if customer.discount_until else None
    personal = parse_rate(customer.discount_percent) if customer.discount_percent else 0
    discount_bp, reason = customer_discount(
        segment=customer.segment,
        segment_discounts=segment_discounts,
        personal_bp=personal,
        personal_until=until,
        today=today,
    )
    return PriceTerms(
        price_code=customer.price_code,
        discount_bp=discount_bp,
        discount_reason=reason,
        promotions=not customer.excluded_from_promotions,
        tax_free=customer.export_sale,
        allow_below_cost=allow_below_cost,
    )


def customer_discount(
    *,
    segment: str,
    segment_discounts: dict[str, int],
    personal_bp: int,
    personal_until: date | None,
    today: date,
) -> tuple[int, str]:
    """The discount a customer gets today and its note: the larger of their segment's and
    their personal discount, which counts up to and including its expiry date."""
    offers = [(0, "")]
    segment_bp = segment_discounts.get(segment, 0)
    if segment_bp:
        offers.append((segment_bp, segment_note(segment, segment_bp)))
    if personal_bp and (personal_until is None or today <= personal_until):
        offers.append((personal_bp, discount_note(personal_bp)))
    return max(offers, key=lambda offer: offer[0])


def format_percent(bp: int) -> str:
    whole, part = divmod(bp, 100)
    return f"{whole}%" if not part else f"{whole}.{part:02d}".rstrip("0") + "%"
