"""No failure vanishes: a failed background task, a logged warning or error and an unhandled
exception each reach the log (with the traceback) and the cashier's screen."""

from __future__ import annotations

import contextlib
import logging
import threading

import pytest
from textual.worker import WorkerFailed

from storage import open_sale

from ..conftest import PRODUCTS
from .conftest import error_notifications, scan


def notifications(app, severity: str) -> list[str]:
    return [n.message for n in app._notifications if n.severity == severity]


@pytest.mark.expect_errors("Something failed in the background")
async def test_a_failed_worker_is_logged_with_its_traceback_and_shown(app, caplog):
    def planted_bug() -> None:
        raise RuntimeError("a bug in a worker [/]")

    async with app.run_test(size=(80, 24)) as pilot:
        app.run_worker(planted_bug, name="the test task", thread=True, exit_on_error=False)
        with pytest.raises(WorkerFailed):
            await app.workers.wait_for_complete()
        await pilot.pause()
        assert error_notifications(app) == [
            "Something failed in the background (the test task): a bug in a worker [/]"
        ]
    [record] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert record.exc_info and record.exc_info[0] is RuntimeError
    assert "planted_bug" in caplog.text  # the traceback, down to the function that failed


async def test_a_warning_logged_in_any_thread_is_shown_as_text(app):
    async with app.run_test(size=(80, 24)) as pilot:
        thread = threading.Thread(
            target=lambda: logging.getLogger("devices.test").warning("Scanner [b]%s[/b]", "X")
        )
        thread.start()
        thread.join()
        await pilot.pause()
        assert notifications(app, "warning") == ["Scanner [b]X[/b]"]
        logging.getLogger("till.test").info("not for the cashier")
        await pilot.pause()
        assert len(app._notifications) == 1


@pytest.mark.expect_errors("keeping the open sale")
async def test_a_bug_keeping_the_open_sale_is_said(app, monkeypatch, caplog):
    """A refusing disk has its own words (tests/ui/test_open_sale_saver.py); a bug is a
    background failure, logged with its traceback."""

    def disk_failed(*args) -> bool:
        raise RuntimeError("The database cannot be written (disk full).")

    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        monkeypatch.setattr(open_sale, "save", disk_failed)
        await scan(pilot, PRODUCTS[0][0])
        with contextlib.suppress(WorkerFailed):  # unless it already failed and is gone
            await app.workers.wait_for_complete()
        await pilot.pause()
        assert error_notifications(app) == [
            "Something failed in the background (keeping the open sale): The database "
            "cannot be written (disk full)."
        ]
        assert app.screen.cart.item_count == 1  # the sale goes on
    assert "disk_failed" in caplog.text


async def test_an_unhandled_exception_is_logged_before_the_register_stops(app, caplog):
    with pytest.raises(ZeroDivisionError):  # Pilot raises it again once the app stopped
        async with app.run_test(size=(80, 24)) as pilot:
            app.screen.action_last_receipt = lambda: 1 / 0
            await pilot.press("f7")
            await pilot.pause()
    assert app.return_code == 1
    assert isinstance(app.fatal_error, ZeroDivisionError)
    [record] = [r for r in caplog.records if r.levelno == logging.CRITICAL]
    assert record.getMessage().startswith("The register stopped on an unexpected error")
    assert record.exc_info and record.exc_info[0] is ZeroDivisionError


@pytest.mark.expect_errors("The register stopped on an unexpected error")
async def test_ui_tests_draw_their_toasts_so_a_toast_that_cannot_be_drawn_fails(app):
    """Pilot hides toasts unless asked; the UI tests' fixture shows them, so a toast built from
    a name holding markup fails the test that raised it instead of passing unseen."""
    from textual.markup import MarkupError

    with pytest.raises(MarkupError):
        async with app.run_test(size=(80, 24)) as pilot:
            app.notify("TEST[/] added.")  # markup on: what the quick add toast once did
            await pilot.pause()
            await pilot.pause()


async def test_printing_cut_short_by_closing_is_no_failure(app, caplog):
    """The register closes while a receipt is being printed: the writer is gone, the queue
    keeps the job for the next start, and nobody is told printing failed."""
    caplog.set_level(logging.INFO)
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, PRODUCTS[0][0])
        app.register.close()  # what closing does, while the app still runs a print worker
        app.spool()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert error_notifications(app) == []
    assert "printing stopped with the register" in caplog.text
    assert "the print queue failed" not in caplog.text
