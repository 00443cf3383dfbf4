"""Customer accounts on a real database: the ledger, deposits, sales on account."""

from datetime import UTC, datetime, timedelta

import pytest

from storage import accounts, audit, catalog, customers, outbox, sales
from storage.models import database
from till.core.sale import Cart, PaymentMethod, SaleCustomer
from till.errors import InvalidSale, TillError

from ..conftest import PRODUCTS

T0 = datetime(2025, 3, 10, 9, tzinfo=UTC)
VIN = PRODUCTS[3][0]  # 7.90


@pytest.fixture
def zoe(stocked_db):
    return customers.create_customer(
        {"last_name": "Martin", "first_name": "Zoé"}, actor="t", till_no=1, region="FR"
    )


def as_buyer(customer, business: bool = False) -> SaleCustomer:
    return SaleCustomer(customer.id, customer.code, customer.display_name, business=business)


def sale_on_account(customer, amount: int, *, credit: int = 0, business: bool = False):
    """Sell one bottle of wine, ``amount`` of it on account and the rest in cash."""
    cart = Cart()
    cart.customer = as_buyer(customer, business)
    cart.add(catalog.lookup(VIN), 1)
    cart.pay(PaymentMethod.ACCOUNT, amount)
    if cart.remaining:
        cart.pay(PaymentMethod.CASH, cart.remaining)
    return sales.record_sale(
        cart, till_no=1, seller="Léa", currency="EUR", print_receipt=False, account_credit=credit
    )


def test_the_balance_is_the_sum_of_the_movements(zoe):
    assert accounts.balance(zoe.id) == 0
    assert accounts.movements(zoe.id) == []
    accounts.add_entry(zoe.id, "credit_note", 1250, actor="till 1", at=T0.isoformat())
    assert accounts.deposit(zoe.id, 2000, "cash", actor="till 2", now=T0 + timedelta(1)) == 3250
    accounts.add_entry(zoe.id, "sale", -4000, actor="till 1", at=(T0 + timedelta(2)).isoformat())
    assert accounts.balance(zoe.id) == -750
    assert [(m.kind, m.amount, m.reason, m.actor) for m in accounts.movements(zoe.id)] == [
        ("sale", -4000, "", "till 1"),
        ("deposit", 2000, "deposit:cash", "till 2"),
        ("credit_note", 1250, "", "till 1"),
    ]


def test_deposits_must_be_positive_and_are_audited(zoe):
    for amount in (0, -500):
        with pytest.raises(TillError, match="more than zero"):
            accounts.deposit(zoe.id, amount, "cash", actor="till 1")
    assert accounts.balance(zoe.id) == 0
    accounts.deposit(zoe.id, 1500, "card", actor="till 1 (Léa)", now=T0)
    accounts.deposit(zoe.id, 500, "cash", actor="till 1 (Léa)", now=T0 + timedelta(hours=1))
    entries = [e for e in audit.history("customer", zoe.id) if e.field == "account"]
    assert [(e.actor, e.old_value, e.new_value) for e in entries] == [
        ("till 1 (Léa)", "1500", "2000 (deposit by cash)"),
        ("till 1 (Léa)", "0", "1500 (deposit by card)"),
    ]


def test_the_ledger_is_append_only(zoe):
    accounts.deposit(zoe.id, 1500, "card", actor="till 1")
    with pytest.raises(Exception, match="append-only"):
        database.execute_sql("UPDATE account_entry SET amount = 1000000")
    with pytest.raises(Exception, match="append-only"):
        database.execute_sql("DELETE FROM account_entry")
    assert accounts.balance(zoe.id) == 1500


def test_every_movement_reaches_the_outbox(zoe):
    accounts.deposit(zoe.id, 1500, "card", actor="till 1", now=T0)
    sale = sale_on_account(zoe, 790)
    rows = [row for row in outbox.pending(1000) if row["entity"] == "account_entry"]
    assert [(r["payload"]["kind"], r["payload"]["amount"]) for r in rows] == [
        ("deposit", 1500),
        ("sale", -790),
    ]
    assert rows[1]["payload"]["sale_id"] == sale.id
    assert rows[0]["payload"]["customer_id"] == zoe.id == rows[1]["payload"]["customer_id"]
    assert all(row["entity_id"] == row["payload"]["id"] for row in rows)


def test_a_sale_on_account_is_charged_with_its_sale(zoe):
    accounts.deposit(zoe.id, 1000, "cash", actor="till 1", now=T0)
    sale = sale_on_account(zoe, 600)  # 6.00 on account, 1.90 in cash
    assert accounts.balance(zoe.id) == 400
    latest = accounts.movements(zoe.id)[0]
    assert (latest.kind, latest.amount, latest.receipt_code) == ("sale", -600, sale.receipt_code)
    (sale_id,) = database.execute_sql(
        "SELECT sale_id FROM account_entry WHERE kind = 'sale'"
    ).fetchone()
    assert sale_id == sale.id


def test_the_account_pays_no_more_than_its_balance_and_credit(zoe):
    accounts.deposit(zoe.id, 500, "cash", actor="till 1", now=T0)
    with pytest.raises(InvalidSale, match="does not cover"):
        sale_on_account(zoe, 790)
    assert accounts.balance(zoe.id) == 500  # nothing written: the whole sale was refused
    assert sales.last_sale(1) is None
    sale_on_account(zoe, 790, credit=300, business=True)  # 5.00 + 3.00 of credit
    assert accounts.balance(zoe.id) == -290
    with pytest.raises(InvalidSale, match="does not cover"):
        sale_on_account(zoe, 100, credit=300, business=True)  # only 0.10 left
