"""A receipt is printed, or the cashier knows it is not: real sockets on 127.0.0.1 to printers
that answer status, never answer, never read, answer then stop, or stop reading mid-job."""

from dataclasses import replace

import pytest
from click.testing import CliRunner

from devices.printer import transport
from devices.printer.escpos import render_escpos
from devices.printer.receipt import build_receipt
from devices.printer.service import ReceiptPrinter
from devices.printer.transport import (
    PAPER_STATUS_QUERY,
    Delivery,
    DeliveryUncertain,
    FileTransport,
    open_transport,
)
from storage import catalog, print_jobs, sales
from storage.db import close_database, database, open_database
from storage.migrations import m0012_print_delivery
from till.app import make_app
from till.cli import cli
from till.config import PrinterSettings
from till.core.sale import Cart, PaymentMethod
from till.errors import PrinterError
from till.printing import PrintQueue
from till.screens.receipt import ReceiptScreen

from ..conftest import PRODUCTS
from ..escpos_decoder import decode
from ..ui.conftest import error_notifications, scan
from .printer_server import PAPER_OK, PrinterServer
from .test_receipt import LAYOUT, SALE

RECEIPT = render_escpos(build_receipt(SALE, LAYOUT), "TM-T88V", kick_drawer=True)
TIMEOUT = 2
"""Seconds: the printer's configured timeout in these tests (a silent printer costs this)."""


@pytest.fixture(autouse=True)
def patient_status_wait(monkeypatch):
    """A busy test machine may take longer than 0.4 s to answer a status query: here the first
    answer is awaited as long as the transport's timeout, so no test depends on speed."""
    monkeypatch.setattr(transport, "STATUS_WAIT", 60.0)


def serve(**mode) -> PrinterServer:
    return PrinterServer(**mode).start()


def _sell(code: str = PRODUCTS[0][0]) -> str:
    cart = Cart()
    cart.add(catalog.lookup(code))
    cart.pay(PaymentMethod.CARD, cart.total)
    return sales.record_sale(cart, till_no=1, seller="Ann", currency="EUR").receipt_code


def _queue(url: str, timeout: float = TIMEOUT) -> PrintQueue:
    printer = ReceiptPrinter(open_transport(url, timeout), LAYOUT, "TM-T88V")
    return PrintQueue(printer, lambda operation, *args: operation(*args))


def _status(code: str) -> str:
    return print_jobs.delivery(sales.get_sale(code).id)


# --- the transport: what it can tell ---------------------------------------------------------


def test_a_printer_that_answers_status_confirms_the_job_it_has_read():
    server = serve(status_reply=PAPER_OK)
    try:
        assert open_transport(server.url, TIMEOUT).send(RECEIPT) is Delivery.CONFIRMED
        [job] = server.wait_for(1)
    finally:
        server.stop()
    assert job == PAPER_STATUS_QUERY + RECEIPT + PAPER_STATUS_QUERY  # asked after the job
    printout = decode(job)
    assert printout.barcodes == [("CODE128", "01-000007")] and printout.status_queries == 2
    assert "Crème brûlée à l'œuf" in printout.text


def test_a_printer_that_reads_but_never_answers_is_sent_to_not_confirmed():
    server = serve()
    try:
        assert open_transport(server.url, TIMEOUT).send(RECEIPT) is Delivery.SENT
        [job] = server.wait_for(1)
    finally:
        server.stop()
    assert job == PAPER_STATUS_QUERY + RECEIPT  # no confirmation asked of a silent printer
    assert decode(job).barcodes == [("CODE128", "01-000007")]


def test_a_printer_that_never_reads_is_only_sent_to():
    """The TCP buffers take the whole receipt and sendall returns: it is not printed."""
    server = serve(reads=False)
    try:
        assert open_transport(server.url, TIMEOUT).send(RECEIPT) is Delivery.SENT
    finally:
        server.stop()
    assert server.wait_for(1) == [b""]  # nothing of it was ever read


def test_a_printer_that_stops_answering_after_the_job_leaves_it_uncertain():
    server = serve(status_reply=PAPER_OK, answers=1)  # answers before the job, not after
    try:
        with pytest.raises(DeliveryUncertain, match=f"did not confirm the job within {TIMEOUT} s"):
            open_transport(server.url, TIMEOUT).send(RECEIPT)
        [job] = server.wait_for(1)
    finally:
        server.stop()
    assert job == PAPER_STATUS_QUERY + RECEIPT + PAPER_STATUS_QUERY  # read, unanswered


def test_a_printer_that_stops_reading_mid_job_times_the_send_out():
    """A long job to a printer that answered, then stopped reading: the send gives up after
    the configured timeout, and the job is uncertain, not failed (part of it went out)."""
    server = serve(status_reply=PAPER_OK, reads_after_answers=1, receive_buffer=4096)
    try:
        with pytest.raises(DeliveryUncertain, match="stopped reading in the middle of the job"):
            open_transport(server.url, TIMEOUT).send(b"x" * 16_000_000)
    finally:
        server.stop()


def test_a_printer_known_to_answer_gets_no_job_while_it_is_silent():
    """It answered before and now reads nothing: the job is not sent into the void."""
    server = serve(status_reply=PAPER_OK)
    link = open_transport(server.url, TIMEOUT)
    try:
        assert link.send(RECEIPT) is Delivery.CONFIRMED
        server.reads = False
        with pytest.raises(PrinterError, match="though it answered before") as refused:
            link.send(RECEIPT)
        assert not isinstance(refused.value, DeliveryUncertain)  # nothing went out: retry
    finally:
        server.stop()
    assert server.wait_for(2)[1] == b""


def test_a_plain_file_holds_the_job_a_device_node_only_takes_it(tmp_path):
    assert FileTransport(str(tmp_path / "paper"), "file:").send(RECEIPT) is Delivery.CONFIRMED
    assert (tmp_path / "paper").read_bytes() == RECEIPT
    assert FileTransport("/dev/null", "file:///dev/null").send(RECEIPT) is Delivery.SENT
    assert open_transport("none").send(RECEIPT) is Delivery.NO_PRINTER


# --- the queue: what becomes of each job -----------------------------------------------------


def test_jobs_are_marked_confirmed_or_sent_as_the_printer_allows(stocked_db):
    answering = serve(status_reply=PAPER_OK)
    silent = serve()
    try:
        first = _sell()
        state = _queue(answering.url).run()
        assert state.ok and not state.sent_only and state.line("F7") == ""
        second = _sell()
        state = _queue(silent.url).run()
        assert state.ok and state.sent_only and state.line("F7") == "Sent, not confirmed"
        assert decode(answering.wait_for(1)[0]).barcodes == [("CODE128", first)]
        assert decode(silent.wait_for(1)[0]).barcodes == [("CODE128", second)]
    finally:
        answering.stop()
        silent.stop()
    assert (_status(first), _status(second)) == (print_jobs.CONFIRMED, print_jobs.SENT)
    assert print_jobs.unconfirmed() == []


def test_an_unconfirmed_receipt_is_listed_not_resent_and_reprinted_on_demand(stocked_db):
    server = serve(status_reply=PAPER_OK, answers=1)
    try:
        queue = _queue(server.url)
        code = _sell()
        state = queue.run()
        assert state.error == (
            f"Receipt {code} not confirmed by the printer: check it and reprint (F7)."
        )
        assert state.uncertain and state.unconfirmed == (code,) and state.waiting == 0
        assert state.line("F7") == f"Not confirmed: {code} (F7)"
        assert _status(code) == print_jobs.UNCONFIRMED
        [lost] = server.wait_for(1)
        assert decode(lost).barcodes == [("CODE128", code)]  # it went out, unconfirmed

        assert queue.run().unconfirmed == (code,)  # not sent again by itself
        assert server.connections == 1

        server.answers = None  # the printer answers again; the cashier reprints
        queue.reprint(sales.get_sale(code).id)
        state = queue.run()
        assert state.ok and state.unconfirmed == ()
        copy = decode(server.wait_for(2)[1])
    finally:
        server.stop()
    assert copy.barcodes == [("CODE128", code)] and "*** DUPLICATE ***" in copy.text
    assert _status(code) == print_jobs.CONFIRMED


def test_a_receipt_that_came_out_after_all_is_dismissed(stocked_db):
    server = serve(status_reply=PAPER_OK, answers=1)
    try:
        queue = _queue(server.url)
        code = _sell()
        assert queue.run().unconfirmed == (code,)
    finally:
        server.stop()
    assert queue.dismiss(sales.get_sale(code).id) == 1
    assert print_jobs.unconfirmed() == [] and _status(code) == print_jobs.DISMISSED


def test_a_silent_known_printer_keeps_the_next_receipt_queued(stocked_db):
    server = serve(status_reply=PAPER_OK, answers=2)  # the first job, then silence
    try:
        queue = _queue(server.url)
        first, second = _sell(), _sell(PRODUCTS[1][0])
        state = queue.run()
        assert "though it answered before" in state.error and not state.uncertain
        assert state.waiting == 1 and state.unconfirmed == ()
        assert (_status(first), _status(second)) == (print_jobs.CONFIRMED, print_jobs.QUEUED)
        server.answers = None
        assert queue.run().ok
        jobs = server.wait_for(3)
    finally:
        server.stop()
    assert [decode(job).barcodes for job in jobs] == [
        [("CODE128", first)],
        [],  # the status query alone: the receipt was held back
        [("CODE128", second)],
    ]


def test_migration_12_calls_the_old_printed_jobs_sent(stocked_db):
    code = _sell()
    database.execute_sql("UPDATE print_job SET status = 'printed'")
    database.execute_sql("DROP INDEX print_job_sale_id")
    m0012_print_delivery.up(database)
    assert _status(code) == print_jobs.SENT


# --- the register: the cashier sees it -------------------------------------------------------


async def settle(pilot) -> None:
    """Wait until the app has no worker left: the sale saved, then its receipt spooled (the
    spool starts only once the save's news reaches the screen)."""
    for _ in range(20):
        await pilot.pause()
        if not list(pilot.app.workers):
            return
        await pilot.app.workers.wait_for_complete()
    raise AssertionError(f"workers still running: {list(pilot.app.workers)}")


def _screen_text(app) -> str:
    return str(app.screen.query_one("#receipt-delivery").render())


def _status_line(app) -> str:
    return str(app.screen.query_one("#printer-status").render())


async def test_the_cashier_sees_an_unconfirmed_receipt_and_reprints_it(settings):
    server = serve(status_reply=PAPER_OK, answers=1)
    app = make_app(replace(settings, printer=PrinterSettings(url=server.url, timeout=TIMEOUT)))
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await scan(pilot, PRODUCTS[0][0])
            await pilot.press("f10", "enter")
            await settle(pilot)
            expected = "Receipt 01-000001 not confirmed by the printer: check it and reprint (F7)."
            assert error_notifications(app) == [expected]
            assert _status_line(app) == "Not confirmed: 01-000001 (F7)"

            await pilot.press("f7")
            assert isinstance(app.screen, ReceiptScreen)
            assert _screen_text(app).startswith("Not confirmed: the printer did not confirm")
            server.answers = None
            await pilot.press("f6")
            await settle(pilot)
            assert _screen_text(app) == "Printed: the printer confirmed it."
            await pilot.press("escape")
            assert _status_line(app) == ""
    finally:
        server.stop()
    [lost, copy] = server.wait_for(2)
    assert decode(lost).barcodes == decode(copy).barcodes == [("CODE128", "01-000001")]
    assert "*** DUPLICATE ***" in decode(copy).text


async def test_a_receipt_sent_to_a_printer_that_cannot_confirm_says_so(settings):
    server = serve(reads=False)
    app = make_app(replace(settings, printer=PrinterSettings(url=server.url, timeout=TIMEOUT)))
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await scan(pilot, PRODUCTS[0][0])
            await pilot.press("f10", "enter")
            await settle(pilot)
            assert _status_line(app) == "Sent, not confirmed"
            await pilot.press("f7")
            assert _screen_text(app).startswith("Sent, not confirmed: this printer cannot say")
    finally:
        server.stop()


async def test_the_cashier_says_an_unconfirmed_receipt_came_out(settings):
    server = serve(status_reply=PAPER_OK, answers=1)
    app = make_app(replace(settings, printer=PrinterSettings(url=server.url, timeout=TIMEOUT)))
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await scan(pilot, PRODUCTS[0][0])
            await pilot.press("f10", "enter")
            await settle(pilot)
            await pilot.press("f7")
            await pilot.press("f4")  # it did come out
            await settle(pilot)
            assert _screen_text(app).endswith("it came out, the cashier said.")
            await pilot.press("escape")
            assert _status_line(app) == ""
    finally:
        server.stop()
    assert print_jobs.unconfirmed() == []
    assert len(server.wait_for(1)) == 1  # nothing printed again


# --- the technician's commands --------------------------------------------------------------


@pytest.fixture
def config(tmp_path) -> list[str]:
    """The ``--config`` of a till whose printer times out after TIMEOUT seconds."""
    path = tmp_path / "till.toml"
    path.write_text(f"[printer]\ntimeout = {TIMEOUT}\n")
    return ["--config", str(path)]


def test_print_test_says_printed_only_when_the_printer_confirmed(config):
    runner = CliRunner()
    answering, silent, stopping = (
        serve(status_reply=PAPER_OK),
        serve(),
        serve(status_reply=PAPER_OK, answers=1),
    )
    try:
        confirmed = runner.invoke(cli, [*config, "print-test", "--printer", answering.url])
        sent = runner.invoke(cli, [*config, "print-test", "--printer", silent.url])
        lost = runner.invoke(cli, [*config, "print-test", "--printer", stopping.url])
    finally:
        for server in (answering, silent, stopping):
            server.stop()
    assert confirmed.exit_code == 0, confirmed.output
    assert confirmed.output == f"Test page printed on {answering.url} (the printer confirmed it).\n"
    assert sent.exit_code == 0, sent.output
    assert sent.output == (
        f"Test page sent to {silent.url}; this printer cannot confirm it: check that it came out.\n"
    )
    assert lost.exit_code == 2
    assert lost.output.startswith("till: Printer ") and "did not confirm the job" in lost.output


def test_doctor_lists_unconfirmed_receipts_and_a_reprint_clears_them(stocked_db, config):
    server = serve(status_reply=PAPER_OK, answers=1)
    try:
        code = _sell()
        assert _queue(server.url).run().unconfirmed == (code,)
        close_database()
        runner = CliRunner()
        server.answers = None
        doctor = runner.invoke(
            cli, [*config, "--db", str(stocked_db), "doctor", "--printer", server.url]
        )
        close_database()
        reprint = runner.invoke(
            cli,
            [*config, "--db", str(stocked_db), "receipt", "print", code, "--printer", server.url],
        )
        close_database()
        after = runner.invoke(
            cli, [*config, "--db", str(stocked_db), "doctor", "--printer", server.url]
        )
        close_database()
        jobs = server.wait_for(4)
    finally:
        server.stop()
        open_database(stocked_db)
    lines = doctor.output.splitlines()
    assert f"ok    printer      {server.url}: 127.0.0.1:{server.port} answers status:" in (
        doctor.output
    )
    assert (
        f"warn  print queue  1 receipt not confirmed by the printer ({code}):"
        " check it, reprint with `till receipt print N`"
    ) in lines
    assert reprint.exit_code == 0, reprint.output
    assert reprint.output == f"Receipt {code} printed on {server.url} (the printer confirmed it).\n"
    assert decode(jobs[2]).barcodes == [("CODE128", code)]
    assert "not confirmed" not in after.output
    assert print_jobs.unconfirmed() == [] and _status(code) == print_jobs.REPRINTED


async def test_the_receipt_screen_leads_to_an_older_unconfirmed_receipt(settings):
    """F7 shows the last sale; a receipt left unconfirmed before it is named there, F3 opens it."""
    server = serve(status_reply=PAPER_OK, answers=1)
    app = make_app(replace(settings, printer=PrinterSettings(url=server.url, timeout=TIMEOUT)))
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await scan(pilot, PRODUCTS[0][0])
            await pilot.press("f10", "enter")
            await settle(pilot)
            server.answers = None  # the printer answers again: the next sale prints
            await scan(pilot, PRODUCTS[1][0])
            await pilot.press("f10", "enter")
            await settle(pilot)
            assert _status_line(app) == "Not confirmed: 01-000001 (F7)"

            await pilot.press("f7")
            assert app.screen.sale.receipt_code == "01-000002"
            assert _screen_text(app) == (
                "Printed: the printer confirmed it."
                " Receipt 01-000001 is not confirmed: F3 shows it."
            )
            await pilot.press("f3")
            assert isinstance(app.screen, ReceiptScreen)
            assert app.screen.sale.receipt_code == "01-000001"
            assert _screen_text(app).startswith("Not confirmed: the printer did not confirm")
            await pilot.press("f6")
            await settle(pilot)
            assert _screen_text(app) == "Printed: the printer confirmed it."
            await pilot.press("escape")
            assert _status_line(app) == ""
    finally:
        server.stop()
    assert [decode(job).barcodes for job in server.wait_for(3)] == [
        [("CODE128", "01-000001")],
        [("CODE128", "01-000002")],
        [("CODE128", "01-000001")],
    ]
