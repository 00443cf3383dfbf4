"""Evdev scans reach the sale through the real app: roles, other screens, no evdev at all."""

import time
from dataclasses import replace

import pytest

from devices.scanner.replay import ReplayDevice, ReplaySource
from storage import customers
from storage.models import Customer as CustomerRow
from till.app import make_app
from till.config import ScannerDevice, ScannerSettings
from till.messages import Scanned
from till.screens.customer_search import CustomerSearchScreen

from ..conftest import PRODUCTS
from ..ui.conftest import error_notifications, message
from .scanner_keyboard import EPOCH, scan

BAGUETTE = PRODUCTS[0][0]
CARD = "9912345678"


@pytest.fixture
def dupont(settings):
    customer = customers.create_customer(
        {"last_name": "Dupont", "first_name": "Jean", "mobile": "0612345678"},
        actor="setup",
        till_no=1,
        region="FR",
    )
    CustomerRow.update(card_number=CARD).where(CustomerRow.id == customer.id).execute()
    return customer


@pytest.fixture
def source():
    source = ReplaySource()
    yield source
    source.dispose()


@pytest.fixture
def scanners(settings):
    """The settings with a product scanner and a loyalty-card reader."""
    entries = (ScannerDevice("0c2e:0b61", "product"), ScannerDevice("Card Reader KBW", "loyalty"))
    return replace(settings, scanner=ScannerSettings(devices=entries))


async def until(pilot, predicate, timeout: float = 5.0) -> None:
    """Let the app run until what the scanner thread posted has been handled (bounded)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        await pilot.pause()


def notices(app, severity: str) -> list[str]:
    return [n.message for n in app._notifications if n.severity == severity]


async def test_a_product_scanner_adds_lines_and_a_card_reader_attaches_the_customer(
    scanners, dupont, source
):
    products = source.plug(ReplayDevice("Honeywell 1900", 0x0C2E, 0x0B61))
    cards = source.plug(ReplayDevice("Card Reader KBW", 0x1234, 0x0001))
    app = make_app(scanners)
    app.scanner_source = source
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: products.grabbed and cards.grabbed)
        screen = app.screen
        products.send(scan(BAGUETTE))
        await until(pilot, lambda: len(screen.cart.lines) == 1)
        assert screen.cart.lines[0].item.name == "Baguette"
        cards.send(scan(CARD, start=EPOCH + 1))
        await until(pilot, lambda: screen.cart.customer is not None)
        assert screen.cart.customer.code == dupont.code
        assert "attached" in message(app)
        source.unplug(products)
        await until(pilot, lambda: any("unplugged" in n for n in notices(app, "warning")))
        assert error_notifications(app) == []
    assert (cards.grabbed, cards.closed, products.closed) == (False, True, True)
    assert app.scanners is not None and app.scanners.connected == ()


async def test_each_role_reads_only_its_kind_of_code(settings, dupont):
    app = make_app(settings)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        screen.post_message(Scanned(CARD, "evdev", "product"))
        await pilot.pause()
        assert "No product has the code" in message(app)
        assert screen.cart.customer is None
        screen.post_message(Scanned(BAGUETTE, "evdev", "loyalty"))
        await pilot.pause()
        assert f"No customer has the card {BAGUETTE}" in message(app)
        assert screen.cart.lines == []
        screen.post_message(Scanned(CARD, "evdev", "loyalty"))
        await pilot.pause()
        assert screen.cart.customer.code == dupont.code


async def test_a_scan_while_another_screen_is_open_is_ignored_and_said(scanners, source):
    products = source.plug(ReplayDevice("Honeywell 1900", 0x0C2E, 0x0B61))
    app = make_app(scanners)
    app.scanner_source = source
    async with app.run_test(size=(80, 24)) as pilot:
        sale = app.screen
        await until(pilot, lambda: products.grabbed)
        await pilot.press("f2")
        assert isinstance(app.screen, CustomerSearchScreen)
        products.send(scan(BAGUETTE))
        await until(pilot, lambda: any("ignored here" in n for n in notices(app, "information")))
        assert sale.cart.lines == []


async def test_without_evdev_the_register_says_so_and_the_keyboard_wedge_works(scanners):
    app = make_app(scanners)  # the kernel source: there is no /dev/input on this machine
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.scanners is None
        assert any("/dev/input does not exist" in n for n in notices(app, "warning"))
        await pilot.press(*BAGUETTE, "enter")  # the scanner as a keyboard
        assert [line.item.name for line in app.screen.cart.lines] == ["Baguette"]
        assert error_notifications(app) == []
