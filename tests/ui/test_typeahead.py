"""Keys queued together, as one terminal read delivers them, reach the screen they were typed for.

Pilot's ``press`` waits for the app to go idle after every key, so it cannot show these bugs; here
every key of a burst is queued before the app reads the first one. The pseudo-terminal tests in
tests/e2e do the same with the real program.
"""

from __future__ import annotations

from textual import events

from storage import sales
from till.core.sale import PaymentMethod
from till.screens.payment import PaymentScreen
from till.screens.quick_add import QuickAddScreen
from till.screens.sale import SaleScreen

from ..conftest import PRODUCTS
from .conftest import message
from .test_busy_database import until

BAGUETTE, CAFE, SAVON, VIN, QUICHE = (p[0] for p in PRODUCTS)


def burst(app, *keys: str) -> None:
    """Queue keys the way a terminal read delivers them: all at once, nothing handled yet."""
    for key in keys:
        if len(key) == 1:
            name = {"*": "asterisk", " ": "space"}.get(key, key)
            app.post_message(events.Key(name, key))
        else:
            app.post_message(events.Key(key, "\r" if key == "enter" else None))


def typed(text: str) -> list[str]:
    return list(text)


def said(app) -> str:
    """The sale screen's message line, whichever screen is in front."""
    [sale] = [screen for screen in app.screen_stack if isinstance(screen, SaleScreen)]
    return str(sale.query_one("#message").render())


def sale_has_lines(app) -> bool:
    """The sale screen is in front again, with at least one line: the outcome a test waits
    for (bounded by ``until``), rather than a guess at how long the keys take."""
    return isinstance(app.screen, SaleScreen) and bool(app.screen.cart.lines)


async def test_two_scans_in_one_read_are_two_lines(app):
    async with app.run_test(size=(80, 24)) as pilot:
        burst(app, *typed(BAGUETTE), "enter", *typed(CAFE), "enter", *typed(BAGUETTE), "enter")
        await until(
            pilot,
            lambda: app.screen.cart.item_count == 3 or "No product" in said(app),
            "the three scans handled",
        )
        cart = app.screen.cart
        assert [(line.item.name, line.quantity) for line in cart.lines] == [
            ("Baguette", 2),
            ("Café moulu 250 g", 1),
        ]
        assert "No product" not in message(app)


async def test_keys_typed_after_f10_go_to_the_payment_screen(app):
    async with app.run_test(size=(80, 24)) as pilot:
        sale = app.screen
        burst(app, *typed(VIN), "enter", "f10", "2", "0", "enter")
        await until(
            pilot,
            lambda: " saved" in said(app) or "No product" in said(app),
            "the sale saved or refused",
        )
        assert not isinstance(app.screen, PaymentScreen)
        assert sale.query_one("#scan").value == ""
        assert "Change 12,10" in message(app)

    [stored] = [sales.get_sale("01-000001")]
    assert [(p.method, p.amount, p.tendered) for p in stored.payments] == [
        (PaymentMethod.CASH, 790, 2000)
    ]


async def test_quick_add_fields_typed_ahead_with_tabs(app):
    async with app.run_test(size=(80, 24)) as pilot:
        burst(app, "f3", *typed("Martin"), "tab", *typed("Zoe"), "tab", *typed("0612345678"))
        await until(
            pilot,
            lambda: "0612345678" in [field.value for field in app.screen.query("Input")],
            "the phone typed",
        )
        screen = app.screen
        assert isinstance(screen, QuickAddScreen)
        values = [field.value for field in screen.query("Input")]
        assert values[:3] == ["Martin", "Zoe", "0612345678"]


async def test_a_scan_typed_right_after_saving_a_quick_add_goes_to_the_sale(app):
    """F10 saves the new customer off the event loop and closes the dialog when it lands: the
    scan typed behind it belongs to the sale, not to the dialog about to close."""
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3", *"Martin", "tab", *"Zoe", "tab", *"0612345678")
        assert isinstance(app.screen, QuickAddScreen)
        burst(app, "f10", *typed(VIN), "enter")
        await until(pilot, lambda: sale_has_lines(app), "the quick add closed and a line rung up")
        cart = app.screen.cart
        assert cart.customer is not None and cart.customer.name.startswith("MARTIN")
        assert [line.item.name for line in cart.lines] == ["Vin rouge"]


async def test_a_second_sale_typed_ahead_while_the_first_is_saving(app):
    """Scan, F10 Enter (exact cash), then the next sale's scan and F10 5 Enter, all in one
    read: the first sale saves, the second is rung up and paid with 5 handed over."""
    async with app.run_test(size=(80, 24)) as pilot:
        burst(app, *typed(BAGUETTE), "enter", "f10", "enter")
        burst(app, *typed(CAFE), "enter", "f10", "5", "enter")
        await until(
            pilot,
            lambda: "01-000002 saved" in said(app) or "No product" in said(app),
            "the second sale saved or a scan refused",
        )
        assert "No product" not in message(app)
        assert "Change 1,15" in message(app)

    first, second = sales.get_sale("01-000001"), sales.get_sale("01-000002")
    assert [line.name for line in first.lines] == ["Baguette"]
    assert [(line.name, p.tendered) for line in second.lines for p in second.payments] == [
        ("Café moulu 250 g", 500)
    ]


async def test_a_scan_typed_while_quick_add_waits_for_a_busy_database_goes_to_the_sale(
    app, db_path
):
    """The database is busy past the short wait: typing after F10 does not change the fields
    being saved (nor vanish with the dialog); it reaches the sale once the customer is saved."""
    from .test_busy_database import BUSY, LockHolder, text

    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3", *"Busyname", "tab", "tab", *"0622334466")
        quick_add = app.screen
        async with LockHolder(db_path, 0) as holder:
            await pilot.press("f10")
            await until(pilot, lambda: BUSY in text(quick_add, "#quick-match"), "busy is said")
            burst(app, *typed(VIN), "enter")
            await pilot.pause()
            assert quick_add.query_one("#quick-mobile").value == "0622334466"
            await holder.release()
        await until(pilot, lambda: sale_has_lines(app), "the quick add closed and a line rung up")
        assert not isinstance(app.screen, QuickAddScreen)
        cart = app.screen.cart
        assert cart.customer is not None and cart.customer.name.startswith("BUSYNAME")
        assert [line.item.name for line in cart.lines] == ["Vin rouge"]
