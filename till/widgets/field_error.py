"""The red line under a form field that says why its value was refused."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from till.errors import Reason


class FieldError(Static):
    """Hidden until a reason is shown; hidden again when cleared."""

    DEFAULT_CSS = """
    FieldError { display: none; height: auto; color: $error; text-style: bold; }
    """

    def show_reason(self, reason: str | Reason) -> None:
        """Show ``reason``: text, or a reason kept as data, worded now."""
        said = str(reason)
        self.update(Text(said))
        self.display = bool(said)

    def clear(self) -> None:
        self.show_reason("")
