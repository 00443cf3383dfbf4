"""A customer's account on their file (balance, credit, movements) and taking a deposit."""

from __future__ import annotations

from datetime import date
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Input, Label, Static

from till.account_words import balance_words, kind_words, local_time, overdraft_words
from till.core.money import MoneyFormat, parse_amount
from till.errors import TillError
from till.i18n import N_, _, plural
from till.record_words import reason_words
from till.widgets.field_error import FieldError
from till.widgets.language import TranslatedBindings, key_hint
from till.widgets.plain import plain

if TYPE_CHECKING:
    from till.account_service import AccountService
    from till.core.formats import Formats
    from till.core.invoice_account import InvoicesDue
    from till.invoice_service import InvoiceService

INVOICES_SHOWN = 8
"""The oldest invoices left to pay listed on the Account tab; the totals count them all."""
MOVEMENT_COLUMNS = (  # 68 columns and their padding: inside 80 even with a scrollbar
    (N_("When"), 16),
    (N_("What"), 15),
    (N_("Amount"), 11),
    (N_("Receipt, reason"), 15),
    (N_("Who"), 11),
)


class AccountPanel(Vertical):
    """The Account tab of a customer's file: the balance in words, any credit, the movements."""

    DEFAULT_CSS = """
    AccountPanel { height: auto; }
    """

    def compose(self) -> ComposeResult:
        yield Static(id="customer-account")
        invoices_due = Static(id="customer-invoices-due")
        invoices_due.display = False  # shown once invoices are found left to pay
        yield invoices_due
        yield DataTable(id="customer-account-moves", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label, width in MOVEMENT_COLUMNS:
            table.add_column(Text(_(label)), width=width)

    def show(
        self,
        accounts: AccountService,
        money: MoneyFormat,
        customer_id: str,
        *,
        business: bool,
        invoices: InvoiceService | None = None,
        formats: Formats | None = None,
    ) -> None:
        moves = accounts.movements(customer_id)
        balance = accounts.balance(customer_id)
        if invoices is not None and formats is not None:
            self.app.run_worker(
                partial(self._read_invoices, invoices, money, formats, customer_id, balance),
                group="account-invoices",
                thread=True,
                exit_on_error=False,
            )
        limit = accounts.credit_limit(business)
        overdrawn = accounts.overdrawn(customer_id, business=business) if balance < -limit else None
        text = Text(balance_words(balance, money, any_movement=bool(moves)), style="bold")
        if overdrawn is not None:
            text.append(f"\n{overdraft_words(overdrawn, money)}", style="bold")
            text.append(
                "\n"
                + _(
                    "Nothing can be paid on account until it is paid off (a deposit, {key})."
                ).format(key=key_hint(self.app, "customer.deposit")),
                style="bold",
            )
        if limit:
            text.append(
                "\n" + _("Credit limit {amount}: the account can pay ").format(amount=money(limit))
            )
            text.append(money(max(balance + limit, 0)))
        text.append(
            "\n"
            + _("{key} takes a deposit (cash or card).").format(
                key=key_hint(self.app, "customer.deposit")
            ),
            style="dim",
        )
        self.query_one("#customer-account", Static).update(text)
        table = self.query_one(DataTable)
        table.clear()
        for move in moves:
            table.add_row(
                local_time(move.at, money.locale),
                plain(kind_words(move.kind)),  # an unknown kind is shown as stored
                Text(f"{'+' if move.amount > 0 else ''}{money(move.amount)}", justify="right"),
                plain(" ".join(p for p in (move.receipt_code, reason_words(move.reason)) if p)),
                plain(move.actor),
                height=None,  # a long reason or actor wraps rather than leave the screen
            )

    def _read_invoices(
        self,
        invoices: InvoiceService,
        money: MoneyFormat,
        formats: Formats,
        customer_id: str,
        balance: int,
    ) -> None:
        """In a worker: the invoices the account still owes, shown when read."""
        due = invoices.due(customer_id, balance, date.today())
        self.app.call_from_thread(self._show_invoices, due, money, formats)

    def _show_invoices(self, due: InvoicesDue, money: MoneyFormat, formats: Formats) -> None:
        if not self.is_attached:
            return
        shown = self.query_one("#customer-invoices-due", Static)
        shown.update(invoices_due_text(due, money, formats))
        shown.display = bool(due.unpaid)


def invoices_due_text(due: InvoicesDue, money: MoneyFormat, formats: Formats) -> Text:
    """One line per invoice left to pay (number, date, due date, amount, overdue), then the
    totals; nothing when no invoice is due."""
    text = Text()
    if not due.unpaid:
        return text
    for invoice in due.unpaid[:INVOICES_SHOWN]:
        text.append(
            _("{number}  of {date}  due {due_date}  {amount}").format(
                number=invoice.number,
                date=formats.date(invoice.issue_date),
                due_date=formats.date(invoice.due_date),
                amount=money(invoice.amount),
            )
        )
        if invoice.overdue:
            text.append("  " + _("OVERDUE"), style="bold")
        text.append("\n")
    more = len(due.unpaid) - INVOICES_SHOWN
    if more > 0:
        text.append(plural(more, "and {n} more invoice", "and {n} more invoices") + "\n")
    totals = _("Invoices due {total}").format(total=money(due.total))
    if due.overdue:
        totals += ", " + _("overdue {amount}").format(amount=money(due.overdue))
    text.append(totals, style="bold")
    return text


Deposit = tuple[int, str]
"""The amount in minor units, and ``cash`` or ``card``."""


class DepositScreen(TranslatedBindings, ModalScreen[Deposit | None]):
    """Asks how much the customer hands over for their account and how they pay it."""

    CSS_PATH = Path(__file__).parent.parent / "styles" / "account.tcss"

    BINDINGS = [
        Binding("f2,ctrl+l", "take('cash')", "Cash", id="deposit.cash"),
        Binding("f3,ctrl+b", "take('card')", "Card", id="deposit.card"),
        Binding("escape", "cancel", "Cancel", id="deposit.cancel"),
    ]

    def __init__(self, customer_label: str, balance_label: str, precision: int) -> None:
        super().__init__()
        self.customer_label = customer_label
        self.balance_label = balance_label
        self.precision = precision

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="deposit"):
            yield Label(
                plain(
                    _("Deposit for {customer}").format(customer=self.customer_label), style="bold"
                )
            )
            yield Label(
                Text(_("Account now: {balance}").format(balance=self.balance_label)),
                id="deposit-balance",
            )
            yield Input(
                placeholder=_("Amount handed over"),
                id="deposit-amount",
                restrict=r"[0-9.,]*",
                max_length=12,
            )
            yield FieldError(id="deposit-error")
            yield Label(
                _("An empty amount pays nothing: type what is handed over."), classes="hint"
            )
            yield Label(
                _("{cash}: paid in cash    {card}: paid by card    {cancel}: cancel").format(
                    cash=key_hint(self.app, "deposit.cash"),
                    card=key_hint(self.app, "deposit.card"),
                    cancel=key_hint(self.app, "deposit.cancel"),
                ),
                classes="hint",
            )
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#deposit-amount", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()  # Enter chooses nothing: the method is a deliberate key
        if self._amount() is not None:
            self._error(
                _("Now say how it is paid: {cash} cash, {card} card.").format(
                    cash=key_hint(self.app, "deposit.cash"), card=key_hint(self.app, "deposit.card")
                )
            )

    def action_take(self, method: str) -> None:
        amount = self._amount()
        if amount is not None:
            self.dismiss((amount, method))

    def action_cancel(self) -> None:
        self.dismiss(None)

    def _amount(self) -> int | None:
        """The typed amount, or None with the reason shown at the field."""
        typed = self.query_one("#deposit-amount", Input).value
        try:
            amount = parse_amount(typed, self.precision)
        except TillError as error:
            self._error(str(error))
            return None
        if amount == 0:
            self._error(_("A deposit must be more than zero."))
            return None
        self._error("")
        return amount

    def _error(self, reason: str) -> None:
        self.query_one("#deposit-error", FieldError).show_reason(reason)
