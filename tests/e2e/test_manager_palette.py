"""The manager's palette at a manager's speed: Ctrl+\\, the command's name and Enter typed in
one burst run that command, once."""

from __future__ import annotations

import pytest

from .conftest import Shop, add_users
from .terminal import ENTER, Terminal

CTRL_BACKSLASH = "\x1c"


@pytest.fixture
def managed(shop: Shop) -> Shop:
    return add_users(shop, ("Max", "manager", "2222"))


@pytest.mark.parametrize("term", ["xterm-256color", "linux"])
def test_a_command_typed_in_one_burst(managed, start_register, term):
    till: Terminal = start_register(term=term, ready="Type your PIN")
    till.send("2222", ENTER)
    till.wait_for("Max")
    till.send(CTRL_BACKSLASH, "test page", ENTER)
    till.wait_until(
        lambda: managed.printer.exists() and b"TILL-TEST-01" in managed.printer.read_bytes(),
        "the test page printed",
    )
    till.wait_for("New sale")  # back on the sale screen, the palette gone
    assert managed.printer.read_bytes().count(b"If every line above reads right") == 1
