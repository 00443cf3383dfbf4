"""Defects found by trying the register as a new user would, each with its test."""

from __future__ import annotations

from textual.widgets import Input, TabbedContent

from storage import accounts, customers
from till.screens.account import DepositScreen
from till.screens.payment import PaymentScreen
from till.screens.quick_add import QuickAddScreen
from till.screens.sale import SaleScreen

from ..conftest import PRODUCTS
from .conftest import message, scan

BAGUETTE = PRODUCTS[0][0]


def add(**fields):
    return customers.create_customer(fields, actor="setup", till_no=1, region="FR")


def screen_text(app) -> str:
    """What the terminal shows of the current screen."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def focused_id(app) -> str | None:
    return app.focused.id if app.focused is not None else None


async def test_quick_add_f10_puts_the_cursor_on_the_first_refused_field(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3", "tab", *"Zoé", "tab", *"12", "tab", *"zoe@")
        assert focused_id(app) == "quick-email"
        await pilot.press("f10")  # no last name, a bad phone and a bad e-mail
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, QuickAddScreen)
        for name in ("last_name", "mobile", "email"):
            assert app.screen.query_one(f"#quick-{name}-error").display
        assert focused_id(app) == "quick-last_name"  # the first bad field, from the top
        await pilot.press(*"Martin", "tab", "tab", "ctrl+u", *"0612345678", "f10")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert focused_id(app) == "quick-email"


def match_hint(app) -> str:
    return str(app.screen.query_one("#quick-match").render())


async def test_quick_add_offers_only_a_customer_matching_everything_typed(app):
    add(last_name="André", first_name="Aïcha", mobile="0611111111")
    leila = add(last_name="André", first_name="Leila", mobile="0622222222")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3", *"andre")
        assert "ANDRÉ Aïcha" in match_hint(app)  # the first André: nothing else typed yet
        await pilot.press("tab", *"Leila")
        assert "ANDRÉ Leila" in match_hint(app) and "Aïcha" not in match_hint(app)
        app.screen.query_one("#quick-first_name", Input).value = "hans"
        await pilot.pause()
        assert match_hint(app) == ""  # no André Hans on file
        await pilot.press("f2")  # nothing to use: F2 does nothing
        assert isinstance(app.screen, QuickAddScreen)
        app.screen.query_one("#quick-first_name", Input).value = "lei"
        app.screen.query_one("#quick-mobile", Input).value = "06 11"  # Aïcha's number
        await pilot.pause()
        assert match_hint(app) == ""  # the name is Leila's, the phone Aïcha's: neither
        app.screen.query_one("#quick-mobile", Input).value = "06 22 22"
        await pilot.pause()
        assert "ANDRÉ Leila" in match_hint(app)
        await pilot.press("f2")
        assert isinstance(app.screen, SaleScreen)
        assert leila.code in message(app) and "ANDRÉ Leila" in message(app)
        assert app.screen.cart.customer.id == leila.id


async def test_an_empty_amount_pays_nothing_on_the_payment_screen_as_in_the_deposit(app):
    zoe = add(last_name="Martin", first_name="Zoé", mobile="0633333333")
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, BAGUETTE)
        await pilot.press("f10")
        payment = app.screen
        assert isinstance(payment, PaymentScreen)
        assert payment.query_one("#amount", Input).value == "1.20"  # the amount due, filled in
        assert "empty amount pays nothing" in screen_text(app)
        payment.query_one("#amount", Input).value = ""
        await pilot.press("enter")
        assert app.screen is payment and not payment.cart.payments
        assert "Type an amount" in str(payment.query_one("#payment-message").render())
        await pilot.press("f3")  # card, the same
        assert app.screen is payment and not payment.cart.payments
        await pilot.press(*"1,20", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, SaleScreen) and "saved" in message(app)

        await pilot.press("f2", *"martin", "f4")
        app.screen.query_one(TabbedContent).active = "tab-account"
        await pilot.pause()
        await pilot.press("f3")
        deposit = app.screen
        assert isinstance(deposit, DepositScreen)
        assert "empty amount pays nothing" in screen_text(app)
        await pilot.press("enter")
        assert app.screen is deposit
        assert "Type an amount" in str(deposit.query_one("#deposit-error").render())
    assert accounts.balance(zoe.id) == 0
