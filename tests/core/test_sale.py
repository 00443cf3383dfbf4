import pytest
from hypothesis import given
from hypothesis import strategies as st

from till.core.sale import Cart, Item, PaymentMethod
from till.core.tax import split_gross, vat_breakdown
from till.errors import InvalidSale

BREAD = Item("p1", "1", "Bread", 120, 550)
SOAP = Item("p2", "2", "Soap", 250, 2000)
WINE = Item("p3", "3", "Wine", 790, 2000)


def test_same_item_twice_merges_into_one_line():
    cart = Cart()
    cart.add(BREAD)
    cart.add(SOAP)
    assert cart.add(BREAD) == 0
    assert [(line.item.name, line.quantity) for line in cart.lines] == [("Bread", 2), ("Soap", 1)]
    assert cart.total == 2 * 120 + 250
    assert cart.item_count == 3


def test_quantity_void_and_totals_with_vat_breakdown():
    cart = Cart()
    cart.add(BREAD)
    cart.add(SOAP)
    cart.add(WINE)
    cart.set_quantity(1, 3)
    cart.void(2)
    assert cart.total == 120 + 750
    vat = {line.rate_bp: line for line in cart.vat}
    assert vat[2000].gross == 750 and vat[2000].net + vat[2000].vat == 750
    assert vat[2000].vat == 125  # 750 / 1.2 = 625 net
    assert vat[550].vat == 6  # 120 / 1.055 = 113.74 → 114 net


def test_cash_gives_change_card_may_not_overpay():
    cart = Cart()
    cart.add(WINE)
    with pytest.raises(InvalidSale, match="card payment cannot be more"):
        cart.pay(PaymentMethod.CARD, 800)
    cart.pay(PaymentMethod.CARD, 290)
    assert cart.remaining == 500 and not cart.is_settled
    cart.pay(PaymentMethod.CASH, 2000)
    assert cart.is_settled and cart.change == 1500 and cart.paid == 790


def test_lines_are_locked_once_payment_started():
    cart = Cart()
    cart.add(BREAD)
    cart.pay(PaymentMethod.CARD, 50)
    with pytest.raises(InvalidSale, match="Payment has started"):
        cart.add(SOAP)
    with pytest.raises(InvalidSale):
        cart.void(0)


def test_refusals():
    cart = Cart()
    with pytest.raises(InvalidSale, match="empty"):
        cart.pay(PaymentMethod.CASH, 100)
    cart.add(BREAD)
    with pytest.raises(InvalidSale, match="between 1 and"):
        cart.set_quantity(0, 1000)
    with pytest.raises(InvalidSale, match="Select a line"):
        cart.void(5)
    with pytest.raises(InvalidSale, match="more than zero"):
        cart.pay(PaymentMethod.CASH, 0)


amounts = st.lists(
    st.tuples(st.sampled_from([0, 210, 550, 1000, 2000]), st.integers(0, 10**7)), max_size=30
)


@given(amounts)
def test_vat_breakdown_adds_up_to_the_total(pairs):
    lines = vat_breakdown(pairs)
    assert sum(line.gross for line in lines) == sum(gross for _, gross in pairs)
    for line in lines:
        assert line.net + line.vat == line.gross
        assert line.vat >= 0 and line.net >= 0
        assert abs(line.vat * 10_000 - line.net * line.rate_bp) <= 10_000 + line.rate_bp


@given(st.integers(0, 10**9), st.sampled_from([0, 210, 550, 1000, 2000]))
def test_split_gross_is_the_nearest_net(gross, rate_bp):
    net, vat = split_gross(gross, rate_bp)
    exact = gross * 10_000 / (10_000 + rate_bp)
    assert abs(net - exact) <= 0.5 + 1e-9
    assert net + vat == gross
