"""The History tab on a till that syncs: the other till's sales listed beside this till's, each
saying where it was made; the line saying what the list covers; older sales fetched from the
server with F5, off the event loop; and the plain words when the server cannot be reached."""

from __future__ import annotations

import socket
from dataclasses import fields, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from storage import remote_sales
from till.app import TillApp, make_app
from till.config import Settings, SyncSettings
from till.screens.customer_view import CustomerViewScreen

from ..ui.conftest import error_notifications
from .conftest import LOOPBACK
from .test_customer_history import BAGUETTE, CAFE, VIN, sell, stock


@pytest.fixture
def unused_tcp_port_url() -> str:
    """A loopback address nothing listens on: a server that is down."""
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        port = sock.getsockname()[1]
    return f"http://{LOOPBACK}:{port}"


def _settings(path: Path, url: str, token: str, name: str) -> Settings:
    sync = {"url": url, "token": token}
    if "name" in {f.name for f in fields(SyncSettings)}:
        sync["name"] = name  # the till's name on the server, where the config has it
    return replace(Settings(), sync=SyncSettings(**sync)).with_database(path)


async def _history(app: TillApp, pilot, customer: str) -> CustomerViewScreen:
    view = CustomerViewScreen(customer)
    await app.push_screen(view)
    view.query_one("#customer-tabs").active = "tab-history"
    await pilot.pause()
    return view


def _rows(view: CustomerViewScreen) -> list[tuple[str, str, str]]:
    """(receipt, till, store) of each row shown."""
    table = view.query_one("#customer-sales")
    return [tuple(str(cell) for cell in table.get_row_at(n)[:4:]) for n in range(table.row_count)]


def _text(view: CustomerViewScreen, selector: str) -> str:
    return str(view.query_one(selector).render())


async def test_the_history_tab_lists_both_tills_sales_and_fetches_older_ones(server, make_till):
    north, south = make_till("north", 1), make_till("south", 2)
    stock(north)
    stock(south)
    customer = north.new_customer("Martin")
    north.sync()
    south.sync()
    long_ago = datetime.now(UTC) - timedelta(days=remote_sales.KEEP_DAYS + 30)
    old = sell(south, customer, [(CAFE, 1)], store="Paris", at=long_ago)
    here = sell(north, customer, [(BAGUETTE, 2)], store="Lyon")
    there = sell(south, customer, [(VIN, 1)], store="Paris")
    south.sync()
    north.sync()

    app = make_app(_settings(north.path, server.url, north.token, "north"))
    async with app.run_test(size=(80, 24)) as pilot:
        view = await _history(app, pilot, customer)
        rows = _rows(view)
        assert [row[0] for row in rows] == [there.receipt_code, here.receipt_code]
        assert [row[2] for row in rows] == ["02", "here"]
        notice = _text(view, "#history-scope")
        assert "other tills' synced up to" in notice and "F5" in notice
        assert view.query_one("#history-scope").region.height == 1  # one line at 80 columns

        # The Figures count the old sale the list no longer holds.
        figures = _text(view, "#customer-figures")
        assert "Sales: 3" in figures

        await pilot.press("f5")
        await app.workers.wait_for_complete()
        await pilot.pause()
        rows = _rows(view)
        assert [row[0] for row in rows] == [
            there.receipt_code,
            here.receipt_code,
            old.receipt_code,
        ]
        assert rows[-1][2] == "02"
        assert "1 older sale from the server. That is all." in _text(view, "#customer-message")

        # A sale made on the other till has no receipt here to open: said, not failed.
        view.query_one("#customer-sales").move_cursor(row=0)
        await pilot.press("f7")
        assert isinstance(app.screen, CustomerViewScreen)
        assert "made on till 02" in _text(view, "#customer-message")
        assert error_notifications(app) == []


async def test_a_till_that_never_synced_says_so_and_f5_says_the_server_is_unreachable(
    server, make_till, unused_tcp_port_url
):
    north = make_till("north", 1)
    stock(north)
    customer = north.new_customer("Martin")
    sell(north, customer, [(BAGUETTE, 1)], store="Lyon")

    app = make_app(_settings(north.path, unused_tcp_port_url, north.token, "north"))
    async with app.run_test(size=(80, 24)) as pilot:
        view = await _history(app, pilot, customer)
        assert [row[2] for row in _rows(view)] == ["here"]
        assert "Only this till's sales: never synced" in _text(view, "#history-scope")
        await pilot.press("f5")
        await app.workers.wait_for_complete()
        await pilot.pause()
        message = _text(view, "#customer-message")
        assert message.startswith("Older sales need the server: ")
        assert "cannot reach the server" in message
        assert [row[2] for row in _rows(view)] == ["here"]  # the list stays as it was
