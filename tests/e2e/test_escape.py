"""Escape followed at once by a key: two keys, not Alt+key. Terminals send Alt+key as ESC then
the key, so a cashier closing a screen with Escape and scanning within 100 ms got "That is not a
barcode" (or ™ for ESC 2), and "Discard? y" typed into the form instead of answering."""

from __future__ import annotations

import pytest

from .conftest import BAGUETTE, COFFEE, Shop
from .steps import SCAN_ERRORS, pay_exact_in_cash, scan, wait_for_all
from .terminal import ENTER, ESCAPE, F2

TERMS = ["xterm-256color", "linux"]


def saved_codes(shop: Shop) -> list[str]:
    [sale] = shop.sales()
    return [line["code"] for line in shop.lines(sale["id"])]


@pytest.mark.parametrize("term", TERMS)
def test_escape_then_a_scan_in_one_write(shop, start_register, term):
    till = start_register(term)
    scan(till, BAGUETTE)
    till.send(F2, ESCAPE, COFFEE[0], ENTER)  # the customer search opened and closed, then a scan

    wait_for_all(till, [COFFEE[1], "2 items"], unless=(*SCAN_ERRORS, "not a barcode", "™"))
    pay_exact_in_cash(till)
    assert saved_codes(shop) == [BAGUETTE[0], COFFEE[0]]
