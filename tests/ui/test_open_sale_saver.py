"""The open sale through a disk that refuses it: said once however many keys follow, shown on
the top line while it lasts, tried again without a key, and the news told when it is over.
The real disks (a full tmpfs, a read-only one) are in tests/e2e/test_disk_trouble.py."""

from __future__ import annotations

import pytest

from storage import open_sale
from till.errors import DiskFull
from till.screens import open_sale_saver

from ..conftest import PRODUCTS
from .conftest import scan

REFUSED_TITLE = "Sale not kept on disk"


def titles(app) -> list[str]:
    return [n.title for n in app._notifications]


def top_line(app) -> str:
    line = app.screen.query_one("#disk-status")
    return str(line.render()) if line.display else ""


@pytest.mark.expect_errors("The disk is full")
async def test_a_refusing_disk_is_said_once_and_tried_again(app, monkeypatch):
    monkeypatch.setattr(open_sale_saver, "RETRY_SECONDS", 0.2)
    flush = app.register.flush_open_sale
    disk = {"full": True, "tries": 0}

    def flush_unless_full() -> None:
        disk["tries"] += 1
        if disk["full"]:
            raise DiskFull("The disk is full: nothing was saved.")
        flush()

    monkeypatch.setattr(app.register, "flush_open_sale", flush_unless_full)
    async with app.run_test(size=(80, 24)) as pilot:
        for code, *_ in PRODUCTS[:3]:
            await scan(pilot, code)
            await app.workers.wait_for_complete()
        await pilot.pause()
        assert titles(app).count(REFUSED_TITLE) == 1
        assert top_line(app) == "Not saving: disk"
        assert len(app.screen.cart.lines) == 3  # the sale on screen is whole
        tries = disk["tries"]
        await pilot.pause(0.7)  # no key: the saver tries again by itself
        assert disk["tries"] > tries
        assert open_sale.load(app.register.till_no) is None  # nothing reached the disk

        disk["full"] = False
        await pilot.pause(0.5)
        await app.workers.wait_for_complete()
        await pilot.pause()
        kept = open_sale.load(app.register.till_no)
        assert kept is not None and len(kept.lines) == 3
        assert top_line(app) == ""
        assert "The disk takes writes again: the open sale is saved." in [
            n.message for n in app._notifications
        ]
        tries = disk["tries"]
        await pilot.pause(0.5)
        assert disk["tries"] == tries  # and stops trying
