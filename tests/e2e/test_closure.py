"""Closing the day at a manager's speed: F1, the cash counted and F10 typed in one burst take
the Z once, with what was typed, and the register is back on the sale screen."""

from __future__ import annotations

import pytest

from .conftest import BAGUETTE, Shop, add_users
from .steps import pay_exact_in_cash, scan
from .terminal import ENTER, F1, F10, Terminal


@pytest.fixture
def managed(shop: Shop) -> Shop:
    return add_users(shop, ("Max", "manager", "2222"))


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
