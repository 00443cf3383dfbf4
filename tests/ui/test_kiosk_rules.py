"""The kiosk without a printer offers no slip."""

from dataclasses import replace

from storage import customers, loyalty
from till.app import make_app
from till.config import PrinterSettings, SecuritySettings
from till.core.pin import hash_pin

from .conftest import footer_text, scan


async def test_a_kiosk_without_printer_says_it_cannot_print(settings):
    zoe = customers.create_customer(
        {"last_name": "Martin", "first_name": "Zoé"}, actor="t", till_no=1, region="FR"
    )
    card = loyalty.issue_card(zoe.id, actor="t", till_no=1)
    kiosk_settings = replace(
        settings, security=SecuritySettings(hash_pin("4821")), printer=PrinterSettings(url="none")
    )
    app = make_app(kiosk_settings, kiosk_timeout=30)
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, card)
        text = str(app.screen.query_one("#kiosk-text").render())
        assert "Hello Zoé!" in text and "F6" not in text
        assert "Print" not in footer_text(app)
        await pilot.press("f6")  # not offered, so it does nothing
        await app.workers.wait_for_complete()
        after = str(app.screen.query_one("#kiosk-text").render())
        assert after == text and "Printing" not in after


async def test_a_replaced_card_says_when_as_the_locale_writes_dates(settings):
    from datetime import datetime

    from storage.models import LoyaltyCard

    zoe = customers.create_customer({"last_name": "Martin"}, actor="t", till_no=1, region="FR")
    old = loyalty.issue_card(zoe.id, actor="t", till_no=1)
    loyalty.issue_card(zoe.id, actor="t", till_no=1)
    blocked_at = LoyaltyCard.get(LoyaltyCard.number == old).blocked_at
    day = f"{datetime.fromisoformat(blocked_at).astimezone():%d/%m/%Y}"
    kiosk = replace(settings, security=SecuritySettings(hash_pin("4821")))
    app = make_app(kiosk, kiosk_timeout=30)
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, old)
        text = str(app.screen.query_one("#kiosk-text").render())
        assert f"was replaced on {day}:" in text and blocked_at[:10] not in text
