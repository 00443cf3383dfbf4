"""The real back-office server under uvicorn on 127.0.0.1 (a free port), tills as SQLite files,
and a small TCP proxy that can lose an answer after the server has acted on the request."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from storage import loyalty
from storage.customers import create_customer
from storage.db import close_database, open_database
from storage.ids import new_id
from storage.models import database as till_database
from sync.client import SyncClient
from sync.server import store
from sync.server.app import create_app
from sync.server.models import AcceptedBatch, FeedEntry

LOOPBACK = "127.0.0.1"


@dataclass
class RunningServer:
    url: str
    db_url: str

    def add_till(self, name: str) -> str:
        return store.add_till(name)

    def feed(self) -> list[FeedEntry]:
        return list(FeedEntry.select().order_by(FeedEntry.seq))

    def batches(self) -> int:
        return AcceptedBatch.select().count()

    def http(self, token: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=10)


def _free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((LOOPBACK, 0))
    return sock


@contextmanager
def serving(app: Any, **config: Any) -> Iterator[tuple[str, int]]:
    """Run ``app`` under uvicorn in a thread on a free loopback port until the block ends."""
    sock = _free_socket()
    running = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off", **config))
    thread = threading.Thread(target=running.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not running.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.01)
    try:
        yield sock.getsockname()
    finally:
        running.should_exit = True
        thread.join(10)
        sock.close()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RunningServer]:
    db_url = f"sqlite:///{tmp_path / 'server.db'}"
    with serving(create_app(db_url)) as (host, port):
        yield RunningServer(url=f"http://{host}:{port}", db_url=db_url)


class Till:
    """One till: its own SQLite file, its own token, its own sync client. The till's storage
    is process-wide, so ``use()`` switches to this till's file before touching it."""

    def __init__(self, path: Path, name: str, token: str, url: str, till_no: int) -> None:
        self.path, self.name, self.till_no, self.token = path, name, till_no, token
        self.use()
        self.client = SyncClient(url, token, name, attempts=4, backoff=0.05, timeout=5)

    def use(self) -> Till:
        open_database(self.path)
        return self

    def new_customer(self, last_name: str) -> str:
        self.use()
        return create_customer(
            {"last_name": last_name}, actor="test", till_no=self.till_no, region="FR"
        ).id

    def earn(self, customer_id: str, points: int) -> str:
        self.use()
        at = datetime.now(UTC).isoformat()
        with till_database.atomic():
            return loyalty.add_movement(
                customer_id, "earn", points, actor="test", at=at, sale_id=new_id()
            )

    def points(self, customer_id: str) -> list[tuple[str, int]]:
        self.use()
        rows = till_database.execute_sql(
            "SELECT id, points FROM loyalty_entry WHERE customer_id = ? ORDER BY id",
            (customer_id,),
        )
        return [(row[0], row[1]) for row in rows]

    def sync(self) -> tuple[int, int]:
        self.use()
        return self.client.sync_once()


@pytest.fixture
def make_till(server: RunningServer, tmp_path: Path) -> Iterator[Any]:
    made: list[Till] = []

    def make(name: str, till_no: int, url: str | None = None) -> Till:
        till = Till(
            tmp_path / f"{name}.db", name, server.add_till(name), url or server.url, till_no
        )
        made.append(till)
        return till

    yield make
    for till in made:
        till.client.close()
    close_database()


class LosingProxy:
    """A TCP proxy on loopback. For the first ``lose`` connections it forwards the request,
    waits for the server's answer, then closes the till's connection without passing the
    answer on: the server acted, the till never heard. ``on_request`` sees each piece of a
    request once it has gone on to the server."""

    def __init__(
        self,
        target_port: int,
        lose: int = 0,
        on_request: Callable[[bytes], None] | None = None,
    ) -> None:
        self.target_port, self.lose, self.on_request = target_port, lose, on_request
        self.lost = 0
        self._sock = _free_socket()
        self._sock.listen()
        self.port = self._sock.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def close(self) -> None:
        self._sock.close()

    def _serve(self) -> None:
        while True:
            try:
                client, _ = self._sock.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(client,), daemon=True).start()

    def _handle(self, client: socket.socket) -> None:
        try:
            upstream = socket.create_connection((LOOPBACK, self.target_port))
        except OSError:  # the server is down: so is the till's connection
            client.close()
            return
        losing = self.lost < self.lose
        if losing:
            self.lost += 1
        threading.Thread(target=self._forward, args=(client, upstream), daemon=True).start()
        with client, upstream:
            try:
                while data := upstream.recv(65536):
                    if losing:  # the server has answered: it committed. Cut the till off.
                        break
                    client.sendall(data)
            except OSError:
                pass
            # Shut down, not only close: the forwarding thread still reads the till's socket,
            # and a socket another thread reads is only closed once that read returns.
            for end in (client, upstream):
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)

    def _forward(self, source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
                if self.on_request is not None:
                    self.on_request(data)
        except OSError:
            pass
