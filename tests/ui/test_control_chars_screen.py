"""A product name holding terminal escape sequences, scanned in the register, is shown as
text: the bytes the terminal would receive hold no sequence from the name."""

from __future__ import annotations

import re

from storage import catalog
from storage.catalog import ProductRow

from ..conftest import ean13
from .conftest import error_notifications, scan

HOSTILE = "Drawer\x1bp0ddKick\x1b[2J\x1b]0;pwned\x07\x9b31m"
CODE = ean13(990)
_DRAWING = re.compile(r"\x1b\[[0-9;]*[mH]")
"""What Textual itself sends: colours and cursor moves. Anything else came from the data."""


def _terminal_bytes(app) -> str:
    """The whole screen as Textual would write it to the terminal."""
    return app.screen._compositor.render_update(full=True).render_segments(app.console)


async def test_a_scanned_hostile_name_sends_no_escape_sequence(app):
    catalog.import_products([(1, ProductRow(CODE, HOSTILE, 250, 2000))])  # stored as it was
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, CODE)
        await pilot.press("up")  # the cursor line draws with another style
        await pilot.pause()
        assert [line.item.name for line in app.screen.cart.lines] == [HOSTILE]
        written = _terminal_bytes(app)
        assert "Drawer" in written and "pwned" in written
        leftover = _DRAWING.sub("", written)
        assert "\x1b" not in leftover and "\x07" not in leftover and "\x9b" not in leftover
        assert error_notifications(app) == []
