"""Logging in at a person's speed: the PIN, Enter and the first scan typed in one burst land
where they were meant to (the scan on the sale, not in the PIN field), and a switch of cashier
typed ahead makes the next sale theirs."""

from __future__ import annotations

import pytest

from .conftest import BAGUETTE, Shop, add_users
from .steps import pay_exact_in_cash
from .terminal import ENTER, F11, Terminal

LOGIN = "Type your PIN, then Enter."


@pytest.fixture
def staffed(shop: Shop) -> Shop:
    return add_users(shop, ("Carla", "cashier", "1111"), ("Max", "manager", "2222"))


def _sellers(shop: Shop) -> list[str]:
    return [row["seller"] for row in shop.rows("SELECT seller FROM sale ORDER BY receipt_no")]


@pytest.mark.parametrize("term", ["xterm-256color", "linux"])
def test_pin_enter_and_a_scan_in_one_burst(staffed, start_register, term):
    till: Terminal = start_register(term=term, ready=LOGIN)
    code, name, _, _ = BAGUETTE
    till.send("1111", ENTER, code, ENTER)
    till.wait_for(name)
    till.wait_for("Carla")
    assert " 1 item " in till.text()  # one line: no digit of the scan went to the PIN
    pay_exact_in_cash(till)
    till.wait_until(lambda: _sellers(staffed) == ["Carla"], "the sale saved as Carla's")


def test_switching_cashier_typed_ahead_at_typing_speed(staffed, start_register):
    till: Terminal = start_register(ready=LOGIN)
    code, name, _, _ = BAGUETTE
    till.type("1111", ENTER, gap_ms=(60, 140))
    till.wait_for("Carla")
    till.send(code, ENTER)
    till.wait_for(name)
    till.send(F11, "2222", ENTER)  # switch, the manager's PIN, typed ahead of the prompt
    till.wait_for("Max")
    pay_exact_in_cash(till)
    till.wait_until(lambda: _sellers(staffed) == ["Max"], "the sale saved as Max's")


def test_a_price_and_the_manager_s_pin_typed_in_one_burst(staffed, start_register):
    till: Terminal = start_register(ready=LOGIN)
    code, name, _, _ = BAGUETTE
    till.type("1111", ENTER, gap_ms=(60, 140))
    till.wait_for("Carla")
    till.send(code, ENTER)
    till.wait_for(name)
    till.send("=0,50", ENTER, "2222", ENTER)  # the price, then the manager's PIN typed ahead
    till.wait_for("0,50 € each")
    pay_exact_in_cash(till)
    till.wait_until(
        lambda: [r["total"] for r in staffed.rows("SELECT total FROM sale")] == [50],
        "the sale saved at the price set",
    )
