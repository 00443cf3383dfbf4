"""The totals at the foot of the sale keep their two lines once payment has started.

``TOTAL`` and, under it, ``Paid … Due …``: the line break was taken for a control character
and turned into a space, so at 80 columns the pair ran together and wrapped mid-amount
(``Due 2,16`` / ``€``), found in tmux.
"""

from __future__ import annotations

from ..conftest import PRODUCTS
from .conftest import scan


def screen_lines(app) -> list[str]:
    return [
        strip.text.replace("\xa0", " ").rstrip() for strip in app.screen._compositor.render_strips()
    ]


async def test_total_then_paid_and_due_each_on_a_line_of_their_own(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, PRODUCTS[3][0])  # 7,90 €
        await pilot.press("f10", "ctrl+a", "ctrl+k", *"5", "f3", "escape")  # 5,00 € by card
        await pilot.pause()
        total = app.screen.query_one("#total")
        assert total.text.splitlines() == [
            line.strip() for line in str(total.render()).splitlines()
        ]
        lines = screen_lines(app)
        totals = [line for line in lines if "TOTAL" in line]
        due = [line for line in lines if "Due" in line]
        assert len(totals) == 1 and "Paid" not in totals[0], lines
        assert len(due) == 1 and due[0].endswith("Due 2,90 €"), lines
