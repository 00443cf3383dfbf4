"""The lines of the sale in progress, kept in step with the Cart one line at a time.

A Line API widget rather than a DataTable: it draws only the lines in view, repaints only the
lines that changed, and scrolls a new line into view at once, so a scan shows in the frame
that follows it (a DataTable scrolls only after the next refresh: a second frame).
"""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from till.core.money import MoneyFormat
from till.core.sale import Cart, CartLine
from till.core.tax import net_of

COLUMNS = (
    ("Item", 38, "left"),
    ("Qty", 4, "right"),
    ("Price", 12, "right"),
    ("Total", 12, "right"),
)
"""Label, width in cells and alignment of each column; every cell has one cell of padding
on either side, as in a DataTable."""

ROW_WIDTH = sum(width + 2 for _, width, _ in COLUMNS)

Cells = tuple[str, str, str, str]


def _fit(text: str, width: int, align: str) -> str:
    """``text`` in exactly ``width`` cells: padded, or cut with an ellipsis."""
    text = text.replace("\n", " ")  # stored names are shown on one line, whatever they hold
    length = cell_len(text)
    if length > width:
        return set_cell_size(text, width - 1) + "…"
    padding = " " * (width - length)
    return padding + text if align == "right" else text + padding


def _format(cells: Cells) -> str:
    return "".join(
        f" {_fit(text, width, align)} "
        for text, (_, width, align) in zip(cells, COLUMNS, strict=True)
    )


HEADER = _format(tuple(label for label, _, _ in COLUMNS))  # type: ignore[arg-type]


class CartTable(ScrollView, can_focus=False):
    """Shows a Cart: a fixed header, one line per cart line, the selected line highlighted.

    Text is drawn as plain segments, so a stored name is never read as markup.
    """

    COMPONENT_CLASSES = {"cart-table--header", "cart-table--cursor", "cart-table--even-row"}

    DEFAULT_CSS = """
    CartTable {
        height: 1fr;
        background: $surface;
        color: $foreground;
        overflow-x: hidden;
        & > .cart-table--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        &:ansi > .cart-table--header {
            background: ansi_bright_blue;
            color: ansi_default;
        }
        &:dark > .cart-table--even-row {
            background: $surface-darken-1 40%;
        }
        & > .cart-table--even-row {
            background: $surface-lighten-1 50%;
        }
        & > .cart-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        &:ansi > .cart-table--cursor {  /* the blurred cursor is invisible in ANSI themes */
            background: $block-cursor-background;
            color: $block-cursor-foreground;
        }
    }
    """

    def __init__(self, money: MoneyFormat, **kwargs) -> None:
        super().__init__(**kwargs)
        self.money = money
        self._cells: list[Cells] = []
        self._lines: list[str] = []
        self._strips: dict[int, Strip] = {}
        """Drawn lines by cart line (-1: the header), dropped when they change."""
        self._strips_width = 0
        self._styles: tuple[Style, Style, Style, Style, Style] | None = None
        self.cursor_row = 0
        """The selected line (0 when there is none)."""

    # --- what the sale screen and the tests read ----------------------------------------

    @property
    def row_count(self) -> int:
        return len(self._cells)

    def get_row_at(self, row: int) -> list[str]:
        return list(self._cells[row])

    def get_cell_at(self, coordinate: tuple[int, int]) -> str:
        row, column = coordinate
        return self._cells[row][column]

    # --- keeping in step with the cart --------------------------------------------------

    def _cells_of(self, line: CartLine, excl_tax: bool) -> Cells:
        unit = getattr(line, "unit_price", None)
        if unit is None:
            unit = line.item.unit_price
        total = line.total
        if excl_tax:
            rate = line.item.vat_rate_bp
            unit, total = net_of(unit, rate), net_of(total, rate)
        return (line.item.name, str(line.quantity), self.money(unit), self.money(total))

    def show(self, cart: Cart, selected: int | None = None, first_changed: int = 0) -> None:
        """Bring the table in line with ``cart``. Lines before ``first_changed`` are known to be
        unchanged, so a scan costs the same on a 500-line sale as on a 5-line one; of the
        others, only the lines whose text changed are repainted."""
        excl_tax = cart.prices_excl_tax
        lines = cart.lines
        old_count = len(self._cells)
        for index in range(first_changed, len(lines)):
            cells = self._cells_of(lines[index], excl_tax)
            if index < old_count:
                if cells != self._cells[index]:
                    self._cells[index] = cells
                    self._lines[index] = _format(cells)
                    self._refresh_row(index)
            else:
                self._cells.append(cells)
                self._lines.append(_format(cells))
                self._refresh_row(index)
        if len(lines) < old_count:
            del self._cells[len(lines) :]
            del self._lines[len(lines) :]
            for index in range(len(lines), old_count):
                self._refresh_row(index)
        if len(lines) != old_count:
            self.virtual_size = Size(ROW_WIDTH, len(lines) + 1)
        if selected is not None and lines:
            self.move_cursor(row=selected)
        else:
            self.move_cursor(row=self.cursor_row)  # stays on a line that still exists

    # --- the cursor ---------------------------------------------------------------------

    def move_cursor(self, *, row: int) -> None:
        """Select line ``row`` (clamped to the lines there are) and scroll it into view now."""
        row = max(0, min(row, len(self._cells) - 1))
        if row != self.cursor_row:
            self._refresh_row(self.cursor_row)
            self._refresh_row(row)
            self.cursor_row = row
        self._scroll_cursor_into_view()

    @property
    def _rows_in_view(self) -> int:
        return max(self.scrollable_content_region.height - 1, 1)  # the header never scrolls

    def _scroll_cursor_into_view(self) -> None:
        top = round(self.scroll_y)
        if self.cursor_row < top:
            top = self.cursor_row
        elif self.cursor_row >= top + self._rows_in_view:
            top = self.cursor_row - self._rows_in_view + 1
        top = min(top, max(len(self._cells) + 1 - self.scrollable_content_region.height, 0))
        if top != round(self.scroll_y):
            # A ScrollView scrolls at once; force: even before its scrollbar has shown.
            self.scroll_to(y=top, animate=False, force=True)

    def on_click(self, event: events.Click) -> None:
        if event.y > 0:  # not the header
            self.move_cursor(row=event.y - 1 + round(self.scroll_y))

    # --- drawing ------------------------------------------------------------------------

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
            even = base + component("cart-table--even-row")
            self._styles = (
                base,
                base + component("cart-table--header"),
                base,
                even,
                base + component("cart-table--cursor"),
            )
        return self._styles

    def render_line(self, y: int) -> Strip:
        """Line ``y`` of the widget: the header, then the lines from the scroll position."""
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
            strip = Strip([Segment(HEADER, header)], ROW_WIDTH).adjust_cell_length(width, header)
        elif index >= len(self._lines):
            return Strip.blank(width, base)
        else:
            style = cursor if index == self.cursor_row else even if index % 2 == 0 else odd
            strip = Strip([Segment(self._lines[index], style)], ROW_WIDTH)
            strip = strip.adjust_cell_length(width, base)
        self._strips[index] = strip
        return strip
