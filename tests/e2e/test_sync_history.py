"""Another till's sales in the real register's History tab, through a real server, with keys
typed at a cashier's pace and in bursts: the register pulls them by itself, lists them beside
its own with the till that made them, and F5 fetches the older ones the server keeps; on
xterm and the Linux console, at 80x24."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from storage import remote_sales
from storage.customers import find_by_code
from tests.sync.conftest import Till
from tests.sync.sync_till import sqlite_server, stock
from tests.sync.test_customer_history import CAFE, VIN, sell

from .conftest import Shop
from .terminal import F2, F4, F5, RIGHT

DUPONT = "C01-000001"
"""The shop's first customer (tests/e2e/conftest.py CUSTOMERS), made on this register."""


def add_sync(shop: Shop, url: str, token: str) -> None:
    with shop.config.open("a", encoding="utf-8") as config:
        config.write(f'\n[sync]\nurl = "{url}"\ntoken = "{token}"\nname = "north"\ninterval = 1\n')


@pytest.mark.parametrize("term", ["xterm-256color", "linux"])
def test_the_other_tills_sales_are_listed_and_f5_fetches_the_older_ones(
    shop, start_register, term, tmp_path
):
    with sqlite_server(tmp_path) as server:
        add_sync(shop, server.url, server.add_till("north"))
        register = start_register(term)
        register.wait_for("Synced ")  # the shop's customers are on the server

        south = Till(tmp_path / "south.db", "south", server.add_till("south"), server.url, 2)
        stock(south)
        south.sync()
        dupont = find_by_code(DUPONT)
        assert dupont is not None
        long_ago = datetime.now(UTC) - timedelta(days=remote_sales.KEEP_DAYS + 30)
        old = sell(south, dupont.id, [(CAFE, 1)], store="Paris", at=long_ago)
        recent = sell(south, dupont.id, [(VIN, 2)], store="Paris")
        south.sync()
        south.client.close()
        register.wait_until(
            lambda: shop.rows("SELECT count(*) FROM remote_sale")[0][0] == 1,
            "the other till's recent sale pulled by the register",
        )

        register.send(F2, "Dupont")  # a burst: the search key and the name in one read
        register.wait_for("1 found")
        register.type(F4, gap_ms=(50, 250))
        register.wait_for("History")
        register.type(RIGHT, RIGHT, RIGHT, RIGHT, gap_ms=(50, 250))
        register.wait_for(recent.receipt_code)
        row = next(line for line in register.display() if recent.receipt_code in line)
        assert " 02 " in row and "Paris" in row
        assert row.rstrip().endswith("card")  # the last column fits in 80 (it was cut off)
        assert old.receipt_code not in register.text()  # summed here, kept by the server

        register.send(F5)
        register.wait_for("1 older sale from the server")
        assert old.receipt_code in register.text()
        assert all(len(line) <= 80 for line in register.display())
