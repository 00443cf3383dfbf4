"""Printing that never loses or blocks a sale: receipts wait in the database's print queue and
print in order in the background; while the printer is away they stay queued and print when
it is back (the app retries) or when the cashier asks for a reprint. A receipt the printer did
not confirm is listed, never silently taken as printed (docs/printers.md)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from devices.printer.transport import Delivery, DeliveryUncertain
from storage import print_jobs, sales
from till.core.message_data import error_data, message_data
from till.errors import PrinterError
from till.i18n import N_, _
from till.keymap import key_names
from till.logs import SHOWN
from till.record_words import message_words

if TYPE_CHECKING:
    from devices.printer.service import ReceiptPrinter

log = logging.getLogger(__name__)


NOT_CONFIRMED = N_("Receipt {code} not confirmed by the printer: check it and reprint ({receipt}).")
"""What the cashier reads when a printer known to confirm did not confirm a receipt."""
SET_ASIDE = N_("A receipt could not be prepared and was set aside: {error}")
"""Why a job left the queue; ``{error}`` is what went wrong, itself kept as a message."""

DELIVERY_WORDS = {
    print_jobs.QUEUED: N_("Waiting for the printer."),
    print_jobs.CONFIRMED: N_("Printed: the printer confirmed it."),
    print_jobs.SENT: N_(
        "Sent, not confirmed: this printer cannot say whether it printed."
        " Reprint ({reprint}) if no receipt came out."
    ),
    print_jobs.UNCONFIRMED: N_(
        "Not confirmed: the printer did not confirm this receipt; it may be lost."
        " Check the printer: {reprint} reprints it, {dismiss} if it did come out."
    ),
    print_jobs.NO_PRINTER: N_("Not printed: no printer is configured."),
    print_jobs.SET_ASIDE: N_(
        "Not printed: the receipt could not be prepared. {reprint} tries again."
    ),
    print_jobs.DISMISSED: N_("Not confirmed by the printer; it came out, the cashier said."),
}
"""What the receipt screen says of a receipt's latest print job, by its status; ``{reprint}``
and ``{dismiss}`` are the receipt screen's keys."""


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

    def line(self, receipt_key: str) -> str:
        """The sale screen's status line (short: it shares 80 columns with the store name);
        ``receipt_key`` shows the last receipt."""
        if self.waiting and self.unconfirmed:
            return _("Printer: {waiting} waiting, {unconfirmed} not confirmed").format(
                waiting=self.waiting, unconfirmed=len(self.unconfirmed)
            )
        if self.waiting or (self.error and not self.unconfirmed):
            return _("Printer: {waiting} waiting").format(waiting=self.waiting)
        if len(self.unconfirmed) == 1:
            return _("Not confirmed: {code} ({key})").format(
                code=self.unconfirmed[0], key=receipt_key
            )
        if self.unconfirmed:
            return _("Not confirmed: {count} receipts ({key})").format(
                count=len(self.unconfirmed), key=receipt_key
            )
        if self.sent_only:
            return _("Sent, not confirmed")
        return ""


class PrintQueue:
    """Takes jobs from the queue and prints them; database calls go through ``in_writer``."""

    def __init__(
        self,
        printer: ReceiptPrinter,
        in_writer: Callable[..., Any],
        keymap: Mapping[str, str] | None = None,
    ) -> None:
        self.printer = printer
        self._in_writer = in_writer
        self._keymap = keymap or {}
        """The config's ``[keymap]``: the keys its sentences name."""
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
                    self._in_writer(print_jobs.mark_unconfirmed, job.id, error_data(error))
                    receipt = key_names("receipt", self._keymap)[0]
                    said = _(NOT_CONFIRMED).format(code=sale.receipt_code, receipt=receipt)
                    return self._state(said, True)
                except PrinterError as error:  # the printer: keep the order, retry later
                    self._in_writer(print_jobs.mark_failed, job.id, error_data(error))
                    return self._state(str(error))
                except Exception as error:  # this job itself: give up on it, print the rest
                    log.exception("print job %s cannot be printed", job.id, extra=SHOWN)
                    kept = message_data(SET_ASIDE, {"error": error})
                    self._in_writer(print_jobs.set_aside, job.id, kept)
                    return self._state(message_words(kept))
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
        said = DELIVERY_WORDS.get(print_jobs.delivery(sale_id), "")
        return (
            _(said).format(
                reprint=key_names("receipt.reprint", self._keymap)[0],
                dismiss=key_names("receipt.dismiss", self._keymap)[0],
            )
            if said
            else ""
        )

    def is_unconfirmed(self, sale_id: str) -> bool:
        return print_jobs.delivery(sale_id) == print_jobs.UNCONFIRMED

    def open_drawer(self) -> None:
        """Kick the cash drawer on the printer port. Blocking: call from a worker thread."""
        self.printer.open_drawer()
