"""One register per database, whatever name the database is reached by; the kiosk beside it
leaves the print queue alone."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

import storage.db
from storage import print_jobs
from till.app import make_app
from till.cli import cli
from till.config import PrinterSettings, SecuritySettings
from till.core.pin import hash_pin
from till.errors import StorageError
from till.instance import AlreadyRunning, single_instance

from .conftest import PRODUCTS
from .devices.printer_server import free_port
from .ui.conftest import scan

ROOT = Path(__file__).resolve().parents[1]
HOLDER = """
import sys
from till.instance import single_instance
with single_instance(sys.argv[1]):
    print("held", flush=True)
    sys.stdin.read()
"""


@contextmanager
def held_by_another_process(path: Path) -> Iterator[None]:
    """A second process holds the register's lock on ``path`` until the block ends."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        yield
    finally:
        holder.communicate("")
    assert holder.returncode == 0


def links(tmp_path: Path, db_path: Path) -> dict[str, Path]:
    """The database under other names: a symlink, and a hard link in another folder."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    symlink = tmp_path / "symlink.db"
    symlink.symlink_to(db_path)
    hard_link = elsewhere / "hard-link.db"
    os.link(db_path, hard_link)
    return {"symlink": symlink, "hard link": hard_link, "relative": Path(os.path.relpath(db_path))}


@pytest.mark.parametrize("name", ["symlink", "hard link", "relative"])
def test_a_second_register_is_refused_whatever_the_name(tmp_path, db_path, name):
    other_name = links(tmp_path, db_path)[name]
    with (
        held_by_another_process(db_path),
        pytest.raises(AlreadyRunning, match="already running"),
        single_instance(other_name),
    ):
        pass
    with single_instance(other_name):  # the holder has gone: the database is free again
        pass


def test_the_first_register_may_have_used_the_other_name(tmp_path, db_path):
    hard_link = links(tmp_path, db_path)["hard link"]
    with (
        held_by_another_process(hard_link),
        pytest.raises(AlreadyRunning),
        single_instance(db_path),
    ):
        pass


def test_within_one_process_a_second_lock_is_refused_too(tmp_path, db_path):
    symlink = links(tmp_path, db_path)["symlink"]
    with single_instance(symlink), pytest.raises(AlreadyRunning), single_instance(db_path):
        pass


def test_the_cli_refuses_a_second_register_through_a_symlink(tmp_path, db_path, monkeypatch):
    import till.app

    def second_register(*args, **kwargs):
        raise AssertionError("a second register was started")

    monkeypatch.setattr(till.app, "make_app", second_register)
    names = links(tmp_path, db_path)
    names["hard link"].unlink()  # a database with two names is refused before any lock
    symlink = names["symlink"]
    with held_by_another_process(db_path):
        result = CliRunner().invoke(cli, ["--db", str(symlink), "run"])
    storage.db.close_database()
    assert result.exit_code == 2
    assert result.stderr.startswith("till: The register is already running on ")
    assert "Traceback" not in result.output


def test_the_lock_does_not_stop_other_commands_using_the_database(tmp_path, db_path):
    """The lock is the register's alone: SQLite's own locks are separate, so a technician's
    command still reads and writes while the register runs."""
    with held_by_another_process(db_path):
        added = subprocess.run(
            [
                sys.executable,
                "-m",
                "till",
                "--db",
                str(db_path),
                "customers",
                "add",
                "--last-name",
                "X",
            ],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
    assert added.returncode == 0, added.stderr
    assert added.stdout.startswith("C01-")


# --- the kiosk beside the register: it never runs the print queue ---------------------------


async def test_the_kiosk_leaves_the_queue_to_the_register(settings, printer_file):
    # A sale whose receipt could not print (the printer is off): one job waits.
    off = PrinterSettings(url=f"tcp://127.0.0.1:{free_port()}", timeout=1)
    register = make_app(replace(settings, printer=off))
    async with register.run_test(size=(80, 24)) as pilot:
        await scan(pilot, PRODUCTS[0][0])
        await pilot.press("f10", "enter")
        await register.workers.wait_for_complete()
    assert print_jobs.waiting() == 1

    kiosk = make_app(
        replace(settings, security=SecuritySettings(manager_pin=hash_pin("4821"))),
        kiosk_timeout=30,
    )
    async with kiosk.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await kiosk.workers.wait_for_complete()
    assert print_jobs.waiting() == 1
    assert not printer_file.exists()

    again = make_app(settings)  # the register, back with a printer, prints it
    async with again.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await again.workers.wait_for_complete()
    assert print_jobs.waiting() == 0
    assert printer_file.read_bytes()


def test_a_database_with_a_second_hard_link_is_refused(tmp_path, db_path):
    """SQLite keeps a journal per name: writes through two hard links corrupt the database."""
    storage.db.close_database()
    hard_link = links(tmp_path, db_path)["hard link"]
    for name in (db_path, hard_link):
        with pytest.raises(StorageError, match="2 names \\(hard links\\)"):
            storage.db.open_database(name)
    result = CliRunner().invoke(cli, ["--db", str(hard_link), "customers", "search", "x"])
    assert result.exit_code == 2
    assert result.stderr.startswith("till: ") and "hard links" in result.stderr
    assert "Traceback" not in result.output + result.stderr
    hard_link.unlink()
    storage.db.open_database(db_path)  # one name again: fine
