"""The customer kiosk: scan a card, see the points, print them, back to welcome; locked."""

import asyncio
from dataclasses import replace

from storage import customers, loyalty
from till.app import make_app
from till.config import SecuritySettings
from till.core.pin import hash_pin
from till.screens.kiosk import WELCOME, KioskScreen
from till.screens.manager import ManagerPinScreen

from ..escpos_decoder import decode
from .conftest import scan


def kiosk_text(app) -> str:
    return str(app.screen.query_one("#kiosk-text").render())


async def test_the_kiosk_flow(settings, printer_file):
    zoe = customers.create_customer(
        {"last_name": "Martin", "first_name": "Zoé", "email": "z@example.fr"},
        actor="t",
        till_no=1,
        region="FR",
    )
    first = loyalty.issue_card(zoe.id, actor="t", till_no=1)
    card = loyalty.issue_card(zoe.id, actor="t", till_no=1)  # the first one is now blocked
    loyalty.adjust_points(zoe.id, 240, "welcome", actor="manager")
    app = make_app(
        replace(settings, security=SecuritySettings(hash_pin("4821"))), kiosk_timeout=0.3
    )
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, KioskScreen)
        assert kiosk_text(app) == WELCOME
        await pilot.press(*card, "enter")  # a card reader typing, like a keyboard
        text = kiosk_text(app)
        assert "Hello Zoé!" in text and "240 points, worth 2,40" in text
        assert "use them at the till today" in text
        await pilot.press("f6")
        await app.workers.wait_for_complete()
        slip = decode(printer_file.read_bytes())
        assert "Zoé M." in slip.text and "Balance: 240 points" in slip.text
        assert slip.barcodes == []  # no card barcode on a slip anyone could pick up
        assert card not in slip.text

        await asyncio.sleep(0.5)  # nobody touches it: back to the welcome
        await pilot.pause()
        assert kiosk_text(app) == WELCOME

        await scan(pilot, first)
        assert "was replaced" in kiosk_text(app)
        await scan(pilot, "2999999999994")
        assert "We do not know this card" in kiosk_text(app)

        await pilot.press("ctrl+q")  # leaving needs a manager
        assert isinstance(app.screen, ManagerPinScreen)
        await pilot.press(*"0000", "enter")
        assert app.is_running and isinstance(app.screen, ManagerPinScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, KioskScreen) and app.is_running
        await pilot.press("ctrl+q", *"4821", "enter")
        await pilot.pause()
    assert not app.is_running
