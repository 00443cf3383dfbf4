"""The server killed (SIGKILL) while a till pushes, then started again on the same database
(SQLite and PostgreSQL): the till keeps retrying, and in the end every change is on the server
exactly once."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time

import httpx

from storage import loyalty, outbox
from storage.models import database as till_database
from sync.client import SyncClient
from sync.server.models import FeedEntry, LedgerEntry
from sync.server.store import open_server_database
from till.errors import SyncError

from .conftest import LosingProxy

CHANGES = 400


def _start(db_url: str, port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [sys.executable, "-m", "till", "server", "run", "--port", str(port)],
        env={**os.environ, "TILL_SERVER_DB": db_url},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60  # against hanging: a loaded machine starts slowly
    while True:
        try:
            httpx.get(f"http://127.0.0.1:{port}/v1/health", timeout=1)
            return process
        except httpx.TransportError:
            assert process.poll() is None and time.monotonic() < deadline, "no server"
            time.sleep(0.05)


def test_a_server_killed_mid_push_loses_and_doubles_nothing(tmp_path, monkeypatch, server_db_url):
    from storage.customers import create_customer
    from storage.db import close_database, open_database

    db_url = server_db_url
    env = {**os.environ, "TILL_SERVER_DB": db_url}
    token = subprocess.run(
        [sys.executable, "-m", "till", "server", "add-till", "north"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()[-1]
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    open_database(tmp_path / "north.db")
    customer = create_customer({"last_name": "Martin"}, actor="t", till_no=1, region="FR").id
    at = "2026-12-01T10:00:00+00:00"
    with till_database.atomic():
        for _ in range(CHANGES - 1):
            loyalty.add_movement(customer, "earn", 1, actor="t", at=at)
    monkeypatch.setattr("sync.client.MAX_BODY_BYTES", 8_000)  # many small pushes

    server = _start(db_url, port)
    posts: list[bytes] = []
    killed = threading.Event()

    def kill_on_third_push(data: bytes) -> None:
        """The third push's request has reached the server: kill it there and then."""
        if data.startswith(b"POST"):
            posts.append(data)
            if len(posts) == 3:
                server.send_signal(signal.SIGKILL)
                killed.set()

    proxy = LosingProxy(port, on_request=kill_on_third_push)
    client = SyncClient(proxy.url, token, "north", attempts=2, backoff=0.05)
    failures: list[str] = []

    def push_until_done() -> None:
        with till_database.connection_context():
            while outbox.pending(1):
                try:
                    client.push_all()
                except SyncError as error:  # the server is down: the till waits and retries
                    failures.append(str(error))
                    time.sleep(0.05)

    pusher = threading.Thread(target=push_until_done)
    try:
        pusher.start()
        assert killed.wait(30)
        server.wait(10)
        server = _start(db_url, port)
        pusher.join(60)
        assert not pusher.is_alive()
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(10)
        client.close()
        proxy.close()
    open_server_database(db_url)
    seqs = [entry.till_seq for entry in FeedEntry.select().order_by(FeedEntry.seq)]
    assert LedgerEntry.select().count() == CHANGES - 1
    assert seqs == list(range(1, CHANGES + 1))
    assert failures  # the push the kill cut failed, and the till retried it
    assert outbox.pending() == []
    close_database()
