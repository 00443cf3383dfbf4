"""Printing that never loses or blocks a sale: receipts wait in the database's print queue and
print in order in the background; while the printer is away they stay queued and print when
it is back (the app retries) or when the cashier asks for a reprint. A receipt the printer did
not confirm is listed, never silently taken as printed (docs/printers.md)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from devices.printer.service import ReceiptPrinter
from devices.printer.transport import Delivery, DeliveryUncertain
from storage import print_jobs, sales
from till.errors import PrinterError
from till.logs import SHOWN

log = logging.getLogger(__name__)


NOT_CONFIRMED = "Receipt {code} not confirmed by the printer: check it and reprint (F7)."
"""What the cashier reads when a printer known to confirm did not confirm a receipt."""

DELIVERY_WORDS = {
    print_jobs.QUEUED: "Waiting for the printer.",
    print_jobs.CONFIRMED: "Printed: the printer confirmed it.",
    print_jobs.SENT: (
        "Sent, not confirmed: this printer cannot say whether it printed."
        " Reprint (F6) if no receipt came out."
    ),
    print_jobs.UNCONFIRMED: (
        "Not confirmed: the printer did not confirm this receipt; it may be lost."
        " Check the printer: F6 reprints it, F4 if it did come out."
    ),
    print_jobs.NO_PRINTER: "Not printed: no printer is configured.",
    print_jobs.SET_ASIDE: "Not printed: the receipt could not be prepared. F6 tries again.",
    print_jobs.DISMISSED: "Not confirmed by the printer; it came out, the cashier said.",
}
"""What the receipt screen says of a receipt's latest print job, by its status."""


@dataclass(frozen=True)
class PrinterState:
    """What the cashier sees of the printer: jobs waiting and why, if it is failing, and
    receipts that may not have come out."""

    waiting: int = 0
    error: str = ""
    unconfirmed: tuple[str, ...] = ()
    """Receipt codes sent to a printer that did not confirm them: reprint or dismiss each."""
    sent_only: bool = False
    """The last job went to a printer that cannot confirm: it was sent, not confirmed."""
    uncertain: bool = False
    """The error is a receipt that went out unconfirmed: it is not retried, it is listed."""

    @property
    def ok(self) -> bool:
        return not self.error and not self.waiting and not self.unconfirmed

    @property
    def line(self) -> str:
        """The sale screen's status line (short: it shares 80 columns with the store name)."""
        if self.waiting and self.unconfirmed:
            return f"Printer: {self.waiting} waiting, {len(self.unconfirmed)} not confirmed"
        if self.waiting or (self.error and not self.unconfirmed):
            return f"Printer: {self.waiting} waiting"
        if len(self.unconfirmed) == 1:
            return f"Not confirmed: {self.unconfirmed[0]} (F7)"
        if self.unconfirmed:
            return f"Not confirmed: {len(self.unconfirmed)} receipts (F7)"
        if self.sent_only:
            return "Sent, not confirmed"
        return ""


class PrintQueue:
    """Takes jobs from the queue and prints them; database calls go through ``in_writer``."""

    def __init__(self, printer: ReceiptPrinter, in_writer: Callable[..., Any]) -> None:
        self.printer = printer
        self._in_writer = in_writer
        self._one_run = threading.Lock()
        self._last_delivery: Delivery | None = None

    def run(self) -> PrinterState:
        """Print every queued job in order. Blocking: call from a worker thread.

        Stops at the first failure, which stays queued with its reason, so receipts never
        come out of order. A job printed just before a power cut may print twice; none is lost.
        A job the printer did not confirm is not sent again by itself (it may have printed):
        it is listed as unconfirmed until the cashier reprints it or says it came out.
        """
        with self._one_run:
            for job in self._in_writer(print_jobs.queued):
                try:
                    sale = self._in_writer(sales.get_sale_by_id, job.sale_id)
                    delivery = self.printer.print_sale(
                        sale, kick_drawer=job.kick_drawer, duplicate=job.kind == "reprint"
                    )
                except DeliveryUncertain as error:  # out, unconfirmed: someone must look
                    log.warning(
                        "receipt %s not confirmed: %s", sale.receipt_code, error, extra=SHOWN
                    )
                    self._in_writer(print_jobs.mark_unconfirmed, job.id, str(error))
                    return self._state(NOT_CONFIRMED.format(code=sale.receipt_code), True)
                except PrinterError as error:  # the printer: keep the order, retry later
                    self._in_writer(print_jobs.mark_failed, job.id, str(error))
                    return self._state(str(error))
                except Exception as error:  # this job itself: give up on it, print the rest
                    log.exception("print job %s cannot be printed", job.id, extra=SHOWN)
                    reason = f"A receipt could not be prepared and was set aside: {error}"
                    self._in_writer(print_jobs.set_aside, job.id, reason)
                    return self._state(reason)
                self._in_writer(print_jobs.mark_delivered, job.id, delivery.value)
                self._last_delivery = delivery
            return self._state()

    def _state(self, error: str = "", uncertain: bool = False) -> PrinterState:
        unconfirmed = self._in_writer(print_jobs.unconfirmed)
        return PrinterState(
            self._in_writer(print_jobs.waiting),
            error,
            tuple(job.receipt_code for job in unconfirmed),
            self._last_delivery is Delivery.SENT,
            uncertain,
        )

    def reprint(self, sale_id: str, actor: str = "till") -> None:
        """Queue another copy of a receipt, without opening the drawer; it stands in for any
        earlier job of that sale left unconfirmed."""
        self._in_writer(print_jobs.reprint, sale_id, actor)

    def dismiss(self, sale_id: str) -> int:
        """The cashier saw the receipt come out: it leaves the unconfirmed list."""
        return self._in_writer(print_jobs.dismiss, sale_id)

    def delivery(self, sale_id: str) -> str:
        """What became of a sale's receipt, in the cashier's words (empty: never queued).
        A read, fine on the event loop."""
        return DELIVERY_WORDS.get(print_jobs.delivery(sale_id), "")

    def is_unconfirmed(self, sale_id: str) -> bool:
        return print_jobs.delivery(sale_id) == print_jobs.UNCONFIRMED

    def open_drawer(self) -> None:
        """Kick the cash drawer on the printer port. Blocking: call from a worker thread."""
        self.printer.open_drawer()
