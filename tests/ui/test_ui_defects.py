"""Defects found by trying the register as a new user would, each with its test."""

from __future__ import annotations

from textual.widgets import Input

from storage import customers
from till.screens.quick_add import QuickAddScreen
from till.screens.sale import SaleScreen

from .conftest import message


def add(**fields):
    return customers.create_customer(fields, actor="setup", till_no=1, region="FR")


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
