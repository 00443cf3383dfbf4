"""Paying with the keys typed ahead: F10, the amount handed over and Enter, as a cashier who
knows the keys types them, before the payment screen is even drawn."""

from __future__ import annotations

import pytest

from .conftest import BAGUETTE, COFFEE, Shop
from .steps import pay_exact_in_cash, scan, scan_field
from .terminal import ENTER, F10, Terminal

TERMS = ["xterm-256color", "linux"]


def assert_paid_20_in_cash(till: Terminal, shop: Shop) -> None:
    screen = till.text()
    assert "Sale 01-000001 saved. Total 1,20 €.  Change 18,80 €" in screen, screen
    till.wait_until(lambda: scan_field(till) is not None, "the scan field drawn")
    assert scan_field(till) == "", f"the scan field is not empty:\n{till.text()}"
    [sale] = shop.sales()
    assert (sale["total"], sale["change_given"]) == (120, 1880)
    [payment] = shop.payments(sale["id"])
    assert (payment["method"], payment["amount"], payment["tendered"]) == ("cash", 120, 2000)


@pytest.mark.parametrize("term", TERMS)
def test_pay_amount_and_enter_typed_ahead_in_one_write(shop, start_register, term):
    till = start_register(term)
    scan(till, BAGUETTE)
    till.send(F10, "20", ENTER)

    till.wait_for(" saved.")
    assert_paid_20_in_cash(till, shop)
    scan(till, COFFEE)  # the next scan is a scan, not "20" followed by its code
    pay_exact_in_cash(till)
    assert len(shop.sales()) == 2


def test_pay_amount_typed_once_the_payment_screen_shows(shop, start_register):
    """The same at the pace Pilot tests: if this fails, the harness is at fault."""
    till = start_register()
    scan(till, BAGUETTE)
    till.send(F10)
    till.wait_for("To pay")
    till.type("20", ENTER, gap_ms=(50, 150))

    till.wait_for(" saved.")
    assert_paid_20_in_cash(till, shop)
