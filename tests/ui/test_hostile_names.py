"""Stored text is never markup: every screen and dialog driven with hostile names.

Customer and product names holding markup (``[/]``, ``[bold]``, ``[link=x]``), control
characters, 500 characters, right-to-left text and emoji go through the sale, the customer
search, each tab of the customer file, quick add, the customer form, payment, the receipt
preview, parked sales, returns and the kiosk. Any exception ends the app, which makes
``run_test`` raise; any error notification fails the test too. Toasts are rendered
(``notifications=True``): Pilot hides them by default, and a toast is where a name read as
markup used to end the register.

Names the import and the form refuse (control characters, 500 characters) are written
straight into the database: older files, a sync or a bug may still hold them.
"""

from __future__ import annotations

import unicodedata
from dataclasses import replace

import pytest
from textual.widgets import Input, TabbedContent

from storage import accounts, catalog, customers, loyalty, sales
from storage.models import Barcode, CustomerAddress, Product
from storage.models import Customer as CustomerRow
from till.app import TillApp, make_app
from till.config import LoyaltySettings, ReceiptSettings, SecuritySettings, StoreSettings
from till.core.customer import Address
from till.core.pin import hash_pin
from till.core.sale import Cart, PaymentMethod, SaleCustomer
from till.screens.account import DepositScreen
from till.screens.address import AddressScreen
from till.screens.customer_form import CustomerFormScreen
from till.screens.customer_search import CustomerSearchScreen
from till.screens.customer_view import CustomerViewScreen
from till.screens.kiosk import KioskScreen
from till.screens.manager import AdjustPointsScreen
from till.screens.parked import ParkedScreen
from till.screens.payment import PaymentScreen
from till.screens.prompts import ConfirmScreen
from till.screens.receipt import ReceiptScreen
from till.screens.returns import ReturnScreen
from till.screens.sale import SaleScreen

from ..conftest import ean13
from .conftest import scan

HOSTILE = (
    "Test[/]",
    "[bold]Gras",
    "[link=x]Lien[/link]",
    "Ctl\x1b[31mred\x07\x01\x7f\u0085end",
    "L" * 500,
    "עברית ערבית عربي \u202eRTL",
    "Emoji 🧀🥖👩‍👩‍👧🇫🇷",
)
PRODUCT_CODES = [ean13(900 + index) for index in range(len(HOSTILE))]
PIN = "4821"
TABS = (
    "tab-main",
    "tab-addresses",
    "tab-details",
    "tab-loyalty",
    "tab-history",
    "tab-account",
    "tab-changes",
)


@pytest.fixture
def shop(settings):
    """A shop whose own name, seller and receipt footer are hostile too."""
    return replace(
        settings,
        store=StoreSettings(name="[b]Shop[/]", address=("[/]1 rue",), vat_number="FR123"),
        till=replace(settings.till, seller="[/]Ann"),
        receipt=ReceiptSettings(footer=("[link=x]Merci[/]",)),
        security=SecuritySettings(manager_pin=hash_pin(PIN)),
        loyalty=LoyaltySettings(threshold=0),
    )


@pytest.fixture
def products(shop) -> list[str]:
    rows = [
        (index, catalog.ProductRow(code=code, name="x", price=250 + index, vat_rate_bp=2000))
        for index, code in enumerate(PRODUCT_CODES)
    ]
    catalog.import_products(rows)
    for code, name in zip(PRODUCT_CODES, HOSTILE, strict=True):
        product = Barcode.get(Barcode.code == code).product_id
        Product.update(name=name).where(Product.id == product).execute()
    return PRODUCT_CODES


@pytest.fixture
def people(shop, products) -> list[str]:
    """One customer per hostile name, with a card, points, an account, an address, a sale
    of hostile products and audited changes: every tab of their file has something."""
    ids = []
    for index, name in enumerate(HOSTILE):
        created = customers.create_customer(
            {
                "last_name": f"Hostile{index}",
                "mobile": f"06123456{index:02d}",
                "email": f"h{index}@example.com",
            },
            actor="[/]setup",
            till_no=1,
            region="FR",
        )
        customers.update_customer(
            created.id, {"city": "[/]", "notes": "[bold]x"}, actor="[/]office", region="FR"
        )
        write_raw(
            created.id,
            last_name=name,
            first_name=name,
            company=name,
            city=name,
            address1=name,
            notes=name,
            segment=name,
        )
        loyalty.issue_card(created.id, actor="[/]setup", till_no=1)
        loyalty.adjust_points(created.id, 500, acceptable(name), actor=acceptable(name))
        accounts.deposit(created.id, 1000, "cash", actor=acceptable(name))
        address = customers.save_address(
            created.id, Address(kind="delivery", line1="x", country="FR"), actor="[/]setup"
        )
        CustomerAddress.update(kind=name, line1=name, city=name).where(
            CustomerAddress.id == address.id
        ).execute()
        holder = customers.get_customer(created.id)
        cart = Cart(
            customer=SaleCustomer(holder.id, holder.code, holder.display_name, enrolled=True)
        )
        cart.add(catalog.lookup(products[index]), 2)
        cart.pay(PaymentMethod.CARD, cart.total)
        sales.record_sale(
            cart,
            till_no=1,
            seller=name,
            currency="EUR",
            store=name,
            loyalty_program=shop.loyalty.program,
        )
        ids.append(created.id)
    return ids


def acceptable(name: str) -> str:
    """``name`` where the ledgers would refuse it (they are append-only: no raw rewrite)."""
    return name if name.isprintable() and len(name) <= 80 else "[/]refused"


def write_raw(customer_id: str, **fields: str) -> None:
    """Store values the rules would refuse, keeping the full-text index in step."""
    before = customers.get_customer(customer_id)
    CustomerRow.update(**fields).where(CustomerRow.id == customer_id).execute()
    num = CustomerRow.get(CustomerRow.id == customer_id).num
    customers.reindex(num, before, customers.get_customer(customer_id))


def watch_notifications(app: TillApp) -> list[tuple[str, str]]:
    """Every notification the app raises from now on, as (severity, message)."""
    seen: list[tuple[str, str]] = []
    notify = app.notify

    def recording(message: str, **options) -> None:
        seen.append((options.get("severity", "information"), message))
        notify(message, **options)

    app.notify = recording  # type: ignore[method-assign]
    return seen


def errors(seen: list[tuple[str, str]]) -> list[str]:
    return [message for severity, message in seen if severity == "error"]


def screen_text(app: TillApp) -> str:
    """What the terminal shows of the current screen, line by line; a control character in it
    would reach the terminal (ESC starts a command: retitle, blank or redefine keys)."""
    lines = [strip.text for strip in app.screen._compositor.render_strips()]
    leaks = {repr(c) for line in lines for c in line if unicodedata.category(c) == "Cc"}
    assert not leaks, f"control characters on {type(app.screen).__name__}: {sorted(leaks)}"
    return "\n".join(lines)


async def look(pilot, key: str, screen: type) -> None:
    """Press ``key``, read the ``screen`` it opens as the terminal shows it, close it with Esc."""
    await pilot.press(key)
    await pilot.pause()
    assert isinstance(pilot.app.screen, screen)
    screen_text(pilot.app)
    await pilot.press("escape")


async def settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_sale_payment_and_receipt_with_hostile_lines_and_customer(shop, products, people):
    app = make_app(shop)
    seen = watch_notifications(app)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        assert "[b]Shop[/]" in screen_text(app)
        for code in products:
            await scan(pilot, code)
        sale = app.screen
        assert isinstance(sale, SaleScreen)
        assert "[bold]Gras" in screen_text(app)
        await pilot.press("up", "up", "f4")  # the quantity dialog names the line
        assert "Quantity of" in screen_text(app)
        await pilot.press("escape")
        await pilot.press("f2", *"hostile0")
        await pilot.press("enter")
        assert isinstance(app.screen, SaleScreen)
        assert "TEST[/]" in screen_text(app)
        await pilot.press("f10")
        assert isinstance(app.screen, PaymentScreen)
        assert "F4 pays" in screen_text(app)
        await pilot.press("f4")  # part paid with points: the screen stays, the sale goes on
        await pilot.press("f3")
        await settle(pilot)
        assert isinstance(app.screen, SaleScreen)
        await pilot.press("f7")
        assert isinstance(app.screen, ReceiptScreen)
        assert "[link=x]Merci[/]" in str(app.screen.query_one("#receipt-text").render())
        await pilot.press("f6")  # reprint: the toast names the receipt
        await settle(pilot)
        await pilot.press("escape")
        assert isinstance(app.screen, SaleScreen)
    assert errors(seen) == []


async def test_each_customer_file_each_tab_and_dialog(shop, people):
    app = make_app(shop)
    seen = watch_notifications(app)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("f2", *"hostile")
        search = app.screen
        assert isinstance(search, CustomerSearchScreen)
        assert len(search.results) == len(HOSTILE)
        for row in range(len(HOSTILE)):
            search.query_one("#customer-results").move_cursor(row=row)
            await pilot.press("f4")
            view = app.screen
            assert isinstance(view, CustomerViewScreen)
            for tab in TABS:
                view.query_one(TabbedContent).active = tab
                await pilot.pause()
                screen_text(app)
                if tab == "tab-addresses":
                    await look(pilot, "f5", AddressScreen)
                if tab == "tab-loyalty":
                    await look(pilot, "f5", AdjustPointsScreen)
                    await look(pilot, "f3", ConfirmScreen)  # replace the card? (Esc: no)
                if tab == "tab-history":
                    await look(pilot, "f7", ReceiptScreen)
                if tab == "tab-account":
                    await look(pilot, "f3", DepositScreen)
            view.query_one(TabbedContent).active = "tab-main"  # where Delete is offered
            await pilot.pause()
            await look(pilot, "f9", ConfirmScreen)  # delete? the question names the customer
            await pilot.press("f4")  # the form, every field filled with the hostile name
            assert isinstance(app.screen, CustomerFormScreen)
            screen_text(app)
            await pilot.press("f10")  # saved, or refused at the fields
            await settle(pilot)
            screen_text(app)
            if isinstance(app.screen, CustomerFormScreen):  # refused: close it unsaved
                app.screen.dismiss(None)
                await pilot.pause()
            assert isinstance(app.screen, CustomerViewScreen)
            await pilot.press("escape")
            assert app.screen is search
        await pilot.press("escape")
    assert errors(seen) == []


async def test_quick_add_with_markup_in_the_names(shop, people):
    app = make_app(shop)
    seen = watch_notifications(app)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("f3", *"Test[/]", "tab", *"[bold]Zoé", "tab", *"0698765432")
        await pilot.press("f10")
        await settle(pilot)  # the save runs off the event loop
        assert isinstance(app.screen, SaleScreen)
        await pilot.press("1")  # the key after the toast used to end the register
        await pilot.pause()
        assert "TEST[/] [bold]Zoé" in screen_text(app)
        await pilot.press("escape", "f3", "tab", "tab", *"0612345601")  # the offer names them
        await pilot.pause()
        assert "[bold]Gras" in screen_text(app)
        await pilot.press("escape")
    assert errors(seen) == []
    assert customers.find_by_code("C01-000008").last_name == "Test[/]"


async def test_parked_sales_under_hostile_names(shop, products, people):
    app = make_app(shop)
    seen = watch_notifications(app)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        for index in range(len(HOSTILE)):
            await scan(pilot, products[index])
            await pilot.press("f2", *f"hostile{index}", "enter")
            await pilot.press("f5", "enter")  # parked under the customer's name
            await app.workers.wait_for_complete()  # the park is saved off the event loop
            await pilot.pause()
        await pilot.press("f5")
        assert isinstance(app.screen, ParkedScreen)
        screen_text(app)
        await pilot.press("f8")  # discard? the question names the sale
        screen_text(app)
        await pilot.press("n", "enter")
        assert isinstance(app.screen, SaleScreen)
        assert app.screen.cart.lines
    assert errors(seen) == []


async def test_returns_of_hostile_products(shop, people):
    app = make_app(shop)
    seen = watch_notifications(app)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        for receipt in ("01-000001", "01-000004", "01-000007"):
            await pilot.press("f6")
            screen = app.screen
            assert isinstance(screen, ReturnScreen)
            screen.query_one("#return-receipt", Input).value = receipt
            await pilot.press("enter")
            await pilot.press("f4", "escape", "f6", "f2")  # the PIN dialog names the refund
            screen_text(app)
            await pilot.press(*PIN, "enter")
            await settle(pilot)
            assert isinstance(app.screen, SaleScreen)
    assert errors(seen) == []


async def test_kiosk_greets_hostile_names(shop, people):
    app = make_app(shop, kiosk_timeout=30)
    seen = watch_notifications(app)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        assert isinstance(app.screen, KioskScreen)
        for customer_id in people:
            await scan(pilot, customers.get_customer(customer_id).card_number)
            screen_text(app)
            await pilot.press("f6")
            await settle(pilot)
            await pilot.press("escape")
    assert errors(seen) == []
