"""The sale in progress: lines, payments and the rules that keep them consistent."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from enum import StrEnum
from typing import Any

from till.core.barcodes import MAX_QUANTITY
from till.core.coupons import (
    BONUS_POINTS,
    NOTHING_TO_TAKE_OFF,
    AppliedCoupon,
    Offer,
    coupon_shares,
)
from till.core.line_notes import with_coupon, with_points
from till.core.pricing import (
    NO_TERMS,
    LinePrice,
    PriceTerms,
    allocate,
    price_line,
    room_above_cost,
)
from till.core.tax import VatLine, vat_breakdown
from till.core.words import N_
from till.errors import InvalidSale

MAX_LINES = 500


class PaymentMethod(StrEnum):
    CASH = "cash"
    CARD = "card"
    POINTS = "points"
    ACCOUNT = "account"
    """The customer's account: their credit notes and deposits, or on-account credit."""


@dataclass(frozen=True)
class Item:
    """A product as the catalog sells it: what a scan resolves to."""

    product_id: str
    code: str
    name: str
    unit_price: int
    vat_rate_bp: int
    category: str = ""
    cost: int = 0
    """Purchase cost excluding VAT; 0 when the shop has not said."""
    promo_price: int | None = None
    """A promotional shelf price, for customers not excluded from promotions."""
    discountable: bool = True
    """False for products sold at a fixed price: no promotion, discount or points."""
    code_price: int | None = None
    """The price on the attached customer's price list, when it has one for this product."""
    price_set_by: str = ""
    """Who set this line's price by hand (a manager): the price is then final, with no
    promotion, price list or discount."""


@dataclass
class CartLine:
    """One line of the sale: an item, how many, and the price terms of the sale's customer."""

    item: Item
    quantity: int = 1
    terms: PriceTerms = NO_TERMS
    points_off: int = 0
    """This line's share of a discount the customer paid for with points."""
    coupon_off: int = 0
    """This line's share of what the sale's coupon takes off."""
    coupon_campaign: str = ""
    """The campaign of that coupon, for the line's note."""
    _priced: tuple[tuple, LinePrice] | None = field(default=None, repr=False, compare=False)

    @property
    def price(self) -> LinePrice:
        """What the line costs; worked out again only when what it depends on changed (the
        screen reads every line's price several times a scan)."""
        key = (self.item, self.quantity, self.terms, self.points_off, self.coupon_off)
        if self._priced is None or self._priced[0] != key:
            self._priced = (key, self._work_out_price())
        return self._priced[1]

    def _work_out_price(self) -> LinePrice:
        price = price_line(self.item, self.quantity, self.terms)
        if self.coupon_off:
            price = replace(
                price,
                discount=price.discount + self.coupon_off,
                total=price.total - self.coupon_off,
                note=with_coupon(price.note, self.coupon_campaign),
            )
        if not self.points_off:
            return price
        return replace(
            price,
            discount=price.discount + self.points_off,
            total=price.total - self.points_off,
            note=with_points(price.note),
        )

    @property
    def total(self) -> int:
        return self.price.total

    @property
    def unit_price(self) -> int:
        return self.price.unit_price


@dataclass(frozen=True)
class Payment:
    """Money taken: ``amount`` counts toward the total, ``tendered`` is what was handed over."""

    method: PaymentMethod
    amount: int
    tendered: int

    @property
    def change(self) -> int:
        return self.tendered - self.amount


@dataclass(frozen=True)
class SaleCustomer:
    """The customer a sale is for; a sale without one is a walk-in sale."""

    id: str
    code: str
    name: str
    excluded_from_promotions: bool = False
    enrolled: bool = False
    """Holds a loyalty card: only enrolled customers earn and spend points."""
    business: bool = False
    """A business customer sees prices excluding tax, with the tax lines."""
    terms: PriceTerms = NO_TERMS
    """Their price list, discount, promotions and export status, as of when attached."""
    language: str = ""
    """The language of what is printed for them (``fr``, ``en``); "": the till's."""
    invoice_automatically: bool = False
    """Their sales are invoiced once saved (docs/invoices.md), as their file said when
    attached; a refund's customer, read back from storage, leaves it to the invoice service."""


WALK_IN = SaleCustomer("", "", "Walk-in customer")
"""Choosing this detaches the customer: the sale goes back to walk-in."""


@dataclass
class Cart:
    """The sale being rung up. Validated here, before anything is stored."""

    lines: list[CartLine] = field(default_factory=list)
    payments: list[Payment] = field(default_factory=list)
    customer: SaleCustomer | None = None
    points_discount: int = 0
    """Taken off the sale for points, spread over its lines (VAT falls with it)."""
    coupon: AppliedCoupon | None = None
    """A campaign's coupon on this sale: what it takes off is spread over the discountable
    lines and shared again whenever they change."""

    @property
    def prices_excl_tax(self) -> bool:
        return bool(self.customer and self.customer.business and not self.customer.terms.tax_free)

    @property
    def terms(self) -> PriceTerms:
        return self.customer.terms if self.customer else NO_TERMS

    @property
    def tax_free(self) -> bool:
        return self.terms.tax_free

    def attach(
        self, customer: SaleCustomer | None, code_prices: Mapping[str, int] | None = None
    ) -> None:
        """Attach a customer, or go back to walk-in with None, and reprice every line.
        ``code_prices``: the customer's price-list prices by product id, for the lines here."""
        if self.payments or self.points_discount:
            raise InvalidSale(N_("Payment has started: the customer can no longer change."))
        self.customer = customer
        prices = code_prices or {}
        for line in self.lines:
            line.item = replace(line.item, code_price=prices.get(line.item.product_id))
            line.terms = self.terms
        if self.coupon and (customer is None or customer.id != self.coupon.customer_id):
            self.coupon = None  # a personal coupon leaves with its customer
        self.share_coupon()

    def add(self, item: Item, quantity: int = 1) -> int:
        """Add an item, merging with a line of the same product and price; returns the line."""
        self._check_open()
        for index, line in enumerate(self.lines):
            if line.item == item:
                self._check_quantity(line.quantity + quantity)
                line.quantity += quantity
                self.share_coupon()
                return index
        if len(self.lines) >= MAX_LINES:
            raise InvalidSale(
                N_("A sale holds at most {most} lines: pay this one first."), most=MAX_LINES
            )
        self._check_quantity(quantity)
        self.lines.append(CartLine(item, quantity, self.terms))
        self.share_coupon()
        return len(self.lines) - 1

    def set_quantity(self, index: int, quantity: int) -> None:
        self._check_open()
        self._check_quantity(quantity)
        self._line(index).quantity = quantity
        self.share_coupon()

    def set_price(self, index: int, unit_price: int, by: str) -> CartLine:
        """Set a line's unit price by hand (``by``: who allowed it); returns the line as it
        was."""
        self._check_open()
        line = self._line(index)
        before = replace(line)
        line.item = replace(
            line.item,
            unit_price=unit_price,
            promo_price=None,
            code_price=None,
            discountable=False,
            price_set_by=by,
        )
        self.share_coupon()
        return before

    def void(self, index: int) -> CartLine:
        self._check_open()
        line = self._line(index)
        del self.lines[index]
        self.share_coupon()
        return line

    @property
    def total(self) -> int:
        return sum(line.total for line in self.lines)

    @property
    def item_count(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def vat(self) -> list[VatLine]:
        prices = [line.price for line in self.lines]
        return vat_breakdown((price.vat_rate_bp, price.total) for price in prices)

    @property
    def discount(self) -> int:
        return sum(line.price.discount for line in self.lines)

    @property
    def paid(self) -> int:
        return sum(payment.amount for payment in self.payments)

    @property
    def remaining(self) -> int:
        return max(self.total - self.paid, 0)

    @property
    def change(self) -> int:
        return sum(payment.change for payment in self.payments)

    @property
    def is_settled(self) -> bool:
        return bool(self.lines) and self.paid >= self.total

    def pay(self, method: PaymentMethod, tendered: int) -> Payment:
        """Take a payment. Cash may exceed what is due (change is given); card may not."""
        if not self.lines:
            raise InvalidSale(N_("The sale is empty: scan an item first."))
        if self.is_settled:
            raise InvalidSale(N_("The sale is already paid."))
        if tendered <= 0:
            raise InvalidSale(N_("A payment must be more than zero."))
        due = self.remaining
        if method is PaymentMethod.CARD and tendered > due:
            raise InvalidSale(N_("A card payment cannot be more than what is due."))
        if method is PaymentMethod.POINTS and tendered > due:
            raise InvalidSale(N_("Points cannot pay more than what is due."))
        if method is PaymentMethod.POINTS and self.customer is None:
            raise InvalidSale(N_("Attach the customer whose points pay."))
        if method is PaymentMethod.ACCOUNT and tendered > due:
            raise InvalidSale(N_("The account cannot pay more than what is due."))
        if method is PaymentMethod.ACCOUNT and self.customer is None:
            raise InvalidSale(N_("Attach the customer whose account pays."))
        payment = Payment(method, min(tendered, due), tendered)
        self.payments.append(payment)
        return payment

    def _line(self, index: int) -> CartLine:
        if not 0 <= index < len(self.lines):
            raise InvalidSale(N_("Select a line first."))
        return self.lines[index]

    def discount_for_points(self, amount: int) -> None:
        """Take ``amount`` off the sale, paid for with the customer's points: a discount, so the
        VAT falls with it, unlike points taken as a payment. The lines are locked from then."""
        self._check_open()
        if self.customer is None or not self.customer.enrolled:
            raise InvalidSale(N_("Attach the customer whose points pay for the discount."))
        if not 0 < amount <= self.total:
            raise InvalidSale(N_("A points discount is more than zero and at most the total."))
        totals = [line.total for line in self.lines]
        for line, share in zip(self.lines, allocate(amount, totals), strict=True):
            line.points_off = share
        self.points_discount = amount

    def take_coupon(self, coupon: AppliedCoupon) -> None:
        """Put a coupon on the sale (checked by the caller: its customer is attached, it is
        valid and unused). One coupon a sale."""
        self._check_open()
        if self.coupon is not None:
            raise InvalidSale(N_("This sale already has coupon {code}."), code=self.coupon.code)
        if self.customer is None or self.customer.id != coupon.customer_id:
            raise InvalidSale(N_("Attach the coupon's customer first."))
        self.coupon = coupon
        self.share_coupon()
        if self.lines and coupon.kind != BONUS_POINTS and not self.coupon_discount:
            self.coupon = None
            self.share_coupon()
            raise InvalidSale(NOTHING_TO_TAKE_OFF, code=coupon.code)

    @property
    def coupon_discount(self) -> int:
        """What the coupon takes off the sale as it stands."""
        return sum(line.coupon_off for line in self.lines)

    def drop_coupon(self) -> None:
        self._check_open()
        self.coupon = None
        self.share_coupon()

    def share_coupon(self) -> None:
        """Spread the coupon's reduction over the lines as they are now."""
        shares = [0] * len(self.lines)
        if self.coupon is not None:
            offer = Offer(self.coupon.kind, self.coupon.value)
            prices = [price_line(ln.item, ln.quantity, ln.terms) for ln in self.lines]
            rooms = [
                room_above_cost(ln.item, ln.quantity, ln.terms, price)
                for ln, price in zip(self.lines, prices, strict=True)
            ]
            discountable = [ln.item.discountable for ln in self.lines]
            shares = coupon_shares(offer, [p.total for p in prices], discountable, rooms)
        campaign = self.coupon.campaign if self.coupon else ""
        for line, share in zip(self.lines, shares, strict=True):
            line.coupon_off, line.coupon_campaign = share, campaign if share else ""

    def clear_payments(self) -> None:
        """Give back every payment and any points discount: the sale is open to pay again."""
        self.payments.clear()
        self.clear_points_discount()

    def clear_points_discount(self) -> None:
        if self.payments:
            raise InvalidSale(N_("Payment has started: the discount can no longer change."))
        for line in self.lines:
            line.points_off = 0
        self.points_discount = 0

    def _check_open(self) -> None:
        if self.payments:
            raise InvalidSale(N_("Payment has started: the lines can no longer change."))
        if self.points_discount:
            raise InvalidSale(N_("Points were taken off the sale: clear that discount first."))

    @staticmethod
    def _check_quantity(quantity: int) -> None:
        if not 1 <= quantity <= MAX_QUANTITY:
            raise InvalidSale(N_("A quantity is between 1 and {most}."), most=MAX_QUANTITY)


@dataclass(frozen=True)
class RecordedLine:
    """A line as the journal keeps it."""

    line_no: int
    code: str
    name: str
    quantity: int
    unit_price: int
    vat_rate_bp: int
    total: int
    discount: int = 0
    """Taken off ``quantity × unit_price`` by the customer's discount."""
    note: str = ""
    """Why the price is not the shelf price (price list, promotion, discount)."""


@dataclass(frozen=True)
class ReceiptHeader:
    """What a receipt took from the configuration and the customer file when the sale was
    recorded, kept with the sale so that a copy reproduces the receipt as it was issued."""

    store_name: str
    address: tuple[str, ...] = ()
    vat_number: str = ""
    footer: tuple[str, ...] = ()
    qr: str = ""
    export_mention: str = ""
    customer_name: str = ""

    def naming(self, customer: SaleCustomer | None) -> ReceiptHeader:
        """This header with the name the customer goes by today (none for a walk-in sale)."""
        return replace(self, customer_name=customer.name if customer else "")

    def to_json(self) -> dict[str, object]:
        return {name: list(v) if isinstance(v, tuple) else v for name, v in asdict(self).items()}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ReceiptHeader:
        known = set(cls.__dataclass_fields__)
        values: dict[str, Any] = {
            k: tuple(v) if isinstance(v, list) else v for k, v in data.items() if k in known
        }
        return cls(**values)


@dataclass(frozen=True)
class RecordedSale:
    """A committed sale, as the receipt, the screen and the CLI read it."""

    id: str
    till_no: int
    receipt_no: int
    receipt_code: str
    created_at: str
    seller: str
    currency: str
    total: int
    item_count: int
    change_given: int
    lines: tuple[RecordedLine, ...]
    vat: tuple[VatLine, ...]
    payments: tuple[Payment, ...]
    store: str = ""
    customer: SaleCustomer | None = None
    points_earned: int = 0
    points_spent: int = 0
    points_balance: int | None = None
    """The customer's balance right after the sale; None for a walk-in sale."""
    prices_excl_tax: bool = False
    """Shown to a business customer: lines excluding tax, then the tax."""
    tax_free: bool = False
    """An export sale, charged without VAT; its receipt says so."""
    refund_of_id: str | None = None
    """A return: the id of the sale it refunds (its quantities and amounts are negative)."""
    refund_of: str = ""
    """A return: the receipt number of the sale it refunds."""
    header: ReceiptHeader | None = None
    """What its receipt printed from the configuration; None for sales recorded before it was
    kept (their copies take today's)."""


def receipt_code(till_no: int, receipt_no: int) -> str:
    """The human receipt number, unique across tills: till number, then its own sequence."""
    return f"{till_no:02d}-{receipt_no:06d}"


PAYMENT_LABELS = {
    PaymentMethod.CASH: N_("Cash"),
    PaymentMethod.CARD: N_("Card"),
    PaymentMethod.POINTS: N_("Points"),
    PaymentMethod.ACCOUNT: N_("Account"),
}
"""Each method's English name; screens and receipts show it through ``till.i18n._``."""


def cart_document(cart: Cart) -> dict:
    """A cart as plain data, to park it or keep the open sale on disk: lines, customer,
    payments taken and any points discount."""
    customer = cart.customer
    document: dict = {
        "lines": [
            {**vars(line.item), "quantity": line.quantity}
            | ({"points_off": line.points_off} if line.points_off else {})
            for line in cart.lines
        ],
        "customer": asdict(customer) if customer else None,
    }
    if cart.payments:
        document["payments"] = [
            {"method": str(p.method), "amount": p.amount, "tendered": p.tendered}
            for p in cart.payments
        ]
    if cart.points_discount:
        document["points_discount"] = cart.points_discount
    if cart.coupon:
        document["coupon"] = asdict(cart.coupon)
    return document


def cart_from_document(document: dict) -> Cart:
    saved = document.get("customer")
    customer = None
    if saved:
        saved = dict(saved)
        terms = PriceTerms(**(saved.pop("terms", None) or {}))
        customer = SaleCustomer(**saved, terms=terms)
    cart = Cart(customer=customer, points_discount=document.get("points_discount", 0))
    for line in document["lines"]:
        fields = dict(line)
        quantity = fields.pop("quantity")
        points_off = fields.pop("points_off", 0)
        cart.lines.append(CartLine(Item(**fields), quantity, cart.terms, points_off))
    if document.get("coupon"):
        cart.coupon = AppliedCoupon(**document["coupon"])
        cart.share_coupon()
    for payment in document.get("payments", ()):
        cart.payments.append(
            Payment(PaymentMethod(payment["method"]), payment["amount"], payment["tendered"])
        )
    return cart


def cart_snapshot(cart: Cart) -> Cart:
    """A copy of the cart that later changes to it leave alone (its items, customer and
    payments are frozen values, so only the lists and lines are copied)."""
    return Cart(
        [
            CartLine(
                line.item,
                line.quantity,
                line.terms,
                line.points_off,
                line.coupon_off,
                line.coupon_campaign,
            )
            for line in cart.lines
        ],
        list(cart.payments),
        cart.customer,
        cart.points_discount,
        cart.coupon,
    )


@dataclass(frozen=True)
class Parked:
    """A sale put aside under a name."""

    id: str
    name: str
    created_at: str
    total: int
    item_count: int
