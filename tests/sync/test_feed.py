"""The change feed under concurrent pushes: numbered without gaps in commit order, so a till
that reads while others push and moves its cursor never steps over a change. On SQLite and
PostgreSQL in one server process, and on PostgreSQL with two (``till server run --workers 2``)."""

from __future__ import annotations

import threading
from typing import Any

import httpx
import pytest

from storage.ids import new_id
from sync.server import store
from sync.server.models import AcceptedBatch, FeedEntry, LedgerEntry
from tests.sync.conftest import server_process
from tests.sync.test_protocol import loyalty_change

TILLS = 5
BATCHES = 8
CHANGES = 5


def _change(seq: int) -> dict[str, Any]:
    entry = new_id()
    change = loyalty_change(seq, id=entry)
    change["entity_id"] = entry
    return change


def _push_concurrently_while_reading(
    url: str, tokens: dict[str, str], reader_token: str
) -> tuple[list[str], list[int]]:
    """Every till pushes its batches while a reader pulls 7 at a time: the refusals, and
    the feed numbers the reader saw."""
    errors: list[str] = []
    done = threading.Event()

    def http(token: str) -> httpx.Client:
        return httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=30)

    def push_from(name: str) -> None:
        with http(tokens[name]) as client:
            for b in range(BATCHES):
                changes = [_change(b * CHANGES + n) for n in range(1, CHANGES + 1)]
                body = {"v": 1, "till": name, "key": f"{name}:{b}", "changes": changes}
                response = client.post("/v1/push", json=body)
                if response.status_code != 200:
                    errors.append(f"{name} batch {b}: {response.status_code} {response.text}")

    seen: list[int] = []

    def read_while_pushing() -> None:
        cursor = 0
        headers = {"Till-Sync-Version": "1"}
        with http(reader_token) as client:
            while True:
                finished = done.is_set()  # read once more after the last push
                answer = client.get(
                    "/v1/changes", params={"after": cursor, "limit": 7}, headers=headers
                ).json()
                seen.extend(change["seq"] for change in answer["changes"])
                cursor = answer["cursor"]
                if finished and not answer["more"]:
                    return

    pushers = [threading.Thread(target=push_from, args=(name,)) for name in tokens]
    reader = threading.Thread(target=read_while_pushing)
    reader.start()
    for thread in pushers:
        thread.start()
    for thread in pushers:
        thread.join()
    done.set()
    reader.join(30)
    assert not reader.is_alive()
    return errors, seen


def _assert_gap_free(tokens: dict[str, str], errors: list[str], seen: list[int]) -> None:
    total = TILLS * BATCHES * CHANGES
    feed = list(FeedEntry.select().order_by(FeedEntry.seq))
    assert errors == []
    assert [entry.seq for entry in feed] == list(range(1, total + 1))
    assert seen == list(range(1, total + 1))  # the reader missed nothing, saw nothing twice
    assert LedgerEntry.select().count() == total
    assert AcceptedBatch.select().count() == TILLS * BATCHES
    # Each till's changes keep their order in the feed.
    for name in tokens:
        mine = [entry.till_seq for entry in feed if entry.till == name]
        assert mine == list(range(1, BATCHES * CHANGES + 1))


def test_the_feed_has_no_gaps_under_concurrent_pushes(server):
    tokens = {f"till{n}": server.add_till(f"till{n}") for n in range(TILLS)}
    reader_token = server.add_till("reader")
    errors, seen = _push_concurrently_while_reading(server.url, tokens, reader_token)
    _assert_gap_free(tokens, errors, seen)


@pytest.mark.parametrize("pooled", [False, True], ids=["connect", "pool"])
def test_two_server_processes_on_postgresql_keep_the_feed_gap_free(postgres_db_url, pooled):
    db_url = postgres_db_url
    if pooled:  # Peewee's pool: a connection kept per thread, not one opened per request
        db_url = db_url.replace("postgresql://", "postgresql+pool://", 1)
        db_url += "?max_connections=40&timeout=10"
    store.open_server_database(db_url)
    tokens = {f"till{n}": store.add_till(f"till{n}") for n in range(TILLS)}
    reader_token = store.add_till("reader")
    with server_process(db_url, workers=2) as running:
        assert len(running.workers()) == 2
        errors, seen = _push_concurrently_while_reading(running.url, tokens, reader_token)
    _assert_gap_free(tokens, errors, seen)


def test_a_pull_answer_stays_within_the_body_limit_and_says_there_is_more(server, monkeypatch):
    token = server.add_till("north")
    changes = [_change(n) for n in range(1, 31)]
    with server.http(token) as http:
        http.post("/v1/push", json={"v": 1, "till": "north", "key": "k", "changes": changes})
        size = len(server.feed()[0].payload)
        monkeypatch.setattr("sync.server.store.MAX_BODY_BYTES", size * 10)
        cursor, pages = 0, []
        while True:
            answer = http.get(
                "/v1/changes", params={"after": cursor}, headers={"Till-Sync-Version": "1"}
            ).json()
            pages.append([change["seq"] for change in answer["changes"]])
            cursor = answer["cursor"]
            if not answer["more"]:
                break
    assert [len(page) for page in pages] == [10, 10, 10]
    assert [seq for page in pages for seq in page] == list(range(1, 31))
