"""Returns: find the sale by its receipt, choose what comes back, refund after a manager PIN."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static

from till.core.returns import return_lines
from till.core.sale import PaymentMethod, RecordedSale
from till.errors import TillError
from till.i18n import N_, _, pgettext
from till.screens.prompts import QuantityScreen
from till.screens.writes import STILL_SAVING, WritingScreen
from till.widgets.language import TranslatedBindings, key_hint, key_name
from till.widgets.plain import plain

if TYPE_CHECKING:
    from till.app import TillApp
    from till.core.people import Actor
    from till.core.returns import Returnable

REFUNDS = {
    PaymentMethod.CASH: N_("in cash"),
    PaymentMethod.CARD: N_("by card"),
    PaymentMethod.ACCOUNT: N_("as a credit note"),
}


class ReturnScreen(TranslatedBindings, WritingScreen, Screen[RecordedSale | None]):
    """Dismisses with the recorded refund, or None when nothing was refunded."""

    app: TillApp

    BINDINGS = [
        Binding("f6,ctrl+r", "all", "All", id="return.all"),
        Binding("f4,ctrl+o", "quantity", "Qty", id="return.quantity"),
        Binding("f2,ctrl+l", "refund('cash')", "Cash", id="return.cash"),
        Binding("f3,ctrl+b", "refund('card')", "Card", id="return.card"),
        Binding("f5,ctrl+n", "refund('account')", "Credit note", id="return.credit_note"),
        Binding("escape", "back", "Back", id="return.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.returnable: Returnable | None = None
        self.quantities: dict[int, int] = {}
        self.busy = False

    def compose(self) -> ComposeResult:
        yield Static(_("Return: scan the receipt's barcode or type its number"), id="status")
        yield Input(placeholder=_("Receipt number, e.g. 01-000042"), id="return-receipt")
        yield DataTable(id="return-lines", cursor_type="row", zebra_stripes=True)
        yield Static(id="return-total")
        yield Static(id="return-message")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        columns = (
            (_("Item"), 30),
            (pgettext("quantity sold", "Sold"), 4),
            (pgettext("quantity returned before", "Back"), 4),
            (pgettext("quantity to return", "Return"), 6),
            (_("Refund"), 12),
        )
        for label, width in columns:
            table.add_column(Text(label), width=width)
        self.query_one("#return-receipt", Input).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("all", "quantity", "refund"):
            return self.returnable is not None and not self.busy
        return True

    @on(Input.Submitted, "#return-receipt")
    def find_sale(self, event: Input.Submitted) -> None:
        try:
            self.returnable = self.app.register.returnable(event.value)
        except TillError as error:
            self.say(str(error), "error")
            return
        self.quantities = {}
        self.refresh_bindings()
        self._show()
        sale = self.returnable.sale
        who = (
            " " + _("for {code} {name}").format(code=sale.customer.code, name=sale.customer.name)
            if sale.customer
            else ""
        )
        if self.returnable.fully_returned:
            self.say(
                _("Everything on {code} has been returned already.").format(code=sale.receipt_code),
                "warning",
            )
        else:
            self.say(
                _(
                    "Sale {code}{who}: {enter} returns a whole line, {quantity} sets how many,"
                    " {all} returns everything."
                ).format(
                    code=sale.receipt_code,
                    who=who,
                    enter=key_name("enter"),
                    quantity=key_hint(self.app, "return.quantity"),
                    all=key_hint(self.app, "return.all"),
                ),
                "info",
            )
        self.query_one(DataTable).focus()

    @on(DataTable.RowSelected, "#return-lines")
    def toggle_line(self, event: DataTable.RowSelected) -> None:
        entry = self._entry(event.cursor_row)
        if entry is not None:
            line_no = entry.line.line_no
            chosen = self.quantities.get(line_no, 0)
            self.quantities[line_no] = 0 if chosen else entry.remaining
            self._show(event.cursor_row)

    def action_all(self) -> None:
        assert self.returnable is not None
        self.quantities = {e.line.line_no: e.remaining for e in self.returnable.lines}
        self._show()

    def action_quantity(self) -> None:
        row = self.query_one(DataTable).cursor_row
        entry = self._entry(row)
        if entry is None or not entry.remaining:
            self.say(_("Nothing of this line can be returned."), "warning")
            return

        def apply(quantity: int | None) -> None:
            if quantity is None:
                return
            if quantity > entry.remaining:
                self.say(
                    _("At most {count} of {name} can come back.").format(
                        count=entry.remaining, name=entry.line.name
                    ),
                    "error",
                )
                return
            self.quantities[entry.line.line_no] = quantity
            self._show(row)

        current = self.quantities.get(entry.line.line_no) or entry.remaining
        self.app.push_screen(QuantityScreen(entry.line.name, current), apply)

    def action_refund(self, method: str) -> None:
        chosen = {n: q for n, q in self.quantities.items() if q}
        if not chosen:
            self.say(
                _(
                    "Choose what comes back first: {enter} on a line, or {all} for everything."
                ).format(enter=key_name("enter"), all=key_hint(self.app, "return.all")),
                "warning",
            )
            return
        from till.core.people import Permission
        from till.screens.manager import with_approval

        paid_by = PaymentMethod(method)
        what = _("Refund {amount} {how}").format(
            amount=self.app.register.money(self._refund()), how=_(REFUNDS[paid_by])
        )

        def approved(approver: Actor | None) -> None:
            if self.returnable is not None:
                self.busy = True
                self.refresh_bindings()
                self.start_write(
                    self.app.register.refund,
                    self.returnable.sale.receipt_code,
                    chosen,
                    paid_by,
                    approver,
                    show=self.say,
                    done=self.dismiss,
                    failed=self._failed,
                )

        with_approval(self.app, what, Permission.REFUND, approved)

    def _failed(self, error: TillError) -> None:  # nothing was written: the cashier may retry
        self.busy = False
        self.refresh_bindings()
        self.say(_("The refund is NOT saved: {error}").format(error=error), "error")

    def action_back(self) -> None:
        if self.write_pending:
            self.say(_(STILL_SAVING))
        elif not self.busy:
            self.dismiss(None)

    # --- display ------------------------------------------------------------------------

    def _entry(self, row: int):
        if self.returnable is None or not 0 <= row < len(self.returnable.lines):
            return None
        return self.returnable.lines[row]

    def _refund(self) -> int:
        chosen = {n: q for n, q in self.quantities.items() if q}
        if not chosen or self.returnable is None:
            return 0
        return -sum(line.total for line in return_lines(self.returnable, chosen))

    def _show(self, row: int = 0) -> None:
        assert self.returnable is not None
        money = self.app.register.money
        table = self.query_one(DataTable)
        table.clear()
        for entry in self.returnable.lines:
            line = entry.line
            chosen = self.quantities.get(line.line_no, 0)
            share = ""
            if chosen:
                [back] = return_lines(self.returnable, {line.line_no: chosen})
                share = money(-back.total)
            numbers = (str(line.quantity), str(entry.returned), str(chosen or ""), share)
            table.add_row(plain(line.name), *(Text(n, justify="right") for n in numbers))
        table.move_cursor(row=row)
        self.query_one("#return-total", Static).update(
            Text(_("Refund {amount}").format(amount=money(self._refund())))
        )

    def say(self, text: str, severity: str = "info") -> None:
        message = self.query_one("#return-message", Static)
        message.set_classes(severity)
        message.update(plain(text))
