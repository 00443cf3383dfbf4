"""A product name holding terminal escape sequences, scanned in the register, is shown as
text: the bytes the terminal would receive hold no sequence from the name."""

from __future__ import annotations

import re

from storage import catalog
from storage.catalog import ProductRow

from ..conftest import ean13
from .conftest import error_notifications, scan

HOSTILE = "Drawer\x1bp0ddKick\x1b[2J\x1b]0;pwned\x07\x9b31m"
CODE = ean13(990)
_DRAWING = re.compile(r"\x1b\[[0-9;]*[mH]")
"""What Textual itself sends: colours and cursor moves. Anything else came from the data."""


def _terminal_bytes(app) -> str:
    """The whole screen as Textual would write it to the terminal."""
    return app.screen._compositor.render_update(full=True).render_segments(app.console)


async def test_a_scanned_hostile_name_sends_no_escape_sequence(app):
    catalog.import_products([(1, ProductRow(CODE, HOSTILE, 250, 2000))])  # stored as it was
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, CODE)
        await pilot.press("up")  # the cursor line draws with another style
        await pilot.pause()
        assert [line.item.name for line in app.screen.cart.lines] == [HOSTILE]
        written = _terminal_bytes(app)
        assert "Drawer" in written and "pwned" in written
        leftover = _DRAWING.sub("", written)
        assert "\x1b" not in leftover and "\x07" not in leftover and "\x9b" not in leftover
        assert error_notifications(app) == []


def _clean_of_data(written: str) -> bool:
    leftover = _DRAWING.sub("", written)
    return not any(c in leftover for c in "\x1b\x07\x9b")


async def test_the_quantity_prompt_shows_a_hostile_name_as_text(app):
    catalog.import_products([(1, ProductRow(CODE, HOSTILE, 250, 2000))])
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, CODE)
        await pilot.press("f4")  # the quantity of the line: its name in the question
        await pilot.pause()
        written = _terminal_bytes(app)
        assert "Drawer" in written and _clean_of_data(written)


async def test_the_customer_file_shows_hostile_stored_text_as_text(app):
    from storage import customers, loyalty
    from storage.models import Customer as CustomerRow
    from till.screens.customer_view import CustomerViewScreen

    customer = customers.create_customer(
        {"last_name": "Dupont"}, actor="test", till_no=1, region="FR"
    )
    CustomerRow.update(last_name=HOSTILE, city=HOSTILE, notes=HOSTILE).where(
        CustomerRow.id == customer.id
    ).execute()
    loyalty.add_movement(
        customer.id, "adjust", 5, actor=HOSTILE, at="2026-01-01T00:00:00+00:00", reason=HOSTILE
    )
    async with app.run_test(size=(100, 30)) as pilot:
        app.push_screen(CustomerViewScreen(customer.id))
        await pilot.pause()
        view = app.screen
        for tab in ("tab-main", "tab-details", "tab-loyalty", "tab-changes"):
            view.query_one("#customer-tabs").active = tab
            await pilot.pause()
            written = _terminal_bytes(app)
            assert "drawer" in written.lower(), tab
            assert _clean_of_data(written), tab


async def test_a_notification_naming_a_hostile_customer_is_text(app):
    async with app.run_test(size=(80, 24)) as pilot:
        app.notify(f"Card of C01-000001 {HOSTILE}.", title=HOSTILE, markup=False)
        await pilot.pause()
        (notification,) = app._notifications
        assert "Drawer" in notification.message and _clean_of_data(notification.message)
        assert _clean_of_data(notification.title)
