"""A terminal that goes away (an SSH connection dropped, a window closed without SIGHUP
reaching the program): the register and the support view end within seconds, as a hung-up
program does, instead of reading nothing for ever with a core, the database and the
register's lock held; the open sale is there when the register starts again."""

from __future__ import annotations

import sys

from .conftest import BAGUETTE, Shop
from .steps import scan
from .terminal import Terminal

HUNG_UP = 129  # 128 + SIGHUP, as a shell reports a program SIGHUP ended


def test_the_register_ends_with_its_terminal_and_keeps_the_open_sale(shop: Shop, start_register):
    till: Terminal = start_register()
    scan(till, BAGUETTE)
    assert till.hang_up() == HUNG_UP
    again: Terminal = start_register(ready=BAGUETTE[1])  # its lock was let go
    again.wait_for("1,20")


def test_the_support_view_ends_with_its_terminal(shop: Shop):
    view = Terminal(
        [sys.executable, "-m", "till", "--config", str(shop.config), "support"],
        cwd=shop.directory,
    )
    try:
        view.wait_for("support view", timeout=30)
        assert view.hang_up() == HUNG_UP
    finally:
        view.close()
