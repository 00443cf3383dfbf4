"""The customer search results: a LineTable, on its own and in the search screen."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.strip import Strip

from storage import customers
from till.screens.customer_search import CustomerSearchScreen
from till.screens.sale import SaleScreen
from till.widgets.line_table import LineTable

from .conftest import error_notifications

COLUMNS = (("Code", 6, "left"), ("Name", 12, "left"), ("Total", 6, "right"))


class Recording(LineTable):
    """Notes the lines it is asked to draw."""

    drawn: list[int]

    def render_line(self, y: int) -> Strip:
        self.drawn.append(y)
        return super().render_line(y)


class TableApp(App):
    def compose(self) -> ComposeResult:
        table = Recording(COLUMNS)
        table.drawn = []
        table.styles.height = 6  # the header and five rows
        yield table


def rows(count: int, name: str = "Name") -> list[tuple[str, ...]]:
    return [(f"C{n}", f"{name} {n}", str(n)) for n in range(count)]


def text(table: LineTable, y: int) -> str:
    return table.render_line(y).text


def add(last_name: str, first_name: str, **fields):
    fields = {"last_name": last_name, "first_name": first_name, **fields}
    return customers.create_customer(fields, actor="setup", till_no=1, region="FR")


async def open_search(app, pilot, query: str) -> LineTable:
    await pilot.press("f2")
    assert isinstance(app.screen, CustomerSearchScreen)
    await pilot.press(*query)
    await pilot.pause()
    return app.screen.query_one("#customer-results", LineTable)


async def test_new_rows_repaint_only_the_rows_that_changed():
    app = TableApp()
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(Recording)
        table.set_rows(rows(4), selected=0)
        await pilot.pause()
        assert text(table, 0).split() == ["Code", "Name", "Total"]
        assert text(table, 2) == (" C1     " + " Name 1       " + "      1 ").ljust(80)
        table.drawn.clear()
        table.set_rows([*rows(4)[:3], ("C9", "Other", "9")], selected=0)
        await pilot.pause()
        assert table.drawn == [4]
        table.set_rows(rows(2), selected=0)
        await pilot.pause()
        assert table.row_count == 2 and text(table, 3).strip() == ""
        table.set_rows([], selected=0)
        assert table.row_count == 0 and table.cursor_row == 0


async def test_the_cursor_pages_and_scrolls_with_it():
    app = TableApp()
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(LineTable)
        table.set_rows(rows(50), selected=0)
        await pilot.pause()
        assert table.rows_in_view == 5
        table.move_cursor(row=table.cursor_row + table.rows_in_view)
        assert table.cursor_row == 5 and table.scroll_y == 1
        table.move_cursor(row=99)
        assert table.cursor_row == 49 and table.scroll_y == 45
        await pilot.pause()
        assert text(table, 5).split()[:3] == ["C49", "Name", "49"]
        table.set_rows(rows(50, "Other"), selected=0)  # a new search starts at the top
        assert table.cursor_row == 0 and table.scroll_y == 0


async def test_search_keys_move_the_cursor_and_enter_attaches_the_highlighted(app, settings):
    people = [add(f"Martin{n:02d}", "Jean", email=f"jean{n}@example.com") for n in range(30)]
    async with app.run_test(size=(80, 24)) as pilot:
        table = await open_search(app, pilot, "martin")
        codes = [c.code for c in app.screen.results]
        assert table.row_count == len(codes) == 30 and table.cursor_row == 0
        await pilot.press("down", "down", "up")
        assert table.cursor_row == 1
        await pilot.press("pagedown")
        assert table.cursor_row == 1 + table.rows_in_view
        await pilot.press("pagedown", "pagedown", "pagedown")
        assert table.cursor_row == 29
        await pilot.pause()
        assert table.scroll_y + table.rows_in_view == 30  # the last row in view
        await pilot.press("pageup", "up")
        chosen = codes[table.cursor_row]
        assert table.get_cell_at((table.cursor_row, 0)) == chosen
        await pilot.press("enter")
        assert isinstance(app.screen, SaleScreen)
        assert chosen in str(app.screen.query_one("#sale-customer").render())
        assert chosen in {p.code for p in people}
        assert error_notifications(app) == []


async def test_f4_opens_the_file_of_the_highlighted_customer(app, settings):
    add("Bernard", "Anne", email="anne@example.com")
    second = add("Bernard", "Luc", email="luc@example.com")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_search(app, pilot, "bernard")
        await pilot.press("down", "f4")
        await pilot.pause()
        assert app.screen.customer_id == second.id  # type: ignore[attr-defined]


async def test_names_are_plain_text_cut_to_their_column_at_80x24(app, settings):
    add("[bold]Robert[/]", "Marie-Christine-Élisabeth", email="marie@example.com")
    async with app.run_test(size=(80, 24)) as pilot:
        table = await open_search(app, pilot, "[bold]")
        assert table.row_count == 1
        assert table.region.width == 80
        header, line = text(table, 0), text(table, 1)
        assert header.split()[:3] == ["Code", "Name", "Company"]
        assert line[12:35] == " [BOLD]ROBERT[/] Mari… "  # as stored, never markup
        assert line[60:76] == " marie@example… "
        assert table.get_cell_at((0, 1)).endswith("Marie-Christine-Élisabeth")  # in full


async def test_the_cursor_line_stands_out_in_both_themes(app, settings):
    for n in range(3):
        add("Petit", f"Paul{n}", email=f"p{n}@example.com")
    async with app.run_test(size=(80, 24)) as pilot:
        table = await open_search(app, pilot, "petit")
        await pilot.press("down")
        for theme in ("textual-dark", "ansi-dark"):  # ansi-dark: what TERM=linux gets
            app.theme = theme
            await pilot.pause()
            styles = [next(iter(table.render_line(y))).style for y in (1, 2, 3)]
            assert styles[1] != styles[0] and styles[1] != styles[2], theme
            assert styles[1].bgcolor is not None and styles[1].bgcolor != styles[0].bgcolor
