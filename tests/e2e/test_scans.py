"""Scans reaching the real register faster than it handles them: each code is its own line."""

from __future__ import annotations

import contextlib

import pytest

from .conftest import BAGUETTE, COFFEE, SOAP, WINE, Shop
from .steps import SCAN_ERRORS, pay_exact_in_cash, wait_for_all
from .terminal import ENTER

TERMS = ["xterm-256color", "linux"]


def saved_codes(shop: Shop) -> list[str]:
    [sale] = shop.sales()
    return [line["code"] for line in shop.lines(sale["id"])]


@pytest.mark.parametrize("term", TERMS)
def test_scans_queued_into_one_read_ring_up_one_line_each(shop, start_register, term):
    """What the tty delivers when a scanner's codes queue up while the app is busy."""
    till = start_register(term)
    products = [BAGUETTE, COFFEE, SOAP]
    till.send(*(part for code, *_ in products for part in (code, ENTER)))

    wait_for_all(till, [name for _, name, _, _ in products] + ["3 items"], unless=SCAN_ERRORS)
    pay_exact_in_cash(till)
    assert saved_codes(shop) == [code for code, *_ in products]


@pytest.mark.parametrize("busy", [False, True], ids=["idle", "busy-for-a-moment"])
def test_scans_at_scanner_speed_ring_up_one_line_each(shop, start_register, busy):
    """A scanner types 1-4 ms apart: one character per write, two codes back to back. Idle,
    the register keeps up or not depending on the machine; "busy": it is held still from the
    first Enter to the second code's third digit, as a garbage collection or a commit does."""
    till = start_register()
    gaps = (1, 4)
    till.type(BAGUETTE[0], gap_ms=gaps)
    with till.stalled() if busy else contextlib.nullcontext():
        till.type(ENTER, WINE[0][:3], gap_ms=gaps)
    till.type(WINE[0][3:], ENTER, gap_ms=gaps)

    wait_for_all(till, [BAGUETTE[1], WINE[1]], unless=SCAN_ERRORS)
    pay_exact_in_cash(till)
    assert saved_codes(shop) == [BAGUETTE[0], WINE[0]]


def test_scans_a_second_apart(shop, start_register):
    """The pace the register was built for; if this fails, the harness is at fault."""
    till = start_register()
    for code, name, _, _ in (BAGUETTE, COFFEE):
        till.type(code, ENTER, gap_ms=2)
        assert till.wait_for(name, *SCAN_ERRORS) == name, till.text()
    pay_exact_in_cash(till)
    assert saved_codes(shop) == [BAGUETTE[0], COFFEE[0]]
