"""Keystroke to results on screen: the register's customer search (F2 from the sale) over the
million-customer database, against a bare Textual app whose DataTable is cleared and
refilled with 50 rows on every ``Input.Changed``, both typed the same way.

Both run under ``run_test`` at 80x24. Queries of several kinds, taken from the data, are
typed a character at a time with ``pilot.press``, the field cleared between them (untimed).
Each keystroke is timed from just before the press to two moments: the end of the first
frame rendered with its results (``bench.scan.FrameWatch``: the field holds the text typed,
the screen's ``results`` were replaced and the table holds them all), the figure; and the
return of ``pilot.press`` and ``pilot.pause`` with those results shown, which adds Pilot's
own idle waits (sleeps of 20 ms).
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from contextlib import closing
from dataclasses import dataclass

from rich.text import Text
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import DataTable, Input

from bench.common import Figure, Stats, ms, wait_until
from bench.customer_queries import KINDS, samples
from bench.customers_db import CustomerDatabase
from bench.scan import FrameWatch
from storage.db import close_database, open_database
from till.app import make_app
from till.config import Settings
from till.screens.customer_search import CustomerSearchScreen
from till.screens.sale import SaleScreen

SIZE = (80, 24)
TYPED_KINDS = ("two_words", "phone", "email", "card")
QUERIES_PER_KIND = 6
TARGET_P99 = 0.100
COLUMNS = (("Code", 10), ("Name", 21), ("Company", 12), ("City", 9), ("Phone / e-mail", 14))


class FloorSearchScreen(Screen):
    """A search field over a table that gets 50 new rows on each change: no database."""

    def __init__(self) -> None:
        super().__init__()
        self.results: list[tuple[Text, ...]] = []

    def compose(self) -> ComposeResult:
        yield Input()
        yield DataTable(cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label, width in COLUMNS:
            table.add_column(label, width=width)
        self.query_one(Input).focus()
        self.refill("")

    def on_input_changed(self, event: Input.Changed) -> None:
        self.refill(event.value)

    def refill(self, text: str) -> None:
        self.results = [
            (
                Text(f"C01-{n:06d}"),
                Text(f"{text.upper()} Customer {n}", overflow="ellipsis"),
                Text(""),
                Text("Paris"),
                Text("06 12 34 56 78"),
            )
            for n in range(1, 51)
        ]
        table = self.query_one(DataTable)
        table.clear()
        for row in self.results:
            table.add_row(*row)


class FloorSearchApp(App):
    """The floor: a bare app showing FloorSearchScreen."""

    def on_mount(self) -> None:
        self.push_screen(FloorSearchScreen())


@dataclass
class Typed:
    """Per keystroke: what was typed, of which kind, to the frame and to Pilot's return."""

    kinds: list[str]
    texts: list[str]
    to_frame: list[float]
    to_pilot: list[float]


def showing(screen: Screen, text: str, before: object) -> Callable[[], bool]:
    """Whether the screen shows the results of ``text``, computed after ``before``."""
    field = screen.query_one(Input)
    table = screen.query_one("#customer-results, DataTable")  # the till's, or the floor's
    results = lambda: screen.results  # type: ignore[attr-defined]  # noqa: E731
    return lambda: (
        field.value == text and results() is not before and table.row_count == len(results())
    )


async def settle(pilot: Pilot, watch: FrameWatch, screen: Screen, change: Callable[[], None]):
    """Make an untimed change to the field and wait for its results on a frame."""
    watch.expect(showing(screen, "", screen.results))  # type: ignore[attr-defined]
    change()
    await watch.shown()
    await pilot.pause()


async def type_queries(
    pilot: Pilot, watch: FrameWatch, queries: Sequence[tuple[str, str]], typed: Typed
) -> None:
    screen = pilot.app.screen
    field = screen.query_one(Input)
    for kind, query in queries:
        if field.value:
            await settle(pilot, watch, screen, lambda: setattr(field, "value", ""))
        for end in range(1, len(query) + 1):
            shows = showing(screen, query[:end], screen.results)  # type: ignore[attr-defined]
            watch.expect(shows)
            started = time.perf_counter()
            await pilot.press(query[end - 1])
            await pilot.pause()
            await wait_until(shows)
            typed.to_pilot.append(time.perf_counter() - started)
            typed.to_frame.append(await watch.shown() - started)
            typed.kinds.append(kind)
            typed.texts.append(query[:end])


async def open_till_search(pilot: Pilot) -> Screen:
    await wait_until(lambda: isinstance(pilot.app.screen, SaleScreen))
    await pilot.press("f2")
    await wait_until(lambda: isinstance(pilot.app.screen, CustomerSearchScreen))
    return pilot.app.screen


async def open_floor(pilot: Pilot) -> Screen:
    await wait_until(lambda: isinstance(pilot.app.screen, FloorSearchScreen))
    return pilot.app.screen


async def drive(
    app: App, open_screen: Callable, queries: list[tuple[str, str]], warmup: int = 1
) -> Typed:
    typed, unused = Typed([], [], [], []), Typed([], [], [], [])
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_screen(pilot)
        await screen.wait_for_refresh()
        watch = FrameWatch(screen)
        await type_queries(pilot, watch, queries[:warmup], unused)
        await type_queries(pilot, watch, queries[warmup:], typed)
        errors = [n.message for n in app._notifications if n.severity == "error"]
        if errors:
            raise RuntimeError(f"the app reported an error: {errors[0]}")
    return typed


def queries_to_type(
    built: CustomerDatabase, per_kind: int = QUERIES_PER_KIND, seed: int = 23
) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    with closing(sqlite3.connect(built.path)) as source:
        drawn = [
            (name, sample.query)
            for name in TYPED_KINDS
            for sample in samples(source, KINDS[name], per_kind, rng)
        ]
    rng.shuffle(drawn)
    return drawn


def slowest_kinds(typed: Typed) -> str:
    by_kind = defaultdict(list)
    for kind, seconds in zip(typed.kinds, typed.to_frame, strict=True):
        by_kind[kind].append(seconds)
    stats = {kind: Stats(tuple(values)) for kind, values in by_kind.items()}
    return ", ".join(f"{kind} p99 {ms(s.p99)}" for kind, s in sorted(stats.items()))


def slowest_keys(typed: Typed, count: int = 3) -> str:
    ranked = sorted(zip(typed.to_frame, typed.texts, strict=True), reverse=True)[:count]
    return ", ".join(f"“{text}” {ms(seconds)}" for seconds, text in ranked)


async def run_both(built: CustomerDatabase, queries: list[tuple[str, str]]) -> tuple[Typed, Typed]:
    open_database(built.path, create=False)
    try:
        till = await drive(
            make_app(Settings().with_database(built.path)), open_till_search, queries
        )
    finally:
        close_database()
    floor = await drive(FloorSearchApp(), open_floor, queries)
    return till, floor


def measure(built: CustomerDatabase, per_kind: int = QUERIES_PER_KIND) -> Figure:
    queries = queries_to_type(built, per_kind)
    till, floor = asyncio.run(run_both(built, queries))
    frame, floor_frame = Stats(tuple(till.to_frame)), Stats(tuple(floor.to_frame))
    piloted, floor_piloted = Stats(tuple(till.to_pilot)), Stats(tuple(floor.to_pilot))
    return Figure(
        title=f"Keystroke to results on screen, {built.count:,} customers",
        measured=f"till {frame.describe()}",
        floor=f"bare DataTable refilled with 50 rows {floor_frame.describe()}",
        ratio=frame.p99 / floor_frame.p99,
        target=f"p99 < {ms(TARGET_P99)}",
        met=frame.p99 < TARGET_P99,
        p99=frame.p99,
        about=__doc__ or "",
        notes=(
            f"{len(till.to_frame)} keystrokes of {len(queries) - 1} queries "
            f"({', '.join(TYPED_KINDS)}), headless at {SIZE[0]}x{SIZE[1]}; ratio of p99s",
            f"to the return of pilot.press + pilot.pause: till {piloted.describe()}, "
            f"floor {floor_piloted.describe()} (p99 ratio "
            f"{piloted.p99 / floor_piloted.p99:.2f}, target met: {piloted.p99 < TARGET_P99})",
            f"till per kind of query: {slowest_kinds(till)}",
            f"slowest till keystrokes: {slowest_keys(till)}",
        ),
    )
