"""The login screen: on start, to switch cashier, and after the till sat idle."""

from __future__ import annotations

from dataclasses import replace

import pytest

from storage import sales
from tests.conftest import PRODUCTS
from tests.ui.conftest import scan
from till.app import make_app
from till.core.people import Role
from till.register import Register
from till.screens.login import LoginScreen
from till.screens.sale import SaleScreen

BAGUETTE = PRODUCTS[0][0]


@pytest.fixture
def staffed(settings):
    """Settings of a till with a cashier (1111) and a manager (2222)."""
    people = Register(settings).people
    people.add_user("Carla", Role.CASHIER, "1111")
    people.add_user("Max", Role.MANAGER, "2222")
    return settings


def _store(app) -> str:
    return str(app.screen.query_one("#store").render())


async def _pin(pilot, pin: str) -> None:
    await pilot.press(*pin, "enter")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_a_till_with_users_asks_who_is_there_before_selling(staffed):
    app = make_app(staffed)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen)
        await scan(pilot, BAGUETTE)
        assert "Log in first" in str(app.screen.query_one("#login-error").render())
        await _pin(pilot, "9999")
        assert "Wrong PIN (4 tries left)" in str(app.screen.query_one("#login-error").render())
        await _pin(pilot, "1111")
        assert isinstance(app.screen, SaleScreen)
        assert _store(app).endswith("· Carla")
        assert not app.screen.cart.lines  # the scan made while nobody was logged in is gone
        await scan(pilot, BAGUETTE)
        await pilot.press("f10", "f2")  # pay, cash
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert sales.get_sale("01-000001").seller == "Carla"


async def test_switching_cashier_keeps_the_sale_and_changes_its_seller(staffed):
    app = make_app(staffed)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await _pin(pilot, "1111")
        await scan(pilot, BAGUETTE)
        await pilot.press("f11")
        assert isinstance(app.screen, LoginScreen)
        await _pin(pilot, "2222")
        assert isinstance(app.screen, SaleScreen)
        assert _store(app).endswith("· Max") and len(app.screen.cart.lines) == 1
        await pilot.press("f10", "f2")
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert sales.get_sale("01-000001").seller == "Max"


async def test_an_idle_till_asks_for_a_pin_again(staffed):
    idle = replace(staffed, security=replace(staffed.security, idle_logout=1))
    app = make_app(idle)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await _pin(pilot, "1111")
        await scan(pilot, BAGUETTE)
        assert isinstance(app.screen, SaleScreen)
        for _ in range(40):
            await pilot.pause(0.1)
            if isinstance(app.screen, LoginScreen):
                break
        assert isinstance(app.screen, LoginScreen)
        await _pin(pilot, "2222")
        assert len(app.screen.cart.lines) == 1  # the sale waited underneath


async def test_a_till_without_users_sells_as_its_configured_seller(settings):
    app = make_app(settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, SaleScreen)
        assert "User" not in " ".join(str(k.render()) for k in app.screen.query("FooterKey"))


async def test_closing_the_day_from_the_sale_asks_a_cashier_for_a_manager(staffed):
    from till.screens.closure import ClosureScreen
    from till.screens.manager import ManagerPinScreen

    app = make_app(staffed)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await _pin(pilot, "1111")
        await pilot.press("f1")
        assert isinstance(app.screen, ManagerPinScreen)
        await _pin(pilot, "2222")
        assert isinstance(app.screen, ClosureScreen)
        assert app.screen.approver is not None and app.screen.approver.name == "Max"


async def test_voided_lines_and_cancelled_sales_are_journaled_with_who(staffed):
    from storage import events

    app = make_app(staffed)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await _pin(pilot, "1111")
        await scan(pilot, BAGUETTE)
        await scan(pilot, PRODUCTS[1][0])
        await pilot.press("f8")  # void the selected (last) line
        await pilot.press("f9", "y")  # cancel what is left
        await pilot.pause()
        for _ in range(50):
            if events.recent(kind=events.SALE_CANCELLED):
                break
            await pilot.pause(0.05)
    voided = events.recent(kind=events.LINE_VOIDED)
    cancelled = events.recent(kind=events.SALE_CANCELLED)
    assert [(e.actor, e.details["code"]) for e in voided] == [("till 1 (Carla)", PRODUCTS[1][0])]
    assert [(e.actor, e.details["lines"]) for e in cancelled] == [("till 1 (Carla)", 1)]


async def test_a_price_typed_as_equals_amount_needs_a_manager_and_is_journaled(staffed):
    from storage import events
    from till.screens.manager import ManagerPinScreen

    app = make_app(staffed)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await _pin(pilot, "1111")
        await scan(pilot, BAGUETTE)
        await pilot.press(*"=0,50", "enter")
        assert isinstance(app.screen, ManagerPinScreen)
        await _pin(pilot, "1111")  # the cashier's own PIN does not allow it
        assert "may not change a price" in str(app.screen.query_one("#manager-error").render())
        await _pin(pilot, "2222")
        assert isinstance(app.screen, SaleScreen)
        (line,) = app.screen.cart.lines
        assert (line.unit_price, line.total, line.price.note) == (50, 50, "price-set-by:Max")
        await pilot.press("f10", "f2")
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert sales.get_sale("01-000001").total == 50
    (changed,) = events.recent(kind=events.PRICE_SET)
    assert changed.actor == "till 1 (Carla)" and changed.details["approved_by"] == "till 1 (Max)"
    assert (changed.details["from"], changed.details["to"]) == (120, 50)
