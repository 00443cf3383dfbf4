"""Stored text as a Rich ``Text`` for any widget: never markup, never terminal controls.

Rich and Textual drop only BEL, BS, VT, FF and CR from a ``Text``; an ESC in a stored name
reaches the terminal as the start of an escape sequence. Every widget cell or label built
from stored text goes through ``plain`` (``Line`` and ``LineTable`` do it themselves).
"""

from __future__ import annotations

from typing import Any

from rich.text import Text

from till.core.text import printable


def plain(text: str, **kwargs: Any) -> Text:
    """``text`` as a Rich Text of printable characters (line breaks kept)."""
    return Text(printable(text, keep_newlines=True), **kwargs)
