"""Logging in: on start, after the till sat idle, or to switch cashier. The screen covers the
sale (which stays open underneath) until someone's PIN is right; nothing else gets through."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, Label

from till.core.people import Actor
from till.i18n import N_, _
from till.messages import Scanned
from till.screens.pin_check import PinCheck
from till.widgets.field_error import FieldError
from till.widgets.language import TranslatedBindings, key_hint, key_name
from till.widgets.plain import plain

if TYPE_CHECKING:
    from till.app import TillApp

LOG_IN = N_("Type your PIN, then {enter}.")
SWITCH_HINT = N_("{key} on the sale: switch cashier.")
"""What the login says by default; ``{enter}`` is the Enter key's name."""


class LoginScreen(TranslatedBindings, Screen[Actor]):
    """Dismisses with who logged in. The PIN is checked off the event loop."""

    app: TillApp

    BINDINGS = [Binding("escape", "clear", "Clear", id="login.clear")]

    def __init__(self, why: str = "") -> None:
        super().__init__()
        self.pin = PinCheck(self, "login-error")
        self.why = why

    def compose(self) -> ComposeResult:
        register = self.app.register
        settings = register.settings
        with Vertical(classes="dialog", id="login"):
            till = _("Till {number}").format(number=settings.till.number)
            yield Label(plain(f"{settings.store.name} · {till}"))
            why = self.why or _(LOG_IN).format(enter=key_name("enter"))
            yield Label(plain(why), id="login-why")
            yield Input(
                password=True, placeholder="PIN", id="login-pin", restrict=r"[0-9]*", max_length=12
            )
            yield FieldError(id="login-error")
            switch = key_hint(self.app, "switch_user")
            yield Label(plain(_(SWITCH_HINT).format(key=switch)), classes="hint")
            if self.app.demo:
                from till.demo import demo_login_hint

                yield Label(plain(demo_login_hint()), classes="hint")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#login-pin", Input).focus()

    def on_scanned(self, message: Scanned) -> None:
        message.stop()
        self.query_one("#login-error", FieldError).show_reason(
            _("Log in first: the scan is ignored.")
        )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.pin.submit(event.input, self.app.register.people.log_in)

    def action_clear(self) -> None:
        self.query_one("#login-pin", Input).clear()
