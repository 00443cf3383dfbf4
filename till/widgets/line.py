"""A line of plain text that repaints only when its text changes."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from till.core.text import printable


class Line(Static):
    """Stored text shown as text (never markup, never terminal controls); setting the same
    text costs nothing."""

    def __init__(self, text: str = "", **kwargs) -> None:
        super().__init__(Text(printable(text)), **kwargs)
        self._text = text

    @property
    def text(self) -> str:
        return self._text

    def show(self, text: str) -> None:
        if text != self._text:
            self._text = text
            self.update(Text(printable(text)))  # Rich passes ESC on to the terminal
