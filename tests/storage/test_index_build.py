"""A new till's first pull sets the search indexes of the customer file aside and builds them
once at the end (storage/index_build.py): it ends with the schema the migrations make and
finds what a till that kept them finds; an interrupted pull gets them back at the next open;
a till that holds customers or has pulled before keeps them all along."""

from __future__ import annotations

import logging
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from storage import index_build, journal_check, migrated_schema, sync_state
from storage.customer_search import search_customers
from storage.customers import create_customer
from storage.db import close_database, open_database
from storage.models import database
from storage.remote_changes import apply_remote
from tests.storage.test_remote_creations import _feed

QUERIES = ("Name17", "elodie1", "0600000017", "+33600000030", "élodie.5@example.org", "25000")
QUERIES += ("O'Brien", "Crème", "2900000000331", "02079460958", "E-32", "")


def _indexes(connection: sqlite3.Connection | None = None) -> dict[str, str]:
    """Name → SQL of the database's indexes (``database``'s unless ``connection``)."""
    query = "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
    rows = (connection or database.connection()).execute(query)
    return dict(rows.fetchall())


def _searches() -> dict[str, list[str]]:
    return {query: [c.code for c in search_customers(query)] for query in QUERIES}


def _pulled(path: Path, first_pull: bool) -> tuple[dict[str, list[str]], dict[str, str]]:
    """The feed applied to a new till at ``path`` in three parts, inside a pull (indexes set
    aside) or not; the searches' answers and the indexes after."""
    feed = _feed()
    open_database(path)
    try:
        if first_pull:
            with sync_state.pulling():
                assert not set(index_build.SET_ASIDE) & set(_indexes())
                for cursor, part in enumerate((feed[:12], feed[12:30], feed[30:]), 1):
                    apply_remote(part, cursor, node="south")
        else:
            for cursor, part in enumerate((feed[:12], feed[12:30], feed[30:]), 1):
                apply_remote(part, cursor, node="south")
        return _searches(), _indexes()
    finally:
        close_database()


def test_a_first_pull_ends_with_the_migrated_indexes_and_finds_the_same(tmp_path):
    searches, indexes = _pulled(tmp_path / "new.db", first_pull=True)
    kept_searches, kept_indexes = _pulled(tmp_path / "kept.db", first_pull=False)
    assert indexes == migrated_schema.objects("index") == kept_indexes
    assert searches == kept_searches
    assert searches["Name17"] == ["C01-000017"]
    assert len(searches[""]) == 34


def test_only_non_unique_indexes_of_the_migrated_schema_are_set_aside():
    made = migrated_schema.objects("index")
    for name in index_build.SET_ASIDE:
        assert name in made, name
        assert made[name].startswith("CREATE INDEX"), made[name]


def test_a_pull_that_fails_builds_them_back_and_leaves_the_triggers(db_path):
    with pytest.raises(RuntimeError), sync_state.pulling():
        assert not set(index_build.SET_ASIDE) & set(_indexes())
        raise RuntimeError("the server went away")
    assert _indexes() == migrated_schema.objects("index")
    assert list(journal_check._triggers()) == []
    assert database.execute_sql("PRAGMA cache_size").fetchone()[0] == -1_000


@pytest.mark.parametrize("holds", ["a customer", "a pull cursor"])
def test_a_till_that_holds_customers_or_has_pulled_keeps_every_index(db_path, holds):
    if holds == "a customer":
        create_customer({"last_name": "Martin"}, actor="test", till_no=1, region="FR")
    else:
        with database.atomic():
            sync_state.advance(sync_state.PULL_CURSOR, 7)
    with sync_state.pulling():
        assert _indexes() == migrated_schema.objects("index")
    assert _indexes() == migrated_schema.objects("index")


KILLED_MID_PULL = """
import os, signal, sys
from storage import sync_state
from storage.db import open_database
open_database(sys.argv[1])
with sync_state.pulling():
    os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_pull_killed_midway_gets_its_indexes_back_at_the_next_open(tmp_path, caplog):
    path = tmp_path / "till.db"
    child = subprocess.run(
        [sys.executable, "-c", KILLED_MID_PULL, str(path)],
        cwd=Path(__file__).parents[2],
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])},
        capture_output=True,
        timeout=60,
    )
    assert child.returncode == -signal.SIGKILL, child.stderr.decode()
    with sqlite3.connect(path) as connection:
        left = _indexes(connection)
    assert set(index_build.SET_ASIDE).isdisjoint(left)
    with caplog.at_level(logging.WARNING, logger="storage.index_build"):
        open_database(path)
    try:
        assert _indexes() == migrated_schema.objects("index")
        assert list(journal_check._triggers()) == []
        assert len([r for r in caplog.records if "missing" in r.getMessage()]) == len(
            index_build.SET_ASIDE
        )
    finally:
        close_database()
