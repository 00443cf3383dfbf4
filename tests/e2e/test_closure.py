"""Closing the day at a manager's speed: F1, the cash counted and F10 typed in one burst take
the Z once, with what was typed, and the register is back on the sale screen."""

from __future__ import annotations

import pytest

from storage.db import close_database, open_database
from till.config import Settings
from till.core.people import Role, Session
from till.people_service import PeopleService

from .conftest import BAGUETTE, Shop
from .steps import pay_exact_in_cash, scan
from .terminal import ENTER, F1, F10, Terminal


@pytest.fixture
def managed(shop: Shop) -> Shop:
    settings = Settings().with_database(shop.database)
    open_database(shop.database)
    try:
        people = PeopleService(settings, Session(PeopleService.shop_seller_of(settings)))
        people.add_user("Max", Role.MANAGER, "2222")
    finally:
        close_database()
    return shop


def test_the_z_typed_in_one_burst(managed, start_register):
    till: Terminal = start_register(ready="Type your PIN")
    till.send("2222", ENTER)
    till.wait_for("Max")
    scan(till, BAGUETTE)
    pay_exact_in_cash(till)
    till.send(F1, "1,20", F10)
    till.wait_until(lambda: managed.rows("SELECT * FROM closure"), "the Z saved", timeout=20)
    (z,) = managed.rows("SELECT number, cash_counted, cash_difference, actor FROM closure")
    assert (z["number"], z["cash_counted"], z["cash_difference"]) == (1, 120, 0)
    assert "Max" in z["actor"]
