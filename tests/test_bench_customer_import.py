"""The customer import benchmark (bench/customer_import.py) at a small size, so it cannot rot:
it runs end to end and its replay floor writes exactly the rows the import wrote. Times are
printed, never asserted."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from bench import customer_import
from bench.customer_import import Chunks, replay_floor, write_file
from storage.customer_import import ImportSettings, import_customer_file
from storage.db import close_database, open_database


def test_the_benchmark_runs_and_judges_the_target_on_the_replay_floor() -> None:
    [figure] = customer_import.run(2_000)
    print(figure.report())
    assert "replaying the import's own rows" in figure.floor
    assert "one customer row per file row" in figure.floor  # the first floor, still shown
    assert "against the replay" in figure.target
    notes = " ".join(figure.notes)
    assert "the target is judged on the replay floor" in notes
    for table in ("customer", "audit_log", "field_clock", "outbox", "customer_fts"):
        assert f"{table} " in notes


def imported(folder: Path, rows: int) -> tuple[Path, Path, Chunks, int]:
    """A file of ``rows`` people imported a hundred rows per transaction, its tables' marks
    heard after each; the import's database stays open."""
    path, import_db, replay_db = folder / "c.csv", folder / "import.db", folder / "replay.db"
    write_file(path, rows)
    open_database(replay_db)
    close_database()
    open_database(import_db)
    with closing(sqlite3.connect(import_db)) as schema:
        chunks = Chunks(schema)
    report = import_customer_file(
        path,
        ImportSettings(actor="test", till_no=1, region="FR"),
        on_progress=chunks.heard,
        chunk_rows=100,
    )
    return import_db, replay_db, chunks, report.created


def test_the_replay_writes_every_row_of_every_transaction(tmp_path: Path) -> None:
    import_db, replay_db, chunks, created = imported(tmp_path, 300)
    try:
        replayed = replay_floor(import_db, replay_db, chunks)
    finally:
        close_database()
    assert replayed.transactions == 3
    assert replayed.rows["customer"] == replayed.rows["customer_fts"] == created
    assert replayed.rows["outbox"] == created
    assert replayed.rows["audit_log"] > created and replayed.rows["field_clock"] > created
    assert replayed.rows["journal_seal"] == 3  # one seal closes each transaction


def test_the_replay_check_refuses_a_floor_that_missed_rows(tmp_path: Path) -> None:
    import_db, replay_db, chunks, _ = imported(tmp_path, 300)
    chunks.marks.pop()  # the last transaction is not replayed
    try:
        with pytest.raises(RuntimeError, match="did not write what the import did"):
            replay_floor(import_db, replay_db, chunks)
    finally:
        close_database()
