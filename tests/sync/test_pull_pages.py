"""A long pull (a new till's first sync) fetches the next page while one applies, and applies
each page in short transactions whose commits do not wait for the disk: a failure between
two leaves the cursor on what is applied, and the next pull goes on from there to the same
file as a pull that never failed. A page
fetched ahead after a cursor another sync has moved meanwhile is not applied again."""

from __future__ import annotations

import pytest

import sync.client
from storage import sync_state
from storage.models import database
from sync.client import SyncClient

COUNT = 25


def _file() -> list[tuple]:
    return database.execute_sql(
        "SELECT c.id, c.code, c.last_name, c.name_key, c.origin_till,"
        " (SELECT group_concat(f.field || '=' || f.clock || '@' || f.till, ',')"
        "  FROM field_clock f WHERE f.entity = 'customer' AND f.entity_id = c.id)"
        " FROM customer c ORDER BY c.num"
    ).fetchall()


def test_a_failure_between_transactions_leaves_the_cursor_on_what_is_applied(
    make_till, server, monkeypatch
):
    north = make_till("north", 1)
    for n in range(COUNT):
        north.new_customer(f"Dupont{n}")
    north.client.push_all()
    seqs = [entry.seq for entry in server.feed()]

    east = make_till("east", 3)
    east.client.pull_all()
    whole = _file()

    monkeypatch.setattr(sync.client, "TRANSACTION_CHANGES", 10)
    real, calls = sync.client.apply_remote, []

    def failing_second(*args, **options):
        calls.append(database.execute_sql("PRAGMA synchronous").fetchone()[0])
        if len(calls) == 2:
            raise RuntimeError("the till stopped here")
        return real(*args, **options)

    monkeypatch.setattr(sync.client, "apply_remote", failing_second)
    south = make_till("south", 2)
    with pytest.raises(RuntimeError):
        south.client.pull_all(limit=COUNT)
    assert sync_state.get(sync_state.PULL_CURSOR) == seqs[9]
    assert _file() == whole[:10]
    # The pull's commits did not wait for the disk (NORMAL); the connection is FULL again.
    assert calls == [1, 1]
    assert database.execute_sql("PRAGMA synchronous").fetchone()[0] == 2

    monkeypatch.setattr(sync.client, "apply_remote", real)
    assert south.client.pull_all() == COUNT - 10
    assert sync_state.get(sync_state.PULL_CURSOR) == seqs[-1]
    assert _file() == whole
    east.use()
    assert _file() == whole


def test_a_page_another_sync_applied_meanwhile_is_not_applied_again(make_till, server):
    north = make_till("north", 1)
    for n in range(COUNT):
        north.new_customer(f"Martin{n}")
    north.client.push_all()

    south = make_till("south", 2)
    pages = south.client.pull_pages(limit=10)
    first = next(pages)  # the next page is being fetched meanwhile
    with SyncClient(server.url, south.token, "south") as other:  # e.g. ``till sync --once``
        while other.pull_once(10).more:
            pass
    rest = list(pages)
    assert first.received == 10
    assert sum(result.received for result in rest) == 0
    assert database.execute_sql("SELECT COUNT(*) FROM customer").fetchone()[0] == COUNT
