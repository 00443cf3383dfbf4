"""Every kind of write while another program holds the database's write lock.

A real second process opens the same SQLite file, takes the write lock (``BEGIN IMMEDIATE``,
as ``till import products`` does) and keeps it for ``hold`` seconds, then until the test lets
go. Meanwhile the screen says the database is busy and keeps answering keys; once the lock is
released the write completes, exactly once. ``make test`` holds for 2 s, longer than the
writer waits for the lock before it says busy; ``make soak`` holds for 10 s, twice SQLite's
busy timeout, the case that ended the register before.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual.widgets import Input

from storage.models import Customer as CustomerRow
from till.app import TillApp, make_app
from till.config import Settings
from till.screens.sale import SaleScreen
from till.screens.writes import BUSY

from ..conftest import PRODUCTS
from .conftest import error_notifications, scan

BAGUETTE, CAFE = PRODUCTS[0][0], PRODUCTS[1][0]

HOLDS = [2.0, pytest.param(10.0, marks=pytest.mark.soak, id="10s")]

LOCK_HOLDER = """
import sqlite3, sys, time
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
print("held", flush=True)
sys.stdin.readline()
connection.execute("ROLLBACK")
"""


class LockHolder:
    """Another process holding the write lock: at least ``hold`` seconds, then until released."""

    def __init__(self, database: Path, hold: float) -> None:
        self.database = database
        self.hold = hold

    async def __aenter__(self) -> LockHolder:
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            LOCK_HOLDER,
            str(self.database),
            str(self.hold),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        assert self.process.stdout is not None
        assert await self.process.stdout.readline() == b"locked\n"
        self.held = asyncio.ensure_future(self.process.stdout.readline())
        return self

    async def release(self) -> None:
        """Let go once the hold has lasted its full length."""
        await self.held
        assert self.process.stdin is not None
        self.process.stdin.write(b"release\n")
        await self.process.stdin.drain()
        assert await self.process.wait() == 0

    async def __aexit__(self, *exc: object) -> None:
        self.held.cancel()
        if self.process.returncode is None:
            self.process.kill()
            await self.process.wait()


async def until(pilot, condition: Callable[[], bool], what: str) -> None:
    """Let the app run until ``condition`` holds (a bound, not a timing: it fails only if
    the condition never comes)."""
    for _ in range(600):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"never happened: {what}")


async def busy_while_held(
    pilot, holder: LockHolder, says: Callable[[], str], answer_a_key: Callable[[], Awaitable[None]]
) -> None:
    """The screen says the database is busy, then answers keys for as long as the lock is
    held; then the lock is released and the write left to finish."""
    await until(pilot, lambda: BUSY in says(), "the screen says the database is busy")
    keys = 0
    while not holder.held.done():
        await answer_a_key()
        keys += 1
    assert keys >= 2
    await holder.release()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def text(screen, selector: str) -> str:
    return str(screen.query_one(selector).render())


def focus_moves(pilot) -> Callable[[], Awaitable[None]]:
    """A key answered: Tab (then Shift+Tab) moves the focus."""
    keys = iter(["tab", "shift+tab"] * 1000)

    async def press() -> None:
        before = pilot.app.focused
        await pilot.press(next(keys))
        assert pilot.app.focused is not before

    return press


def typed_into_scan_field(pilot, code: str) -> Callable[[], Awaitable[None]]:
    """A key answered: the next digit of ``code`` appears in the scan field (and stays)."""
    typed = iter(code * 1000)

    async def press() -> None:
        field = pilot.app.screen.query_one("#scan", Input)
        before = field.value
        await pilot.press(next(typed))
        assert len(field.value) == len(before) + 1

    return press


@pytest.fixture
def app(settings: Settings) -> TillApp:
    return make_app(settings)


# --- customers ------------------------------------------------------------------------------


@pytest.mark.parametrize("hold", HOLDS)
async def test_quick_add_while_the_database_is_busy(app, db_path, hold):
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, BAGUETTE)
        await pilot.press("f3", *"Lefèvre", "enter", *"Anne", "enter", *"0698765432")
        async with LockHolder(db_path, hold) as holder:
            await pilot.press("f10")
            quick_add = app.screen
            await busy_while_held(
                pilot, holder, lambda: text(quick_add, "#quick-match"), focus_moves(pilot)
            )
        assert isinstance(app.screen, SaleScreen)
        assert "LEFÈVRE Anne" in text(app.screen, "#sale-customer")
        assert len(app.screen.cart.lines) == 1  # the open sale is still there
        assert error_notifications(app) == []
    assert [(c.last_name, c.mobile) for c in CustomerRow.select()] == [("Lefèvre", "+33698765432")]
