"""Printing a recorded sale: build the document, render ESC/POS, send it. One job at a time.
Each call returns how far the job is known to have gone (see ``Delivery``)."""

from __future__ import annotations

import threading

from devices.printer.escpos import drawer_kick, render_escpos
from devices.printer.receipt import ReceiptDocument, ReceiptLayout, build_receipt, render_text
from devices.printer.transport import Delivery, Transport
from till.core.sale import PaymentMethod, RecordedSale


class ReceiptPrinter:
    """Turns recorded sales into printed receipts on one transport, serialised by a lock."""

    def __init__(self, transport: Transport, layout: ReceiptLayout, profile: str) -> None:
        self.transport = transport
        self.layout = layout
        self.profile = profile
        self._lock = threading.Lock()

    def document(self, sale: RecordedSale) -> ReceiptDocument:
        return build_receipt(sale, self.layout)

    def preview(self, sale: RecordedSale) -> str:
        return render_text(self.document(sale))

    def print_sale(
        self, sale: RecordedSale, *, kick_drawer: bool | None = None, duplicate: bool = False
    ) -> Delivery:
        """Print the receipt; opens the drawer on cash sales unless told otherwise."""
        if kick_drawer is None:
            kick_drawer = any(p.method is PaymentMethod.CASH for p in sale.payments)
        document = build_receipt(sale, self.layout, duplicate=duplicate)
        data = render_escpos(document, self.profile, kick_drawer=kick_drawer)
        with self._lock:
            return self.transport.send(data)

    def print_document(self, document: ReceiptDocument) -> Delivery:
        """Print any document (a balance slip, a test page) straight away."""
        data = render_escpos(document, self.profile)
        with self._lock:
            return self.transport.send(data)

    def open_drawer(self) -> Delivery:
        with self._lock:
            return self.transport.send(drawer_kick(self.profile))
