"""``till backup``, ``till restore`` and ``till logs`` on real files: a backup taken while
another process records sales restores whole; every file a restore must refuse is refused in
one ``till:`` line and leaves the current database as it was."""

from __future__ import annotations

import fcntl
import json
import os
import queue
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from contextlib import closing
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import storage.db
from storage import migrations
from storage.models import SchemaVersion
from till.cli import cli

ROOT = Path(__file__).resolve().parents[1]
SALES_BEFORE_BACKUP = 15
READY_TIMEOUT_S = 15.0


def till(*args: str, input: str = "") -> Result:
    try:
        return CliRunner().invoke(cli, list(args), input=input)
    finally:
        storage.db.close_database()


def assert_refused(result: Result, *words: str) -> None:
    """Refused: a non-zero status and one ``till:`` line naming ``words``, no traceback."""
    assert result.exit_code == 2, (result.exit_code, result.output)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("till: "), result.stderr
    for word in words:
        assert word in lines[0], lines[0]


def receipts(db: Path) -> list[str]:
    with closing(sqlite3.connect(db)) as connection:
        rows = connection.execute("SELECT receipt_code FROM sale ORDER BY receipt_code")
        return [row[0] for row in rows]


def integrity(db: Path) -> str:
    with closing(sqlite3.connect(db)) as connection:
        return connection.execute("PRAGMA integrity_check").fetchone()[0]


@pytest.fixture
def shop(stocked_db: Path) -> Path:
    """A stocked database, closed in this process: the commands open it themselves."""
    storage.db.close_database()
    return stocked_db


def sell_in_background(db: Path, stderr: Path) -> tuple[subprocess.Popen[bytes], queue.Queue]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with stderr.open("wb") as errors:
        child = subprocess.Popen(
            [sys.executable, "-m", "tests.storage.sale_loop", str(db), "7"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=errors,
        )
    lines: queue.Queue[bytes | None] = queue.Queue()

    def pump() -> None:
        assert child.stdout is not None
        for line in child.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    return child, lines


def test_a_backup_taken_while_selling_restores_every_acknowledged_sale(shop, tmp_path):
    child, lines = sell_in_background(shop, tmp_path / "child.err")
    acknowledged: list[str] = []
    try:
        deadline = time.monotonic() + READY_TIMEOUT_S
        while len(acknowledged) < SALES_BEFORE_BACKUP and time.monotonic() < deadline:
            line = lines.get(timeout=READY_TIMEOUT_S)
            assert line is not None, (tmp_path / "child.err").read_text()
            report = json.loads(line)
            if "receipt" in report:
                acknowledged.append(report["receipt"])
        assert len(acknowledged) == SALES_BEFORE_BACKUP
        backup = tmp_path / "saved.db"
        taken = till("--db", str(shop), "backup", str(backup))
        still_selling = child.poll() is None
        time.sleep(0.1)  # more sales after the backup: none of them may be needed
    finally:
        child.kill()
        child.wait(timeout=10)
    assert taken.exit_code == 0, taken.output
    assert still_selling
    assert f"Backup written: {backup}" in taken.stdout and " sales, last receipt " in taken.stdout

    elsewhere = tmp_path / "other" / "till.db"
    elsewhere.parent.mkdir()
    # the journal's key comes with the database: restoring needs the keys folder's backup too
    shutil.copytree(shop.parent / "keys", elsewhere.parent / "keys")
    restored = till("--db", str(elsewhere), "restore", str(backup), "--yes")
    assert restored.exit_code == 0, restored.output
    assert integrity(elsewhere) == "ok"
    journal = till("--db", str(elsewhere), "journal", "--json")
    assert journal.exit_code == 0, journal.output
    assert json.loads(journal.stdout)["broken"] == []
    assert set(acknowledged) <= set(receipts(elsewhere))
    assert len(receipts(shop)) > len(receipts(elsewhere)) >= SALES_BEFORE_BACKUP


def test_restore_keeps_the_current_database_aside(shop, tmp_path):
    backup = tmp_path / "empty-catalog.db"
    assert till("--db", str(shop), "backup", str(backup)).exit_code == 0
    sql(shop, "DELETE FROM product")  # the current database moves on after the backup
    answered_no = till("--db", str(shop), "restore", str(backup), input="n\n")
    assert_refused(answered_no, "nothing restored")
    assert products(shop) == 0

    restored = till("--db", str(shop), "restore", str(backup), input="y\n")
    assert restored.exit_code == 0, restored.output
    (aside,) = tmp_path.glob("till.db.before-restore-*")
    assert str(aside) in restored.stdout
    assert products(aside) == 0 and integrity(aside) == "ok"
    assert products(shop) > 0
    assert not list(tmp_path.glob(".*.partial*"))


def products(db: Path) -> int:
    with closing(sqlite3.connect(db)) as connection:
        return connection.execute("SELECT count(*) FROM product").fetchone()[0]


def test_backup_refuses_to_overwrite_a_file_unless_forced(shop, tmp_path):
    target = tmp_path / "there.db"
    target.write_bytes(b"keep me")
    assert_refused(till("--db", str(shop), "backup", str(target)), "--force")
    assert target.read_bytes() == b"keep me"
    assert till("--db", str(shop), "backup", str(target), "--force").exit_code == 0
    assert integrity(target) == "ok"
    assert_refused(till("--db", str(shop), "backup", str(shop), "--force"), "database itself")


def sql(db: Path, *statements: str) -> None:
    with closing(sqlite3.connect(db)) as connection, connection:
        for statement in statements:
            connection.execute(statement)


def newer_schema(db: Path) -> None:
    sql(db, "INSERT INTO schema_version (version, applied_at) VALUES (9999, '')")


def foreign(db: Path) -> None:
    db.unlink()
    sql(db, "CREATE TABLE invoices (id INTEGER PRIMARY KEY, total INTEGER)")


def truncated(db: Path) -> None:
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 2])


def not_sqlite(db: Path) -> None:
    db.write_text("barcode,name,price,vat\n", encoding="utf-8")


def damaged(db: Path) -> None:
    """A page in the middle overwritten: the header is whole, the tree is not."""
    with closing(sqlite3.connect(db)) as connection:
        page_size = connection.execute("PRAGMA page_size").fetchone()[0]
        pages = connection.execute("PRAGMA page_count").fetchone()[0]
    with db.open("r+b") as file:
        for page in range(2, pages):
            file.seek(page * page_size)
            file.write(b"\xff" * 64)


@pytest.mark.parametrize(
    ("spoil", "words"),
    [
        (truncated, ["truncated"]),
        (not_sqlite, ["not an SQLite database"]),
        (foreign, ["not a till database", "schema_version"]),
        (newer_schema, ["newer till", "9999"]),
        (damaged, ["damaged"]),
    ],
)
def test_restore_refuses_a_file_that_is_not_a_sound_till_database(shop, tmp_path, spoil, words):
    backup = tmp_path / "saved.db"
    assert till("--db", str(shop), "backup", str(backup)).exit_code == 0
    spoil(backup)
    before = shop.read_bytes()
    assert_refused(till("--db", str(shop), "restore", str(backup), "--yes"), *words)
    assert shop.read_bytes() == before
    assert not list(tmp_path.glob("till.db.before-restore-*"))
    assert not list(tmp_path.glob(".*.partial*"))


def test_restore_brings_an_older_schema_up_to_date(shop, tmp_path):
    """A backup from a till of an earlier version: restored, then migrated forward."""
    old = tmp_path / "old.db"
    database = storage.db.database
    database.init(str(old))
    try:  # what storage.db.migrate did, five migrations ago
        database.create_tables([SchemaVersion])
        for number, module in migrations.available()[:5]:
            with database.atomic():
                module.up(database)
                SchemaVersion.create(version=number, applied_at="")
    finally:
        database.close()
    restored = till("--db", str(shop), "restore", str(old), "--yes")
    assert restored.exit_code == 0, restored.output
    assert "schema version 5, now schema version " in restored.stdout
    storage.db.open_database(shop, create=False)
    try:
        assert storage.db.schema_version() == max(n for n, _ in migrations.available()) > 5
    finally:
        storage.db.close_database()


def test_restore_refuses_a_broken_journal_unless_forced(shop, tmp_path):
    child, lines = sell_in_background(shop, tmp_path / "child.err")
    try:
        for _ in range(4):
            assert lines.get(timeout=READY_TIMEOUT_S) is not None
    finally:
        child.kill()
        child.wait(timeout=10)
    backup = tmp_path / "saved.db"
    assert till("--db", str(shop), "backup", str(backup)).exit_code == 0
    (code, *_) = receipts(backup)
    sql(  # what the journal's triggers refuse, done behind their back
        backup,
        'DROP TRIGGER "sale_no_update"',
        'DROP TRIGGER "sale_redaction_header_only"',
        f"UPDATE sale SET total = total + 100 WHERE receipt_code = '{code}'",
    )
    assert_refused(till("--db", str(shop), "restore", str(backup), "--yes"), "broken", code)
    forced = till("--db", str(shop), "restore", str(backup), "--yes", "--force")
    assert forced.exit_code == 0, forced.output


def test_restore_refuses_while_a_register_holds_the_database(shop, tmp_path):
    backup = tmp_path / "saved.db"
    assert till("--db", str(shop), "backup", str(backup)).exit_code == 0
    descriptor = os.open(shop, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)  # what till/instance.py takes
        assert_refused(till("--db", str(shop), "restore", str(backup), "--yes"), "stop it")
    finally:
        os.close(descriptor)
    assert not list(tmp_path.glob("till.db.before-restore-*"))


def log_line(when: datetime, message: str) -> str:
    return f"{when:%Y-%m-%d %H:%M:%S},123 INFO till.app [MainThread] {message}\n"


def test_logs_reads_the_rotating_files_since_a_time_and_bounded(shop, tmp_path):
    now = datetime.now()
    (tmp_path / "till.log.2").write_text(log_line(now - timedelta(days=2), "too old"))
    (tmp_path / "till.log.1").write_text(
        log_line(now - timedelta(minutes=50), "rotated")
        + "Traceback (most recent call last):\n  the traceback goes with its record\n"
    )
    (tmp_path / "till.log").write_text(
        log_line(now - timedelta(minutes=5), "escaped \x1b[2Jname")
        + log_line(now - timedelta(minutes=1), "latest")
    )
    shown = till("--db", str(shop), "logs", "--file", "--since", "2h")
    assert shown.exit_code == 0, shown.output
    lines = shown.stdout.splitlines()
    assert [line.split(" [MainThread] ")[-1] for line in lines if "INFO" in line] == [
        "rotated",
        "escaped [2Jname",
        "latest",
    ]
    assert "  the traceback goes with its record" in lines
    assert not any("\x1b" in line for line in lines)

    three_days = f"{now - timedelta(days=3):%Y-%m-%d %H:%M}"
    assert "too old" in till("--db", str(shop), "logs", "--file", "--since", three_days).stdout
    assert "too old" in till("--db", str(shop), "logs", "--file", "--since", "999999d").stdout
    last_two = till("--db", str(shop), "logs", "--file", "--lines", "2")
    assert [line.split()[-1] for line in last_two.stdout.splitlines()] == ["[2Jname", "latest"]


def test_logs_refuses_what_it_cannot_read_in_one_line(shop, tmp_path):
    assert_refused(till("--db", str(shop), "logs", "--file"), "no log")
    (tmp_path / "till.log").write_text(log_line(datetime.now(), "here"))
    assert_refused(till("--db", str(shop), "logs", "--file", "--since", "yesterday"), "--since")
    assert_refused(till("--db", str(shop), "logs", "--lines", "10001"), "--lines")
