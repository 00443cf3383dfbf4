"""The loyalty tab: cards, manager-approved adjustments, the balance slip."""

from dataclasses import replace

import pytest
from textual.widgets import Input

from storage import audit, customers, loyalty
from till.app import make_app
from till.config import SecuritySettings
from till.core.pin import hash_pin
from till.screens.customer_view import CustomerViewScreen
from till.screens.manager import AdjustPointsScreen, ManagerPinScreen

from ..escpos_decoder import decode


@pytest.fixture
def app(settings):
    return make_app(replace(settings, security=SecuritySettings(manager_pin=hash_pin("4821"))))


@pytest.fixture
def zoe(settings):
    return customers.create_customer(
        {"last_name": "Martin", "first_name": "Zoé", "email": "zoe@example.fr"},
        actor="setup",
        till_no=1,
        region="FR",
    )


async def open_loyalty_tab(pilot):
    await pilot.press("f2", *"martin", "f4")
    view = pilot.app.screen
    assert isinstance(view, CustomerViewScreen)
    view.query_one("#customer-tabs").active = "tab-loyalty"
    await pilot.pause()
    return view


def loyalty_text(view) -> str:
    return str(view.query_one("#customer-loyalty").render())


async def test_issue_then_replace_a_card(app, zoe):
    async with app.run_test(size=(80, 24)) as pilot:
        view = await open_loyalty_tab(pilot)
        assert "none (F3 issues one)" in loyalty_text(view)
        await pilot.press("f3")
        first = customers.get_customer(zoe.id).card_number
        assert first and first in loyalty_text(view)
        await pilot.press("f3", "y")  # replace: the old card is blocked
        second = customers.get_customer(zoe.id).card_number
        assert second != first and second in loyalty_text(view)
    with pytest.raises(loyalty.BlockedCard):
        loyalty.check_card(first)


async def test_adjusting_points_needs_the_manager_pin(app, zoe):
    async with app.run_test(size=(80, 24)) as pilot:
        view = await open_loyalty_tab(pilot)
        await pilot.press("f5")
        assert isinstance(app.screen, AdjustPointsScreen)
        await pilot.press(*"250", "enter", *"birthday gift", "enter")
        assert isinstance(app.screen, ManagerPinScreen)
        await pilot.press(*"1111", "enter")
        error = app.screen.query_one("#manager-error")
        assert error.display and "Wrong PIN" in str(error.render())
        assert loyalty.balance(zoe.id) == 0  # refused: nothing written
        await pilot.press("escape")
        assert "no manager approval" in str(view.query_one("#customer-message").render())
        assert loyalty.balance(zoe.id) == 0

        await pilot.press("f5", *"250", "enter", *"birthday gift", "enter", *"4821", "enter")
        await pilot.pause()
        assert isinstance(app.screen, CustomerViewScreen)
        assert "Balance: 250 points" in loyalty_text(view)
        assert view.query_one("#customer-points").row_count == 1
    assert loyalty.balance(zoe.id) == 250
    entry = loyalty.history(zoe.id)[0]
    assert (entry.kind, entry.points, entry.reason) == ("adjust", 250, "birthday gift")
    assert entry.actor.startswith("manager")
    assert any(e.field == "points" for e in audit.history("customer", zoe.id))


async def test_an_adjustment_needs_a_number_and_a_reason(app, zoe):
    async with app.run_test(size=(80, 24)) as pilot:
        await open_loyalty_tab(pilot)
        await pilot.press("f5", "enter", "enter")
        assert "Type how many points" in str(app.screen.query_one("#adjust-error").render())
        app.screen.query_one("#adjust-points", Input).value = "-30"
        await pilot.press("f10")
        assert "Say why" in str(app.screen.query_one("#adjust-error").render())


async def test_the_balance_slip(app, zoe, printer_file):
    loyalty.issue_card(zoe.id, actor="t", till_no=1)
    loyalty.adjust_points(zoe.id, 180, "welcome", actor="manager")
    card = customers.get_customer(zoe.id).card_number
    async with app.run_test(size=(80, 24)) as pilot:
        await open_loyalty_tab(pilot)
        await pilot.press("f6")
        await app.workers.wait_for_complete()
    slip = decode(printer_file.read_bytes())
    assert "MARTIN Zoé" in slip.text
    assert "Balance: 180 points (1,80 €)" in slip.text
    assert slip.barcodes == [("CODE128", card)]
