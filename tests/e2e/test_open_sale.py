"""A register killed with a sale open and partly paid gives that sale back when it restarts:
the real ``till`` in a pseudo-terminal, SIGKILLed, started again on the same database."""

from __future__ import annotations

import json
import signal
import sys

from .conftest import BAGUETTE, COFFEE, WINE, Shop
from .steps import scan
from .terminal import ENTER, F3, F10, Terminal


def kept_payments(shop: Shop) -> list[dict]:
    """The payments of the open sale as the register last wrote it to disk."""
    rows = shop.rows("SELECT cart FROM open_sale WHERE till_no = 1 AND cart IS NOT NULL")
    return json.loads(rows[0]["cart"]).get("payments", []) if rows else []


def test_a_killed_register_gives_back_its_partly_paid_sale(shop, start_register):
    till = start_register()
    for product in (BAGUETTE, COFFEE, WINE):
        scan(till, product)
    till.send(F10)
    till.wait_for("To pay")
    till.send("5", F3)  # 5,00 € on the card terminal; 7,95 € still due
    till.wait_for("Still due")
    till.wait_until(lambda: kept_payments(shop) != [], "the card payment on disk")

    assert till.close() == -signal.SIGKILL  # no chance to write anything more

    again = Terminal(
        [sys.executable, "-m", "till", "--config", str(shop.config)], cwd=shop.directory
    )
    try:
        again.wait_for("is back", timeout=30)
        assert (
            "The sale open when the register stopped is back: 3 items, 1 payment taken."
            in again.text()
        ), again.text()
        assert "Paid 5,00 €" in again.text(), again.text()
        again.send(F10)
        again.wait_for("To pay")
        again.send(ENTER)  # the rest in cash
        again.wait_for(" saved.")
    finally:
        again.close()
    [sale] = shop.sales()
    assert [(p["method"], p["amount"]) for p in shop.payments(sale["id"])] == [
        ("card", 500),
        ("cash", sale["total"] - 500),
    ]
    assert shop.rows("SELECT cart FROM open_sale")[0]["cart"] is None
