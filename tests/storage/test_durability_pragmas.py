"""Every SQLite connection the project opens on data that must survive a power cut carries the
durability pragmas, read back with PRAGMA on the live connection: the till's database (on the
thread that opens it and on the writer's), after a pull relaxed them, and the sync server's.

Pragmas are per connection, so each new place that connects must set them again: the last
test lists every place in the code that opens SQLite, and fails on one it does not know.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import suppress
from pathlib import Path
from typing import Any

import pytest

from storage import backup, open_sale, sync_state
from storage.db import close_database, open_database
from storage.models import database

REPO_ROOT = Path(__file__).resolve().parents[2]
FULL = 2
DURABLE = {"journal_mode": "wal", "synchronous": FULL, "foreign_keys": 1}
"""WAL with synchronous=FULL: a commit is on the disk when it returns (NORMAL may lose it)."""
LEAST_BUSY_TIMEOUT_MS = 1_000
"""A connection that gives up at once on a lock turns a busy moment into an error."""


def _pragmas(execute: Callable[[str], Any]) -> dict[str, Any]:
    return {name: execute(f"PRAGMA {name}").fetchone()[0] for name in (*DURABLE, "busy_timeout")}


def _assert_durable(found: dict[str, Any], where: str) -> None:
    assert {name: found[name] for name in DURABLE} == DURABLE, f"{where}: {found}"
    assert found["busy_timeout"] >= LEAST_BUSY_TIMEOUT_MS, f"{where}: {found}"


def _on_another_thread(work: Callable[[], Any]) -> Any:
    """``work`` run on a thread of its own (peewee gives each thread its own connection)."""
    result: list[Any] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            result.append(work())
        except BaseException as error:  # handed to the test's thread
            errors.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=30)
    if errors:
        raise errors[0]
    return result[0]


def _writer_connection() -> dict[str, Any]:
    """What the register's writer thread does: its own connection, a write, its pragmas."""
    database.connect(reuse_if_open=True)
    try:
        open_sale.save(1, open_sale.revision(1) + 1, None)
        return _pragmas(database.execute_sql)
    finally:
        database.close()


def test_the_till_database_is_durable_on_every_thread(db_path: Path) -> None:
    _assert_durable(_pragmas(database.execute_sql), "the thread that opened it")
    _assert_durable(_on_another_thread(_writer_connection), "the writer's thread")


def test_a_pull_gives_the_durable_pragmas_back(db_path: Path) -> None:
    """A pull relaxes synchronous to NORMAL while it runs (storage/sync_state.py), by design:
    the server holds what it applies. After it, a sale's commit is durable again."""
    with sync_state.pulling():
        (during,) = database.execute_sql("PRAGMA synchronous").fetchone()
    assert during < FULL  # the relaxation this test is about still happens
    _assert_durable(_pragmas(database.execute_sql), "after a pull")


def test_a_busy_timeout_given_at_opening_is_kept(tmp_path: Path) -> None:
    open_database(tmp_path / "till.db", busy_timeout=2)
    try:
        found = _pragmas(database.execute_sql)
    finally:
        close_database()
    _assert_durable(found, "opened with busy_timeout=2")
    assert found["busy_timeout"] == 2_000


def test_the_sync_servers_sqlite_is_durable_on_every_thread(tmp_path: Path) -> None:
    from sync.server.store import open_server_database

    db = open_server_database(f"sqlite:///{tmp_path / 'server.db'}")
    try:

        def pragmas() -> dict[str, Any]:
            with db.connection_context():
                return _pragmas(db.execute_sql)

        _assert_durable(pragmas(), "the server, the thread that opened it")
        _assert_durable(_on_another_thread(pragmas), "the server, a request's thread")
    finally:
        db.close()


class _Recorded(sqlite3.Connection):
    """A connection that notes its file and its pragmas as it closes."""

    opened: list[_Recorded] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pragmas_at_close: dict[str, Any] | None = None
        self.read_only = "mode=ro" in str(args[0] if args else kwargs.get("database"))
        self.file = self.execute("PRAGMA database_list").fetchone()[2]
        _Recorded.opened.append(self)

    def close(self) -> None:
        with suppress(sqlite3.ProgrammingError):  # closed already
            self.pragmas_at_close = _pragmas(self.execute)
        super().close()


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[_Recorded]]:
    """Every sqlite3 connection opened meanwhile, by the project or by peewee for it."""
    plain_connect = sqlite3.connect

    def connect(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        kwargs.setdefault("factory", _Recorded)
        return plain_connect(*args, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", connect)
    _Recorded.opened = []
    yield _Recorded.opened


def test_every_connection_of_a_days_work_is_durable(
    tmp_path: Path, recorded: list[_Recorded]
) -> None:
    """Open the till, write on the writer's thread, back it up, open the server: every
    connection on the till's or the server's database carries the pragmas when it closes; the
    backup's copy is written with synchronous=FULL before it takes its name."""
    from sync.server.store import open_server_database

    till_db, copy = tmp_path / "till.db", tmp_path / "copy.db"
    open_database(till_db)
    try:
        _on_another_thread(_writer_connection)
        backup.backup(till_db, copy)
    finally:
        close_database()
    server_db = tmp_path / "server.db"
    open_server_database(f"sqlite:///{server_db}").close()

    checked = 0
    for connection in recorded:
        found = connection.pragmas_at_close
        if connection.file in (str(till_db), str(server_db)) and found:
            if connection.read_only:  # writes nothing: only waiting for a lock matters
                assert found["busy_timeout"] >= LEAST_BUSY_TIMEOUT_MS, connection.file
            else:
                _assert_durable(found, connection.file)
            checked += 1
        elif Path(connection.file).name.startswith(f".{copy.name}."):  # the copy being written
            assert found and found["synchronous"] >= FULL, f"the backup copy: {found}"
            checked += 1
    assert checked >= 4, [(c.file, c.pragmas_at_close) for c in recorded]


CONNECTING = re.compile(r"sqlite3\.connect\(|SqliteDatabase\(|\bconnect\(url|apsw\.Connection\(")
KNOWN_CONNECTIONS = {
    # the till's database: storage/db.open_database sets PRAGMAS on every connection
    ("storage/models.py", 'database = SqliteDatabase(None, lock_type="IMMEDIATE")'),
    # the sync server: SQLITE_PRAGMAS on every connection
    ("sync/server/store.py", "db = connect(url, **options)"),
    # a backup: reads the till's database, writes a copy checked before it takes its name
    ("storage/backup.py", "reading = sqlite3.connect("),
    ("storage/backup.py", "writing = sqlite3.connect(target)"),
    ("storage/backup.py", "connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S)"),
    # scratch databases, thrown away when done: nothing in them must survive
    ("storage/migrated_schema.py", 'scratch = SqliteDatabase(":memory:")'),
    ("sync/server/catalog.py", 'seen_keys = SqliteDatabase(str(Path(scratch) / "seen.db"))'),
}


def test_no_place_opens_sqlite_unknown_to_these_tests() -> None:
    """A new connection must carry the pragmas too: add it above, and a check of it."""
    found = {
        (str(path.relative_to(REPO_ROOT)), line.strip())
        for package in ("till", "storage", "sync", "devices")
        for path in sorted((REPO_ROOT / package).rglob("*.py"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if CONNECTING.search(line) and not line.lstrip().startswith("#")
    }
    assert found == KNOWN_CONNECTIONS
