"""The support view's home: who is acting, the state of the printer, scanners and sync, and
keys to the customer file, a receipt and the X report. Read-only until a manager logs in with
their PIN (the services refuse a read-only user's changes); nothing here touches the open sale
of the register running beside it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, Label

from till.core.people import Actor, Permission, Role
from till.core.returns import parse_receipt_number
from till.errors import TillError
from till.i18n import N_, _
from till.screens.status import DeviceChecks
from till.widgets.field_error import FieldError
from till.widgets.language import TranslatedBindings, key_hint
from till.widgets.plain import plain

if TYPE_CHECKING:
    from till.app import TillApp

READ_ONLY = N_("Read-only: {key} and a manager's PIN allow changes.")
MAY_CHANGE = N_("{name} ({role}) may make changes.")


def support_viewer(till_no: int) -> Actor:
    """Who the support view acts for until a manager logs in: looks things up, changes
    nothing."""
    return Actor("", "support", Role.VIEWER, till_no)


class SupportScreen(TranslatedBindings, Screen[None]):
    """Type a receipt number and Enter to see it; the footer's keys for the rest."""

    app: TillApp

    BINDINGS = [
        Binding("f2,ctrl+f", "customers", "Customers", id="support.customers"),
        Binding("f7,ctrl+l", "receipt", "Receipt", id="support.receipt"),
        Binding("f1,ctrl+z", "x_report", "X report", id="support.x_report"),
        Binding("f5,ctrl+b", "refresh", "Refresh", id="support.refresh"),
        Binding("f11,ctrl+s", "manager_login", "Manager", id="support.login"),
    ]

    def compose(self) -> ComposeResult:
        settings = self.app.register.settings
        with Vertical(id="support"):
            title = _("{store} · Till {number} · support view").format(
                store=settings.store.name, number=settings.till.number
            )
            yield Label(plain(title))
            yield Label("", id="support-who")
            yield DeviceChecks(id="support-checks")
            yield Input(placeholder=_("Receipt number, e.g. 01-000042"), id="support-receipt")
            yield FieldError(id="support-error")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#support-receipt", Input).focus()
        self._show_who()

    def on_screen_resume(self) -> None:
        self._show_who()

    def _show_who(self) -> None:
        session = self.app.register.session
        if session.may(Permission.MANAGER_FUNCTIONS):
            said = _(MAY_CHANGE).format(name=session.user.name, role=_(session.user.role.word))
        else:
            said = _(READ_ONLY).format(key=key_hint(self.app, "support.login"))
        self.query_one("#support-who", Label).update(plain(said))

    def action_refresh(self) -> None:
        self.query_one(DeviceChecks).check()

    def action_customers(self) -> None:
        from till.screens.customer_search import CustomerSearchScreen

        self.app.push_screen(CustomerSearchScreen(attaching=False))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_receipt()

    def action_receipt(self) -> None:
        from till.screens.receipt import ReceiptScreen

        typed = self.query_one("#support-receipt", Input).value
        error = self.query_one("#support-error", FieldError)
        try:
            sale = self.app.register.sale(parse_receipt_number(typed))
        except TillError as refused:
            error.show_reason(str(refused))
            return
        error.show_reason("")
        self.app.push_screen(ReceiptScreen(sale))

    def action_x_report(self) -> None:
        from till.screens.closure import close_the_day

        close_the_day(self.app)

    def action_manager_login(self) -> None:
        from till.screens.manager import with_approval

        def logged_in(manager: Actor | None) -> None:
            if manager is not None:
                self.app.register.session.user = manager
            self._show_who()

        with_approval(
            self.app, _("Log in to make changes"), Permission.MANAGER_FUNCTIONS, logged_in
        )
