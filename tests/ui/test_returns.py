"""Returns at the till: find the sale by its receipt, choose lines, refund after a manager PIN."""

from dataclasses import replace

import pytest
from textual.widgets import Input

from storage import accounts, catalog, customers, loyalty, returns, sales
from till.app import make_app
from till.config import LoyaltySettings, SecuritySettings
from till.core.pin import hash_pin
from till.core.sale import Cart, PaymentMethod, SaleCustomer
from till.screens.manager import ManagerPinScreen
from till.screens.returns import ReturnScreen
from till.screens.sale import SaleScreen

from ..conftest import PRODUCTS
from ..escpos_decoder import decode
from .conftest import message, scan

BAGUETTE, VIN = PRODUCTS[0][0], PRODUCTS[3][0]


@pytest.fixture
def shop(settings):
    return replace(
        settings,
        security=SecuritySettings(manager_pin=hash_pin("4821")),
        loyalty=LoyaltySettings(threshold=0),
    )


@pytest.fixture
def sold(shop):
    """A card sale of two bottles of wine and a baguette to an enrolled customer."""
    record = customers.create_customer({"last_name": "Leroy"}, actor="t", till_no=1, region="FR")
    loyalty.issue_card(record.id, actor="t", till_no=1)
    cart = Cart(customer=SaleCustomer(record.id, record.code, "LEROY", enrolled=True))
    cart.add(catalog.lookup(VIN), 2)
    cart.add(catalog.lookup(BAGUETTE))
    cart.pay(PaymentMethod.CARD, cart.total)
    sale = sales.record_sale(
        cart, till_no=1, seller="Ann", currency="EUR", loyalty_program=shop.loyalty.program
    )
    assert sale.points_earned == 17
    return sale


def _text(screen, selector: str) -> str:
    return str(screen.query_one(selector).render())


async def _open_return(pilot, receipt: str) -> ReturnScreen:
    await pilot.press("f6")
    screen = pilot.app.screen
    assert isinstance(screen, ReturnScreen)
    screen.query_one("#return-receipt", Input).value = receipt
    await pilot.press("enter")
    return screen


async def test_return_one_bottle_in_cash_after_the_manager_pin(shop, sold, printer_file):
    printer_file.unlink(missing_ok=True)
    app = make_app(shop)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open_return(pilot, "1-1")  # typed short
        assert "Sale 01-000001 for" in _text(screen, "#return-message")
        await pilot.press("enter")  # the whole first line: both bottles
        assert "Refund 15,80" in _text(screen, "#return-total")
        await pilot.press("f4", "backspace", "1", "enter")  # only one, after all
        assert "Refund 7,90" in _text(screen, "#return-total")
        await pilot.press("f2")
        assert isinstance(app.screen, ManagerPinScreen)
        await pilot.press(*"1111", "enter")
        assert isinstance(app.screen, ManagerPinScreen)  # wrong PIN: nothing happens
        await pilot.press(*"4821", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, SaleScreen)
        assert "Refund 01-000002 saved: 7,90\xa0€ in cash." in message(app)
    refund = sales.get_sale("01-000002")
    assert refund.refund_of == "01-000001" and refund.total == -790
    assert [(line.line_no, line.quantity) for line in refund.lines] == [(1, -1)]
    assert refund.points_earned == -8  # 7.90 of 17.00: 7.9 of the 17 points earned
    assert loyalty.balance(sold.customer.id) == 17 - 8
    assert [entry.remaining for entry in returns.returnable("01-000001").lines] == [1, 1]
    receipt = decode(printer_file.read_bytes())
    assert "REFUND of receipt 01-000001" in receipt.text
    assert "Cash refund" in receipt.text and "-7,90 €" in receipt.text
    assert receipt.drawer_kicks  # cash goes out of the drawer
    assert sales.verify_journal(1) == []


async def test_a_credit_note_for_everything_goes_to_the_account(shop, sold):
    app = make_app(shop)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open_return(pilot, "01-000001")
        await pilot.press("f6")  # everything
        assert "Refund 17,00" in _text(screen, "#return-total")
        await pilot.press("f5", *"4821", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "as a credit note" in message(app)
    assert accounts.balance(sold.customer.id) == 1700
    assert returns.returnable("01-000001").fully_returned
    assert loyalty.balance(sold.customer.id) == 0


async def test_refused_pin_and_bad_receipts_refund_nothing(shop, sold):
    app = make_app(shop)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open_return(pilot, "banana")
        assert "not a receipt number" in _text(screen, "#return-message")
        screen.query_one("#return-receipt", Input).value = "01-000099"
        await pilot.press("enter")
        assert "No sale has the receipt number 01-000099" in _text(screen, "#return-message")
        screen.query_one("#return-receipt", Input).value = "01-000001"
        await pilot.press("enter")
        await pilot.press("f2")  # nothing chosen yet
        assert "Choose what comes back first" in _text(screen, "#return-message")
        await pilot.press("f6", "f3")
        assert isinstance(app.screen, ManagerPinScreen)
        await pilot.press("escape")  # the manager says no
        assert app.screen is screen
        await pilot.press("escape")
        assert isinstance(app.screen, SaleScreen)
    assert sales.sale_count() == 1


async def test_a_return_starts_from_an_empty_sale(shop, sold):
    app = make_app(shop)
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, VIN)
        await pilot.press("ctrl+p")  # hidden while the sale has lines
        assert isinstance(app.screen, SaleScreen)
        await pilot.press("f9", "y", "ctrl+p")
        assert isinstance(app.screen, ReturnScreen)


async def test_earn_redeem_refund_cycle_keeps_the_ledger_whole(shop, printer_file):
    """Everything through the screens: a sale earns, the next spends, its refund reverses."""
    from .conftest import scan

    zoe = customers.create_customer({"last_name": "Zola"}, actor="t", till_no=1, region="FR")
    loyalty.issue_card(zoe.id, actor="t", till_no=1)
    app = make_app(shop)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(3):
            await scan(pilot, VIN)  # 23.70
        await pilot.press("f2", *"zola", "enter", "f10", "f3")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await scan(pilot, VIN)
        await pilot.press("f2", *"zola", "enter", "f10")
        await pilot.press("ctrl+a", "ctrl+k", *"0.23", "f4", "f3")  # 23 points, rest by card
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert loyalty.balance(zoe.id) == 23 - 23 + 7
        await _open_return(pilot, "01-000002")
        await pilot.press("f6", "f3", *"4821", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "Refund 01-000003 saved: 7,67\xa0€ by card, 0,23\xa0€ in points." in message(app)
    moves = sorted((m.receipt_code, m.kind, m.points) for m in loyalty.history(zoe.id))
    assert moves == [
        ("01-000001", "earn", 23),
        ("01-000002", "earn", 7),
        ("01-000002", "spend", -23),
        ("01-000003", "return", -7),
        ("01-000003", "return", 23),
    ]
    assert loyalty.balance(zoe.id) == 23  # as before the second sale
    assert sales.verify_journal(1) == []
