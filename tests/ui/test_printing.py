"""The register with a network printer that is off, then on: the sale never waits for it."""

from dataclasses import replace

import pytest

from storage import print_jobs, sales
from till.app import make_app
from till.config import PrinterSettings, SecuritySettings
from till.core.pin import hash_pin
from till.screens.receipt import ReceiptScreen

from ..conftest import PRODUCTS
from ..devices.printer_server import PrinterServer, free_port
from ..escpos_decoder import decode
from .conftest import error_notifications, message, scan


@pytest.mark.expect_errors("Printer ")
async def test_printer_off_then_on(settings):
    port = free_port()
    app = make_app(
        replace(
            settings,
            printer=PrinterSettings(url=f"tcp://127.0.0.1:{port}", timeout=1),
            security=SecuritySettings(manager_pin=hash_pin("4821")),
        )
    )
    server = PrinterServer(port)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await scan(pilot, PRODUCTS[0][0])
            await pilot.press("f10", "enter")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert "01-000001 saved" in message(app)
            assert "connection refused" in error_notifications(app)[0]
            assert print_jobs.waiting() == 1

            server.start()
            app._retry_printing()
            await app.workers.wait_for_complete()
            [job] = server.wait_for(1)
            assert decode(job).barcodes == [("CODE128", "01-000001")]
            assert decode(job).drawer_kicks == [0]

            await pilot.press("f7")
            assert isinstance(app.screen, ReceiptScreen)
            await pilot.press("f6")  # reprint: no drawer this time
            await app.workers.wait_for_complete()
            jobs = server.wait_for(2)
            assert decode(jobs[1]).barcodes == [("CODE128", "01-000001")]
            assert decode(jobs[1]).drawer_kicks == []
            assert "*** DUPLICATE ***" in decode(jobs[1]).text
            assert "DUPLICATE" not in decode(jobs[0]).text
            await pilot.press("f5", *"1234", "enter", "escape")  # a wrong PIN: nothing
            await app.workers.wait_for_complete()
            assert len(server.jobs) == 2
            await pilot.press("f5", *"4821", "enter")  # the manager opens the drawer
            await app.workers.wait_for_complete()
            assert decode(server.wait_for(3)[2]).drawer_kicks == [0]
    finally:
        server.stop()
    assert print_jobs.waiting() == 0
    assert sales.sale_count() == 1
