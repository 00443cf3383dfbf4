"""A read-only user (a viewer) is refused every change by the services themselves, and
nothing is written; a cashier makes the same calls."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from storage import catalog
from storage.db import open_database
from storage.models import database
from tests.conftest import PRODUCTS
from till.account_service import AccountService
from till.config import Settings
from till.core.customer import Address
from till.core.money import MoneyFormat
from till.core.people import Actor, NotPermitted, Role, Session
from till.core.sale import Cart, PaymentMethod
from till.customer_service import CustomerService
from till.loyalty_service import LoyaltyService
from till.register import Register

VERA = Actor("", "Vera", Role.VIEWER, 1)
CARLA = Actor("", "Carla", Role.CASHIER, 1)
SELL = "Vera \\(read-only\\) may not sell"
EDIT = "Vera \\(read-only\\) may not add and edit customers"
REFUND = "Vera \\(read-only\\) may not refund a sale"


def paid_cart() -> Cart:
    cart = Cart()
    cart.add(catalog.lookup(PRODUCTS[0][0]))
    cart.pay(PaymentMethod.CASH, cart.total)
    return cart


def open_cart() -> Cart:
    cart = Cart()
    cart.add(catalog.lookup(PRODUCTS[1][0]))
    return cart


def everything() -> dict[str, list[str]]:
    """Every row of every table, to tell whether anything at all was written."""
    return {
        table: sorted(repr(row) for row in database.execute_sql(f'SELECT * FROM "{table}"'))
        for table in database.get_tables()
    }


@dataclass
class Shop:
    """A register with a customer, a sale, a parked sale and an open sale, made by Carla."""

    register: Register
    customer_id: str
    address_id: str
    receipt_code: str
    parked_id: str

    def settled(self) -> dict[str, list[str]]:
        """The database once the writes queued on the writer thread (journal events) ran."""
        self.register.in_writer(lambda: None)
        return everything()


@pytest.fixture
def shop(settings):
    register = Register(settings)
    register.session.user = CARLA
    zoe = register.customers.create({"last_name": "Martin", "email": "zoe@example.com"})
    address = register.customers.save_address(zoe.id, Address(kind="delivery", line1="Dock 4"))
    sale = register.record(paid_cart())
    parked_sale = register.park(open_cart(), "Table 2")
    register.keep_open_sale(open_cart())  # offered, not yet written: flush writes it
    yield Shop(register, zoe.id, address.id, sale.receipt_code, parked_sale.id)
    register.close()
    open_database(settings.database.path)  # the fixture closes it again


WRITES: dict[str, tuple[str, Callable[[Shop], Any]]] = {
    "create customer": (EDIT, lambda s: s.register.customers.create({"last_name": "Durand"})),
    "update customer": (
        EDIT,
        lambda s: s.register.customers.update(s.customer_id, {"notes": "rings twice"}),
    ),
    "deactivate customer": (
        EDIT,
        lambda s: s.register.customers.set_active(s.customer_id, False),
    ),
    "add address": (
        EDIT,
        lambda s: s.register.customers.save_address(
            s.customer_id, Address(kind="billing", line1="1 rue Haute")
        ),
    ),
    "change address": (
        EDIT,
        lambda s: s.register.customers.save_address(
            s.customer_id, Address(kind="delivery", line1="Dock 5", id=s.address_id)
        ),
    ),
    "remove address": (
        EDIT,
        lambda s: s.register.customers.remove_address(s.customer_id, s.address_id),
    ),
    "issue loyalty card": (EDIT, lambda s: s.register.loyalty.issue_card(s.customer_id)),
    "account deposit": (
        SELL,
        lambda s: s.register.accounts.deposit(s.customer_id, 500, "cash"),
    ),
    "record sale": (SELL, lambda s: s.register.record(paid_cart())),
    "park": (SELL, lambda s: s.register.park(open_cart(), "Table 3")),
    "recall parked": (SELL, lambda s: s.register.resume(s.parked_id)),
    "discard parked": (SELL, lambda s: s.register.discard_parked(s.parked_id)),
    "flush open sale": (SELL, lambda s: s.register.flush_open_sale()),
    "journal voided line": (
        SELL,
        lambda s: s.register.journal_voided_line(open_cart().lines[0]),
    ),
    "journal cancelled sale": (
        SELL,
        lambda s: s.register.journal_cancelled_sale(open_cart()),
    ),
    "return": (
        REFUND,
        lambda s: s.register.record_return(s.receipt_code, {1: 1}, PaymentMethod.CASH),
    ),
}


@pytest.mark.parametrize("write", WRITES)
def test_a_viewer_is_refused_every_write_and_nothing_is_written(shop, write):
    refusal, call = WRITES[write]
    before = shop.settled()
    shop.register.session.user = VERA
    with pytest.raises(NotPermitted, match=refusal):
        call(shop)
    assert shop.settled() == before  # refused: not one row written


@pytest.mark.parametrize("write", [w for w, (refusal, _) in WRITES.items() if refusal != REFUND])
def test_a_cashier_makes_the_same_writes(shop, write):
    before = shop.settled()
    WRITES[write][1](shop)
    assert shop.settled() != before


def test_a_viewer_may_not_even_note_an_open_sale(shop):
    shop.register.session.user = VERA
    with pytest.raises(NotPermitted, match=SELL):
        shop.register.keep_open_sale(open_cart())
    shop.register.session.user = CARLA
    assert shop.register.keep_open_sale(open_cart()) is False  # the pending flush writes it


def test_a_viewer_logged_in_by_pin_is_refused_and_may_still_look_up_and_reprint(shop):
    people = shop.register.people
    people.add_user("Vera", Role.VIEWER, "4444")
    assert people.log_in("4444").role is Role.VIEWER
    register = shop.register
    before = shop.settled()
    with pytest.raises(NotPermitted, match=EDIT):
        register.customers.update(shop.customer_id, {"notes": "rings twice"})
    with pytest.raises(NotPermitted, match=SELL):
        register.record(paid_cart())
    assert shop.settled() == before
    assert [found.id for found in register.customers.search("Martin")] == [shop.customer_id]
    assert register.customers.get(shop.customer_id).last_name == "Martin"
    assert [p.id for p in register.parked()] == [shop.parked_id]
    sale = register.sale(shop.receipt_code)
    register.printing.reprint(sale.id, register.session.label)  # a copy changes nothing


ALONE: dict[str, tuple[str, Callable[[Settings, str | Session, str], Any]]] = {
    "customers": (EDIT, lambda s, a, _: CustomerService(s, a).create({"last_name": "Durand"})),
    "loyalty": (
        EDIT,
        lambda s, a, zoe: LoyaltyService(
            s, MoneyFormat(s.locale.currency, s.locale.locale), a
        ).issue_card(zoe),
    ),
    "accounts": (SELL, lambda s, a, zoe: AccountService(s, a).deposit(zoe, 500, "cash")),
}


@pytest.mark.parametrize("service", ALONE)
def test_services_built_on_their_own_refuse_a_viewer_and_serve_a_label_actor(settings, service):
    refusal, write = ALONE[service]
    zoe = CustomerService(settings, "test (setup)").create({"last_name": "Martin"})
    before = everything()
    with pytest.raises(NotPermitted, match=refusal):
        write(settings, Session(VERA), zoe.id)
    assert everything() == before
    write(settings, "cli (bob)", zoe.id)  # a shell known by its label acts as a cashier
    assert everything() != before
