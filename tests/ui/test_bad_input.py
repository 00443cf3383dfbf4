"""Bad input gets a clear message, loses nothing, and the till keeps working."""

from dataclasses import replace

import pytest
from peewee import OperationalError
from textual.widgets import Input

from storage import sales
from storage.errors import storage_error
from till.app import make_app
from till.config import PrinterSettings
from till.register import Register
from till.screens.prompts import ConfirmScreen

from ..conftest import PRODUCTS, ean13
from ..escpos_decoder import decode
from .conftest import error_notifications, message, scan

BAGUETTE = PRODUCTS[0][0]


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        (BAGUETTE[:-1] + str((int(BAGUETTE[-1]) + 1) % 10), "check digit is wrong"),
        (ean13(424242), f"No product has the code {ean13(424242)}"),
        ("7" * 500, "500 characters"),
        ("é€☃\u200b漢字", "characters no scanner sends"),
        ("[red]x[/]", "characters no scanner sends"),
        ("0*" + BAGUETTE, "between 1 and 999"),
    ],
)
async def test_bad_scans_are_refused_and_the_till_keeps_working(app, entry, expected):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        await scan(pilot, BAGUETTE)
        field = screen.query_one("#scan", Input)
        field.value = entry  # a scanner burst, then Enter
        await pilot.press("enter")
        await pilot.pause()
        assert expected in message(app)
        assert [line.quantity for line in screen.cart.lines] == [1]
        assert field.value == ""
        await scan(pilot, BAGUETTE)
        assert [line.quantity for line in screen.cart.lines] == [2]
        assert "Baguette" in message(app)


@pytest.mark.expect_errors("Printer ")
async def test_a_missing_printer_does_not_lose_the_sale(settings, tmp_path):
    device = tmp_path / "usb" / "lp0"
    unplugged = replace(settings, printer=PrinterSettings(url=f"file://{device}"))
    app = make_app(unplugged)
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, BAGUETTE)
        await pilot.press("f10", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "01-000001 saved" in message(app)
        errors = error_notifications(app)
        assert len(errors) == 1 and "no such device" in errors[0] and "1 receipt" in errors[0]
        assert "Printer: 1 waiting" in str(app.screen.query_one("#printer-status").render())
        await scan(pilot, BAGUETTE)  # the next customer is served meanwhile
        assert len(app.screen.cart.lines) == 1

        device.parent.mkdir()  # the printer is plugged back in
        app._retry_printing()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.printer_state.ok
        assert str(app.screen.query_one("#printer-status").render()) == ""
        assert len(error_notifications(app)) == 1  # no new error
    assert sales.get_sale("01-000001").total == 120
    assert "Receipt 01-000001" in decode(device.read_bytes()).text


@pytest.mark.expect_errors("The disk is full")
async def test_a_failed_save_keeps_the_paid_sale_on_screen(app, monkeypatch):
    real_record = Register.record
    failures = iter([storage_error(OperationalError("database or disk is full"))])

    def flaky(self, cart, on_busy=None):
        for error in failures:
            raise error
        return real_record(self, cart, on_busy)

    monkeypatch.setattr(Register, "record", flaky)
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, BAGUETTE)
        await pilot.press("f10", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        # The gist fits the 80-column message line; the whole reason is in a toast.
        assert message(app) == (
            "The disk is full: this sale is kept on screen, NOT saved. Call for help."
        )
        assert "Call the technician to free some space" in error_notifications(app)[-1]
        assert app.screen.cart.is_settled and len(app.screen.cart.lines) == 1
        assert sales.sale_count() == 0
        await pilot.press("f10")  # try again: no second payment is asked for
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "01-000001 saved" in message(app)
    assert sales.sale_count() == 1


async def test_closing_is_refused_mid_sale_and_confirmed_otherwise(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, BAGUETTE)
        await pilot.press("ctrl+q")
        assert "Finish or cancel the sale" in message(app)
        assert app.is_running
        await pilot.press("f9", "y", "ctrl+q")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        assert app.is_running
        await pilot.press("ctrl+q", "y")
    assert app.return_code == 0


async def test_payment_refuses_a_bad_amount(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, BAGUETTE)
        await pilot.press("f10", "ctrl+a", "ctrl+k", *"1.234", "enter")
        assert "more than 2 decimals" in str(app.screen.query_one("#payment-message").render())
        await pilot.press("ctrl+a", "ctrl+k", *"5", "f3")
        assert "card payment cannot be more" in str(
            app.screen.query_one("#payment-message").render()
        )
        await pilot.press("escape")
        assert app.screen.cart.payments == []
    assert sales.sale_count() == 0
