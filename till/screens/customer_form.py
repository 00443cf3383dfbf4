"""The full customer form: every field, each refused value shown with its reason at the field."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Checkbox, Footer, Input, Label, Select, Static

from till.core.customer import (
    ADDRESS_FIELDS,
    BOOLEAN_FIELDS,
    CONSENT_FIELDS,
    DETAIL_FIELDS,
    IDENTITY_FIELDS,
    LABELS,
    PRICE_FIELDS,
    Customer,
    CustomerKind,
    FieldErrors,
    shown,
)
from till.core.customer_business import WORDED_CHOICES
from till.core.text import printable
from till.errors import Reason, TillError
from till.i18n import N_, _, plural
from till.screens.writes import STILL_SAVING, WritingScreen
from till.widgets.field_error import FieldError
from till.widgets.language import TranslatedBindings, key_hint
from till.widgets.plain import plain

if TYPE_CHECKING:
    from till.app import TillApp
    from till.core.people import Actor

_BUSINESS_END = DETAIL_FIELDS.index("status")
"""The details before it are the business's (VAT, SIRET, legal form…): shown near the top."""
FORM_FIELDS = (
    *IDENTITY_FIELDS,
    *DETAIL_FIELDS[:_BUSINESS_END],
    *ADDRESS_FIELDS,
    *CONSENT_FIELDS,
    *DETAIL_FIELDS[_BUSINESS_END:],
)
LISTED = ("status", "family", "segment", "tax_zone")
TERMS_HINT = N_("receipt, eom, net30 or net45eom; empty: the shop's terms")


class CustomerFormScreen(TranslatedBindings, WritingScreen, Screen[Customer | None]):
    """Edit every field of a customer; dismisses with the saved customer, or None."""

    app: TillApp

    BINDINGS = [
        Binding("f10,ctrl+t", "save", "Save", id="form.save"),
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
    ]

    def __init__(self, customer: Customer, *, confirming: bool = False) -> None:
        super().__init__()
        self.customer = customer
        self.confirming = confirming

    def compose(self) -> ComposeResult:
        c = self.customer
        banner = f"{c.code}  {c.display_name}"
        if self.confirming:
            check = _("Please check these details with the customer, then {key}.").format(
                key=key_hint(self.app, "form.save")
            )
            banner = f"{check}  {banner}"
        self.banner = banner
        yield Static(plain(banner), id="status")
        with VerticalScroll(id="customer-form"):
            for name in FORM_FIELDS:
                with Horizontal(classes="field-row"):
                    yield Label(_(LABELS[name]), classes="field-label")
                    yield self._widget(name, getattr(c, name))
                yield FieldError(id=f"error-{name}", classes="field-error")
        yield Footer(compact=True)

    def _widget(self, name: str, value: Any) -> Widget:
        if name in BOOLEAN_FIELDS:
            return Checkbox("", value=bool(value), id=f"field-{name}", compact=True)
        if name == "kind":
            options = [(kind.value.capitalize(), kind.value) for kind in CustomerKind]
            return Select(
                options, value=str(value), allow_blank=False, id=f"field-{name}", compact=True
            )
        if name in WORDED_CHOICES:
            choices: dict[str, str | Text] = {
                code: _(words) for code, words in WORDED_CHOICES[name].items()
            }
            if value not in choices:  # a code this version does not know (from a newer till)
                choices[value] = plain(value)
            return Select(
                [(words, code) for code, words in choices.items()],
                value=value,
                allow_blank=False,
                id=f"field-{name}",
                compact=True,
            )
        if name in LISTED:
            values = self.app.register.customers.list_values(name)
            if value and value not in values:
                values.append(value)
            return Select(
                [(plain(v), v) for v in values],  # stored values: never markup nor controls
                value=value or Select.NULL,
                id=f"field-{name}",
                compact=True,
            )
        if name in ("extra", "external_codes"):
            text = "; ".join(f"{k}={v}" for k, v in _as_typed(name, value).items())
            return Input(
                text, placeholder="name=value; name=value", id=f"field-{name}", compact=True
            )
        hint = _(TERMS_HINT) if name == "payment_terms" else ""
        return Input(_as_typed(name, value), placeholder=hint, id=f"field-{name}", compact=True)

    def on_mount(self) -> None:
        self.query_one("#field-last_name", Input).focus()

    def values(self) -> dict[str, Any]:
        """What the form holds now, as the rules take it."""
        values: dict[str, Any] = {}
        for name in FORM_FIELDS:
            widget = self.query_one(f"#field-{name}")
            if isinstance(widget, Checkbox):
                values[name] = widget.value
            elif isinstance(widget, Select):
                values[name] = "" if widget.value is Select.NULL else widget.value
            else:
                text = self.query_one(f"#field-{name}", Input).value
                values[name] = _pairs(name, text) if name in ("extra", "external_codes") else text
        if self.confirming:
            values["reconfirm"] = False
        return values

    def action_save(self) -> None:
        for error in self.query(FieldError):
            error.clear()
        try:
            changed = {
                name: value
                for name, value in self.values().items()
                if value != _as_typed(name, getattr(self.customer, name))
            }
        except FieldErrors as refused:
            self._refused(refused)
            return
        price_fields = sorted(PRICE_FIELDS & changed.keys(), key=FORM_FIELDS.index)
        if not price_fields:
            self._save(changed)
            return
        from till.core.people import Permission
        from till.screens.manager import with_approval

        what = _("Change {fields}").format(
            fields=", ".join(_(LABELS[name]).lower() for name in price_fields)
        )
        with_approval(
            self.app,
            what,
            Permission.EDIT_PRICE_FIELDS,
            lambda approver: self._save(changed, approver),
        )

    def _save(self, changed: dict[str, Any], approver: Actor | None = None) -> None:
        self.start_write(
            self.app.register.customers.update,
            self.customer.id,
            changed,
            approver,
            show=self._status,
            done=self.dismiss,
            failed=self._not_saved,
        )

    def _status(self, text: str) -> None:
        self.query_one("#status", Static).update(Text(f"{self.banner}  {text}".rstrip()))

    def _not_saved(self, error: TillError) -> None:
        self._status("")
        if isinstance(error, FieldErrors):
            self._refused(error)
        else:
            self._status(_("Not saved: {error}").format(error=error))
            self.notify(str(error), severity="error", markup=False)

    def _refused(self, refused: FieldErrors) -> None:
        for name, reason in refused.errors.items():
            self.query_one(f"#error-{name}", FieldError).show_reason(reason)
        first = min(refused.errors, key=FORM_FIELDS.index)  # the first bad field from the top
        self.query_one(f"#field-{first}").focus()
        self.notify(
            plural(
                len(refused.errors),
                "{n} field refused; see the red lines.",
                "{n} fields refused; see the red lines.",
            ),
            severity="warning",
        )

    def action_cancel(self) -> None:
        if self.write_pending:  # the changes are being saved: the form closes once they are
            self._status(_(STILL_SAVING))
            return
        if not self._edited():
            self.dismiss(None)
            return
        from till.screens.prompts import ConfirmScreen

        def answer(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(ConfirmScreen(_("Discard your changes?")), answer)

    def _edited(self) -> bool:
        """Whether any field differs from the customer as stored."""
        try:
            values = self.values()
        except FieldErrors:  # a value too badly formed to read: it was typed, so it is an edit
            return True
        values.pop("reconfirm", None)  # set by the form itself when confirming
        return any(
            value != _as_typed(name, getattr(self.customer, name)) for name, value in values.items()
        )


def _pairs(field: str, text: str) -> dict[str, str]:
    pairs = {}
    for chunk in text.split(";"):
        if chunk.strip():
            name, separator, value = chunk.partition("=")
            if not separator:
                needs = N_("{text} needs a name=value form.")
                raise FieldErrors({field: Reason(needs, text=repr(chunk.strip()))})
            pairs[name.strip()] = value.strip()
    return pairs


def _as_typed(name: str, value: Any) -> Any:
    """A stored value as the form shows it and would give it back untouched, to see what the
    cashier changed. Control characters are not shown (they would reach the terminal); a value
    that held some is saved without them only if the cashier edits it."""
    if isinstance(value, CustomerKind):
        return value.value
    if isinstance(value, bool):
        return value
    if name in ("extra", "external_codes"):
        return {printable(k): printable(v) for k, v in value.items()}
    if name in LISTED or name in WORDED_CHOICES:  # a choice: given back exactly as stored
        return shown(value)
    return printable(shown(value))
