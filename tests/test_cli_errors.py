"""Every ``till`` command, whatever its input and the state of the disk, ends with a documented
exit status, and on failure with one ``till: …`` line on stderr, never a traceback."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
import peewee
import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import storage.db
from till.cli import cli
from till.cli_errors import EXIT_INTERNAL, explain, storage_cause
from till.core.pin import hash_pin

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTED = {0, 1, 2, 130}
STARTS_A_SCREEN = {"run", "kiosk", "demo", "devices watch", "support", "serve"}
"""Commands that, given what they need, start the full-screen app or watch scanners until
Ctrl+C (or serve a browser until stopped): only inputs that fail before that are tried on them."""
BAD_NUMBERS = ["99999999999999999999999", "-99999999999999999999", "nan", "1e999", "abc", "-1"]
PIN = "1234"


def leaf_commands(group: click.Group = cli, path: tuple[str, ...] = ()) -> Iterator[tuple]:
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            yield from leaf_commands(command, (*path, name))
        else:
            yield (*path, name), command


COMMANDS = list(leaf_commands())


def filled(command: click.Command, csv: Path, code: str) -> list[str]:
    """The command's required arguments and options, with values that parse."""
    words: list[str] = []
    for param in command.params:
        if not param.required:
            continue
        if isinstance(param.type, click.Choice):
            value = str(param.type.choices[0])
        elif isinstance(param.type, click.Path):
            value = str(csv)
        elif param.name == "code":
            value = code
        elif param.name in ("points", "amount", "number"):
            value = "1"
        else:
            value = "X"
        words += [value] if isinstance(param, click.Argument) else [param.opts[0], value]
    return words


def numeric_params(command: click.Command) -> list[click.Parameter]:
    return [
        p
        for p in command.params
        if isinstance(p.type, click.types.IntParamType | click.types.FloatParamType)
        or p.name in ("points", "amount", "number", "limit", "count", "timeout")
    ]


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> tuple[Path, str]:
    """A database with one customer (its code returned) and a config holding a manager PIN."""
    folder = tmp_path_factory.mktemp("template")
    config = folder / "till.toml"
    config.write_text(f'[security]\nmanager_pin = "{hash_pin(PIN)}"\n', encoding="utf-8")
    db = folder / "till.db"
    runner = CliRunner()
    assert runner.invoke(cli, ["--db", str(db), "init"]).exit_code == 0
    added = runner.invoke(
        cli, ["--db", str(db), "customers", "add", "--last-name", "Martin", "--json"]
    )
    storage.db.close_database()
    return db, json.loads(added.stdout)["code"]


@pytest.fixture
def shop(tmp_path, template) -> tuple[Path, Path, str]:
    """A copy of the template database, a CSV file, and the customer's code."""
    db = tmp_path / "till.db"
    shutil.copy(template[0], db)
    shutil.copy(template[0].with_name("till.toml"), tmp_path / "till.toml")
    shutil.copytree(template[0].with_name("keys"), tmp_path / "keys")  # the journal's key
    csv = tmp_path / "rows.csv"
    csv.write_text("barcode,name,price,vat\n", encoding="utf-8")
    return db, csv, template[1]


def invoke_till(*args: str, input: str = "") -> Result:
    try:
        return CliRunner().invoke(cli, list(args), input=input)
    finally:
        storage.db.close_database()


def assert_one_clean_line(result: Result) -> None:
    """A documented status, nothing escaped click, and a failure said on one `till:` line."""
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "Traceback" not in result.output
    assert result.exit_code in DOCUMENTED, (result.exit_code, result.output)
    if result.exit_code in (2, 130):
        lines = result.stderr.splitlines()
        assert len(lines) >= 1 and lines[-1].startswith("till: "), result.stderr
        assert not any(line.startswith("Error:") for line in lines), result.stderr


@contextmanager
def read_only(path: Path) -> Iterator[None]:
    """``path`` refused for writing, to root too (the immutable flag) where the disk allows."""
    os.chmod(path, 0o444)
    immutable = os.geteuid() == 0 and shutil.which("chattr") is not None
    if immutable:
        immutable = subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode == 0
    try:
        yield
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(path)], check=True)
        os.chmod(path, 0o644)


def scenarios() -> Iterator:
    for path, command in COMMANDS:
        name = " ".join(path)
        yield pytest.param(path, "nonsense option", id=f"{name}: nonsense option")
        if name not in ("demo", "devices watch"):
            yield pytest.param(path, "missing database", id=f"{name}: missing database")
        if name not in STARTS_A_SCREEN:
            yield pytest.param(path, "read-only database", id=f"{name}: read-only database")
            yield pytest.param(path, "not a database", id=f"{name}: not a database")
        for param in numeric_params(command):
            yield pytest.param(path, f"bad {param.name}", id=f"{name}: bad {param.name}")


@pytest.mark.parametrize(("path", "scenario"), list(scenarios()))
def test_every_command_fails_in_one_line(shop, path, scenario):
    db, csv, code = shop
    command = dict(COMMANDS)[path]
    base = ["--config", str(db.with_name("till.toml")), "--db", str(db)]
    args = filled(command, csv, code)
    name = " ".join(path)
    if scenario == "nonsense option":
        result = invoke_till(*base, *path, *args, "--no-such-option")
        assert result.exit_code == 2
        assert "No such option" in result.stderr
    elif scenario == "missing database":
        result = invoke_till("--db", str(db.with_name("absent.db")), *path, *args)
    elif scenario == "not a database":
        db.write_bytes(b"this is a spreadsheet, not a database\n" * 200)
        result = invoke_till(*base, *path, *args, input=f"{PIN}\n")
    elif scenario == "read-only database":
        with read_only(db):
            result = invoke_till(*base, *path, *args, input=f"{PIN}\n")
    else:
        param = next(p for p in command.params if f"bad {p.name}" == scenario)
        for value in BAD_NUMBERS:
            words = list(args)
            if isinstance(param, click.Argument):
                position = [p for p in command.params if p.required].index(param)
                words[position] = value
                words = [*words[: position + 1], *words[position + 1 :]]
            else:
                words += [param.opts[0], value]
            if name in STARTS_A_SCREEN:
                base = ["--db", str(db.with_name("absent.db"))]
            result = invoke_till(*base, *path, *words, input=f"{PIN}\n")
            assert_one_clean_line(result)
        return
    assert_one_clean_line(result)


def test_every_command_is_tried():
    names = {" ".join(path) for path, _ in COMMANDS}
    assert {"customers add", "loyalty adjust", "print-test", "receipt show", "doctor"} <= names


# --- the reproductions of the issues, each in a real process -------------------------------


def run_till(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "till", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdin=subprocess.DEVNULL,
        timeout=120,
    )


def test_a_read_only_database_is_one_line_not_a_traceback(shop):
    db, _, _ = shop
    with read_only(db):
        done = run_till("--db", str(db), "customers", "add", "--last-name", "Dupont", cwd=db.parent)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("till: ")
    assert "read-only" in done.stderr or "readonly" in done.stderr


def test_print_test_without_a_printer_fails_clearly(tmp_path):
    done = run_till("print-test", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith("till: No printer is configured")


def test_a_usage_error_is_a_till_line_with_status_2(tmp_path):
    done = run_till("customers", "add", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "till: Missing option '--last-name' (see 'till customers add --help')."
    ]


# --- a full disk: SQLite's own limit stands for it, portable in CI --------------------------


def test_a_full_disk_says_so_in_one_line(shop, monkeypatch):
    db, _, _ = shop
    pages = sqlite3.connect(db).execute("PRAGMA page_count").fetchone()[0]
    monkeypatch.setattr(storage.db, "PRAGMAS", {**storage.db.PRAGMAS, "max_page_count": pages})
    for n in range(200):
        result = invoke_till("--db", str(db), "customers", "add", "--last-name", f"Name{n}")
        if result.exit_code:
            break
    assert result.exit_code == 2, result.output
    assert result.stderr == (
        "till: The disk is full: nothing was saved. Call the technician to free some space.\n"
    )


def test_the_full_disk_behind_a_failed_rollback_is_what_is_named():
    """On a real full disk SQLite has already undone the transaction, so peewee's rollback
    fails with "cannot rollback - no transaction is active": the cause behind it is named."""
    try:
        try:
            raise peewee.OperationalError("database or disk is full")
        except peewee.OperationalError:
            raise peewee.OperationalError("cannot rollback - no transaction is active")  # noqa: B904
    except peewee.OperationalError as rollback:
        message, status = explain(rollback)
        cause = storage_cause(rollback)
    assert status == 2
    assert message.startswith("The disk is full")
    assert str(cause).startswith("The disk is full")


@pytest.fixture
def broken_command(monkeypatch):
    import till.cli_customers

    def broken(*args, **kwargs):
        raise KeyError("surprise")

    monkeypatch.setattr(till.cli_customers, "_service", broken)


def test_a_bug_is_an_internal_error_line_with_its_own_status(broken_command, caplog):
    result = invoke_till("customers", "show", "C1")
    assert result.exit_code == EXIT_INTERNAL
    assert result.stderr == "till: internal error: KeyError: 'surprise' (see the log)\n"
    assert "Traceback" not in result.output
    (record,) = [r for r in caplog.records if r.exc_info]
    assert record.exc_info[0] is KeyError


def test_without_a_log_the_traceback_goes_to_a_file(broken_command, monkeypatch, tmp_path):
    import logging
    import tempfile

    monkeypatch.setattr(logging.getLogger(), "handlers", [])  # logging not set up
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    result = invoke_till("customers", "show", "C1")
    assert result.exit_code == EXIT_INTERNAL
    assert result.stderr.startswith("till: internal error: KeyError: 'surprise' (traceback in ")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output
    (kept,) = tmp_path.glob("till-error-*.txt")
    assert "KeyError: 'surprise'" in kept.read_text(encoding="utf-8")


# --- hypothesis over the CLI's numeric arguments and options --------------------------------


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.sampled_from(["loyalty adjust", "customers deposit", "receipt show", "customers search"]),
    st.one_of(st.integers().map(str), st.text(max_size=25), st.floats().map(str)),
)
def test_any_number_given_to_a_command_is_answered_cleanly(shop, name, value):
    db, csv, code = shop
    path = tuple(name.split())
    command = dict(COMMANDS)[path]
    words = filled(command, csv, code)
    if name == "customers search":
        words = ["--limit", value]
    elif name == "receipt show":
        words = [value]
    else:
        words[1] = value  # CODE AMOUNT / CODE POINTS
    config = str(db.with_name("till.toml"))
    result = invoke_till("--config", config, "--db", str(db), *path, *words, input=f"{PIN}\n")
    assert_one_clean_line(result)


@pytest.mark.parametrize("seconds", ["0", "-5", "99999999999999999999"])
def test_the_kiosk_timeout_is_bounded(shop, monkeypatch, seconds):
    import till.app

    def kiosk_started(*args, **kwargs):
        raise AssertionError("the kiosk started")

    monkeypatch.setattr(till.app, "make_app", kiosk_started)
    db, _, _ = shop
    config = str(db.with_name("till.toml"))
    result = invoke_till("--config", config, "--db", str(db), "kiosk", "--timeout", seconds)
    assert result.exit_code == 2
    assert result.stderr.startswith("till: Invalid value for '--timeout'")


def test_the_doctor_fails_a_damaged_database_on_its_line(shop):
    db, _, _ = shop
    db.write_bytes(b"this is a spreadsheet, not a database\n" * 200)
    result = invoke_till("--db", str(db), "doctor")
    assert result.exit_code == 1
    assert f"fail  database     {db}: not a database SQLite can read" in result.stdout
    assert "sync" in result.stdout  # the other parts are still checked
