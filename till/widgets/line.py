"""A line of plain text that repaints only when its text changes."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from till.core.text import printable


class Line(Static):
    """Stored text shown as text (never markup, never terminal controls); setting the same
    text costs nothing. ``keep_newlines``: the text's own line breaks stay (two lines of
    totals), every other control character still goes."""

    def __init__(self, text: str = "", *, keep_newlines: bool = False, **kwargs) -> None:
        self._keep_newlines = keep_newlines
        super().__init__(Text(printable(text, keep_newlines=keep_newlines)), **kwargs)
        self._text = text

    @property
    def text(self) -> str:
        return self._text

    def show(self, text: str) -> None:
        if text != self._text:
            self._text = text
            # Rich passes ESC on to the terminal
            self.update(Text(printable(text, keep_newlines=self._keep_newlines)))
