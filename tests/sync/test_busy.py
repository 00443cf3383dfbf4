"""A push that waits too long for the feed's lock (another writer holds it) is answered
``503 busy`` and writes nothing; once the lock is free the till's retry is applied; a server
process starting meanwhile does not wait for that lock. On SQLite (the database's write lock)
and PostgreSQL (the counter's row lock, and the table locks a push's inserts take)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import psycopg

from sync.server import store
from sync.server.app import create_app
from sync.server.models import AcceptedBatch, FeedEntry, database
from tests.sync.conftest import serving
from tests.sync.test_protocol import loyalty_change

WAIT_MS = 200


@contextmanager
def another_writer(db_url: str) -> Iterator[None]:
    """A connection of its own holding the locks a push holds, until the block ends."""
    if db_url.startswith("sqlite"):
        connection = sqlite3.connect(db_url.removeprefix("sqlite:///"), isolation_level=None)
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            connection.execute("ROLLBACK")
            connection.close()
        return
    with psycopg.connect(db_url) as holder:  # a transaction until the block ends
        holder.execute("UPDATE feed_counter SET value = value WHERE id = 1")
        holder.execute("LOCK TABLE feed_entry IN ROW EXCLUSIVE MODE")  # as an INSERT does
        yield
        holder.rollback()


def test_a_push_kept_waiting_for_the_lock_is_busy_and_its_retry_is_applied(
    server_db_url, monkeypatch
):
    monkeypatch.setitem(store.SQLITE_PRAGMAS, "busy_timeout", WAIT_MS)
    monkeypatch.setattr(store, "POSTGRES_LOCK_TIMEOUT_MS", WAIT_MS)
    app = create_app(server_db_url)
    token = store.add_till("north")
    body = {"v": 1, "till": "north", "key": "k1", "changes": [loyalty_change()]}
    headers = {"Authorization": f"Bearer {token}"}
    with serving(app) as (host, port), httpx.Client(headers=headers, timeout=10) as http:
        url = f"http://{host}:{port}/v1/push"
        with another_writer(server_db_url):
            refused = http.post(url, json=body)
        assert refused.status_code == 503
        assert refused.json()["error"] == "busy"
        assert FeedEntry.select().count() == 0 and AcceptedBatch.select().count() == 0
        retried = http.post(url, json=body)
    assert retried.status_code == 200 and retried.json()["accepted"] == 1
    assert FeedEntry.select().count() == 1


def test_a_server_starting_while_a_push_holds_the_lock_does_not_wait_for_it(
    server_db_url, monkeypatch
):
    store.open_server_database(server_db_url)  # the tables exist: another server made them
    monkeypatch.setitem(store.SQLITE_PRAGMAS, "busy_timeout", WAIT_MS)
    monkeypatch.setattr(store, "POSTGRES_LOCK_TIMEOUT_MS", WAIT_MS)
    with another_writer(server_db_url):
        store.open_server_database(server_db_url)  # a ServerError if it waited past WAIT_MS
        assert FeedEntry.select().count() == 0


def test_a_pooled_server_with_every_connection_in_use_is_busy(postgres_db_url):
    pooled = postgres_db_url.replace("postgresql://", "postgresql+pool://", 1)
    app = create_app(f"{pooled}?max_connections=1&timeout=1")
    token = store.add_till("north")
    body = {"v": 1, "till": "north", "key": "k1", "changes": [loyalty_change()]}
    headers = {"Authorization": f"Bearer {token}"}
    with serving(app) as (host, port), httpx.Client(headers=headers, timeout=10) as http:
        url = f"http://{host}:{port}/v1/push"
        with database.connection_context():  # this thread holds the pool's one connection
            refused = http.post(url, json=body)
        retried = http.post(url, json=body)
    assert refused.status_code == 503 and refused.json()["error"] == "busy"
    assert retried.status_code == 200 and retried.json()["accepted"] == 1
