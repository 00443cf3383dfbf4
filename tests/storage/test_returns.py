"""Returns: the refund is journaled, stock comes back, points and the account follow."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storage import accounts, catalog, customers, loyalty, outbox, returns, sales
from storage.models import Product
from till.core.loyalty import LoyaltyProgram
from till.core.pricing import NO_TERMS, PriceTerms
from till.core.returns import Returnable, ReturnableLine, return_lines, share
from till.core.sale import Cart, PaymentMethod, RecordedLine, SaleCustomer
from till.errors import InvalidSale

from ..conftest import PRODUCTS

BAGUETTE, VIN = PRODUCTS[0][0], PRODUCTS[3][0]
PROGRAM = LoyaltyProgram(points_per_unit=1, threshold=0)


def _stock(code: str) -> int:
    return Product.get_by_id(catalog.lookup(code).product_id).stock


def _enrolled(terms: PriceTerms = NO_TERMS) -> SaleCustomer:
    record = customers.create_customer({"last_name": "Lee"}, actor="t", till_no=1, region="FR")
    loyalty.issue_card(record.id, actor="t", till_no=1)
    return SaleCustomer(record.id, record.code, "LEE", enrolled=True, terms=terms)


def _sell(customer, *lines, method=PaymentMethod.CARD):
    cart = Cart(customer=customer)
    for code, quantity in lines:
        cart.add(catalog.lookup(code), quantity)
    cart.pay(method, cart.total)
    return sales.record_sale(cart, till_no=1, seller="Ann", currency="EUR", loyalty_program=PROGRAM)


def _return(code, quantities, method=PaymentMethod.CASH):
    return returns.record_return(
        code,
        quantities,
        method,
        till_no=1,
        seller="Ann",
        currency="EUR",
        approved_by="Boss",
        loyalty_program=PROGRAM,
    )


def test_returning_a_line_in_two_goes_refunds_it_to_the_cent(stocked_db):
    customer = _enrolled(PriceTerms(discount_bp=1000, discount_reason="VIP 10%"))
    sale = _sell(customer, (VIN, 3), (BAGUETTE, 1))
    assert sale.lines[0].total == 2133 and sale.points_earned == 22  # 23.70 less 10 %, + 1.20
    assert _stock(VIN) == -3

    first = _return(sale.receipt_code, {1: 1})
    assert first.refund_of == sale.receipt_code and first.refund_of_id == sale.id
    assert [(line.line_no, line.quantity, line.total) for line in first.lines] == [(1, -1, -711)]
    assert first.total == -711 and first.payments[0].amount == -711
    assert first.points_earned == -7  # share of 22 points for 7.11 of 22.53
    second = _return(sale.receipt_code, {1: 2})
    assert first.lines[0].total + second.lines[0].total == -2133
    assert first.lines[0].discount + second.lines[0].discount == -sale.lines[0].discount
    assert _stock(VIN) == 0

    left = returns.returnable(sale.receipt_code)
    assert [entry.remaining for entry in left.lines] == [0, 1]
    with pytest.raises(InvalidSale, match="0 can still be returned"):
        _return(sale.receipt_code, {1: 1})
    last = _return(sale.receipt_code, {2: 1})
    assert returns.returnable(sale.receipt_code).fully_returned
    assert -(first.points_earned + second.points_earned + last.points_earned) == 22
    assert loyalty.balance(customer.id) == 0  # every earned point went back
    assert sales.verify_journal(1) == []
    assert sales.get_sale(first.receipt_code) == first  # read back as written
    refunds = [p for p in outbox.pending() if p["payload"].get("refund_of") == sale.id]
    assert len(refunds) == 3


def test_a_credit_note_goes_to_the_customers_account(stocked_db):
    customer = _enrolled()
    sale = _sell(customer, (VIN, 2))
    refund = _return(sale.receipt_code, {1: 1}, PaymentMethod.ACCOUNT)
    assert accounts.balance(customer.id) == 790
    [movement] = accounts.movements(customer.id)
    assert (movement.kind, movement.amount, movement.receipt_code) == (
        "credit_note",
        790,
        refund.receipt_code,
    )
    assert "approved by Boss" in movement.actor


def test_a_walk_in_sale_cannot_be_refunded_as_a_credit_note(stocked_db):
    sale = _sell(None, (VIN, 1))
    with pytest.raises(InvalidSale, match="credit note needs the sale's customer"):
        _return(sale.receipt_code, {1: 1}, PaymentMethod.ACCOUNT)
    assert _return(sale.receipt_code, {1: 1}, PaymentMethod.CARD).total == -790


def test_points_that_paid_come_back_as_points(stocked_db):
    customer = _enrolled()
    loyalty.adjust_points(customer.id, 500, "welcome", actor="Boss")
    cart = Cart(customer=customer)
    cart.add(catalog.lookup(VIN), 2)
    cart.pay(PaymentMethod.POINTS, 400)
    cart.pay(PaymentMethod.CASH, cart.remaining)
    sale = sales.record_sale(cart, till_no=1, seller="A", currency="EUR", loyalty_program=PROGRAM)
    balance_after_sale = loyalty.balance(customer.id)
    refund = _return(sale.receipt_code, {1: 2})
    methods = {p.method: p.amount for p in refund.payments}
    assert methods == {PaymentMethod.CASH: -1180, PaymentMethod.POINTS: -400}
    assert loyalty.balance(customer.id) == balance_after_sale + 400 - sale.points_earned


def test_a_refund_cannot_itself_be_returned_and_unknown_receipts_are_named(stocked_db):
    sale = _sell(None, (VIN, 1))
    refund = _return(sale.receipt_code, {1: 1})
    with pytest.raises(InvalidSale, match="itself a refund"):
        returns.returnable(refund.receipt_code)
    with pytest.raises(sales.SaleNotFound, match="01-009999"):
        returns.returnable("01-009999")
    with pytest.raises(InvalidSale, match="Choose what comes back"):
        _return(sale.receipt_code, {})


@settings(max_examples=200)
@given(
    total=st.integers(0, 10**7),
    sold=st.integers(1, 50),
    data=st.data(),
)
def test_returns_in_any_steps_add_up_to_the_line(total, sold, data):
    line = RecordedLine(1, "c", "n", sold, 0, 2000, total)
    returned, refunded = 0, 0
    while returned < sold:
        step = data.draw(st.integers(1, sold - returned))
        [back] = return_lines(Returnable(None, (ReturnableLine(line, returned),)), {1: step})
        assert back.total <= 0
        refunded -= back.total
        returned += step
    assert refunded == total
    assert share(total, 0, sold, sold) == total


def test_points_that_bought_a_discount_are_spent_then_given_back(stocked_db):
    customer = _enrolled()
    loyalty.adjust_points(customer.id, 500, "welcome", actor="Boss")
    cart = Cart(customer=customer)
    cart.add(catalog.lookup(VIN), 2)
    cart.discount_for_points(300)
    cart.pay(PaymentMethod.CARD, cart.total)
    sale = sales.record_sale(cart, till_no=1, seller="A", currency="EUR", loyalty_program=PROGRAM)
    assert sale.total == 1280 and sale.points_spent == 300 and sale.points_earned == 12
    assert loyalty.balance(customer.id) == 500 - 300 + 12
    assert [(line.discount, line.note) for line in sales.get_sale(sale.receipt_code).lines] == [
        (300, "points")
    ]
    refund = _return(sale.receipt_code, {1: 2})
    assert refund.total == -1280 and [p.amount for p in refund.payments] == [-1280]
    assert loyalty.balance(customer.id) == 500  # the 300 back, the 12 earned taken back


def test_taking_back_points_already_spent_leaves_a_visible_overdraft(stocked_db):
    customer = _enrolled()
    sale = _sell(customer, (VIN, 2))  # earns 15
    loyalty.add_movement(
        customer.id, "spend", -15, actor="till 2", at="2099-01-01T00:00:00+00:00"
    )  # spent at another till meanwhile
    assert loyalty.overdrafts() == []
    _return(sale.receipt_code, {1: 2})
    [overdraft] = loyalty.overdrafts()
    assert (overdraft.customer_id, overdraft.balance) == (customer.id, -15)
