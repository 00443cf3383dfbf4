"""Printing that never loses or blocks a sale: receipts wait in the database's print queue and
print in order in the background; while the printer is away they stay queued and print when
it is back (the app retries) or when the cashier asks for a reprint."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from devices.printer.service import ReceiptPrinter
from storage import print_jobs, sales
from till.errors import PrinterError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PrinterState:
    """What the cashier sees of the printer: jobs waiting and why, if it is failing."""

    waiting: int = 0
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error and not self.waiting


class PrintQueue:
    """Takes jobs from the queue and prints them; database calls go through ``in_writer``."""

    def __init__(self, printer: ReceiptPrinter, in_writer: Callable[..., Any]) -> None:
        self.printer = printer
        self._in_writer = in_writer
        self._one_run = threading.Lock()

    def run(self) -> PrinterState:
        """Print every queued job in order. Blocking: call from a worker thread.

        Stops at the first failure, which stays queued with its reason, so receipts never
        come out of order. A job printed just before a power cut may print twice; none is lost.
        """
        with self._one_run:
            for job in self._in_writer(print_jobs.queued):
                try:
                    sale = self._in_writer(sales.get_sale_by_id, job.sale_id)
                    self.printer.print_sale(
                        sale, kick_drawer=job.kick_drawer, duplicate=job.kind == "reprint"
                    )
                except PrinterError as error:  # the printer: keep the order, retry later
                    self._in_writer(print_jobs.mark_failed, job.id, str(error))
                    return PrinterState(self._in_writer(print_jobs.waiting), str(error))
                except Exception as error:  # this job itself: give up on it, print the rest
                    log.exception("print job %s cannot be printed", job.id)
                    reason = f"A receipt could not be prepared and was set aside: {error}"
                    self._in_writer(print_jobs.set_aside, job.id, reason)
                    return PrinterState(self._in_writer(print_jobs.waiting), reason)
                self._in_writer(print_jobs.mark_printed, job.id)
            return PrinterState(self._in_writer(print_jobs.waiting))

    def reprint(self, sale_id: str) -> None:
        """Queue another copy of a receipt, without opening the drawer."""
        self._in_writer(print_jobs.enqueue, sale_id, "reprint", False)

    def open_drawer(self) -> None:
        """Kick the cash drawer on the printer port. Blocking: call from a worker thread."""
        self.printer.open_drawer()
