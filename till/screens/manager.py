"""Manager approval by PIN, and the points adjustment it guards."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label

from till.core.people import Actor, Permission
from till.core.pin import NO_MANAGER_PIN
from till.i18n import N_, _
from till.screens.pin_check import PinCheck
from till.widgets.field_error import FieldError
from till.widgets.language import TranslatedBindings
from till.widgets.number_input import NumberInput
from till.widgets.plain import plain

if TYPE_CHECKING:
    from till.app import TillApp


HOW_MANY_POINTS = N_("Type how many points: 50 adds, -50 removes.")
POINTS_ARE_WHOLE = N_("Points are a whole number (letters are refused): 50 adds, -50 removes.")


class ManagerPinScreen(TranslatedBindings, ModalScreen["Actor | None"]):
    """Asks for the PIN of someone who may allow ``permission``; dismisses with who approved
    (None: cancelled). The PIN is checked off the event loop (scrypt takes a moment)."""

    app: TillApp

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="manager.cancel")]

    def __init__(self, what: str, permission: Permission) -> None:
        super().__init__()
        self.pin = PinCheck(self, "manager-error")
        self.what = what
        self.permission = permission

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(_("Manager approval"), classes="field-label")
            yield Label(plain(self.what))
            yield Input(
                password=True,
                placeholder=_("Manager PIN"),
                id="manager-pin",
                restrict=r"[0-9]*",
                max_length=12,
            )
            yield FieldError(id="manager-error")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#manager-pin", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        people = self.app.register.people
        self.pin.submit(event.input, lambda pin: people.approve(pin, self.permission))

    def action_cancel(self) -> None:
        self.dismiss(None)


def with_approval(
    app: TillApp,
    what: str,
    permission: Permission,
    then: Callable[[Actor | None], object],
    cancelled: Callable[[], object] = lambda: None,
) -> None:
    """Run ``then``: at once with None when the user logged in may do it themselves, else
    with whoever approves it by PIN (``cancelled`` if nobody does)."""
    register = app.register
    if register.session.may(permission):
        then(None)
        return
    if not register.people.can_approve:
        app.notify(_(NO_MANAGER_PIN), severity="warning", markup=False)
        cancelled()
        return

    def answered(approver: Actor | None) -> None:
        if approver is None:
            cancelled()
        else:
            then(approver)

    app.push_screen(ManagerPinScreen(what, permission), answered)


class AdjustPointsScreen(TranslatedBindings, ModalScreen[tuple[int, str] | None]):
    """How many points to add (or remove, with a minus) and why."""

    BINDINGS = [
        Binding("f10,ctrl+t", "save", "Continue", id="adjust.save"),
        Binding("escape", "cancel", "Cancel", id="adjust.cancel"),
    ]

    def __init__(self, customer_label: str, balance: int) -> None:
        super().__init__()
        self.customer_label = customer_label
        self.balance = balance

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(
                plain(
                    _("Adjust points of {customer}: {balance} now").format(
                        customer=self.customer_label, balance=self.balance
                    )
                )
            )
            yield NumberInput(
                signed=True,
                placeholder=_("Points: 50 to add, -50 to remove"),
                id="adjust-points",
                max_length=7,
            )
            yield Input(
                placeholder=_("Why (shown in the history and the audit log)"),
                id="adjust-reason",
                max_length=120,
            )
            yield FieldError(id="adjust-error")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#adjust-points", Input).focus()

    def on_number_input_refused(self, event: NumberInput.Refused) -> None:
        self.query_one("#adjust-error", FieldError).show_reason(_(POINTS_ARE_WHOLE))

    def on_input_changed(self, event: Input.Changed) -> None:
        self.query_one("#adjust-error", FieldError).clear()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id != "adjust-points":
            self.action_save()
        elif not self.query_one("#adjust-points", NumberInput).number:
            self.query_one("#adjust-error", FieldError).show_reason(_(HOW_MANY_POINTS))
        else:
            self.query_one("#adjust-reason", Input).focus()

    def action_save(self) -> None:
        typed = self.query_one("#adjust-points", Input).value
        reason = self.query_one("#adjust-reason", Input).value.strip()
        error = self.query_one("#adjust-error", FieldError)
        if typed in ("", "-") or int(typed) == 0:
            error.show_reason(_(HOW_MANY_POINTS))
        elif not reason:
            error.show_reason(_("Say why the points are adjusted."))
        else:
            from till.core.bounds import check_points_adjustment
            from till.core.text import clean_line
            from till.errors import InvalidSale

            try:
                points = check_points_adjustment(int(typed), self.balance)
                reason = clean_line(reason)
            except InvalidSale as refused:
                error.show_reason(str(refused))
            except ValueError as refused:
                error.show_reason(_("The reason {problem}").format(problem=refused))
            else:
                self.dismiss((points, reason))

    def action_cancel(self) -> None:
        self.dismiss(None)
