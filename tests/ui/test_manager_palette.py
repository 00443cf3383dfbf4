"""The manager's palette (Ctrl+\\): a manager's functions without a key of their own, for a
manager or with a manager's PIN; our commands only (no theme switching), and never on the
kiosk."""

from __future__ import annotations

import pytest
from textual.command import CommandPalette

from devices.printer.escpos import drawer_kick
from till.app import make_app
from till.core.people import Role
from till.register import Register
from till.screens.manager import ManagerPinScreen
from till.screens.status import StatusScreen

from .conftest import as_manager, settle


@pytest.fixture
def staffed(settings):
    """A till with a cashier (1111) and a manager (2222)."""
    register = Register(settings)
    register.people.add_user("Carla", Role.CASHIER, "1111")
    register.people.add_user("Max", Role.MANAGER, "2222")
    register.close()
    return settings


def _titles(app) -> list[str]:
    from textual.command import CommandList

    options = app.screen.query_one(CommandList).options
    return [str(option.prompt).splitlines()[0] for option in options]


async def test_a_cashier_needs_a_manager_pin_to_open_it(staffed, printer_file):
    app = make_app(staffed)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"1111", "enter")
        await settle(pilot)
        await pilot.press("ctrl+backslash")
        await settle(pilot)
        assert isinstance(app.screen, ManagerPinScreen)
        await pilot.press(*"1111", "enter")  # a cashier's own PIN approves nothing
        await settle(pilot)
        assert not CommandPalette.is_open(app)
        await pilot.press("ctrl+a", "ctrl+k", *"2222", "enter")
        await settle(pilot)
        assert CommandPalette.is_open(app)
        assert app.palette_approver is not None and app.palette_approver.name == "Max"


async def test_it_holds_our_commands_only_and_runs_them(settings, printer_file):
    app = as_manager(make_app(settings))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+backslash")
        await settle(pilot)
        assert CommandPalette.is_open(app)  # a manager: no PIN asked
        await pilot.pause(0.3)
        titles = _titles(app)
        assert "Printer, scanners and sync" in titles and "Open the cash drawer" in titles
        assert not any("theme" in title.lower() for title in titles)  # Textual's own: none

        await pilot.press(*"test page")
        await pilot.pause(0.3)
        assert _titles(app) == ["Print a test page"]
        printed = printer_file.read_bytes() if printer_file.exists() else b""
        await pilot.press("enter")
        await settle(pilot)
        assert not CommandPalette.is_open(app)
        page = printer_file.read_bytes()[len(printed) :]
        assert b"till printer test" in page and b"TILL-TEST-01" in page

        await pilot.press("ctrl+backslash")
        await settle(pilot)
        await pilot.press(*"scanners", "enter")
        await settle(pilot)
        assert isinstance(app.screen, StatusScreen)
        checks = str(app.screen.query_one("#status-checks").render())
        assert "print queue" in checks


async def test_the_kiosk_has_no_palette(settings):
    from dataclasses import replace

    from till.config import SecuritySettings
    from till.core.pin import hash_pin

    app = make_app(replace(settings, security=SecuritySettings(hash_pin("4821"))), kiosk_timeout=30)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+backslash")
        await settle(pilot)
        assert not CommandPalette.is_open(app)
        assert not isinstance(app.screen, ManagerPinScreen)


async def test_sync_now_on_a_till_alone_says_so_and_the_drawer_opens(settings, printer_file):
    app = as_manager(make_app(settings))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+backslash")
        await settle(pilot)
        await pilot.press(*"sync now", "enter")
        await settle(pilot)
        assert any("no back office" in str(n.message) for n in app._notifications)

        before = printer_file.read_bytes() if printer_file.exists() else b""
        await pilot.press("ctrl+backslash")
        await settle(pilot)
        await pilot.press(*"drawer", "enter")
        await settle(pilot)
        await pilot.pause(0.3)
        assert printer_file.read_bytes()[len(before) :] == drawer_kick("TM-T88V")
