"""Quick add at the till: last name plus phone or e-mail, checked against the file first."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, Static

from till.core.customer import Customer, FieldErrors, format_phone
from till.core.customer_lookup import CustomerSummary
from till.core.sale import SaleCustomer
from till.errors import Reason, TillError
from till.i18n import N_, _
from till.screens.writes import STILL_SAVING, WritingScreen
from till.widgets.field_error import FieldError
from till.widgets.language import TranslatedBindings, key_hint
from till.widgets.plain import plain

if TYPE_CHECKING:
    from till.app import TillApp

QUICK_FIELDS = (
    ("last_name", N_("Last name *")),
    ("first_name", N_("First name")),
    ("mobile", N_("Mobile")),
    ("email", N_("E-mail")),
)


class QuickAddScreen(TranslatedBindings, WritingScreen, ModalScreen[SaleCustomer | None]):
    """Dismisses with the new (or the matching existing) customer, or None."""

    app: TillApp

    BINDINGS = [
        Binding("f10,ctrl+t", "save", "Save", id="quick_add.save"),
        Binding("f2,ctrl+y", "use_match", "Use match", id="quick_add.use_match"),
        Binding("escape", "cancel", "Back", id="quick_add.cancel"),
    ]

    def __init__(self, typed: str = "") -> None:
        super().__init__()
        self.typed = typed.strip()
        self.match: CustomerSummary | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="quick-add"):
            yield Label(_("New customer: last name, and a phone or an e-mail"))
            for name, label in QUICK_FIELDS:
                yield Input(placeholder=_(label), id=f"quick-{name}")
                yield FieldError(id=f"quick-{name}-error")
            yield Static(id="quick-match", classes="warning")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        target = "quick-mobile" if any(c.isdigit() for c in self.typed) else "quick-last_name"
        if "@" in self.typed:
            target = "quick-email"
        field = self.query_one(f"#{target}", Input)
        field.value = self.typed
        self.query_one("#quick-last_name", Input).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "use_match":
            return self.match is not None
        return True

    def on_input_changed(self, event: Input.Changed) -> None:
        """Search before adding: a customer already on file is offered instead of a duplicate,
        only if they match every field typed so far."""
        field = (event.input.id or "").removeprefix("quick-")
        self.query_one(f"#quick-{field}-error", FieldError).clear()
        typed = {name: self.query_one(f"#quick-{name}", Input).value for name, _ in QUICK_FIELDS}
        self.match = self.app.register.customers.offer(typed)
        hint = ""
        if self.match:
            c = self.match
            contact = format_phone(c.mobile, self.app.register.customers.region) or c.email
            hint = _("Already on file? {code} {name} {contact} — {key} to use it").format(
                code=c.code,
                name=c.display_name,
                contact=contact,
                key=key_hint(self.app, "quick_add.use_match"),
            )
        self.query_one("#quick-match", Static).update(plain(hint))
        self.refresh_bindings()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        fields = [f"quick-{name}" for name, _ in QUICK_FIELDS]
        position = fields.index(event.input.id or "")
        if position + 1 < len(fields):
            self.query_one(f"#{fields[position + 1]}", Input).focus()
        else:
            self.action_save()

    def action_save(self) -> None:
        values = {name: self.query_one(f"#quick-{name}", Input).value for name, _ in QUICK_FIELDS}
        changes = {name: value for name, value in values.items() if value.strip()}
        errors: dict[str, Reason] = {}
        if not values["mobile"].strip() and not values["email"].strip():
            errors["mobile"] = Reason(N_("give a phone number or an e-mail."))
        if errors:
            self._refused(FieldErrors(errors))
            return
        self.start_write(
            self.app.register.customers.create,
            changes,
            show=self._status,
            done=self._added,
            failed=self._not_added,
        )

    def _status(self, text: str) -> None:
        self.query_one("#quick-match", Static).update(plain(text))

    def _not_added(self, error: TillError) -> None:
        if isinstance(error, FieldErrors):
            self._status("")
            self._refused(error)
        else:
            self._status(str(error))

    def _refused(self, refused: FieldErrors) -> None:
        names = [name for name, _ in QUICK_FIELDS]
        for name, reason in refused.errors.items():
            if name in names:
                self.query_one(f"#quick-{name}-error", FieldError).show_reason(reason)
        first = next((name for name in names if name in refused.errors), None)
        if first is not None:  # the first bad field from the top, whatever the rules checked first
            self.query_one(f"#quick-{first}", Input).focus()

    def _added(self, customer: Customer) -> None:
        self.app.notify(
            _("{code} {name} added.").format(code=customer.code, name=customer.display_name),
            markup=False,
        )
        self.dismiss(self.app.register.customers.for_sale(customer))

    def action_use_match(self) -> None:
        if self.write_pending:  # the new customer is being saved: it is the one to use
            self._status(_(STILL_SAVING))
        elif self.match is not None:
            self.dismiss(self.app.register.customers.summary_for_sale(self.match))

    def action_cancel(self) -> None:
        if self.write_pending:  # leaving now would add the customer without attaching them
            self._status(_(STILL_SAVING))
            return
        if not self._typed_more():
            self.dismiss(None)
            return
        from till.screens.prompts import ConfirmScreen

        def answer(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(ConfirmScreen(_("Discard this new customer?")), answer)

    def _typed_more(self) -> bool:
        """Whether the cashier typed anything beyond what the search passed in."""
        typed = [self.query_one(f"#quick-{name}", Input).value.strip() for name, _ in QUICK_FIELDS]
        return any(value and value != self.typed for value in typed)
