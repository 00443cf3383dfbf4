"""One job at a time on a printer, across processes: the kiosk prints slips on the printer the
register prints receipts on, and two jobs sent at once would interleave on paper."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

from devices.printer.receipt import ReceiptDocument, Text
from devices.printer.service import PrinterLock, ReceiptPrinter
from devices.printer.transport import open_transport

from ..escpos_decoder import decode
from .test_receipt import LAYOUT

HOLDER = """
import sys
from devices.printer.service import PrinterLock
with PrinterLock(sys.argv[1]).held():
    print("held", flush=True)
    sys.stdin.readline()
"""


def test_a_job_waits_while_another_process_prints_on_the_same_printer(tmp_path: Path):
    url = f"file://{tmp_path / 'printer.escpos'}"
    printer = ReceiptPrinter(open_transport(url), LAYOUT, "TM-T88V")
    other = subprocess.Popen(
        [sys.executable, "-c", HOLDER, url],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).parents[2],
    )
    try:
        assert other.stdout is not None and other.stdout.readline() == "held\n"
        job = threading.Thread(target=printer.print_document, args=(document(),))
        job.start()
        job.join(0.5)
        assert job.is_alive()  # waiting for the other process's job to end
        assert not (tmp_path / "printer.escpos").exists()
    finally:
        other.communicate("")
    job.join(10)
    assert not job.is_alive()
    assert "Slip" in decode((tmp_path / "printer.escpos").read_bytes()).text


def test_printers_at_other_urls_do_not_wait_for_each_other(tmp_path: Path):
    first, second = PrinterLock("tcp://10.0.0.1:9100"), PrinterLock("tcp://10.0.0.2:9100")
    assert first.path != second.path
    with first.held(), second.held():
        pass


def document() -> ReceiptDocument:
    return ReceiptDocument(42, (Text("Slip"),))
