"""The text preview of a receipt, with reprint."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from till.core.sale import RecordedSale

if TYPE_CHECKING:
    from till.app import TillApp


class ReceiptScreen(Screen):
    """Shows a recorded sale's receipt exactly as the printer gets it, in text."""

    app: TillApp

    BINDINGS = [
        Binding("escape,f7,ctrl+l", "app.pop_screen", "Back", id="receipt.back"),
        Binding("f6,ctrl+p", "reprint", "Reprint", id="receipt.reprint"),
        Binding("f5,ctrl+o", "open_drawer", "Open drawer", id="receipt.drawer"),
    ]

    def __init__(self, sale: RecordedSale) -> None:
        super().__init__()
        self.sale = sale

    def compose(self) -> ComposeResult:
        preview = self.app.register.printer.preview(self.sale)
        with VerticalScroll(id="receipt"):
            yield Static(Text(preview), id="receipt-text")
        yield Footer()

    def action_reprint(self) -> None:
        self.app.reprint(self.sale)
        self.notify(f"Reprinting {self.sale.receipt_code}.", markup=False)

    def action_open_drawer(self) -> None:
        """Opening the drawer outside a cash sale needs a manager."""
        from till.screens.manager import ManagerPinScreen

        def approved(ok: bool | None) -> None:
            if ok:
                self.app.open_drawer()

        self.app.push_screen(ManagerPinScreen("Open the cash drawer"), approved)
