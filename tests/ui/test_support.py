"""The support view (`till support`, and `till serve` in a browser) at 80x24: read-only until a
manager logs in, customers and receipts looked up, the X report behind a manager's PIN, and
none of the register's own work (no sale, no printing of its own)."""

from __future__ import annotations

import pytest
from textual.widgets import Label, Static

from storage import catalog, print_jobs, sales
from tests.conftest import PRODUCTS
from till.app import make_app
from till.core.people import Role
from till.core.sale import Cart, PaymentMethod
from till.register import Register
from till.screens.closure import ClosureScreen
from till.screens.customer_search import CustomerSearchScreen
from till.screens.manager import ManagerPinScreen
from till.screens.receipt import ReceiptScreen
from till.screens.support import SupportScreen

from .conftest import footer_text, settle


@pytest.fixture
def staffed(settings):
    """Settings of a till with a manager (2222), a customer, and one sale, 01-000001."""
    register = Register(settings)
    register.people.add_user("Max", Role.MANAGER, "2222")
    register.customers.create({"last_name": "Dupont", "first_name": "Jean"})
    cart = Cart()
    cart.add(catalog.lookup(PRODUCTS[0][0]))
    cart.pay(PaymentMethod.CASH, cart.total)
    sales.record_sale(cart, till_no=1, seller="Ann", currency="EUR", print_receipt=False)
    register.close()
    return settings


def _who(app) -> str:
    return str(app.screen.query_one("#support-who", Label).render())


async def test_it_opens_read_only_with_the_devices_and_sync_checked(staffed):
    app = make_app(staffed, support=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SupportScreen)
        assert app.register.session.user.role is Role.VIEWER
        assert "Read-only: F11" in _who(app)
        checks = str(app.screen.query_one("#support-checks", Static).render())
        assert "print queue  empty" in checks and "sync" in checks
        assert "F2 Customers" in footer_text(app).replace("f2", "F2")
        assert app.scanners is None and app.sync_worker is None  # the register's, not its own


async def test_customers_are_listed_without_a_sale_to_attach_them_to(staffed):
    app = make_app(staffed, support=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, CustomerSearchScreen)
        assert "Walk-in" not in footer_text(app)


async def test_a_receipt_is_found_by_its_number_and_not_reprinted_read_only(staffed, printer_file):
    app = make_app(staffed, support=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*"1-7", "enter")
        error = str(app.screen.query_one("#support-error", Static).render())
        assert "No sale has the receipt number 01-000007" in error
        await pilot.press("ctrl+a", "ctrl+k", *"1-1", "f7")
        await settle(pilot)
        assert isinstance(app.screen, ReceiptScreen)
        assert app.screen.sale.receipt_code == "01-000001"
        printed = printer_file.read_bytes() if printer_file.exists() else b""
        waiting = print_jobs.waiting()
        await pilot.press("f6")  # reprint
        await settle(pilot)
        await pilot.pause(0.3)
        assert print_jobs.waiting() == waiting
        assert (printer_file.read_bytes() if printer_file.exists() else b"") == printed
        assert any("Read-only" in str(n.message) for n in app._notifications)


async def test_a_manager_pin_allows_changes_and_the_x_report(staffed):
    app = make_app(staffed, support=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, ManagerPinScreen)  # the X report shows the cash expected
        await pilot.press("escape")
        await pilot.press("f11")
        await settle(pilot)
        assert isinstance(app.screen, ManagerPinScreen)
        await pilot.press(*"2222", "enter")
        await settle(pilot)
        assert isinstance(app.screen, SupportScreen)
        assert app.register.session.user.name == "Max"
        assert "Max (manager) may make changes" in _who(app)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, ClosureScreen)
        report = str(app.screen.query_one("#closure-report", Static).render())
        assert "X REPORT" in report and "Sales (1)" in report


async def test_a_read_only_user_is_refused_a_change_and_the_file_is_unchanged(staffed):
    app = make_app(staffed, support=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("enter")  # no sale to attach to: the file opens
        await settle(pilot)
        before = app.register.customers.get(app.screen.customer_id)
        await pilot.press("f8")  # deactivate
        await settle(pilot)
        after = app.register.customers.get(before.id)
        assert after.active == before.active
        shown = " ".join(str(w.render()) for w in app.screen.query("Static, Label"))
        said = " ".join(str(n.message) for n in app._notifications) + shown
        assert "support (read-only) may not add and edit customers" in said
