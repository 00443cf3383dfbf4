"""A write that fails on the database reaches the log (the journal under systemd), not only
the screen: a customer or a sale the database stayed too busy for (or a full disk) left no
line in till.log, so a technician reading it afterwards saw nothing."""

from __future__ import annotations

import logging

import pytest

from storage.models import Customer as CustomerRow
from till.errors import DiskFull
from till.screens.quick_add import QuickAddScreen

from ..conftest import PRODUCTS
from .conftest import message, scan
from .test_busy_database import LockHolder, text, until


async def test_a_write_the_database_refused_is_logged(app, db_path, caplog):
    caplog.set_level(logging.INFO)
    app.register.busy_give_up_after = 0.5
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3", *"Lefèvre", "enter", "enter", *"0698765432")
        async with LockHolder(db_path, 0) as holder:
            await pilot.press("f10")
            quick_add = app.screen
            assert isinstance(quick_add, QuickAddScreen)
            await until(pilot, lambda: "stayed busy" in text(quick_add, "#quick-match"), "gives up")
            await holder.release()
    assert CustomerRow.select().count() == 0
    failures = [r for r in caplog.records if "stayed busy" in r.getMessage()]
    assert len(failures) == 1, caplog.text
    assert failures[0].levelno == logging.WARNING


@pytest.mark.expect_errors("disk is full")
async def test_a_sale_the_disk_refused_is_logged(app, caplog, monkeypatch):
    caplog.set_level(logging.INFO)

    def full_disk(*args, **kwargs):
        raise DiskFull("The disk is full: nothing more can be written.")

    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, PRODUCTS[0][0])
        monkeypatch.setattr(app.register, "record", full_disk)
        await pilot.press("f10", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
    failures = [r for r in caplog.records if "disk is full" in r.getMessage()]
    assert len(failures) == 1 and failures[0].levelno == logging.WARNING, caplog.text


async def test_a_bug_while_saving_a_sale_is_logged_with_its_traceback(app, caplog, monkeypatch):
    caplog.set_level(logging.INFO)

    def bug(*args, **kwargs):
        raise RuntimeError("a bug in record")

    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, PRODUCTS[0][0])
        monkeypatch.setattr(app.register, "record", bug)
        await pilot.press("f10", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "NOT saved" in message(app)  # the cashier is told, as before
    [failure] = [
        r for r in caplog.records if r.exc_info and "a bug in record" in str(r.exc_info[1])
    ]
    assert failure.levelno == logging.ERROR
