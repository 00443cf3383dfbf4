"""SQLite's failures, produced for real, come out as StorageErrors a cashier can read."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from peewee import OperationalError, SqliteDatabase

from storage.errors import (
    DatabaseBusy,
    DiskFailure,
    DiskFull,
    ReadOnlyDatabase,
    storage_error,
    storage_errors,
)
from till.errors import StorageError, TillError


@pytest.fixture
def path(tmp_path: Path) -> Path:
    path = tmp_path / "t.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE t (x)")
    return path


def peewee_database(path: Path, **pragmas) -> SqliteDatabase:
    database = SqliteDatabase(str(path), pragmas=pragmas, timeout=0)
    database.connect()
    return database


def test_a_locked_database_is_busy(path):
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    database = peewee_database(path, busy_timeout=0)
    with pytest.raises(DatabaseBusy) as caught, storage_errors():
        database.execute_sql("INSERT INTO t VALUES (1)")
    assert "another program is writing" in str(caught.value)
    assert isinstance(caught.value.__cause__, OperationalError)
    holder.close()


def test_a_full_disk(path):
    database = peewee_database(path, max_page_count=2)
    with pytest.raises(DiskFull) as caught, storage_errors():
        database.execute_sql("INSERT INTO t VALUES (?)", ("x" * 100_000,))
    assert "The disk is full: nothing was saved" in str(caught.value)


def test_a_read_only_database(path):
    database = SqliteDatabase(f"file:{path}?mode=ro", uri=True)
    database.connect()
    with pytest.raises(ReadOnlyDatabase) as caught, storage_errors():
        database.execute_sql("INSERT INTO t VALUES (1)")
    assert "cannot be written to" in str(caught.value)


def test_a_disk_failure_by_its_words():
    """An I/O error cannot be provoked portably; its message is SQLite's own."""
    error = storage_error(OperationalError("disk I/O error"))
    assert isinstance(error, DiskFailure)
    assert "Call the technician" in str(error)


def test_any_other_operational_failure_is_still_a_storage_error(path):
    database = peewee_database(path)
    with pytest.raises(StorageError) as caught, storage_errors():
        database.execute_sql("INSERT INTO missing VALUES (1)")
    assert isinstance(caught.value, TillError)
    assert "nothing was saved" in str(caught.value)


def test_what_is_not_an_operational_failure_passes_through():
    with pytest.raises(ValueError), storage_errors():
        raise ValueError("a bug stays a bug")
