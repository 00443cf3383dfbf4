"""A small read-only table drawn with the Line API: fixed columns, a fixed header, a cursor row.

Lighter than a DataTable for the register's lists: it draws only the lines in view, keeps one
drawn strip per row, repaints only the rows whose text changed, and scrolls the cursor into
view at once (a DataTable scrolls only after the next refresh: a second frame).
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from till.core.text import printable
from till.i18n import _

Column = tuple[str, int, str]
"""Label, width in cells and alignment ("left" or "right") of a column; every cell has one
cell of padding on either side, as in a DataTable."""

Cells = tuple[str, ...]


def fit(text: str, width: int, align: str) -> str:
    """``text`` in exactly ``width`` cells: padded, or cut with an ellipsis."""
    text = printable(text)  # one line of text, whatever a stored name holds (ESC included)
    length = cell_len(text)
    if length > width:
        return set_cell_size(text, width - 1) + "…"
    padding = " " * (width - length)
    return padding + text if align == "right" else text + padding


def format_row(cells: Cells, columns: Sequence[Column]) -> str:
    """One row of ``cells`` as the plain text of a table line."""
    return "".join(
        f" {fit(text, width, align)} "
        for text, (_, width, align) in zip(cells, columns, strict=True)
    )


def row_width(columns: Sequence[Column]) -> int:
    return sum(width + 2 for _, width, _ in columns)


class LineTable(ScrollView, can_focus=False):
    """Rows of plain-text cells under a fixed header, the cursor row highlighted.

    Text is drawn as plain segments, so a stored name is never read as markup.
    """

    COMPONENT_CLASSES = {"line-table--header", "line-table--cursor", "line-table--even-row"}

    DEFAULT_CSS = """
    LineTable {
        height: 1fr;
        background: $surface;
        color: $foreground;
        overflow-x: hidden;
        & > .line-table--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        &:ansi > .line-table--header {
            background: ansi_bright_blue;
            color: ansi_default;
        }
        &:dark > .line-table--even-row {
            background: $surface-darken-1 40%;
        }
        & > .line-table--even-row {
            background: $surface-lighten-1 50%;
        }
        & > .line-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        &:ansi > .line-table--cursor {  /* the blurred cursor is invisible in ANSI themes */
            background: $block-cursor-background;
            color: $block-cursor-foreground;
        }
    }
    """

    def __init__(self, columns: Sequence[Column], **kwargs) -> None:
        super().__init__(**kwargs)
        self.columns = tuple(columns)
        self.row_width = row_width(self.columns)
        # Headings are English message ids, shown in the till's language.
        self._header = format_row(tuple(_(column[0]) for column in self.columns), self.columns)
        self._cells: list[Cells] = []
        self._lines: list[str] = []
        self._strips: dict[int, Strip] = {}
        """Drawn lines by row (-1: the header), dropped when they change."""
        self._strips_width = 0
        self._styles: tuple[Style, Style, Style, Style, Style] | None = None
        self.cursor_row = 0
        """The selected row (0 when there is none)."""

    # --- reading --------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return len(self._cells)

    def get_row_at(self, row: int) -> list[str]:
        return list(self._cells[row])

    def get_cell_at(self, coordinate: tuple[int, int]) -> str:
        row, column = coordinate
        return self._cells[row][column]

    # --- filling --------------------------------------------------------------------------

    def set_rows(self, rows: Sequence[Cells], first: int = 0, selected: int | None = None) -> None:
        """Make ``rows`` the rows from ``first`` on (those before are known to be unchanged)
        and drop any after them; only the rows whose text changed are repainted. ``selected``
        moves the cursor; otherwise it stays on a row that still exists."""
        old_count = len(self._cells)
        for index, cells in enumerate(rows, first):
            if index < old_count:
                if cells != self._cells[index]:
                    self._cells[index] = cells
                    self._lines[index] = format_row(cells, self.columns)
                    self._refresh_row(index)
            else:
                self._cells.append(cells)
                self._lines.append(format_row(cells, self.columns))
                self._refresh_row(index)
        count = first + len(rows)
        if count < old_count:
            del self._cells[count:]
            del self._lines[count:]
            for index in range(count, old_count):
                self._refresh_row(index)
        if count != old_count:
            self.virtual_size = Size(self.row_width, count + 1)
        if selected is not None and count:
            self.move_cursor(row=selected)
        else:
            self.move_cursor(row=self.cursor_row)

    # --- the cursor -----------------------------------------------------------------------

    def move_cursor(self, *, row: int) -> None:
        """Select row ``row`` (clamped to the rows there are) and scroll it into view now."""
        row = max(0, min(row, len(self._cells) - 1))
        if row != self.cursor_row:
            self._refresh_row(self.cursor_row)
            self._refresh_row(row)
            self.cursor_row = row
        self._scroll_cursor_into_view()

    @property
    def rows_in_view(self) -> int:
        return max(self.scrollable_content_region.height - 1, 1)  # the header never scrolls

    def _scroll_cursor_into_view(self) -> None:
        top = round(self.scroll_y)
        if self.cursor_row < top:
            top = self.cursor_row
        elif self.cursor_row >= top + self.rows_in_view:
            top = self.cursor_row - self.rows_in_view + 1
        top = min(top, max(len(self._cells) + 1 - self.scrollable_content_region.height, 0))
        if top != round(self.scroll_y):
            # A ScrollView scrolls at once; force: even before its scrollbar has shown.
            self.scroll_to(y=top, animate=False, force=True)

    def on_click(self, event: events.Click) -> None:
        if event.y > 0:  # not the header
            self.move_cursor(row=event.y - 1 + round(self.scroll_y))

    # --- drawing --------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles = None
        self._strips.clear()

    def on_resize(self) -> None:
        self._scroll_cursor_into_view()

    def _refresh_row(self, index: int) -> None:
        self._strips.pop(index, None)
        self.refresh_line(index + 1)

    def _row_styles(self) -> tuple[Style, Style, Style, Style, Style]:
        """Base, header, odd, even and cursor styles, worked out once per style change."""
        if self._styles is None:
            base = self.rich_style
            component = self.get_component_rich_style
            self._styles = (
                base,
                base + component("line-table--header"),
                base,
                base + component("line-table--even-row"),
                base + component("line-table--cursor"),
            )
        return self._styles

    def render_line(self, y: int) -> Strip:
        """Line ``y`` of the widget: the header, then the rows from the scroll position."""
        index = y - 1 + round(self.scroll_y) if y else -1
        width = self.size.width
        if width != self._strips_width:  # a scrollbar came or went
            self._strips.clear()
            self._strips_width = width
        strip = self._strips.get(index)
        if strip is not None:
            return strip
        base, header, odd, even, cursor = self._row_styles()
        if index == -1:
            strip = Strip([Segment(self._header, header)], self.row_width)
            strip = strip.adjust_cell_length(width, header)
        elif index >= len(self._lines):
            return Strip.blank(width, base)
        else:
            style = cursor if index == self.cursor_row else even if index % 2 == 0 else odd
            strip = Strip([Segment(self._lines[index], style)], self.row_width)
            strip = strip.adjust_cell_length(width, base)
        self._strips[index] = strip
        return strip
