"""Paths a review found dangerous: points, closing, deleting, hostile text."""

from dataclasses import replace

import pytest

from storage import customers, loyalty, sales
from till.app import make_app
from till.config import SecuritySettings
from till.core.customer import Address
from till.core.pin import hash_pin
from till.screens.customer_view import CustomerViewScreen
from till.screens.payment import PaymentScreen
from till.screens.sale import SaleScreen

from ..conftest import PRODUCTS
from .conftest import as_manager, message, scan

VIN = PRODUCTS[3][0]


@pytest.fixture
def app(settings):
    return make_app(replace(settings, security=SecuritySettings(manager_pin=hash_pin("4821"))))


@pytest.fixture
def zoe(settings):
    zoe = customers.create_customer(
        {"last_name": "Martin", "first_name": "Zoé", "email": "z@example.fr"},
        actor="t",
        till_no=1,
        region="FR",
    )
    loyalty.issue_card(zoe.id, actor="t", till_no=1)
    loyalty.adjust_points(zoe.id, 300, "gift", actor="manager")
    return zoe


async def test_the_customer_cannot_change_once_points_paid(app, zoe):
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, VIN)
        await pilot.press("f2", *"martin", "enter", "f10", "ctrl+a", "ctrl+k", *"3", "f4")
        await pilot.press("escape", "f2")  # try to look for another customer
        assert isinstance(app.screen, SaleScreen)  # Customer is not offered once paid in part
        assert "f2" not in [key for key, b in app.active_bindings.items() if b.enabled]
        assert app.screen.cart.customer.id == zoe.id


async def test_the_same_points_cannot_be_spent_twice(app, zoe):
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, VIN)
        await pilot.press("f2", *"martin", "enter", "f10", "ctrl+a", "ctrl+k", *"3", "f4")
        await pilot.press("escape", "f10")
        assert isinstance(app.screen, PaymentScreen)
        assert app.screen.points.spendable == 0  # the 300 points are already used
        await pilot.press("f4")
        assert len(app.screen.cart.payments) == 1
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert loyalty.balance(zoe.id) == 4  # 300 - 300 + 4 earned on 4.90 paid in cash
    assert sales.get_sale("01-000001").points_spent == 300


async def test_closing_is_refused_from_the_payment_screen(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, VIN)
        await pilot.press("f10", "ctrl+a", "ctrl+k", *"5", "f3", "ctrl+q")
        assert app.is_running
        assert isinstance(app.screen, PaymentScreen)


async def test_a_customer_with_a_card_is_deactivated_not_deleted(app, zoe):
    as_manager(app)  # deleting needs a manager
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f2", *"martin", "f4", "f9", "y")
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, CustomerViewScreen)
        assert "loyalty card or points history" in str(
            app.screen.query_one("#customer-message").render()
        )
    assert customers.get_customer(zoe.id).active is False


async def test_hostile_text_in_addresses_and_names(app):
    odd = customers.create_customer(
        {
            "last_name": "[b]Bold[/b]",
            "first_name": "[/]",
            "email": "o@example.fr",
            "external_codes": {"shop": "[red]X"},
        },
        actor="t",
        till_no=1,
        region="FR",
    )
    customers.save_address(odd.id, Address(kind="[/]", line1="[link=x]1 rue[/link]"), actor="t")
    customers.update_customer(odd.id, {"city": "Lyon"}, actor="t", region="FR")  # reindexes
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f2", *"bold", "f4")
        view = app.screen
        view.query_one("#customer-tabs").active = "tab-addresses"
        await pilot.pause()
        assert app.is_running
        assert view.query_one("#customer-extra-addresses").row_count == 1


async def test_the_form_saves_what_changed_even_next_to_an_old_list_value(app, zoe):
    from textual.widgets import Input

    from storage.models import Customer as CustomerRow
    from till.screens.customer_form import CustomerFormScreen

    CustomerRow.update(segment="Gold").where(CustomerRow.id == zoe.id).execute()  # old list
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f2", *"martin", "f4", "f4")
        assert isinstance(app.screen, CustomerFormScreen)
        app.screen.query_one("#field-city", Input).value = "Nantes"
        await pilot.press("f10")
        await app.workers.wait_for_complete()  # the save runs off the event loop
        await pilot.pause()
        assert isinstance(app.screen, CustomerViewScreen)
    saved = customers.get_customer(zoe.id)
    assert (saved.city, saved.segment) == ("Nantes", "Gold")


async def test_a_replaced_card_scanned_at_the_till_says_so(app, zoe):
    old = customers.get_customer(zoe.id).card_number
    loyalty.issue_card(zoe.id, actor="t", till_no=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, old)
        assert "was replaced" in message(app)
        assert app.screen.cart.customer is None
