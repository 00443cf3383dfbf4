"""The kiosk: a customer scans their card and sees (or prints) their points. Nothing else is
reachable; it goes back to the welcome screen by itself."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input, Static

from till.errors import TillError
from till.i18n import N_, _, plural
from till.messages import Scanned
from till.widgets.footer import TillFooter
from till.widgets.language import TranslatedBindings, key_hint
from till.widgets.plain import plain

if TYPE_CHECKING:
    from till.app import TillApp
    from till.core.customer import Customer

WELCOME = N_("Welcome!\n\nScan your loyalty card to see your points.")


class KioskScreen(TranslatedBindings, Screen):
    """Shows one customer's points after a card scan, then the welcome again."""

    app: TillApp

    BINDINGS = [
        Binding("f6,ctrl+p", "print_slip", "Print my points", id="kiosk.print"),
        Binding("escape", "welcome", "Done", id="kiosk.done"),
    ]

    def __init__(self, timeout: float = 20) -> None:
        super().__init__()
        self.timeout = timeout
        self.customer: Customer | None = None
        self._back: Timer | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="kiosk"):
            yield Static(plain(self.app.register.settings.store.name), id="kiosk-store")
            yield Static(Text(_(WELCOME)), id="kiosk-text")
            with Center():
                yield Input(id="kiosk-scan", password=True)
        yield TillFooter(compact=True)

    def on_mount(self) -> None:
        self.query_one("#kiosk-scan", Input).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "print_slip":  # a kiosk without a printer does not offer a slip
            return self.customer is not None and self._can_print
        if action == "welcome":
            return self.customer is not None
        return True

    @on(Input.Submitted, "#kiosk-scan")
    def card_typed(self, event: Input.Submitted) -> None:
        event.input.clear()
        if event.value.strip():
            self.post_message(Scanned(event.value, "keyboard", "loyalty"))

    def on_scanned(self, message: Scanned) -> None:
        number = message.text.strip()
        loyalty = self.app.register.loyalty
        try:
            loyalty.check_card(number)
        except TillError as error:
            self._show(None, str(error))
            return
        customer = self.app.register.customers.by_card(number)
        if customer is None or not customer.active:
            self._show(None, _("We do not know this card. Please ask at the till."))
            return
        summary = loyalty.summary(customer.id)
        program = loyalty.program
        worth = self.app.register.money(summary.balance * program.point_value)
        lines = [
            _("Hello {name}!").format(name=customer.first_name or customer.last_name),
            "",
            plural(
                summary.balance,
                "You have {n} point, worth {worth}.",
                "You have {n} points, worth {worth}.",
                worth=worth,
            ),
        ]
        if loyalty.can_spend(summary.balance):
            lines.append(_("You can use them at the till today."))
        else:
            lines.append(
                _("From {threshold} points you can use them at the till.").format(
                    threshold=program.threshold
                )
            )
        if summary.next_expiry_points:
            expiry = self.app.register.formats.date(summary.next_expiry)
            lines.append(
                plural(
                    summary.next_expiry_points,
                    "{n} point expires on {date}.",
                    "{n} points expire on {date}.",
                    date=expiry,
                )
            )
        done = _("{key}: done").format(key=key_hint(self.app, "kiosk.done"))
        if self._can_print:
            printing = _("{key}: print my points").format(key=key_hint(self.app, "kiosk.print"))
            done = f"{printing}    {done}"
        lines += ["", done]
        self._show(customer, "\n".join(lines))

    @property
    def _can_print(self) -> bool:
        return self.app.register.settings.printer.url not in ("", "none")

    def _show(self, customer: Customer | None, text: str) -> None:
        self.customer = customer
        self.query_one("#kiosk-text", Static).update(plain(text))
        self.refresh_bindings()
        if self._back is not None:
            self._back.stop()
        self._back = self.set_timer(self.timeout, self.action_welcome)

    def action_print_slip(self) -> None:
        if self.customer is not None:
            customer = self.customer
            self.app.print_document(
                self.app.register.loyalty.slip(
                    customer.short_name,
                    customer.card_number,
                    customer.id,
                    with_card=False,
                )
            )
            self.query_one("#kiosk-text", Static).update(Text(_("Printing… take your slip below.")))

    def action_welcome(self) -> None:
        self.customer = None
        self.query_one("#kiosk-text", Static).update(Text(_(WELCOME)))
        self.query_one("#kiosk-scan", Input).clear()
        self.refresh_bindings()
