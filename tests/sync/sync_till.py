"""Helpers for the till's side of sync: a back-office server on SQLite for one test, a port
where nothing answers, and the server's view of what a till sent."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import uvicorn

from sync.server.app import create_app
from sync.server.models import FeedEntry
from tests.sync.conftest import LOOPBACK, RunningServer, serving

TOKEN_LINE = -1


@contextmanager
def sqlite_server(directory: Path) -> Iterator[RunningServer]:
    """The real server under uvicorn on a free loopback port, on a SQLite file: the till's
    side does not depend on the server's database."""
    db_url = f"sqlite:///{directory / 'server.db'}"
    with serving(create_app(db_url)) as (host, port):
        yield RunningServer(url=f"http://{host}:{port}", db_url=db_url)


def earn_point(customer_id: str) -> str:
    """A point earned on the till whose database is open, inside the caller's transaction."""
    from storage import loyalty
    from storage.ids import new_id

    at = datetime.now(UTC).isoformat()
    return loyalty.add_movement(customer_id, "earn", 1, actor="test", at=at, sale_id=new_id())


def feed_of(till: str) -> list[tuple[str, str, str]]:
    """(entity, operation, entity_id) of every change the server holds from ``till``."""
    rows = FeedEntry.select().where(FeedEntry.till == till).order_by(FeedEntry.seq)
    return [(row.entity, row.operation, row.entity_id) for row in rows]


def payloads_of(till: str, entity: str) -> list[dict[str, Any]]:
    rows = FeedEntry.select().where((FeedEntry.till == till) & (FeedEntry.entity == entity))
    return [json.loads(row.payload) for row in rows]


class DeadPort:
    """A loopback port bound but not listening: connections are refused at once, as from a
    server that is down. ``serve()`` starts the real server on it: the server comes back."""

    def __init__(self) -> None:
        self.sock = self._bound(0)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://{LOOPBACK}:{self.port}"

    @staticmethod
    def _bound(port: int) -> socket.socket:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((LOOPBACK, port))
        return sock

    @contextmanager
    def serve(self, db_url: str) -> Iterator[None]:
        import threading

        running = uvicorn.Server(
            uvicorn.Config(create_app(db_url), log_level="warning", lifespan="off")
        )
        thread = threading.Thread(target=running.run, kwargs={"sockets": [self.sock]}, daemon=True)
        thread.start()
        wait_until(lambda: running.started, "the server started")
        try:
            yield
        finally:
            running.should_exit = True
            thread.join(10)
            self.sock.close()  # uvicorn closed it: the port is held again, refusing
            self.sock = self._bound(self.port)

    def close(self) -> None:
        self.sock.close()


def wait_until(condition: Callable[[], object], what: str, deadline: float = 20.0) -> None:
    """Poll ``condition``; the deadline only guards against a hang (no timed assertion)."""
    give_up = time.monotonic() + deadline
    while not condition():
        assert time.monotonic() < give_up, f"never happened: {what}"
        time.sleep(0.02)


def stock(till: Any) -> None:
    """The test shop's products (tests/conftest.py PRODUCTS) on ``till``, made its database."""
    from storage import catalog
    from tests.conftest import PRODUCTS
    from till.config import Settings

    till.use()
    text = "barcode,name,price,vat\n" + "".join(
        f'{code},"{name}",{price},{vat}\n' for code, name, price, vat in PRODUCTS
    )
    rows, errors = catalog.parse_product_csv(text, Settings().vat.rates)
    assert errors == []
    catalog.import_products(rows)
