"""The lines of the sale in progress, kept in step with the Cart one line at a time.

A LineTable rather than a DataTable: it draws only the lines in view, repaints only the
lines that changed, and scrolls a new line into view at once, so a scan shows in the frame
that follows it (a DataTable scrolls only after the next refresh: a second frame).
"""

from __future__ import annotations

from till.core.money import MoneyFormat
from till.core.sale import Cart, CartLine
from till.core.tax import net_of
from till.i18n import N_
from till.price_words import reduction_label
from till.widgets.line_table import Cells, Column, LineTable, row_width

COLUMNS: tuple[Column, ...] = (
    (N_("Item"), 38, "left"),
    (N_("Qty"), 4, "right"),
    (N_("Price"), 12, "right"),
    (N_("Total"), 12, "right"),
)

ROW_WIDTH = row_width(COLUMNS)


class CartTable(LineTable):
    """Shows a Cart: a fixed header, one line per cart line, the selected line highlighted."""

    def __init__(self, money: MoneyFormat, **kwargs) -> None:
        super().__init__(COLUMNS, **kwargs)
        self.money = money

    def _cells_of(self, line: CartLine, excl_tax: bool) -> Cells:
        price = line.price
        unit, total = price.unit_price, price.total
        if excl_tax:
            unit, total = net_of(unit, price.vat_rate_bp), net_of(total, price.vat_rate_bp)
        why = reduction_label(price, self.money)
        name = f"{line.item.name} ({why})" if why else line.item.name
        return (name, str(line.quantity), self.money(unit), self.money(total))

    def show(self, cart: Cart, selected: int | None = None, first_changed: int = 0) -> None:
        """Bring the table in line with ``cart``. Lines before ``first_changed`` are known to be
        unchanged, so a scan costs the same on a 500-line sale as on a 5-line one; of the
        others, only the lines whose text changed are repainted."""
        excl_tax = cart.prices_excl_tax
        lines = cart.lines
        first = min(first_changed, len(lines), self.row_count)
        rows = [self._cells_of(line, excl_tax) for line in lines[first:]]
        self.set_rows(rows, first, selected)
