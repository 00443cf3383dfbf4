"""The manager's "Close the day": the X report of the running day, the cash counted, then the
Z taken and shown. Handed the closure service and who acts; it never touches the database
itself, and every call runs in a thread worker."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, Static

from till.closure_service import ClosureService
from till.core.closures import Closure
from till.core.money import MoneyFormat, parse_amount
from till.core.people import Actor
from till.errors import TillError
from till.i18n import N_, _
from till.widgets.field_error import FieldError
from till.widgets.language import TranslatedBindings, key_hint

COUNT_THE_DRAWER = N_("Count the cash in the drawer and type it; {close} closes the day.")


class ClosureScreen(TranslatedBindings, ModalScreen["Closure | None"]):
    """Shows the X report, asks for the cash counted, takes the Z; dismisses with the Z taken
    (None: left without closing)."""

    CSS_PATH = Path(__file__).parent.parent / "styles" / "closure.tcss"
    BINDINGS = [
        Binding("f10,ctrl+t", "close_day", "Close the day", id="closure.close"),
        Binding("escape", "back", "Back", id="closure.back"),
    ]

    def __init__(
        self,
        service: ClosureService,
        actor: Actor,
        approver: Actor | None,
        money: MoneyFormat,
    ) -> None:
        super().__init__()
        self.service = service
        self.actor = actor
        self.approver = approver
        self.money = money
        self.taken: Closure | None = None
        self.busy = False
        self.close_asked = False  # F10 typed ahead, while the X report was still being read

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="closure"):
            yield Label(_("Close the day"), classes="field-label", id="closure-title")
            with VerticalScroll(id="closure-scroll"):
                yield Static(_("Reading the day…"), id="closure-report", markup=False)
            yield Input(placeholder=_("Cash counted, e.g. 152,40"), id="closure-counted")
            yield FieldError(id="closure-error")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#closure-counted", Input).focus()
        self._off_loop(lambda: self.service.x_report(self.actor, self.approver), self._report_read)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_close_day()

    def action_close_day(self) -> None:
        if self.taken is not None:
            return
        if self.busy:
            self.close_asked = True
            return
        text = self.query_one("#closure-counted", Input).value
        try:
            counted = parse_amount(text, self.money.precision) if text.strip() else None
        except TillError as error:
            self._refusal(str(error))
            return
        self.query_one("#closure-error", FieldError).show_reason(_("Closing the day…"))
        self._off_loop(
            lambda: self.service.close_day(self.actor, self.approver, counted=counted),
            self._day_closed,
        )

    def action_back(self) -> None:
        if not self.busy:
            self.dismiss(self.taken)

    def _off_loop(self, call, then) -> None:
        """Run ``call`` off the event loop; ``then`` gets its result, a refusal is shown."""
        self.busy = True
        app = self.app

        def run() -> None:
            try:
                result = call()
            except TillError as error:
                app.call_from_thread(self._refusal, str(error))
            else:
                app.call_from_thread(then, result)

        self.run_worker(run, thread=True, group="closure", exit_on_error=False)

    def _report_read(self, report: Closure) -> None:
        self.busy = False
        if self.is_attached:
            self._display(report)
            self.query_one("#closure-error", FieldError).show_reason(
                _(COUNT_THE_DRAWER).format(close=key_hint(self.app, "closure.close"))
            )
            if self.close_asked:
                self.close_asked = False
                self.action_close_day()

    def _day_closed(self, closure: Closure) -> None:
        self.busy = False
        self.taken = closure
        if self.is_attached:
            self._display(closure)
            self.query_one("#closure-title", Label).update(
                _("{name} taken").format(name=closure.name)
            )
            self.query_one("#closure-counted", Input).disabled = True
            self.query_one("#closure-error", FieldError).show_reason(
                _("{name} is kept and signed. {back}: back.").format(
                    name=closure.name, back=key_hint(self.app, "closure.back")
                )
            )

    def _display(self, closure: Closure) -> None:
        report = self.service.preview(closure)
        self.query_one("#closure-report", Static).update(Text(report))

    def _refusal(self, reason: str) -> None:
        self.busy = False
        self.close_asked = False
        if self.is_attached:
            self.query_one("#closure-error", FieldError).show_reason(reason)


def close_the_day(app) -> None:
    """The X report, the cash counted and the Z, for a manager or with a manager's PIN (the
    report shows the cash expected, which a blind count must not see first)."""
    from till.core.people import Permission
    from till.screens.manager import with_approval

    register = app.register

    def approved(approver: Actor | None) -> None:
        user = register.session.user
        app.push_screen(ClosureScreen(register.closures, user, approver, register.money))

    with_approval(app, _("Close the day"), Permission.CLOSE_PERIOD, approved)
