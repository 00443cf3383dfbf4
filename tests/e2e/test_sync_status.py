"""The sync state on the real register's status line, in a terminal of 80x24 (xterm and the
Linux console): beside the customer, never over it, and a sale reaching the server."""

from __future__ import annotations

import pytest

from tests.sync.sync_till import DeadPort, feed_of, sqlite_server

from .conftest import BAGUETTE, Shop
from .steps import pay_exact_in_cash, scan

NAME = "shop1-till1"


def add_sync(shop: Shop, url: str, token: str) -> None:
    with shop.config.open("a", encoding="utf-8") as config:
        config.write(f'\n[sync]\nurl = "{url}"\ntoken = "{token}"\nname = "{NAME}"\n')


@pytest.mark.parametrize("term", ["xterm-256color", "linux"])
def test_synced_then_a_sale_sent_on_the_status_line(shop, start_register, term, tmp_path):
    with sqlite_server(tmp_path) as server:
        add_sync(shop, server.url, server.add_till(NAME))
        till = start_register(term)
        till.wait_for("Synced ")
        scan(till, BAGUETTE)
        pay_exact_in_cash(till)
        till.wait_until(lambda: [e for e, _, _ in feed_of(NAME)].count("sale") == 1, "sent")
        till.wait_for("Synced ")
        top = till.display()[0]
        assert "E2E Shop" in top and "Synced " in top and "Walk-in customer" in top
        assert len(top.rstrip()) <= 80


@pytest.mark.parametrize("term", ["xterm-256color", "linux"])
def test_offline_with_a_sale_waiting_on_the_status_line(shop, start_register, term):
    dead = DeadPort()
    try:
        add_sync(shop, dead.url, "t" * 43)
        till = start_register(term)
        till.wait_for("Offline since")
        scan(till, BAGUETTE)
        pay_exact_in_cash(till)
        assert len(shop.sales()) == 1  # saved all the same
        waiting = shop.rows("SELECT count(*) FROM outbox")[0][0]  # the shop's customers too
        till.wait_for(f"{waiting} waiting")
        top = till.display()[0]
        assert "Offline since" in top and "Walk-in customer" in top
    finally:
        dead.close()
