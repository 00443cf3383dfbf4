"""Issuing a sale's invoice from a screen, the same from the receipt screen's key and the
customer's History tab: what it takes read off the event loop, a manager's PIN where the user
may not issue it (a credit note), the invoice and its PDF written by the writer, the outcome in
words. docs/invoices.md."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from textual.screen import Screen

from till.errors import TillError
from till.i18n import _
from till.screens.writes import WritingScreen

if TYPE_CHECKING:
    from pathlib import Path

    from till.core.money import MoneyFormat
    from till.core.people import Actor, Permission
    from till.invoice_service import Issued

Written = tuple["Issued", "Path"]
"""The invoice issued (or found again) and where its PDF was written."""


def issued_words(written: Written, money: MoneyFormat) -> str:
    """The invoice's number, its total and where its PDF is: issued now, or before."""
    done, path = written
    invoice = done.invoice
    said = (
        _("{number} issued: {total}, PDF in {path}")
        if done.created
        else _("{number} issued before, PDF written again in {path}")
    )
    return said.format(number=invoice.number, total=money(invoice.total), path=path)


def issue_invoice(
    screen: WritingScreen,
    receipt: str,
    needed: Permission,
    *,
    show: Callable[[str], object],
    done: Callable[[Written], object],
) -> None:
    """Issue the invoice of ``receipt`` (a credit note for a refund), approved by a manager's
    PIN where ``needed`` is more than the user may do; ``show`` says progress, a refusal and a
    missing approval, ``done`` gets the invoice and its PDF's path."""
    from till.screens.manager import with_approval

    register = screen.app.register

    def approved(approver: Actor | None) -> None:
        screen.start_write(register.write_invoice, receipt, approver, show=show, done=done)

    with_approval(
        screen.app,
        _("Invoice {code}").format(code=receipt),
        needed,
        approved,
        lambda: show(_("No invoice for {code}: no manager approval.").format(code=receipt)),
    )


class InvoiceAsk:
    """The invoice of a sale a screen names by its receipt number: what it takes is read in a
    worker first (one ask at a time), then :func:`issue_invoice`."""

    def __init__(
        self,
        screen: WritingScreen,
        *,
        show: Callable[[str], object],
        done: Callable[[Written], object],
    ) -> None:
        self.screen = screen
        self.show = show
        self.done = done
        self.reading = False

    def ask(self, receipt: str) -> None:
        if self.reading:
            return
        self.reading = True
        self.screen.app.run_worker(
            partial(self._read, receipt), group="invoice-ask", thread=True, exit_on_error=False
        )

    def _read(self, receipt: str) -> None:
        register = self.screen.app.register
        try:
            needed = register.invoices.needs(register.sale(receipt))
        except TillError as error:  # the sale is not in this till's database
            self.screen.app.call_from_thread(self._refused, str(error))
        else:
            self.screen.app.call_from_thread(self._issue, receipt, needed)

    def _refused(self, reason: str) -> None:
        self.reading = False
        if self._open():
            self.show(reason)

    def _issue(self, receipt: str, needed: Permission) -> None:
        self.reading = False
        if self._open():
            issue_invoice(self.screen, receipt, needed, show=self.show, done=self.done)

    def _open(self) -> bool:
        """Whether the screen is still shown (it may be closed while the worker read)."""
        return not isinstance(self.screen, Screen) or self.screen.is_attached
