"""Glyphs the Linux console draws: scrollbars in whole cells, key names in words.

A stock console font holds the PC character set. Textual draws the ends of a scrollbar's thumb
in eighth blocks (▂ ▇ ▎) and names the Enter key ⏎; the console shows each as a diamond.
"""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding
from textual.scrollbar import ScrollBar, ScrollBarRender

KEY_WORDS = {"enter": "enter"}
"""Keys Textual names with a glyph the console lacks, and the word shown instead."""


class WholeCellScrollBarRender(ScrollBarRender):
    """A scrollbar whose thumb covers whole cells: blank cells on a coloured ground."""

    VERTICAL_BARS: ClassVar[list[str]] = [" "] * 8
    HORIZONTAL_BARS: ClassVar[list[str]] = [" "] * 8


def use_whole_cell_scrollbars() -> None:
    """Draw every scrollbar of the process in whole cells (Textual keeps one renderer for all)."""
    ScrollBar.renderer = WholeCellScrollBarRender


def key_word(binding: Binding) -> str | None:
    """The word to show for ``binding``'s key where Textual would show a glyph, else None."""
    if binding.key_display:
        return None
    return KEY_WORDS.get(binding.key)
