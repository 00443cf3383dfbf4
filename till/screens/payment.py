"""Taking payment: cash with change, card on the external terminal, points, the customer's
account, or a split of them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from till.core.money import MoneyFormat, parse_amount
from till.core.sale import PAYMENT_LABELS, Cart, PaymentMethod
from till.errors import InvalidSale, TillError
from till.i18n import _
from till.widgets.language import TranslatedBindings, key_hint, key_name

KeyHint = Callable[[str], str]
"""A binding id → its key as a sentence names it (``till.widgets.language.key_hint``)."""


def default_keys(binding_id: str) -> str:
    return key_hint(None, binding_id)


def empty_amount_hint(key: KeyHint = default_keys) -> str:
    """``An empty amount pays nothing.   Enter or F2: cash    F3: card``, with the keymap's keys."""
    return _("An empty amount pays nothing.   {enter} or {cash}: cash    {card}: card").format(
        enter=key_name("enter"), cash=key("payment.cash"), card=key("payment.card")
    )


class PaymentScreen(TranslatedBindings, Screen[bool]):
    """Collects payments into the cart until it is settled, then dismisses with True."""

    BINDINGS = [
        Binding("f2,ctrl+l", "pay('cash')", "Cash", id="payment.cash"),
        Binding("f3,ctrl+b", "pay('card')", "Card", id="payment.card"),
        Binding("f4,ctrl+o", "pay('points')", "Points", id="payment.points"),
        Binding("f5,ctrl+p", "pay('account')", "Account", id="payment.account"),
        Binding("f6,ctrl+r", "points_discount", "Points off", id="payment.points_discount"),
        Binding("escape", "back", "Back to sale", id="payment.back"),
    ]

    def __init__(
        self,
        cart: Cart,
        money: MoneyFormat,
        points: PointsOffer | None = None,
        account: AccountOffer | None = None,
        *,
        changed: Callable[[], object] | None = None,
    ) -> None:
        super().__init__()
        self.cart = cart
        self.changed = changed
        """Called after each payment or discount, while the cart is still being paid."""
        self.money = money
        self.points = points or PointsOffer()
        self.account = account or AccountOffer()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "pay" and parameters == ("points",):
            return self.points.spendable > 0
        if action == "pay" and parameters == ("account",):
            return self.account.available > 0
        if action == "points_discount":
            return not self.cart.payments and (
                self.cart.points_discount > 0 or self.points.spendable > 0
            )
        return True

    def compose(self) -> ComposeResult:
        with Vertical(id="payment"):
            yield Static(id="due")
            yield Static(id="payments")
            yield Static(empty_amount_hint(self._key), classes="hint")
            yield Static(
                Text(self.points.describe(self.money, self._key)), id="points-offer", classes="hint"
            )
            yield Static(
                Text(self.account.describe(self.money, self._key)),
                id="account-offer",
                classes="hint",
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
            # The amount due is filled in; an empty field is no amount (one rule with the
            # deposit): "Type an amount.", nothing paid.
            tendered = parse_amount(amount_field.value, self.money.precision)
            if method == "points":
                self.points.check(tendered, self.money)
            if method == "account":  # never more than is due: the typed amount if smaller
                tendered = min(tendered, self.cart.remaining)
                self.account.check(tendered, self.money, self._key)
            self.cart.pay(PaymentMethod(method), tendered)
            if method == "points":
                self.points = self.points.after(tendered)
                self.query_one("#points-offer", Static).update(
                    Text(self.points.describe(self.money, self._key))
                )
                self.refresh_bindings()
            if method == "account":
                self.account = self.account.after(tendered)
                self.query_one("#account-offer", Static).update(
                    Text(self.account.describe(self.money, self._key))
                )
                self.refresh_bindings()
        except TillError as error:
            self._say(str(error), "error")
            return
        if self.changed:
            self.changed()
        if self.cart.is_settled:
            self.dismiss(True)
            return
        self._say(
            _("Still due: {amount}").format(amount=self.money(self.cart.remaining)), "warning"
        )
        self._refresh()

    def action_points_discount(self) -> None:
        """Take the typed amount (or all the points can buy) off the sale as a discount paid
        with points; pressed again before any payment, it gives the discount back."""
        cart = self.cart
        try:
            if cart.points_discount:
                given_back = cart.points_discount
                cart.clear_points_discount()
                self.points = self.points.after(-given_back)
                self._say(
                    _("Points discount of {amount} removed.").format(amount=self.money(given_back)),
                    "info",
                )
            else:
                field = self.query_one("#amount", Input)
                worth = self.points.spendable * self.points.point_value
                typed = (
                    parse_amount(field.value, self.money.precision) if field.value.strip() else 0
                )
                amount = typed if 0 < typed < cart.remaining else min(worth, cart.total)
                amount -= amount % self.points.point_value
                self.points.check(amount, self.money)
                cart.discount_for_points(amount)
                self.points = self.points.after(amount)
                self._say(
                    _("{amount} off for points.").format(amount=self.money(amount)), "success"
                )
        except TillError as error:
            self._say(str(error), "error")
            return
        if self.changed:
            self.changed()
        self.query_one("#points-offer", Static).update(
            Text(self.points.describe(self.money, self._key))
        )
        self.refresh_bindings()
        self._refresh()

    def action_back(self) -> None:
        self.dismiss(False)

    def _key(self, binding_id: str) -> str:
        return key_hint(self.app, binding_id)

    def _refresh(self) -> None:
        cart, money = self.cart, self.money
        self.query_one("#due", Static).update(
            Text(
                _("To pay  {due}   (total {total})").format(
                    due=money(cart.remaining), total=money(cart.total)
                )
            )
        )
        taken = "\n".join(
            f"{_(PAYMENT_LABELS[p.method]):<6} {money(p.tendered)}" for p in cart.payments
        )
        if cart.points_discount:
            off = _("Points off {amount}").format(amount=money(-cart.points_discount))
            taken = f"{off}\n{taken}".strip()
        self.query_one("#payments", Static).update(Text(taken or _("No payment yet.")))
        amount = self.query_one("#amount", Input)
        amount.value = money.plain(cart.remaining)
        amount.select_all()

    def _say(self, text: str, severity: str) -> None:
        message = self.query_one("#payment-message", Static)
        message.set_classes(severity)
        message.update(Text(text))


@dataclass(frozen=True)
class PointsOffer:
    """The attached customer's points that may pay, and what one point is worth."""

    spendable: int = 0
    point_value: int = 1
    balance: int = 0
    threshold: int = 0
    note: str = ""
    """Why fewer points than the balance allows may be spent (the till is offline)."""

    def describe(self, money: MoneyFormat, key: KeyHint = default_keys) -> str:
        if self.balance < 0:
            return _("Overdrawn by {points} points: none can be spent.").format(
                points=-self.balance
            )
        if self.spendable:
            worth = money(self.spendable * self.point_value)
            text = _("{pay} pays, {off} takes off: {points} points, worth {worth}").format(
                pay=key("payment.points"),
                off=key("payment.points_discount"),
                points=self.spendable,
                worth=worth,
            )
            return f"{text}\n{self.note}" if self.note else text
        if self.note:
            return self.note
        if self.balance:
            return _("{points} points: they can be spent from {threshold}.").format(
                points=self.balance, threshold=self.threshold
            )
        return ""

    def check(self, amount: int, money: MoneyFormat) -> None:
        worth = self.spendable * self.point_value
        if amount > worth:
            raise InvalidSale(
                self.note or _("The points can pay at most {amount}.").format(amount=money(worth))
            )
        if amount % self.point_value:
            raise InvalidSale(
                _("Points pay in steps of {amount}.").format(amount=money(self.point_value))
            )

    def after(self, amount: int) -> PointsOffer:
        used = amount // self.point_value
        return PointsOffer(
            self.spendable - used, self.point_value, self.balance - used, self.threshold, self.note
        )


@dataclass(frozen=True)
class AccountOffer:
    """What the attached customer's account can pay now: its balance plus the credit allowed."""

    available: int = 0
    balance: int = 0
    credit_limit: int = 0
    note: str = ""
    """Why the account can pay less than its balance allows (the till is offline)."""

    def describe(self, money: MoneyFormat, key: KeyHint = default_keys) -> str:
        if self.available > 0:
            text = _("{key}: pay on account: {amount} available").format(
                key=key("payment.account"), amount=money(self.available)
            )
            if self.credit_limit:
                text += " " + _("(limit {amount})").format(amount=money(self.credit_limit))
            return f"{text}\n{self.note}" if self.note else text
        if self.balance < -self.credit_limit:
            return _("Overdrawn: the account owes {amount}; it cannot pay.").format(
                amount=money(-self.balance)
            )
        if self.balance < 0:
            return _("The account owes {amount}: it cannot pay more.").format(
                amount=money(-self.balance)
            )
        return self.note

    def check(self, amount: int, money: MoneyFormat, key: KeyHint = default_keys) -> None:
        if amount > self.available:
            raise InvalidSale(
                self.note
                or _("The account can pay at most {amount}: type it, then {key}.").format(
                    amount=money(self.available), key=key("payment.account")
                )
            )

    def after(self, amount: int) -> AccountOffer:
        return AccountOffer(
            self.available - amount, self.balance - amount, self.credit_limit, self.note
        )
