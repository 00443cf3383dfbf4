"""Small modal prompts: a yes/no confirmation and a quantity."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label

from till.core.barcodes import parse_quantity
from till.errors import TillError
from till.i18n import _
from till.widgets.language import TranslatedBindings, key_hint, key_hints
from till.widgets.plain import plain


class ConfirmScreen(TranslatedBindings, ModalScreen[bool]):
    """Ask a yes/no question; Enter or y means yes, Escape or n means no."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape,enter", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(plain(self.question))
            *others, last = key_hints(self.app, "confirm.no")
            no = _("{keys} or {last}").format(keys=", ".join(others), last=last) if others else last
            yes = key_hint(self.app, "confirm.yes")
            yield Label(_("{yes}: yes    {no}: no").format(yes=yes, no=no), classes="hint")
        yield Footer()

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)


class QuantityScreen(TranslatedBindings, ModalScreen[int | None]):
    """Ask for a new quantity for one line."""

    BINDINGS = [Binding("escape", "cancel", "Back", id="quantity.cancel")]

    def __init__(self, item_name: str, current: int) -> None:
        super().__init__()
        self.item_name = item_name
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(plain(_("Quantity of {name}").format(name=self.item_name)))
            yield Input(str(self.current), id="quantity", restrict=r"[0-9]*", max_length=3)
            yield Label("", id="quantity-error", classes="error")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#quantity", Input).select_all()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            self.dismiss(parse_quantity(event.value))
        except TillError as error:
            self.query_one("#quantity-error", Label).update(Text(str(error)))

    def action_cancel(self) -> None:
        self.dismiss(None)
