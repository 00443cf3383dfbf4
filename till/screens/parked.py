"""Parked sales: name the sale to put aside, or pick one to resume."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Footer, Input, Label, Static

from till.i18n import N_, _
from till.screens.prompts import ConfirmScreen
from till.screens.writes import WritingScreen
from till.widgets.language import TranslatedBindings
from till.widgets.plain import plain

if TYPE_CHECKING:
    from till.app import TillApp
    from till.core.sale import Parked


class ParkNameScreen(TranslatedBindings, ModalScreen[str | None]):
    """Asks under which name to park the sale."""

    BINDINGS = [Binding("escape", "cancel", "Back", id="park.cancel")]

    def __init__(self, suggestion: str) -> None:
        super().__init__()
        self.suggestion = suggestion

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(_("Park this sale under the name:"))
            yield Input(self.suggestion, id="park-name", max_length=40)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#park-name", Input).select_all()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ParkedScreen(TranslatedBindings, WritingScreen, Screen[str | None]):
    """The sales parked on this till; dismisses with the id of the one to resume."""

    app: TillApp

    BINDINGS = [
        Binding("enter", "resume", "Resume", id="parked.resume", priority=True),
        Binding("f8,ctrl+r", "discard", "Discard", id="parked.discard"),
        Binding("escape", "back", "Back", id="parked.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.parked: list[Parked] = []

    def compose(self) -> ComposeResult:
        yield Static("Parked sales", id="status")
        yield DataTable(id="parked-sales", cursor_type="row", zebra_stripes=True)
        yield Static(id="parked-message")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        columns = ((N_("Name"), 30), (N_("Parked at"), 16), (N_("Items"), 6), (N_("Total"), 12))
        for label, width in columns:
            table.add_column(Text(_(label)), width=width)
        self.load()
        table.focus()

    def load(self) -> None:
        self.parked = self.app.register.parked()
        table = self.query_one(DataTable)
        table.clear()
        money = self.app.register.money
        for sale in self.parked:
            when = self.app.register.formats.date_time(sale.created_at)
            table.add_row(
                plain(sale.name),
                when,
                str(sale.item_count),
                Text(money(sale.total), justify="right"),
            )
        if not self.parked:
            self.query_one("#parked-message", Static).update(_("No parked sale on this till."))

    def _selected(self) -> Parked | None:
        if not self.parked:
            return None
        return self.parked[min(self.query_one(DataTable).cursor_row, len(self.parked) - 1)]

    def action_resume(self) -> None:
        chosen = self._selected()
        if chosen is not None:
            self.dismiss(chosen.id)

    def action_discard(self) -> None:
        chosen = self._selected()
        if chosen is None:
            return

        def answer(yes: bool | None) -> None:
            if yes:
                self.start_write(
                    self.app.register.discard_parked,
                    chosen.id,
                    show=self._say,
                    done=self._discarded,
                )

        self.app.push_screen(
            ConfirmScreen(_("Discard the parked sale {name!r}?").format(name=chosen.name)), answer
        )

    def _discarded(self, nothing: None) -> None:
        self._say(_("Parked sale discarded."))
        self.load()

    def _say(self, text: str) -> None:
        self.query_one("#parked-message", Static).update(plain(text))

    def action_back(self) -> None:
        self.dismiss(None)
