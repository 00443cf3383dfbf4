"""The cart widget on its own: the newest line in view at once, the cursor, repaints."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.strip import Strip

from till.core.money import MoneyFormat
from till.core.sale import Cart, Item
from till.widgets.cart import ROW_WIDTH, CartTable

HEIGHT = 6  # the header and five lines


def item(number: int, name: str | None = None) -> Item:
    return Item(
        product_id=f"p{number}",
        code=f"{number:013d}",
        name=name or f"Article {number}",
        unit_price=100 + number,
        vat_rate_bp=2000,
    )


class Recording(CartTable):
    """Notes the lines it is asked to draw."""

    drawn: list[int]

    def render_line(self, y: int) -> Strip:
        self.drawn.append(y)
        return super().render_line(y)


class CartApp(App):
    def __init__(self, theme: str = "textual-dark") -> None:
        super().__init__()
        self.theme_name = theme

    def compose(self) -> ComposeResult:
        table = Recording(MoneyFormat("EUR", "fr_FR"))
        table.drawn = []
        table.styles.height = HEIGHT
        yield table

    def on_mount(self) -> None:
        self.theme = self.theme_name


def text(table: CartTable, y: int) -> str:
    return table.render_line(y).text


def in_view(table: CartTable, index: int) -> bool:
    return 0 <= index - table.scroll_y < HEIGHT - 1


async def test_each_new_line_is_in_view_as_soon_as_it_is_shown():
    app = CartApp()
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(CartTable)
        cart = Cart()
        for number in range(12):
            index = cart.add(item(number))
            table.show(cart, selected=index, first_changed=index)
            # No refresh in between: the scroll position is already the one drawn next.
            assert in_view(table, index) and table.cursor_row == index
        await pilot.pause()
        assert table.scroll_y == 12 - (HEIGHT - 1)
        assert text(table, 0).split() == ["Item", "Qty", "Price", "Total"]
        assert text(table, HEIGHT - 1).split()[:2] == ["Article", "11"]
        assert "1,11" in text(table, HEIGHT - 1)


async def test_the_cursor_selects_and_scrolls_back_up():
    app = CartApp()
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(CartTable)
        cart = Cart()
        for number in range(8):
            cart.add(item(number))
        table.show(cart, selected=7)
        await pilot.pause()
        for _ in range(6):
            table.move_cursor(row=table.cursor_row - 1)
        assert table.cursor_row == 1 and in_view(table, 1)
        table.move_cursor(row=-5)
        assert table.cursor_row == 0 and table.scroll_y == 0
        table.move_cursor(row=99)
        assert table.cursor_row == 7 and in_view(table, 7)
        await pilot.click(CartTable, offset=(5, 1))  # the first line in view
        assert table.cursor_row == table.scroll_y


async def test_only_the_changed_line_is_drawn_again():
    app = CartApp()
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(Recording)
        cart = Cart()
        for number in range(4):
            cart.add(item(number))
        table.show(cart, selected=0)
        await pilot.pause()
        table.drawn.clear()
        cart.set_quantity(2, 5)
        table.show(cart)  # every line compared, one changed
        await pilot.pause()
        assert table.drawn == [3]  # below the header
        assert table.get_cell_at((2, 1)) == "5"
        assert text(table, 3).split()[2] == "5"


async def test_voids_shift_the_lines_and_keep_the_cursor_on_a_line():
    app = CartApp()
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(CartTable)
        cart = Cart()
        for number in range(3):
            cart.add(item(number))
        table.show(cart, selected=2)
        cart.void(2)
        cart.void(0)
        table.show(cart)
        await pilot.pause()
        assert table.row_count == 1 and table.cursor_row == 0
        assert table.get_row_at(0)[0] == "Article 1"
        assert text(table, 2).strip() == ""
        table.show(Cart())
        assert table.row_count == 0 and table.cursor_row == 0


async def test_names_are_shown_as_stored_on_one_line_and_cut_to_their_column():
    app = CartApp()
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(CartTable)
        cart = Cart()
        cart.add(item(1, "Quiche [bold]lorraine[/]"))
        cart.add(item(2, "Très long nom de produit\nqui ne tient pas dans sa colonne"))
        table.show(cart, selected=1)
        await pilot.pause()
        assert text(table, 1).startswith(" Quiche [bold]lorraine[/] ")
        long = text(table, 2)
        assert long.startswith(" Très long nom de produit qui ne tient…")
        assert len(long.rstrip()) <= ROW_WIDTH and "1,02" in long
        assert table.get_cell_at((1, 0)).startswith("Très long nom")  # the full name


async def test_the_selected_line_stands_out_in_the_ansi_theme():
    app = CartApp("ansi-dark")  # what TERM=linux gets
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(CartTable)
        cart = Cart()
        for number in range(3):
            cart.add(item(number))
        table.show(cart, selected=1)
        await pilot.pause()
        styles = [next(iter(table.render_line(y))).style for y in (1, 2, 3)]
        assert styles[1] != styles[0] and styles[1] != styles[2]
        assert styles[1].bgcolor is not None and styles[1].bgcolor != styles[0].bgcolor
