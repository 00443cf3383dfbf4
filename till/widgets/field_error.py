"""The red line under a form field that says why its value was refused."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class FieldError(Static):
    """Hidden until a reason is shown; hidden again when cleared."""

    DEFAULT_CSS = """
    FieldError { display: none; height: auto; color: $error; text-style: bold; }
    """

    def show_reason(self, reason: str) -> None:
        self.update(Text(reason))
        self.display = bool(reason)

    def clear(self) -> None:
        self.show_reason("")
