"""The text preview of a receipt, what became of its print job, and reprint."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from till.core.sale import RecordedSale
from till.errors import TillError
from till.i18n import _
from till.printing import PrinterState
from till.screens.invoice_issue import Written, issue_invoice, issued_words
from till.screens.invoice_words import invoice_words
from till.screens.writes import WritingScreen
from till.widgets.language import TranslatedBindings, key_hint
from till.widgets.line import Line

if TYPE_CHECKING:
    from till.app import TillApp
    from till.core.people import Permission
    from till.invoice_service import Standing


class ReceiptScreen(TranslatedBindings, WritingScreen, Screen):
    """Shows a recorded sale's receipt exactly as the printer gets it, in text, and whether
    the printer confirmed it."""

    app: TillApp

    BINDINGS = [
        Binding("escape,f7,ctrl+l", "app.pop_screen", "Back", id="receipt.back"),
        Binding("f6,ctrl+p", "reprint", "Reprint", id="receipt.reprint"),
        Binding("f5,ctrl+o", "open_drawer", "Open drawer", id="receipt.drawer"),
        Binding("f4,ctrl+g", "dismiss_unconfirmed", "It came out", id="receipt.dismiss"),
        Binding("f3,ctrl+n", "show_unconfirmed", "Not confirmed", id="receipt.unconfirmed"),
        Binding("f8,ctrl+r", "invoice", "Invoice", id="receipt.invoice"),
    ]

    def __init__(self, sale: RecordedSale) -> None:
        super().__init__()
        self.sale = sale

    def compose(self) -> ComposeResult:
        preview = self.app.register.printer.preview(self.sale)
        yield Line(id="receipt-delivery")
        yield Line(id="receipt-invoice")
        with VerticalScroll(id="receipt"):
            yield Static(Text(preview), id="receipt-text")
        yield Footer(compact=True)  # six keys when a receipt went out unconfirmed

    def on_mount(self) -> None:
        self.watch(self.app, "printer_state", self._show_delivery)
        self.read_invoice()

    def read_invoice(self, *, then_issue: bool = False) -> None:
        """Read the sale's invoice off the event loop, show it; ``then_issue``: go on to
        issue it (F8) with what that takes."""
        self.app.run_worker(
            partial(self._read_invoice, then_issue),
            group="receipt-invoice",
            thread=True,
            exit_on_error=False,
        )

    def _read_invoice(self, then_issue: bool) -> None:
        try:
            standing = self.app.register.invoices.standing(self.sale)
        except TillError as error:
            self.app.call_from_thread(self._invoice_line().show, str(error))
            return
        self.app.call_from_thread(self._invoice_read, standing, then_issue)

    def _invoice_line(self) -> Line:
        return self.query_one("#receipt-invoice", Line)

    def _invoice_read(self, standing: Standing, then_issue: bool) -> None:
        if not self.is_attached:  # closed meanwhile
            return
        key = key_hint(self.app, "receipt.invoice")
        outcome = self.app.register.automatic_invoices.get(self.sale.id)
        self._invoice_line().show(invoice_words(standing, outcome, key))
        if then_issue:
            self._issue(standing.needs)

    def _show_delivery(self, state: PrinterState | None = None) -> None:
        """Printed, sent, not confirmed or waiting: read again whenever the printer moves.
        Another receipt left unconfirmed (F7 shows the last sale) is named, F3 shows it."""
        printing = self.app.register.printing
        said = printing.delivery(self.sale.id)
        self._unconfirmed = printing.is_unconfirmed(self.sale.id)
        code = self.sale.receipt_code
        self._others = [c for c in (state or self.app.printer_state).unconfirmed if c != code]
        if self._others:
            said += " " + _("Receipt {code} is not confirmed: {key} shows it.").format(
                code=self._others[0], key=key_hint(self.app, "receipt.unconfirmed")
            )
        self.query_one("#receipt-delivery", Line).show(said.strip())
        self.refresh_bindings()

    _unconfirmed = False
    """Whether this receipt went out unconfirmed: F4 is offered to say it came out."""
    _others: list[str] = []
    """Other receipts left unconfirmed, oldest first: F3 shows the first."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "dismiss_unconfirmed":
            return self._unconfirmed
        if action == "show_unconfirmed":
            return bool(self._others)
        return True

    def action_show_unconfirmed(self) -> None:
        """Show the oldest other receipt the printer did not confirm, to reprint or dismiss."""
        if self._others:
            self.app.switch_screen(ReceiptScreen(self.app.register.sale(self._others[0])))

    def action_dismiss_unconfirmed(self) -> None:
        """The cashier has the receipt in hand: it leaves the list of unconfirmed receipts."""
        self.start_write(
            self.app.register.printing.dismiss,
            self.sale.id,
            show=self.query_one("#receipt-delivery", Line).show,
            done=lambda _: self.app.spool(),  # the printer's state is read again
        )

    def action_invoice(self) -> None:
        """The sale's invoice (a credit note for a refund of an invoiced one), its PDF
        written beside the database; a manager's PIN where the user may not issue it. What
        that takes is read first, off the event loop."""
        self.read_invoice(then_issue=True)

    def _issue(self, needed: Permission) -> None:
        line = self.query_one("#receipt-delivery", Line)

        def issued(written: Written) -> None:
            line.show(issued_words(written, self.app.register.money))
            self.read_invoice()

        issue_invoice(self, self.sale.receipt_code, needed, show=line.show, done=issued)

    def action_reprint(self) -> None:
        self.app.reprint(self.sale)
        self.notify(_("Reprinting {code}.").format(code=self.sale.receipt_code), markup=False)

    def action_open_drawer(self) -> None:
        """Opening the drawer outside a cash sale needs a manager."""
        from till.core.people import Permission
        from till.screens.manager import with_approval

        with_approval(
            self.app,
            _("Open the cash drawer"),
            Permission.OPEN_DRAWER,
            lambda approver: self.app.open_drawer(approver, without_sale=True),
        )
