"""The manager PIN typed in one burst (a manager types four digits and Enter fast), and typed
ahead of the prompt: the drawer opens once, from the receipt screen (F7, then F5)."""

from __future__ import annotations

from ..escpos_decoder import decode
from .conftest import BAGUETTE, MANAGER_PIN, Shop
from .steps import pay_exact_in_cash, scan
from .terminal import ENTER, F5, F7, Terminal


def drawer_kicks(shop: Shop) -> int:
    """Drawer pulses the file printer received; none while a job is half written."""
    try:
        return len(decode(shop.printer.read_bytes()).drawer_kicks)
    except (FileNotFoundError, ValueError, IndexError, KeyError):
        return 0


def open_last_receipt(till: Terminal, shop: Shop) -> None:
    """A cash sale (its receipt kicks the drawer once), then its receipt on screen."""
    scan(till, BAGUETTE)
    pay_exact_in_cash(till)
    till.wait_until(lambda: drawer_kicks(shop) == 1, "the cash sale's receipt printed")
    till.send(F7)
    till.wait_for("Open drawer")


def test_pin_typed_in_one_burst_into_the_prompt(shop, start_register):
    till = start_register()
    open_last_receipt(till, shop)
    till.send(F5)
    till.wait_for("Manager approval")
    till.send(MANAGER_PIN, ENTER)

    till.wait_until(lambda: drawer_kicks(shop) == 2, "the drawer opened", timeout=10)
    till.wait_until(lambda: "Manager approval" not in till.text(), "the prompt closed")
    till.wait_for("Receipt 01-000001")


def test_drawer_key_and_pin_typed_ahead_in_one_write(shop, start_register):
    till = start_register()
    open_last_receipt(till, shop)
    till.send(F5, MANAGER_PIN, ENTER)

    till.wait_until(lambda: drawer_kicks(shop) == 2, "the drawer opened", timeout=10)
    till.wait_until(lambda: "Manager approval" not in till.text(), "the prompt closed")
    till.wait_for("Receipt 01-000001")
