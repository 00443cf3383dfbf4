"""Finding and adding customers at typing speed: every key lands in the field it was typed for."""

from __future__ import annotations

import contextlib

import pytest

from .conftest import BAGUETTE
from .steps import pay_exact_in_cash, row_of, scan
from .terminal import ENTER, F2, F3, F10, TAB

TERMS = ["xterm-256color", "linux"]


@pytest.mark.parametrize("busy", [False, True], ids=["idle", "busy-for-a-moment"])
def test_quick_add_with_tabs_at_typing_speed(shop, start_register, busy):
    """Quick add's fields, in order: last name, first name, mobile, e-mail. Typed 50-250 ms
    apart; "busy": the register is held still while ``tin Tab Zo`` are typed, as a loaded
    till is, and reads them in one go."""
    till = start_register()
    till.send(F3)
    till.wait_for("New customer:")
    gaps = (50, 250)
    till.type("Mar", gap_ms=gaps)
    with till.stalled() if busy else contextlib.nullcontext():
        till.type("tin", TAB, "Zo", gap_ms=gaps)
    till.type("é", TAB, "0612345678", gap_ms=gaps)

    till.wait_for("0612345678")
    rows = [row_of(till, text) for text in ("Martin", "Zoé", "0612345678")]
    assert rows[0] < rows[1] < rows[2], f"not one field each:\n{till.text()}"
    till.send(F10)
    assert till.wait_for("attached.", "give a phone") == "attached.", till.text()
    [added] = [c for c in shop.customers() if c["mobile"] == "+33612345678"]
    assert (added["last_name"], added["first_name"]) == ("Martin", "Zoé")


@pytest.mark.parametrize("term", TERMS)
def test_customer_key_name_and_enter_in_one_write(shop, start_register, term):
    """F2, a name and Enter typed ahead: the search gets the name, Enter attaches the one
    customer it finds ("Du" alone would list DUPONT first)."""
    till = start_register(term)
    till.send(F2, "Durand", ENTER)

    outcome = till.wait_for("DURAND Claire attached.", " attached.", timeout=10)
    assert outcome == "DURAND Claire attached.", till.text()
    till.wait_until(
        lambda: "C01-000002 DURAND Claire" in till.display()[0], "the customer in the status line"
    )
    scan(till, BAGUETTE)
    pay_exact_in_cash(till)
    [sale] = shop.sales()
    [claire] = [c for c in shop.customers() if c["code"] == "C01-000002"]
    assert (claire["last_name"], sale["customer_id"]) == ("Durand", claire["id"])


def test_name_and_enter_in_one_write_into_the_open_search(shop, start_register):
    """The search is on screen; the name and Enter come in one read (a fast typist over SSH):
    Enter attaches what the whole name finds, not the first of an earlier, shorter query."""
    till = start_register()
    till.send(F2)
    till.wait_for("2 shown")
    till.send("Durand", ENTER)

    outcome = till.wait_for("DURAND Claire attached.", " attached.", timeout=10)
    assert outcome == "DURAND Claire attached.", till.text()
    scan(till, BAGUETTE)
    pay_exact_in_cash(till)
    [sale] = shop.sales()
    [claire] = [c for c in shop.customers() if c["code"] == "C01-000002"]
    assert sale["customer_id"] == claire["id"]
