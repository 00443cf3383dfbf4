"""Taking payment: cash with change, card on the external terminal, or a split of both."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from till.core.money import MoneyFormat, parse_amount
from till.core.sale import PAYMENT_LABELS, Cart, PaymentMethod
from till.errors import TillError


class PaymentScreen(Screen[bool]):
    """Collects payments into the cart until it is settled, then dismisses with True."""

    BINDINGS = [
        Binding("f2", "pay('cash')", "Cash", id="payment.cash"),
        Binding("f3,ctrl+b", "pay('card')", "Card", id="payment.card"),
        Binding("escape", "back", "Back to sale", id="payment.back"),
    ]

    def __init__(self, cart: Cart, money: MoneyFormat) -> None:
        super().__init__()
        self.cart = cart
        self.money = money

    def compose(self) -> ComposeResult:
        with Vertical(id="payment"):
            yield Static(id="due")
            yield Static(id="payments")
            yield Static(
                "Type the amount handed over. Enter or F2: cash    F3: card", classes="hint"
            )
            yield Input(id="amount", restrict=r"[0-9.,]*", max_length=12)
            yield Static(id="payment-message")
        yield Footer()

    def on_mount(self) -> None:
        self._refresh()
        self.query_one("#amount", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_pay("cash")

    def action_pay(self, method: str) -> None:
        amount_field = self.query_one("#amount", Input)
        try:
            tendered = (
                parse_amount(amount_field.value, self.money.precision)
                if amount_field.value.strip()
                else self.cart.remaining
            )
            self.cart.pay(PaymentMethod(method), tendered)
        except TillError as error:
            self._say(str(error), "error")
            return
        if self.cart.is_settled:
            self.dismiss(True)
            return
        self._say(f"Still due: {self.money(self.cart.remaining)}", "warning")
        self._refresh()

    def action_back(self) -> None:
        self.dismiss(False)

    def _refresh(self) -> None:
        cart, money = self.cart, self.money
        self.query_one("#due", Static).update(
            Text(f"To pay  {money(cart.remaining)}   (total {money(cart.total)})")
        )
        taken = "\n".join(
            f"{PAYMENT_LABELS[p.method]:<6} {money(p.tendered)}" for p in cart.payments
        )
        self.query_one("#payments", Static).update(Text(taken or "No payment yet."))
        amount = self.query_one("#amount", Input)
        amount.value = money.plain(cart.remaining)
        amount.select_all()

    def _say(self, text: str, severity: str) -> None:
        message = self.query_one("#payment-message", Static)
        message.set_classes(severity)
        message.update(Text(text))
