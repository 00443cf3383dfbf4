"""Add or change an extra address (delivery, billing, second home, …) of a customer."""

from __future__ import annotations

from dataclasses import replace

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, Select, Static

from till.core.customer import Address
from till.core.text import printable
from till.i18n import N_, _
from till.widgets.language import TranslatedBindings

KINDS = ("delivery", "billing", "second home", "work", "other")
ADDRESS_FIELDS = (
    ("line1", N_("Address")),
    ("line2", N_("Line 2")),
    ("line3", N_("Line 3")),
    ("postcode", N_("Postcode")),
    ("city", N_("City")),
    ("country", N_("Country (FR)")),
)


class AddressScreen(TranslatedBindings, ModalScreen[Address | None]):
    """Dismisses with the address as typed (the caller saves it), or None."""

    BINDINGS = [
        Binding("f10,ctrl+t", "save", "Save", id="address.save"),
        Binding("escape", "cancel", "Back", id="address.cancel"),
    ]

    def __init__(self, address: Address | None = None) -> None:
        super().__init__()
        self.address = address or Address(kind="delivery")

    def compose(self) -> ComposeResult:
        kinds = list(dict.fromkeys((*KINDS, self.address.kind)))
        with Vertical(classes="dialog", id="address-dialog"):
            with Horizontal(classes="field-row"):
                yield Label(_("Which address"), classes="field-label")
                yield Select(
                    [(Text(printable(k).capitalize()), k) for k in kinds],  # stored: shown as text
                    value=self.address.kind,
                    allow_blank=False,
                    id="address-kind",
                    compact=True,
                )
            for name, label in ADDRESS_FIELDS:
                with Horizontal(classes="field-row"):
                    yield Label(_(label), classes="field-label")
                    yield Input(
                        printable(getattr(self.address, name)),  # never a control character
                        id=f"address-{name}",
                        compact=True,
                    )
            yield Static(id="address-error", classes="error")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#address-line1", Input).focus()

    def action_save(self) -> None:
        values = {name: self._typed(name) for name, _ in ADDRESS_FIELDS}
        if not values["line1"] and not values["city"]:
            self.query_one("#address-error", Static).update(
                Text(_("Give at least the street or the city."))
            )
            return
        values["country"] = values["country"].upper()
        kind = self.query_one("#address-kind", Select).value
        self.dismiss(replace(self.address, kind=str(kind), **values))

    def _typed(self, name: str) -> str:
        """The field as typed; a stored value shown without its control characters is given
        back as stored unless the cashier changed it."""
        stored = getattr(self.address, name)
        value = self.query_one(f"#address-{name}", Input).value.strip()
        return stored if value == printable(stored).strip() else value

    def action_cancel(self) -> None:
        self.dismiss(None)
