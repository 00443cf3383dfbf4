"""The manager's "Close the day" screen at 80x24: the X report shown, the cash counted typed,
F10 takes the Z, Esc hands it back."""

from __future__ import annotations

import threading

from textual.app import App
from textual.widgets import Static

from storage import catalog, closures, sales
from till.closure_service import ClosureService
from till.core.money import MoneyFormat
from till.core.people import Actor, Role
from till.core.sale import Cart, PaymentMethod
from till.register import Register
from till.screens.closure import ClosureScreen

from ..conftest import PRODUCTS

MANAGER = Actor("u-bob", "Bob", Role.MANAGER, till_no=1)


class Host(App):
    """Just enough of an app to show the screen and keep what it answers."""

    def __init__(self, screen: ClosureScreen) -> None:
        super().__init__()
        self.closure_screen = screen
        self.answer: object = "unanswered"

    def on_mount(self) -> None:
        self.push_screen(self.closure_screen, self._answered)

    def _answered(self, answer: object) -> None:
        self.answer = answer


async def test_close_the_day_from_the_screen(settings):
    cart = Cart()
    cart.add(catalog.lookup(PRODUCTS[0][0]))
    cart.pay(PaymentMethod.CASH, cart.total)
    sales.record_sale(cart, till_no=1, seller="Ann", currency="EUR", print_receipt=False)
    register = Register(settings)
    service = ClosureService(settings, register.printer)
    screen = ClosureScreen(service, MANAGER, None, MoneyFormat("EUR", "fr_FR"))
    app = Host(screen)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            report = str(screen.query_one("#closure-report", Static).render())
            assert "X REPORT" in report and "Sales (1)" in report
            assert closures.closures(1) == []

            await pilot.press("1", ",", "2", "0", "f10")
            await app.workers.wait_for_complete()
            await pilot.pause()
            (z,) = closures.closures(1)
            assert z.cash is not None and (z.cash.counted, z.cash.difference) == (120, 0)
            assert "Z REPORT No 1" in str(screen.query_one("#closure-report", Static).render())

            await pilot.press("escape")
            await pilot.pause()
            assert app.answer == z
    finally:
        register.close()


async def test_f10_typed_while_the_x_report_is_read_takes_the_z(settings):
    """A manager who types the cash and F10 before the X report is on the screen still gets
    the Z, once, with what was typed (the register used to drop that F10)."""
    register = Register(settings)
    service = ClosureService(settings, register.printer)
    read_on = threading.Event()
    x_report = service.x_report

    def slow_x_report(*args, **kwargs):
        read_on.wait(10)
        return x_report(*args, **kwargs)

    service.x_report = slow_x_report  # type: ignore[method-assign]
    screen = ClosureScreen(service, MANAGER, None, MoneyFormat("EUR", "fr_FR"))
    app = Host(screen)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("0", "f10")
            assert closures.closures(1) == []
            read_on.set()
            await app.workers.wait_for_complete()
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            (z,) = closures.closures(1)
            assert z.cash is not None and z.cash.counted == 0
    finally:
        read_on.set()
        register.close()
