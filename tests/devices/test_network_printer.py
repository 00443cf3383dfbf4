"""Receipts over the network to a TCP printer on 127.0.0.1, and a printer that is off."""

import pytest

from devices.printer import transport
from devices.printer.escpos import render_escpos
from devices.printer.receipt import build_receipt
from devices.printer.service import ReceiptPrinter
from devices.printer.transport import PAPER_STATUS_QUERY, open_transport
from storage import catalog, print_jobs, sales
from till.core.sale import Cart, PaymentMethod
from till.errors import PrinterError
from till.printing import PrintQueue

from ..conftest import PRODUCTS
from ..escpos_decoder import decode
from .printer_server import PrinterServer, free_port
from .test_receipt import LAYOUT, SALE


@pytest.fixture(autouse=True)
def patient_status_wait(monkeypatch):
    """A busy test machine may take longer than 0.4 s to answer a status query: here the first
    answer is awaited as long as the transport's timeout, so no test depends on speed."""
    monkeypatch.setattr(transport, "STATUS_WAIT", 60.0)


@pytest.fixture
def printer_server():
    server = PrinterServer().start()
    yield server
    server.stop()


def test_a_receipt_reaches_a_network_printer_intact(printer_server):
    printer = ReceiptPrinter(open_transport(printer_server.url, 2), LAYOUT, "TM-T88V")
    printer.print_sale(SALE)
    [job] = printer_server.wait_for(1)
    receipt = render_escpos(build_receipt(SALE, LAYOUT), "TM-T88V", kick_drawer=True)
    assert job == PAPER_STATUS_QUERY + receipt  # asks for the paper status, then prints
    printout = decode(job)
    assert "Crème brûlée à l'œuf" in printout.text
    assert "9,50 €" in printout.text and "10,50 €" in printout.text
    assert printout.barcodes == [("CODE128", "01-000007")]
    assert printout.cuts == 1
    assert printout.drawer_kicks == [0]


def test_the_drawer_opens_alone(printer_server):
    printer = ReceiptPrinter(open_transport(printer_server.url, 2), LAYOUT, "TM-T88V")
    printer.open_drawer()
    [job] = printer_server.wait_for(1)
    assert decode(job).drawer_kicks == [0] and decode(job).text == ""


def test_a_printer_that_is_off_is_a_plain_error():
    transport = open_transport(f"tcp://127.0.0.1:{free_port()}", 1)
    with pytest.raises(PrinterError, match="connection refused"):
        transport.send(b"x")
    with pytest.raises(PrinterError, match="connection refused"):
        transport.check()


def _sell(code: str, method: PaymentMethod) -> str:
    cart = Cart()
    cart.add(catalog.lookup(code))
    cart.pay(method, cart.total)
    return sales.record_sale(cart, till_no=1, seller="Ann", currency="EUR").receipt_code


def test_queued_receipts_print_in_order_when_the_printer_comes_back(stocked_db):
    port = free_port()
    printer = ReceiptPrinter(open_transport(f"tcp://127.0.0.1:{port}", 1), LAYOUT, "TM-T88V")
    queue = PrintQueue(printer, lambda operation, *args: operation(*args))
    first = _sell(PRODUCTS[0][0], PaymentMethod.CASH)
    second = _sell(PRODUCTS[1][0], PaymentMethod.CARD)

    state = queue.run()
    assert state.waiting == 2 and "connection refused" in state.error
    assert [job.attempts for job in print_jobs.queued()] == [1, 0]  # stopped at the first

    server = PrinterServer(port).start()
    try:
        state = queue.run()
        jobs = server.wait_for(2)
    finally:
        server.stop()
    assert state.ok
    assert [decode(job).barcodes for job in jobs] == [
        [("CODE128", first)],
        [("CODE128", second)],
    ]
    assert [decode(job).drawer_kicks for job in jobs] == [[0], []]  # cash, then card
    assert print_jobs.waiting() == 0


def test_out_of_paper_keeps_the_receipt_queued(stocked_db):
    server = PrinterServer(status_reply=bytes([0x72])).start()  # paper end sensor on
    try:
        printer = ReceiptPrinter(open_transport(server.url, 1), LAYOUT, "TM-T88V")
        queue = PrintQueue(printer, lambda operation, *args: operation(*args))
        code = _sell(PRODUCTS[0][0], PaymentMethod.CASH)
        state = queue.run()
        assert "out of paper" in state.error and state.waiting == 1
        server.status_reply = bytes([0x12])  # paper loaded
        assert queue.run().ok
        jobs = server.wait_for(2)
    finally:
        server.stop()
    printed = decode(jobs[-1])
    assert printed.barcodes == [("CODE128", code)]
    assert printed.status_queries == 2  # the paper before the job, the confirmation after
    assert jobs[-1].endswith(PAPER_STATUS_QUERY)
    assert print_jobs.delivery(sales.get_sale(code).id) == print_jobs.CONFIRMED


def test_a_job_that_cannot_be_prepared_does_not_block_the_others(stocked_db, printer_server):
    printer = ReceiptPrinter(open_transport(printer_server.url, 1), LAYOUT, "NO-SUCH-PROFILE")
    queue = PrintQueue(printer, lambda operation, *args: operation(*args))
    _sell(PRODUCTS[0][0], PaymentMethod.CARD)
    state = queue.run()
    assert "not a python-escpos profile" in state.error  # a printer error: stays queued
    assert print_jobs.waiting() == 1

    def broken(*args, **kwargs):
        raise RuntimeError("corrupt sale")

    printer.profile = "TM-T88V"
    second = _sell(PRODUCTS[1][0], PaymentMethod.CARD)
    real = printer.print_sale
    calls = iter([broken, real])
    printer.print_sale = lambda sale, **kw: next(calls)(sale, **kw)
    state = queue.run()
    assert "set aside" in state.error and state.waiting == 1
    assert queue.run().ok  # the next run prints the remaining job
    assert decode(printer_server.wait_for(1)[-1]).barcodes == [("CODE128", second)]
