"""The lines of the sale in progress, kept in step with the Cart one row at a time."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable

from till.core.money import MoneyFormat
from till.core.sale import Cart
from till.core.tax import net_of


class CartTable(DataTable):
    """Shows a Cart; stored names are wrapped in Text so they are never read as markup."""

    DEFAULT_CSS = """
    CartTable { height: 1fr; }
    """

    def __init__(self, money: MoneyFormat, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.money = money
        self.can_focus = False

    def on_mount(self) -> None:
        self.add_column("Item", key="name", width=38)
        self.add_column(Text("Qty", justify="right"), key="qty", width=4)
        self.add_column(Text("Price", justify="right"), key="price", width=12)
        self.add_column(Text("Total", justify="right"), key="total", width=12)

    def show(self, cart: Cart, selected: int | None = None, first_changed: int = 0) -> None:
        """Bring the table in line with ``cart``. Lines before ``first_changed`` are known to be
        unchanged, so a scan costs the same on a 500-line sale as on a 5-line one."""
        excl_tax = cart.prices_excl_tax
        for index in range(first_changed, len(cart.lines)):
            line = cart.lines[index]
            rate = line.item.vat_rate_bp
            unit = net_of(line.item.unit_price, rate) if excl_tax else line.item.unit_price
            total = net_of(line.total, rate) if excl_tax else line.total
            cells = (
                Text(line.item.name, no_wrap=True, overflow="ellipsis"),
                Text(str(line.quantity), justify="right"),
                Text(self.money(unit), justify="right"),
                Text(self.money(total), justify="right"),
            )
            if index < self.row_count:
                row_key = self.ordered_rows[index].key
                current = self.get_row(row_key)
                for column, old, new in zip(self.ordered_columns, current, cells, strict=True):
                    if old != new:
                        self.update_cell(row_key, column.key, new)
            else:
                self.add_row(*cells)
        while self.row_count > len(cart.lines):
            self.remove_row(self.ordered_rows[-1].key)
        if selected is not None and self.row_count:
            self.move_cursor(row=selected)
