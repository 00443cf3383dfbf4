"""Figure 3: scan to line on screen in the register over a 100,000-product catalog, against
a bare Textual app whose DataTable gains one row per scan, both measured the same way.

A scan is timed from posting its message (``Scanned`` for the register) to the screen
until the end of the first frame rendered with the new line in view: the table's last row
is the scanned item and lies inside the table's scrolled viewport. Every ``SALE_LINES``
scans the sale is cleared, outside the timing. Both apps run under ``run_test`` at 80x24.
During the warm-up, each line counted as shown is also looked for on the rendered screen.
"""

from __future__ import annotations

import asyncio
import gc
import random
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual.app import App, ComposeResult
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable

from bench.common import Clock, Figure, Stats, wait_until
from bench.fixtures import large_catalog
from storage.db import close_database
from till.app import make_app
from till.core.sale import Cart
from till.messages import Scanned
from till.screens.sale import SaleScreen
from till.widgets.cart import CartTable

PRODUCTS = 100_000
SCANS = 1_000
WARMUP = 20
SALE_LINES = 50
SIZE = (80, 24)
TARGET_P99 = 0.050
FRAME_TIMEOUT = 10.0


@dataclass
class Scan(Message):
    """A scanned code, for the floor app."""

    code: str


class FloorScreen(Screen):
    """A DataTable with the register's columns that gains one row per scan."""

    COLUMNS = (("Item", 38), ("Qty", 4), ("Price", 12), ("Total", 12))

    def __init__(self, table_height: int | None = None) -> None:
        super().__init__()
        self.table_height = table_height

    def compose(self) -> ComposeResult:
        yield DataTable(cursor_type="row")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        if self.table_height is not None:
            table.styles.height = self.table_height
        for label, width in self.COLUMNS:
            table.add_column(label, width=width)

    def on_scan(self, message: Scan) -> None:
        table = self.query_one(DataTable)
        table.add_row(Text(message.code), Text("1"), Text("1,00 €"), Text("1,00 €"))
        table.move_cursor(row=table.row_count - 1)


class FloorApp(App):
    """The floor: a bare app showing FloorScreen, its table as tall as the register's."""

    def __init__(self, table_height: int | None = None) -> None:
        super().__init__()
        self.table_height = table_height

    def on_mount(self) -> None:
        self.push_screen(FloorScreen(self.table_height))


class FrameWatch:
    """Notes the end of the first frame after which a condition holds.

    Textual has no public per-frame hook, so this wraps the screen's compositor refresh:
    the one place the bench reaches into Textual internals.
    """

    def __init__(self, screen: Screen) -> None:
        self._condition: Callable[[], bool] | None = None
        self._done = asyncio.Event()
        self.shown_at = 0.0
        self.frames = 0
        """Frames rendered since the last ``expect``, the one that showed it included."""
        render = screen._compositor_refresh

        def watched() -> None:
            render()
            self.frames += 1
            if self._condition is not None and self._condition():
                self.shown_at = time.perf_counter()
                self._condition = None
                self._done.set()

        screen._compositor_refresh = watched  # type: ignore[method-assign]

    def expect(self, condition: Callable[[], bool]) -> None:
        self._done.clear()
        self.frames = 0
        self._condition = condition

    async def shown(self) -> float:
        await asyncio.wait_for(self._done.wait(), FRAME_TIMEOUT)
        return self.shown_at


def in_view(table: DataTable | CartTable, index: int) -> bool:
    """Whether row ``index`` lies inside the table's scrolled viewport (rows are one high,
    under a header one high that does not scroll)."""
    if isinstance(table, DataTable):
        header = table.header_height if table.show_header else 0
    else:
        header = 1
    rows = table.scrollable_content_region.height - header
    return 0 <= index - table.scroll_y < rows


@dataclass
class Target:
    """How to drive one app: its screen and table, post a scan, check its line, clear."""

    screen: Screen
    table: DataTable | CartTable
    post: Callable[[str], None]
    holds: Callable[[str, int], bool]
    clear: Callable[[], None]

    def shows(self, code: str, lines: int) -> bool:
        return (
            self.table.row_count == lines
            and self.holds(code, lines)
            and in_view(self.table, lines - 1)
        )

    def drawn(self, lines: int) -> bool:
        """Whether the screen, drawn now, shows the last line's name inside the table: a check
        that ``shows`` means what it says (it costs a full render, so only while warming up)."""
        name = str(self.table.get_cell_at((lines - 1, 0)))
        region = self.table.region
        strips = self.screen._compositor.render_strips()[region.y : region.bottom]
        return any(name in strip.text for strip in strips)


def till_target(screen: SaleScreen) -> Target:
    table = screen.query_one(CartTable)

    def holds(code: str, lines: int) -> bool:
        if len(screen.cart.lines) != lines:
            return False
        item = screen.cart.lines[-1].item
        return item.code == code and table.get_cell_at((lines - 1, 0)) == item.name

    def clear() -> None:
        screen.cart = Cart()

    return Target(screen, table, lambda code: screen.post_message(Scanned(code)), holds, clear)


def floor_target(screen: FloorScreen) -> Target:
    table = screen.query_one(DataTable)

    def holds(code: str, lines: int) -> bool:
        return table.get_row_at(lines - 1)[0].plain == code

    post = lambda code: screen.post_message(Scan(code))  # noqa: E731
    return Target(screen, table, post, holds, table.clear)


async def drive(
    target: Target, watch: FrameWatch, codes: list[str], *, check: bool = False
) -> tuple[list[float], int]:
    """Scan every code, clearing the sale every SALE_LINES: the time each took to show, and
    how many frames they took in all. ``check``: also check each line is really drawn."""
    clock, frames = Clock(), 0
    for number, code in enumerate(codes):
        lines = number % SALE_LINES + 1
        if lines == 1 and target.table.row_count:
            watch.expect(lambda: target.table.row_count == 0)
            target.clear()
            await watch.shown()
        watch.expect(lambda code=code, lines=lines: target.shows(code, lines))
        clock.start()
        target.post(code)
        clock.samples.append(await watch.shown() - clock.started)
        frames += watch.frames
        if check and not target.drawn(lines):
            raise RuntimeError(f"scan {number}: line {lines} counted as shown but not drawn")
    return clock.samples, frames


@dataclass(frozen=True)
class Run:
    """One app's scans: their timings, how many frames each took on average, and the
    height of the table they scrolled (the floor is given the register's)."""

    stats: Stats
    frames_per_scan: float
    table_height: int


async def run_app(
    app: App, screen_type: type[Screen], make_target: Callable[..., Target], codes: list[str]
) -> Run:
    gc.collect()  # so the other app's garbage is not collected on this one's time
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(lambda: isinstance(pilot.app.screen, screen_type))
        await pilot.app.screen.wait_for_refresh()
        target = make_target(pilot.app.screen)
        watch = FrameWatch(target.screen)
        await drive(target, watch, codes[:WARMUP], check=True)
        samples, frames = await drive(target, watch, codes[WARMUP:])
        errors = [n.message for n in app._notifications if n.severity == "error"]
        if errors:
            raise RuntimeError(f"the app reported an error: {errors[0]}")
        height = target.table.outer_size.height
    return Run(Stats(tuple(samples)), frames / len(samples), height)


def measure(products: int = PRODUCTS, scans: int = SCANS) -> Figure:
    with tempfile.TemporaryDirectory(prefix="till-bench-") as tmp:
        started = time.perf_counter()
        settings, catalog_codes = large_catalog(Path(tmp), products)
        built = time.perf_counter() - started
        codes = random.Random(7).sample(catalog_codes, WARMUP + scans)
        till_run = asyncio.run(run_app(make_app(settings), SaleScreen, till_target, codes))
        close_database()
    floor_app = FloorApp(till_run.table_height)
    floor_run = asyncio.run(run_app(floor_app, FloorScreen, floor_target, codes))
    till, floor = till_run.stats, floor_run.stats
    ratio = till.p99 / floor.p99
    return Figure(
        title=f"Scan to line on screen, {products:,}-product catalog",
        measured=f"till {till.describe()}",
        floor=f"bare DataTable {floor.describe()}",
        ratio=ratio,
        target=f"p99 < {TARGET_P99 * 1000:.0f} ms",
        met=till.p99 < TARGET_P99,
        p99=till.p99,
        about=__doc__ or "",
        notes=(
            f"{scans:,} scans of distinct codes, sale cleared every {SALE_LINES} lines, "
            f"headless at {SIZE[0]}x{SIZE[1]}; ratio of p99s (of medians "
            f"{till.p50 / floor.p50:.2f})",
            f"frames rendered per scan until its line showed: till "
            f"{till_run.frames_per_scan:.2f}, floor {floor_run.frames_per_scan:.2f} (the "
            "floor's DataTable takes one frame while it need not scroll, two once it must; "
            "the register's cart scrolls in the frame that adds the line; both tables "
            f"{till_run.table_height} rows tall)",
            f"catalog of {products:,} products imported in {built:.1f} s (not timed)",
        ),
    )


def main() -> None:
    print(measure().report())


if __name__ == "__main__":
    main()
