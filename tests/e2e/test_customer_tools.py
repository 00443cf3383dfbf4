"""The manager's customer tools in the real register at typing speed: the PIN typed ahead of its
dialog, the duplicates list, the merge read and confirmed, on xterm and the Linux console."""

from __future__ import annotations

import pytest

from storage.db import close_database, open_database
from till.config import Settings
from till.customer_service import CustomerService

from .conftest import MANAGER_PIN, Shop
from .terminal import ENTER, F2, F8, F10

TERMS = ["xterm-256color", "linux"]


def enter_twice(shop: Shop) -> None:
    """Jean Dupont entered a second time, by quick add on another day: same mobile."""
    open_database(shop.database)
    try:
        people = CustomerService(Settings().with_database(shop.database), actor="e2e")
        people.create({"last_name": "DUPONT", "first_name": "Jean", "mobile": "0611111111"})
    finally:
        close_database()


@pytest.mark.parametrize("term", TERMS)
def test_a_duplicate_found_and_merged_with_keys_typed_ahead(shop, start_register, term):
    enter_twice(shop)
    till = start_register(term)
    till.send(F2)
    till.wait_for("3 shown")
    till.send(F8, MANAGER_PIN, ENTER)  # the PIN typed before its dialog is drawn
    till.wait_for("1 possible duplicate")
    screen = till.text()
    assert "C01-000001" in screen and "C01-000003" in screen and "same phone" in screen

    till.type(ENTER, gap_ms=(50, 250))
    till.wait_for("Merge two customers")
    assert "Keep:   C01-000001" in till.text()
    till.type(F10, gap_ms=(50, 250))
    till.wait_for("C01-000003 merged into C01-000001")
    till.wait_for("No possible duplicates")

    [survivor, _, merged] = shop.customers()
    assert merged["merged_into"] == survivor["id"]
    assert not merged["active"]
    assert len(till.display()) == 24 and all(len(line) <= 80 for line in till.display())
