"""The closure service: who may close, and the Z as the printer receives it (decoded back from
the ESC/POS bytes)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from storage import catalog, closures, sales
from till.closure_service import ClosureService
from till.config import Settings
from till.core.people import Actor, NotPermitted, Role
from till.core.sale import Cart, PaymentMethod
from till.register import Register

from .conftest import PRODUCTS
from .escpos_decoder import decode

CASHIER = Actor("u-ann", "Ann", Role.CASHIER, till_no=1)
MANAGER = Actor("u-bob", "Bob", Role.MANAGER, till_no=1)
VIEWER = Actor("u-vic", "Vic", Role.VIEWER, till_no=1)


@pytest.fixture
def service(settings: Settings):
    register = Register(settings)
    yield ClosureService(settings, register.printer)
    register.close()


def _sell(*codes: str, method=PaymentMethod.CASH, extra: int = 0) -> None:
    cart = Cart()
    for code in codes:
        cart.add(catalog.lookup(code))
    cart.pay(method, cart.total + extra)
    sales.record_sale(cart, till_no=1, seller="Ann", currency="EUR", print_receipt=False)


def test_a_cashier_alone_may_not_close_the_day(service):
    _sell(PRODUCTS[0][0])
    with pytest.raises(NotPermitted, match="Ann \\(cashier\\) may not close the day"):
        service.close_day(CASHIER)
    with pytest.raises(NotPermitted):
        service.close_day(CASHIER, VIEWER)  # an approver who may not either
    with pytest.raises(NotPermitted):
        service.x_report(CASHIER)
    assert closures.closures(1) == []

    z = service.close_day(CASHIER, MANAGER)
    assert (z.number, z.actor, z.approved_by) == (1, CASHIER.label, MANAGER.label)
    assert service.closures(VIEWER) == [z]  # looking them up is anyone's


def test_the_printed_z_shows_the_totals(service, printer_file):
    _sell(PRODUCTS[3][0], PRODUCTS[0][0], extra=1000)  # 7.90 + 1.20 in cash, 10.00 change
    _sell(PRODUCTS[2][0], method=PaymentMethod.CARD)  # 2.50 by card
    z = service.close_day(MANAGER, opening=5000, counted=5900)

    service.print_report(z)

    printout = decode(printer_file.read_bytes())
    text = printout.text
    for expected in (
        "Test Shop",
        "Z REPORT No 1",
        "Receipts (2)",
        "01-000001 to 01-000002",
        "Sales (2)",
        "11,60 €",  # the net total
        "Cash",
        "9,10 €",
        "Card",
        "2,50 €",
        "Expected",
        "59,10 €",
        "Counted",
        "59,00 €",
        "Difference",
        "-0,10 €",
        "Grand total",
        "Journal ends at",
        "Seal",
        z.hash[:38],
        "Signature (Ed25519)",
    ):
        assert expected in text, expected
    assert any("NET TOTAL" in line and "11,60 €" in line for line in printout.lines)
    assert any("Difference" in line for line in printout.bold_lines)
    assert all(len(line) <= 42 for line in printout.lines)
    assert printout.cuts == 1 and printout.drawer_kicks == []


def test_the_x_report_says_it_closes_nothing(service):
    _sell(PRODUCTS[0][0])
    x = service.x_report(MANAGER, now=datetime.now(UTC) + timedelta(seconds=1))
    text = "\n".join(block.text for block in service.document(x).blocks if hasattr(block, "text"))
    assert "X REPORT" in text and "Not a closure" in text and "Seal" not in text
    assert x.totals.sales_total == 120
    assert closures.closures(1) == []
