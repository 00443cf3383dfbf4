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
        assert payment.query_one("#amount", Input).value in ("1.20", "1,20")  # the amount due
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


async def test_the_points_field_refuses_letters_with_a_message_and_keeps_the_focus(settings):
    from dataclasses import replace

    from till.app import make_app
    from till.config import SecuritySettings
    from till.core.pin import hash_pin
    from till.screens.manager import AdjustPointsScreen

    zoe = add(last_name="Martin", first_name="Zoé", mobile="0633333333")
    app = make_app(replace(settings, security=SecuritySettings(manager_pin=hash_pin("4821"))))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f2", *"martin", "f4")
        app.screen.query_one(TabbedContent).active = "tab-loyalty"
        await pilot.pause()
        await pilot.press("f5")
        dialog = app.screen
        assert isinstance(dialog, AdjustPointsScreen)
        for field in dialog.query(Input):  # framed like every other dialog's fields
            assert field.styles.border_top[0] == "solid"
        await pilot.press(*"abc")
        error = dialog.query_one("#adjust-error")
        assert error.display and "whole number" in str(error.render())
        await pilot.press("enter")
        assert focused_id(app) == "adjust-points"  # not on to the reason
        assert error.display and "how many points" in str(error.render())
        await pilot.press(*"50", "enter")
        assert focused_id(app) == "adjust-reason"
        assert not error.display
        await pilot.press("escape")
    assert zoe.id


# --- TERM=linux: only glyphs a stock console font draws ---------------------------------

CP437_DRAWING = set("─│┌┐└┘├┤┬┴┼═║╒╓╔╕╖╗╘╙╚╛╜╝╞╟╠╡╢╣╤╥╦╧╨╩╪╫╬█▄▌▐▀░▒▓■▬▲►▼◄○◘◙←↑→↓↔↕")
"""The box, block, shape and arrow glyphs of the PC character set, which every Linux console
font has; the rest of those ranges (heavy lines, eighth blocks, ⏎, …) shows as a diamond."""
DRAWING_RANGES = ((0x2190, 0x21FF), (0x2300, 0x23FF), (0x2500, 0x25FF), (0x2800, 0x28FF))


def missing_glyphs(text: str) -> set[str]:
    return {
        c
        for c in text
        if c not in CP437_DRAWING and any(lo <= ord(c) <= hi for lo, hi in DRAWING_RANGES)
    }


async def test_every_screen_draws_only_console_glyphs_on_term_linux(settings, monkeypatch):
    from dataclasses import replace

    from till.app import make_app
    from till.config import SecuritySettings
    from till.core.pin import hash_pin

    monkeypatch.setenv("TERM", "linux")
    for index in range(60):  # enough customers and lines for scrollbars
        add(last_name=f"Martin{index:02d}", mobile=f"06444444{index:02d}")
    zoe = customers.find_by_code("C01-000001")
    app = make_app(replace(settings, security=SecuritySettings(manager_pin=hash_pin("4821"))))
    seen: dict[str, set[str]] = {}
    screens: list[str] = []

    async def look(where: str) -> None:
        await pilot.pause()
        seen[where] = missing_glyphs(screen_text(app))
        screens.append(type(app.screen).__name__)

    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        assert app.theme == "ansi-dark"
        for _ in range(30):
            await scan(pilot, BAGUETTE)
            await scan(pilot, PRODUCTS[2][0])
        app.notify("A toast")
        await look("sale")
        await pilot.press("f4")
        await look("quantity")
        await pilot.press("escape", "f5")
        await look("park name")
        await pilot.press("enter")
        await pilot.press("f5")
        await look("parked")
        await pilot.press("enter", "f10")
        await look("payment")
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.press("f7")
        await look("receipt")
        await pilot.press("f5")
        await look("manager pin")
        await pilot.press("escape", "escape", "f3")
        await look("quick add")
        await pilot.press("escape")
        await scan(pilot, BAGUETTE)
        await pilot.press("f9")
        await look("confirm")
        await pilot.press("y")
        await pilot.press("f2")
        await look("customer search")
        await pilot.press(*"martin00", "f4")
        await pilot.pause()
        for tab in ("tab-main", "tab-addresses", "tab-details", "tab-loyalty", "tab-history"):
            app.screen.query_one(TabbedContent).active = tab
            await look(tab)
        app.screen.query_one(TabbedContent).active = "tab-loyalty"
        await pilot.pause()
        await pilot.press("f5")
        await look("adjust points")
        await pilot.press("escape")
        app.screen.query_one(TabbedContent).active = "tab-account"
        await look("tab-account")
        await pilot.press("f3")
        await look("deposit")
        await pilot.press("escape")
        app.screen.query_one(TabbedContent).active = "tab-addresses"
        await pilot.press("f3")
        await look("address")
        await pilot.press("escape", "f4")
        await look("customer form")
        await pilot.press("escape", "escape", "escape", "f6")
        await look("return")
        await pilot.press("escape", "ctrl+backslash")
        await pilot.press(*"4821", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause(0.3)
        await look("manager palette")
        await pilot.press(*"scanners", "enter")
        await app.workers.wait_for_complete()
        await look("printer, scanners and sync")
    assert zoe is not None
    missing = {where: "".join(sorted(glyphs)) for where, glyphs in seen.items() if glyphs}
    kiosk = make_app(settings, kiosk_timeout=30)
    async with kiosk.run_test(size=(80, 24), notifications=True) as pilot:
        assert kiosk.theme == "ansi-dark"
        await pilot.pause()
        seen["kiosk"] = missing_glyphs(screen_text(kiosk))
    support = make_app(settings, support=True)
    async with support.run_test(size=(80, 24), notifications=True) as pilot:
        await support.workers.wait_for_complete()
        await pilot.pause()
        seen["support"] = missing_glyphs(screen_text(support))
    assert screens == [
        "SaleScreen",
        "QuantityScreen",
        "ParkNameScreen",
        "ParkedScreen",
        "PaymentScreen",
        "ReceiptScreen",
        "ManagerPinScreen",
        "QuickAddScreen",
        "ConfirmScreen",
        "CustomerSearchScreen",
        *["CustomerViewScreen"] * 5,
        "AdjustPointsScreen",
        "CustomerViewScreen",
        "DepositScreen",
        "AddressScreen",
        "CustomerFormScreen",
        "ReturnScreen",
        "ManagerPalette",
        "StatusScreen",
    ]
    assert missing == {}


def footer_text(app) -> str:
    return screen_text(app).splitlines()[-1]


async def test_once_payment_has_started_the_footer_offers_only_what_applies(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, BAGUETTE)
        await scan(pilot, PRODUCTS[3][0])
        footer = footer_text(app)
        for key in ("Pay", "Customer", "Park", "Qty", "Void", "Cancel"):
            assert key in footer
        await pilot.press("f10")
        app.screen.query_one("#amount", Input).value = "1"
        await pilot.press("f3", "escape")  # 1,00 by card, then back to the sale
        sale = app.screen
        assert isinstance(sale, SaleScreen) and sale.cart.payments
        await pilot.pause()
        footer = footer_text(app)
        assert "Pay" in footer and "Cancel" in footer
        for key in ("Customer", "New", "Park", "Qty", "Void", "Return"):
            assert key not in footer, key
        await pilot.press("f5", "f2", "f3", "f4", "f8")  # nothing asks for a name or a number
        assert app.screen is sale
        await pilot.press("f9", "y")  # cancelled: a new sale offers everything again
        await pilot.pause()
        assert not sale.cart.lines
        assert "Park" in footer_text(app) and "Customer" in footer_text(app)


async def test_esc_in_the_customer_form_asks_before_throwing_edits_away(app):
    from till.screens.customer_form import CustomerFormScreen
    from till.screens.customer_view import CustomerViewScreen
    from till.screens.prompts import ConfirmScreen

    zoe = add(last_name="Martin", first_name="Zoé", mobile="0633333333", reconfirm=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f2", *"martin", "f4")
        await pilot.pause()
        await pilot.press("f4", "escape")  # nothing changed: closes at once
        assert isinstance(app.screen, CustomerViewScreen)
        await pilot.press("f4")
        form = app.screen
        assert isinstance(form, CustomerFormScreen)
        form.query_one("#field-city", Input).value = "Lyon"
        await pilot.press("escape")
        assert isinstance(app.screen, ConfirmScreen)
        assert "Discard your changes?" in screen_text(app)
        await pilot.press("n")  # no: back to the form, the edit still there
        assert app.screen is form
        assert form.query_one("#field-city", Input).value == "Lyon"
        await pilot.press("escape", "y")
        await pilot.pause()
        assert isinstance(app.screen, CustomerViewScreen)
    assert customers.get_customer(zoe.id).city == ""


async def test_an_empty_search_tells_how_many_there_are_and_pages_through_all(app):
    from till.screens.customer_search import PAGE_SIZE, CustomerSearchScreen

    total = PAGE_SIZE * 2 + 7
    for index in range(total):
        add(last_name=f"Client{index:03d}", mobile=f"065555{index:04d}")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f2")
        search = app.screen
        assert isinstance(search, CustomerSearchScreen)
        filters = str(search.query_one("#customer-filters").render())
        assert f"{PAGE_SIZE} of {total} shown" in filters
        seen = 0
        for _ in range(40):  # PageDown to the very end
            await pilot.press("pagedown")
            seen = max(seen, search.query_one("#customer-results").cursor_row)
        assert len(search.results) == total
        assert seen == total - 1
        assert f"{total} of {total} shown" in str(search.query_one("#customer-filters").render())
        names = [c.last_name for c in search.results]
        assert names == sorted(names) and len(set(names)) == total  # each once, in order
        await pilot.press(*"client00")  # a search says how many it found
        assert "10 found" in str(search.query_one("#customer-filters").render())


async def test_a_refused_customer_form_puts_the_cursor_on_the_first_bad_field(app):
    from till.screens.customer_form import CustomerFormScreen

    add(last_name="Martin", first_name="Zoé", mobile="0633333333")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f2", *"martin", "f4")
        await pilot.pause()
        await pilot.press("f4")
        form = app.screen
        assert isinstance(form, CustomerFormScreen)
        form.query_one("#field-email", Input).value = "zoe@"
        form.query_one("#field-last_name", Input).value = ""
        form.query_one("#field-email", Input).focus()
        await pilot.press("f10")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert form.query_one("#error-email").display
        assert form.query_one("#error-last_name").display
        assert focused_id(app) == "field-last_name"  # the first from the top, not the last typed


async def test_esc_in_quick_add_asks_before_throwing_typed_fields_away(app):
    from till.screens.prompts import ConfirmScreen

    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f2", *"durand", "f3")  # quick add from the search: nothing more typed
        await pilot.pause()
        assert isinstance(app.screen, QuickAddScreen)
        await pilot.press("escape")  # only what the search passed in: closes at once
        await pilot.pause()
        assert not isinstance(app.screen, QuickAddScreen | ConfirmScreen)
        await pilot.press("f3")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, QuickAddScreen)
        await pilot.press("tab", *"Léa", "tab", *"0612345678", "escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "Discard this new customer?" in screen_text(app)
        await pilot.press("n")  # no: the fields are still there
        assert app.screen is form
        assert form.query_one("#quick-mobile", Input).value == "0612345678"
        await pilot.press("escape", "y")
        await pilot.pause()
        assert not isinstance(app.screen, QuickAddScreen | ConfirmScreen)
    assert customers.customer_count() == 0
