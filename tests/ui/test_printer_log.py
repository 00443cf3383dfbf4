"""A printer that fails reaches the log, not only the screen: under systemd the journal is
all a technician reads afterwards, and a receipt not printed left no line there (found by
running the register with its printer off and reading till.log: empty)."""

import logging
from dataclasses import replace

import pytest

from till.app import make_app
from till.config import PrinterSettings

from ..conftest import PRODUCTS
from ..devices.printer_server import PrinterServer, free_port
from .conftest import error_notifications, scan


@pytest.mark.expect_errors("Printer ")
async def test_a_receipt_not_printed_is_logged_once_and_its_return_too(settings, caplog):
    caplog.set_level(logging.INFO)
    port = free_port()
    app = make_app(
        replace(settings, printer=PrinterSettings(url=f"tcp://127.0.0.1:{port}", timeout=1))
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, PRODUCTS[0][0])
        await pilot.press("f10", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        app._retry_printing()  # still off: the same failure, not logged again
        await app.workers.wait_for_complete()
        await pilot.pause()
        failures = [r for r in caplog.records if "connection refused" in r.getMessage()]
        assert len(failures) == 1, caplog.text
        assert failures[0].levelno == logging.WARNING
        assert len(error_notifications(app)) == 1  # logged, not shown a second time
        server = PrinterServer(port)
        server.start()
        try:
            app._retry_printing()
            await app.workers.wait_for_complete()
            server.wait_for(1)
            await pilot.pause()
        finally:
            server.stop()
    assert any("printer is back" in r.getMessage() for r in caplog.records), caplog.text
