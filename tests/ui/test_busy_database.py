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
from dataclasses import replace
from pathlib import Path

import pytest
from textual.widgets import Input

from storage import accounts, customers, loyalty, parked, sales
from storage.models import Customer as CustomerRow
from storage.models import ParkedSale
from storage.models import Sale as SaleRow
from till.app import TillApp, make_app
from till.config import SecuritySettings, Settings
from till.core.people import Actor, Role
from till.core.pin import hash_pin
from till.screens.customer_form import CustomerFormScreen
from till.screens.customer_search import CustomerSearchScreen
from till.screens.customer_view import CustomerViewScreen
from till.screens.quick_add import QuickAddScreen
from till.screens.sale import SaleScreen
from till.screens.writes import BUSY, STILL_SAVING

from ..conftest import PRODUCTS
from .conftest import error_notifications, scan

BAGUETTE, CAFE = PRODUCTS[0][0], PRODUCTS[1][0]
PIN = "4821"

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

MANAGER = Actor("m1", "Maud", Role.MANAGER, 1)


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
    pilot,
    holder: LockHolder,
    says: Callable[[], str],
    answer_a_key: Callable[[], Awaitable[None]],
    not_written: Callable[[], bool],
    at_least: int = 4,
) -> None:
    """The screen says the database is busy, then answers keys for as long as the lock is
    held, and nothing is written meanwhile; then the lock is released and the write left to
    finish."""
    await until(pilot, lambda: BUSY in says(), "the screen says the database is busy")
    keys = 0
    while keys < at_least or not holder.held.done():  # held until released below
        await answer_a_key()
        keys += 1
    assert not_written()
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


def escape_waits_then_focus_moves(pilot, says: Callable[[], str]) -> Callable[[], Awaitable[None]]:
    """Keys answered: Esc is refused while saving (so the outcome is told where it was
    asked for) and says so; Tab moves the focus."""
    tab = focus_moves(pilot)
    turns = iter([True, False] * 1000)

    async def press() -> None:
        if next(turns):
            screen = pilot.app.screen
            await pilot.press("escape")
            assert pilot.app.screen is screen
            assert STILL_SAVING in says()
        else:
            await tab()

    return press


def scanning_meanwhile(pilot, first: str, second: str) -> Callable[[], Awaitable[None]]:
    """Keys answered in the scan field: ``first`` typed then Enter (the scan is kept for the
    sale after the one being saved), ``second`` typed (it stays in the field), then the
    arrows move the cursor."""
    keys = iter([*first, "enter", *second, *["left", "right"] * 1000])

    async def press() -> None:
        screen = pilot.app.screen
        field = screen.query_one("#scan", Input)
        value, cursor = field.value, field.cursor_position
        key = next(keys)
        await pilot.press(key)
        if key == "enter":
            assert field.value == ""
            assert "1 scan kept for after" in text(screen, "#message")
        elif len(key) == 1:
            assert field.value == value + key
        else:
            assert field.cursor_position != cursor

    return press


@pytest.fixture
def app(settings: Settings) -> TillApp:
    return make_app(replace(settings, security=SecuritySettings(manager_pin=hash_pin(PIN))))


@pytest.fixture
def zoe(settings):
    return customers.create_customer(
        {"last_name": "Martin", "first_name": "Zoé", "email": "zoe@example.fr"},
        actor="setup",
        till_no=1,
        region="FR",
    )


async def open_file(pilot, tab: str) -> CustomerViewScreen:
    """Zoé's file, on the given tab."""
    await pilot.press("f2", *"martin", "f4")
    view = pilot.app.screen
    assert isinstance(view, CustomerViewScreen)
    view.query_one("#customer-tabs").active = tab
    await pilot.pause()
    return view


def said(view: CustomerViewScreen) -> Callable[[], str]:
    return lambda: text(view, "#customer-message")


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
                pilot,
                holder,
                lambda: text(quick_add, "#quick-match"),
                escape_waits_then_focus_moves(pilot, lambda: text(quick_add, "#quick-match")),
                lambda: CustomerRow.select().count() == 0,
            )
        assert isinstance(app.screen, SaleScreen)
        assert "LEFÈVRE Anne" in text(app.screen, "#sale-customer")
        assert len(app.screen.cart.lines) == 1  # the open sale is still there
        assert error_notifications(app) == []
    assert [(c.last_name, c.mobile) for c in CustomerRow.select()] == [("Lefèvre", "+33698765432")]


async def test_a_write_the_database_stays_too_busy_for_fails_in_plain_words(app, db_path):
    app.register.busy_give_up_after = 0.5
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3", *"Lefèvre", "enter", *"Anne", "enter", *"0698765432")
        async with LockHolder(db_path, 0) as holder:
            await pilot.press("f10")
            quick_add = app.screen
            await until(
                pilot,
                lambda: "stayed busy" in text(quick_add, "#quick-match"),
                "the write gives up",
            )
            assert "Nothing was saved; try again" in text(quick_add, "#quick-match")
            assert isinstance(app.screen, QuickAddScreen)  # what was typed is still there
            assert app.screen.query_one("#quick-last_name", Input).value == "Lefèvre"
            assert app.screen.query_one("#quick-mobile", Input).value == "0698765432"
            assert CustomerRow.select().count() == 0
            await holder.release()
        await pilot.press("f10")  # the cashier tries again
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, SaleScreen)
    assert CustomerRow.select().count() == 1


@pytest.mark.parametrize("hold", HOLDS)
async def test_customer_edit_while_the_database_is_busy(app, db_path, zoe, hold):
    async with app.run_test(size=(80, 24)) as pilot:
        view = await open_file(pilot, "tab-main")
        await pilot.press("f4")
        form = app.screen
        assert isinstance(form, CustomerFormScreen)
        form.query_one("#field-first_name", Input).value = "Zoë"
        async with LockHolder(db_path, hold) as holder:
            await pilot.press("f10")
            await busy_while_held(
                pilot,
                holder,
                lambda: text(form, "#status"),
                escape_waits_then_focus_moves(pilot, lambda: text(form, "#status")),
                lambda: customers.get_customer(zoe.id).first_name == "Zoé",
            )
        assert app.screen is view
        assert "MARTIN Zoë" in text(view, "#status")
        assert error_notifications(app) == []
    assert customers.get_customer(zoe.id).first_name == "Zoë"
    changes = [e for e in customers_audit(zoe.id) if e.field == "first_name"]
    assert [(e.old_value, e.new_value) for e in changes].count(("Zoé", "Zoë")) == 1


def customers_audit(customer_id: str):
    from storage import audit

    return audit.history("customer", customer_id)


@pytest.mark.parametrize("hold", HOLDS)
async def test_deactivating_while_the_database_is_busy(app, db_path, zoe, hold):
    async with app.run_test(size=(80, 24)) as pilot:
        view = await open_file(pilot, "tab-details")
        async with LockHolder(db_path, hold) as holder:
            await pilot.press("f8")
            await busy_while_held(
                pilot,
                holder,
                said(view),
                escape_waits_then_focus_moves(pilot, said(view)),
                lambda: customers.get_customer(zoe.id).active,
            )
        assert "C01-000001 is now inactive." in said(view)()
        assert "INACTIVE" in text(view, "#status")
        assert error_notifications(app) == []
    assert customers.get_customer(zoe.id).active is False
    changes = [e for e in customers_audit(zoe.id) if e.field == "active"]
    assert len(changes) == 1


@pytest.mark.parametrize("hold", HOLDS)
async def test_deleting_while_the_database_is_busy(app, db_path, zoe, hold):
    app.register.session.user = MANAGER  # deleting needs one: no PIN to check meanwhile
    async with app.run_test(size=(80, 24)) as pilot:
        view = await open_file(pilot, "tab-details")
        async with LockHolder(db_path, hold) as holder:
            await pilot.press("f9", "y")
            await busy_while_held(
                pilot,
                holder,
                said(view),
                escape_waits_then_focus_moves(pilot, said(view)),
                lambda: CustomerRow.select().count(),
            )
        assert isinstance(app.screen, CustomerSearchScreen)  # deleted: the file is closed
    assert CustomerRow.select().count() == 0


@pytest.mark.parametrize("hold", HOLDS)
async def test_adding_an_address_while_the_database_is_busy(app, db_path, zoe, hold):
    async with app.run_test(size=(80, 24)) as pilot:
        view = await open_file(pilot, "tab-addresses")
        await pilot.press("f3", *"2 rue des Lilas")
        async with LockHolder(db_path, hold) as holder:
            await pilot.press("f10")
            assert app.screen is view
            await busy_while_held(
                pilot,
                holder,
                said(view),
                escape_waits_then_focus_moves(pilot, said(view)),
                lambda: not customers.get_customer(zoe.id).addresses,
            )
        assert "Delivery address saved." in said(view)()
        assert view.query_one("#customer-extra-addresses").row_count == 1
    assert [a.line1 for a in customers.get_customer(zoe.id).addresses] == ["2 rue des Lilas"]


@pytest.mark.parametrize("hold", HOLDS)
async def test_a_deposit_while_the_database_is_busy(app, db_path, zoe, hold):
    async with app.run_test(size=(80, 24)) as pilot:
        view = await open_file(pilot, "tab-account")
        await pilot.press("f3", *"20,00")
        async with LockHolder(db_path, hold) as holder:
            await pilot.press("f2")  # cash
            await busy_while_held(
                pilot,
                holder,
                said(view),
                escape_waits_then_focus_moves(pilot, said(view)),
                lambda: not accounts.movements(zoe.id),
            )
        assert "Deposit of 20,00" in said(view)().replace("\u202f", " ")
        assert view.query_one("#customer-account-moves").row_count == 1
    assert accounts.balance(zoe.id) == 2000
    assert len(accounts.movements(zoe.id)) == 1


@pytest.mark.parametrize("hold", HOLDS)
async def test_a_points_adjustment_while_the_database_is_busy(app, db_path, zoe, hold):
    # A manager is logged in: no PIN to check (checking one writes too), the adjustment's
    # own write meets the busy database.
    app.register.session.user = MANAGER
    async with app.run_test(size=(80, 24)) as pilot:
        view = await open_file(pilot, "tab-loyalty")
        await pilot.press("f5", *"250", "enter", *"birthday gift")
        async with LockHolder(db_path, hold) as holder:
            await pilot.press("enter")
            await busy_while_held(
                pilot,
                holder,
                said(view),
                escape_waits_then_focus_moves(pilot, said(view)),
                lambda: not loyalty.history(zoe.id),
            )
        assert "+250 points (birthday gift). Balance 250." in said(view)()
    assert loyalty.balance(zoe.id) == 250
    assert len(loyalty.history(zoe.id)) == 1


@pytest.mark.parametrize("hold", HOLDS)
async def test_issuing_a_card_while_the_database_is_busy(app, db_path, zoe, hold):
    async with app.run_test(size=(80, 24)) as pilot:
        view = await open_file(pilot, "tab-loyalty")
        async with LockHolder(db_path, hold) as holder:
            await pilot.press("f3")
            await busy_while_held(
                pilot,
                holder,
                said(view),
                escape_waits_then_focus_moves(pilot, said(view)),
                lambda: not customers.get_customer(zoe.id).card_number,
            )
        assert "issued." in said(view)()
    card = customers.get_customer(zoe.id).card_number
    assert card and customers.find_by_card(card).id == zoe.id


# --- the sale ---------------------------------------------------------------------------------


@pytest.mark.parametrize("hold", HOLDS)
async def test_parking_while_the_database_is_busy(app, db_path, hold):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        await scan(pilot, BAGUETTE)
        await pilot.press("f5", "ctrl+a", "ctrl+k", *"Anne")
        async with LockHolder(db_path, hold) as holder:
            await pilot.press("enter")
            assert app.screen is screen
            await busy_while_held(
                pilot,
                holder,
                lambda: text(screen, "#message"),
                scanning_meanwhile(pilot, CAFE, BAGUETTE),
                lambda: ParkedSale.select().count() == 0,
                at_least=len(CAFE) + 1 + len(BAGUETTE) + 2,
            )
        await pilot.press("enter")  # what was typed meanwhile, then scanned now
        assert [line.item.name for line in screen.cart.lines] == [PRODUCTS[1][1], PRODUCTS[0][1]]
    assert [p.name for p in parked.parked_sales(1)] == ["Anne"]
    assert ParkedSale.select().count() == 1


@pytest.mark.parametrize("hold", HOLDS)
async def test_committing_a_sale_while_the_database_is_busy(app, db_path, hold):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        await scan(pilot, BAGUETTE)
        await pilot.press("f10", *"1,20")
        async with LockHolder(db_path, hold) as holder:
            await pilot.press("f2")  # cash: the sale is paid and saved
            assert app.screen is screen
            await busy_while_held(
                pilot,
                holder,
                lambda: text(screen, "#message"),
                scanning_meanwhile(pilot, CAFE, BAGUETTE),
                lambda: SaleRow.select().count() == 0,
                at_least=len(CAFE) + 1 + len(BAGUETTE) + 2,
            )
        await pilot.press("enter")  # what was typed meanwhile, then scanned now
        assert [line.item.name for line in screen.cart.lines] == [PRODUCTS[1][1], PRODUCTS[0][1]]
        assert error_notifications(app) == []
    assert sales.get_sale("01-000001").total == 120
    assert SaleRow.select().count() == 1


@pytest.mark.parametrize("hold", HOLDS)
async def test_a_refund_while_the_database_is_busy(app, db_path, hold):
    from storage import catalog
    from till.core.sale import Cart, PaymentMethod
    from till.screens.manager import ManagerPinScreen
    from till.screens.returns import ReturnScreen

    cart = Cart()
    cart.add(catalog.lookup(BAGUETTE))
    cart.pay(PaymentMethod.CASH, cart.total)
    sales.record_sale(cart, till_no=1, seller="Ann", currency="EUR")
    app.register.session.user = MANAGER  # the refund's own write meets the busy database
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f6")
        screen = app.screen
        assert isinstance(screen, ReturnScreen)
        await pilot.press(*"01-000001", "enter", "enter")  # the line
        async with LockHolder(db_path, hold) as holder:
            await pilot.press("f2")  # in cash
            assert not isinstance(app.screen, ManagerPinScreen)
            await busy_while_held(
                pilot,
                holder,
                lambda: text(screen, "#return-message"),
                escape_waits_then_focus_moves(pilot, lambda: text(screen, "#return-message")),
                lambda: SaleRow.select().count() == 1,
            )
        await until(pilot, lambda: isinstance(app.screen, SaleScreen), "back at the sale")
    refund = sales.get_sale("01-000002")
    assert refund.refund_of == "01-000001" and refund.total == -cart.total
    assert SaleRow.select().count() == 2


# The sale's failure is told in a toast too; the open sale's own write, queued behind the
# sale's, gives up as well and says so.
@pytest.mark.expect_errors("stayed busy")
async def test_a_sale_the_database_stays_too_busy_for_stays_on_screen(app, db_path):
    # Long enough that the scan below reaches the screen while the sale still waits, on a
    # loaded machine too (at 0.5 s a fresh-clone CI run saw the save give up first).
    app.register.busy_give_up_after = 2.0
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        await scan(pilot, BAGUETTE)
        await pilot.press("f10", *"1,20")
        async with LockHolder(db_path, 0) as holder:
            await pilot.press("f2")  # cash: paid, being saved
            # A scan reaches the screen in front: wait for the payment dialog to close, or the
            # scan goes to it (what a fresh-clone CI run saw), not to the sale being saved.
            await until(pilot, lambda: app.screen is screen, "back on the sale screen")
            await scan(pilot, CAFE)  # the next customer's first item, kept meanwhile
            await until(pilot, lambda: "kept on screen" in text(screen, "#message"), "gives up")
            assert "The database is busy" in text(screen, "#message")
            toasts = error_notifications(app)
            assert any("stayed busy for 2 s" in toast for toast in toasts), toasts
            assert any("1 scan made meanwhile not added: scan again" in t for t in toasts), toasts
            assert [line.item.name for line in screen.cart.lines] == [PRODUCTS[0][1]]
            assert screen.cart.is_settled  # paid: F10 saves it without a second payment
            await holder.release()
        await pilot.press("f10")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "Sale 01-000001 saved" in text(screen, "#message")
        assert screen.cart.lines == []
    assert SaleRow.select().count() == 1


async def test_a_dialog_that_writes_is_still_a_centred_dialog(app):
    """Textual takes a screen's CSS type from its first widget base: the write helper must not
    be one, or quick add stops being a ModalScreen (left-aligned, nothing dimmed below)."""
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3")
        assert isinstance(app.screen, QuickAddScreen)
        dialog = app.screen.query_one("#quick-add")
        assert dialog.region.x > 0 and dialog.region.right < 80
