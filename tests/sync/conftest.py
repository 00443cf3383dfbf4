"""The real back-office server under uvicorn on 127.0.0.1 (a free port), on SQLite and on
PostgreSQL (every test using ``server`` runs on both), tills as SQLite files, and a small TCP
proxy that can lose an answer after the server has acted on the request."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
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
from sync.server.models import database as server_database
from tests.pg import PostgresUnavailable, fresh_database, running_postgres

LOOPBACK = "127.0.0.1"
BACKENDS = ("sqlite", "postgresql")


@dataclass
class RunningServer:
    url: str
    db_url: str
    backend: str = "sqlite"
    """``sqlite`` or ``postgresql``: what ``db_url`` names."""

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


@pytest.fixture(scope="session")
def postgres() -> Iterator[str]:
    """One throwaway PostgreSQL per test session (per xdist worker): its URL. Never skipped:
    without PostgreSQL's binaries the tests that need it fail, saying what to install."""
    try:
        with running_postgres() as url:
            yield url
    except PostgresUnavailable as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture
def postgres_db_url(postgres: str) -> Iterator[str]:
    """A new, empty database on the session's PostgreSQL, dropped after the test."""
    with fresh_database(postgres) as url:
        yield url
        if server_database.obj is not None:
            server_database.obj.close()  # this thread's connection: the rest closed per request


@pytest.fixture(params=BACKENDS)
def server_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty server database: a SQLite file in tmp_path, or a new PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'server.db'}"
    url: str = request.getfixturevalue("postgres_db_url")
    return url


@pytest.fixture
def server(server_db_url: str) -> Iterator[RunningServer]:
    backend = "sqlite" if server_db_url.startswith("sqlite") else "postgresql"
    with serving(create_app(server_db_url)) as (host, port):
        yield RunningServer(url=f"http://{host}:{port}", db_url=server_db_url, backend=backend)


@dataclass
class ServerProcess:
    url: str
    process: subprocess.Popen[bytes]

    def workers(self) -> list[int]:
        """The process ids of the uvicorn workers ``till server run`` started."""
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError):
                parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
                command = (stat.parent / "cmdline").read_bytes()
                if parent == self.process.pid and b"spawn_main" in command:
                    children.append(int(stat.parent.name))
        return children


@contextmanager
def server_process(db_url: str, workers: int = 1) -> Iterator[ServerProcess]:
    """``till server run --db db_url --workers N`` in its own process group on a free port,
    until the block ends (then the group is stopped)."""
    with _free_socket() as probe:
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "till", "server", "run", "--db", db_url]
    command += ["--port", str(port), "--workers", str(workers)]
    with tempfile.TemporaryFile() as log:  # uvicorn logs every request: no pipe to fill
        process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        running = ServerProcess(f"http://{LOOPBACK}:{port}", process)
        try:
            deadline = time.monotonic() + 60  # against hanging, not a timing
            while len(running.workers()) < workers or not _answers(running.url):
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise AssertionError(f"no server: {log.read().decode()[-2000:]}")
                time.sleep(0.05)
            yield running
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def _answers(url: str) -> bool:
    try:
        return httpx.get(f"{url}/v1/health", timeout=1).status_code == 200
    except httpx.TransportError:
        return False


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
            # a folder a till, as on its own machine: its keys folder beside its database
            tmp_path / name / "till.db",
            name,
            server.add_till(name),
            url or server.url,
            till_no,
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
