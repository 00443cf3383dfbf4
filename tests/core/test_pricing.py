"""Pricing by customer: price lists, promotions, discounts, cost floors and export sales."""

from dataclasses import replace
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from till.core.customer import Customer
from till.core.pricing import (
    NO_TERMS,
    PROMOTION,
    PriceTerms,
    customer_discount,
    customer_terms,
    format_percent,
    price_line,
)
from till.core.sale import Cart, Item, SaleCustomer
from till.core.tax import net_of, vat_breakdown

WINE = Item("p1", "c1", "Vin", 1000, 2000, "Cave", cost=500)
"""10.00 incl. 20 % VAT; cost 5.00 excl. VAT, i.e. 6.00 incl. VAT."""
VIP = PriceTerms(discount_bp=1000, discount_reason="VIP 10%")


def test_walk_in_pays_the_shelf_price():
    price = price_line(WINE, 3)
    assert (price.unit_price, price.discount, price.total, price.vat_rate_bp) == (
        1000,
        0,
        3000,
        2000,
    )
    assert price.note == ""


def test_a_segment_discount_comes_off_the_line_with_its_reason():
    price = price_line(WINE, 3, VIP)
    assert (price.unit_price, price.discount, price.total) == (1000, 300, 2700)
    assert price.note == "VIP 10%"


def test_the_price_list_price_is_the_base_for_a_customer_with_that_code():
    item = Item("p1", "c1", "Vin", 1000, 2000, code_price=850)
    assert price_line(item, 2, PriceTerms(price_code="PRO")).total == 1700
    assert price_line(item, 2, PriceTerms(price_code="PRO")).note == "price-list:PRO"
    assert price_line(item, 2, NO_TERMS).total == 2000  # without the code: shelf price


def test_the_better_of_promotion_and_discount_never_both():
    item = Item("p1", "c1", "Vin", 1000, 2000, promo_price=800)
    assert price_line(item, 1).total == 800  # walk-in gets the promotion
    assert price_line(item, 1, VIP).total == 800  # 10 % off would be 9.00: the promotion wins
    big = PriceTerms(discount_bp=3000, discount_reason="Discount 30%")
    assert price_line(item, 1, big).total == 700  # 30 % off beats the promotion, alone
    assert price_line(item, 1, big).discount == 300


def test_a_customer_excluded_from_promotions_pays_the_full_price():
    item = Item("p1", "c1", "Vin", 1000, 2000, promo_price=800)
    excluded = PriceTerms(promotions=False)
    assert price_line(item, 1, excluded).total == 1000


def test_a_fixed_price_product_gets_no_promotion_and_no_discount():
    book = Item("p2", "c2", "Livre", 2000, 550, promo_price=1500, discountable=False)
    assert price_line(book, 1, VIP).total == 2000


def test_a_discount_stops_at_cost_unless_the_shop_allows_it():
    deep = PriceTerms(discount_bp=6000, discount_reason="Staff 60%")
    assert price_line(WINE, 1, deep).total == 600  # cost 5.00 + 20 % VAT
    allowed = PriceTerms(discount_bp=6000, allow_below_cost=True)
    assert price_line(WINE, 1, allowed).total == 400


def test_an_export_sale_is_charged_before_vat():
    price = price_line(WINE, 3, PriceTerms(tax_free=True))
    assert (price.total, price.vat_rate_bp) == (2500, 0)  # 30.00 / 1.2
    assert price.unit_price == 833


def test_customer_discount_takes_the_larger_and_drops_an_expired_personal_one():
    segments = {"VIP": 500}
    day = date(2026, 11, 23)
    args = {"segment": "VIP", "segment_discounts": segments, "today": day}
    personal = customer_discount(**args, personal_bp=1000, personal_until=day)
    assert personal == (1000, "discount:1000")
    assert customer_discount(**args, personal_bp=1000, personal_until=date(2026, 11, 22)) == (
        500,
        "segment:500:VIP",
    )
    segment = customer_discount(**args, personal_bp=250, personal_until=None)
    assert segment == (500, "segment:500:VIP")
    assert customer_discount(
        segment="Regular", segment_discounts=segments, personal_bp=0, personal_until=None, today=day
    ) == (0, "")


def test_customer_terms_read_the_customer_file():
    customer = Customer(
        "id",
        "C01-000001",
        last_name="Martin",
        segment="Wholesale",
        price_code="PRO",
        discount_percent="12.5",
        discount_until="2026-12-31",
        excluded_from_promotions=True,
        export_sale=True,
    )
    terms = customer_terms(
        customer,
        segment_discounts={"Wholesale": 1000},
        allow_below_cost=False,
        today=date(2026, 11, 23),
    )
    assert terms == PriceTerms("PRO", 1250, "discount:1250", False, True, False)


def test_format_percent():
    assert [format_percent(bp) for bp in (500, 1250, 1205, 0)] == ["5%", "12.5%", "12.05%", "0%"]


def test_attaching_a_customer_reprices_the_lines_and_detaching_restores_them():
    cart = Cart()
    cart.add(WINE, 2)
    customer = SaleCustomer("id", "C1", "MARTIN", terms=VIP)
    cart.attach(customer)
    assert (cart.total, cart.discount) == (1800, 200)
    cart.add(Item("p3", "c3", "Pain", 120, 550))  # a line added later gets the terms too
    assert cart.total == 1800 + 108
    cart.attach(None)
    assert (cart.total, cart.discount) == (2120, 0)


items = st.builds(
    Item,
    product_id=st.sampled_from(["a", "b", "c", "d"]),
    code=st.just("c"),
    name=st.just("n"),
    unit_price=st.integers(0, 100_000),
    vat_rate_bp=st.sampled_from([0, 210, 550, 1000, 2000]),
    cost=st.integers(0, 100_000),
    promo_price=st.none() | st.integers(0, 100_000),
    discountable=st.booleans(),
    code_price=st.none() | st.integers(0, 100_000),
)
terms = st.builds(
    PriceTerms,
    price_code=st.sampled_from(["", "PRO"]),
    discount_bp=st.integers(0, 10_000),
    discount_reason=st.just("r"),
    promotions=st.booleans(),
    tax_free=st.booleans(),
    allow_below_cost=st.booleans(),
)
quantities = st.integers(1, 999)


@given(items, quantities, terms)
def test_a_line_is_never_negative_and_never_dearer_than_its_base(item, quantity, terms):
    price = price_line(item, quantity, terms)
    base = item.code_price if terms.price_code and item.code_price is not None else item.unit_price
    full = net_of(base * quantity, item.vat_rate_bp) if terms.tax_free else base * quantity
    assert 0 <= price.total <= full
    assert price.discount >= 0
    assert price.vat_rate_bp == (0 if terms.tax_free else item.vat_rate_bp)


@given(items, quantities, terms)
def test_a_discount_never_goes_below_cost_unless_allowed(item, quantity, terms):
    price = price_line(item, quantity, terms)
    by_customer = price.discount and price.note != PROMOTION  # a promotion is not held to cost
    if by_customer and not terms.allow_below_cost and item.cost:
        rate = price.vat_rate_bp
        cost_with_vat = item.cost * quantity * (10_000 + rate)
        assert price.total * 10_000 >= cost_with_vat


@given(items, quantities, terms)
def test_a_discount_is_its_rate_of_the_line_rounded_once(item, quantity, terms):
    price = price_line(item, quantity, terms)
    by_customer = price.discount and price.note != PROMOTION
    if by_customer and (terms.allow_below_cost or not item.cost):
        before = price.total + price.discount
        exact = before * min(terms.discount_bp, 10_000)
        assert abs(price.discount * 10_000 - exact) <= 5_000  # half a cent, at most


@given(st.lists(st.tuples(items, quantities), min_size=1, max_size=20), terms)
def test_lines_and_vat_add_up_to_the_total_whatever_the_terms(lines, terms):
    cart = Cart()
    for n, (item, quantity) in enumerate(lines):
        cart.add(replace(item, product_id=str(n)), quantity)
    cart.attach(SaleCustomer("id", "C", "X", terms=terms))
    assert cart.total == sum(line.total for line in cart.lines) >= 0
    vat = vat_breakdown((line.price.vat_rate_bp, line.total) for line in cart.lines)
    assert sum(v.gross for v in vat) == cart.total
    assert all(v.net + v.vat == v.gross and v.vat >= 0 for v in vat)
    if terms.tax_free:
        assert all(v.vat == 0 for v in vat)


@given(st.integers(0, 10**7), st.lists(st.integers(0, 10**6), min_size=1, max_size=30))
def test_allocate_shares_out_exactly_and_never_beyond_a_weight(amount, weights):
    from till.core.pricing import allocate

    amount = min(amount, sum(weights))
    shares = allocate(amount, weights)
    assert sum(shares) == (amount if sum(weights) else 0)
    assert all(0 <= share <= weight for share, weight in zip(shares, weights, strict=True))


def test_a_points_discount_lowers_the_vat_and_locks_the_lines():
    import pytest

    from till.errors import InvalidSale

    cart = Cart(customer=SaleCustomer("id", "C1", "LEE", enrolled=True))
    cart.add(WINE)  # 10.00 at 20 %
    cart.add(Item("p2", "c2", "Pain", 500, 550))  # 5.00 at 5.5 %
    cart.discount_for_points(300)
    assert cart.total == 1200 and cart.points_discount == 300
    assert [line.total for line in cart.lines] == [800, 400]
    assert [line.price.note for line in cart.lines] == ["points", "points"]
    assert sum(v.vat for v in cart.vat) == 133 + 21  # VAT on 8.00 and 4.00, not on 15.00
    with pytest.raises(InvalidSale, match="clear that discount"):
        cart.add(WINE)
    cart.clear_points_discount()
    assert cart.total == 1500
    walk_in = Cart()
    walk_in.add(WINE)
    with pytest.raises(InvalidSale, match="Attach the customer"):
        walk_in.discount_for_points(100)


def test_a_price_set_by_hand_is_final_whatever_the_customer_or_promotion():
    from till.core.sale import Cart, Item

    item = Item("p1", "2000000000015", "Tarte", 1000, 550, promo_price=800, code_price=700)
    cart = Cart()
    cart.add(item)
    cart.set_price(0, 450, "Max")
    cart.attach(None, {"p1": 300})  # re-pricing for a customer keeps the manager's price
    (line,) = cart.lines
    assert (line.unit_price, line.total, line.price.note) == (450, 450, "price-set-by:Max")
    assert cart.add(item) == 1  # a new scan of the product comes at its own price
    assert cart.lines[1].total == 800
