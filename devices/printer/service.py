"""Printing a recorded sale: build the document, render ESC/POS, send it. One job at a time.
Each call returns how far the job is known to have gone (see ``Delivery``)."""

from __future__ import annotations

import fcntl
import hashlib
import os
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from devices.printer.escpos import drawer_kick, render_escpos
from devices.printer.receipt import ReceiptDocument, ReceiptLayout, build_receipt, render_text
from devices.printer.transport import Delivery, Transport
from till.core.sale import PaymentMethod, RecordedSale
from till.i18n import speaking


class PrinterLock:
    """One job at a time on a printer, across threads and across processes: the register and
    the kiosk may share a printer, and two jobs sent at once would interleave on paper. A thread
    lock, then ``flock`` on a file named after the printer's URL in the runtime folder."""

    def __init__(self, url: str, folder: Path | None = None) -> None:
        digest = hashlib.sha256(url.encode()).hexdigest()[:16]
        base = folder or Path(os.environ.get("XDG_RUNTIME_DIR") or tempfile.gettempdir())
        self.path = base / f"till-printer-{digest}.lock"
        self._thread_lock = threading.Lock()

    @contextmanager
    def held(self) -> Iterator[None]:
        with self._thread_lock:
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
            except OSError:  # no lock file possible: the thread lock still serialises us
                yield
                return
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)  # jobs are bounded by the transport's timeout
                yield
            finally:
                os.close(fd)  # releases the lock


class ReceiptPrinter:
    """Turns recorded sales into printed receipts on one transport, one job at a time."""

    def __init__(self, transport: Transport, layout: ReceiptLayout, profile: str) -> None:
        self.transport = transport
        self.layout = layout
        self.profile = profile
        self._lock = PrinterLock(transport.url)

    def document(self, sale: RecordedSale, *, duplicate: bool = False) -> ReceiptDocument:
        """The receipt, in its customer's language when the till speaks it."""
        with speaking(sale.customer.language if sale.customer else ""):
            return build_receipt(sale, self.layout, duplicate=duplicate)

    def preview(self, sale: RecordedSale) -> str:
        return render_text(self.document(sale))

    def print_sale(
        self, sale: RecordedSale, *, kick_drawer: bool | None = None, duplicate: bool = False
    ) -> Delivery:
        """Print the receipt; opens the drawer on cash sales unless told otherwise."""
        if kick_drawer is None:
            kick_drawer = any(p.method is PaymentMethod.CASH for p in sale.payments)
        document = self.document(sale, duplicate=duplicate)
        data = render_escpos(document, self.profile, kick_drawer=kick_drawer)
        with self._lock.held():
            return self.transport.send(data)

    def print_document(self, document: ReceiptDocument) -> Delivery:
        """Print any document (a balance slip, a test page) straight away."""
        data = render_escpos(document, self.profile)
        with self._lock.held():
            return self.transport.send(data)

    def open_drawer(self) -> Delivery:
        with self._lock.held():
            return self.transport.send(drawer_kick(self.profile))
