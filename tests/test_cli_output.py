"""Every ``till`` command prints stored text as text: a name holding escape sequences (stored
before the input rule, or by another till) never reaches the technician's terminal as one."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest
from click.testing import CliRunner

from storage import customers, loyalty
from storage.db import close_database, open_database
from till.cli import cli
from till.cli_output import PrintableStream

HOSTILE = "Evil\x1b]0;pwned\x07\x1b[2J\x9b31m"


def _no_control(text: str) -> bool:
    return not any((ord(c) < 0x20 and c != "\n") or 0x7F <= ord(c) < 0xA0 for c in text)


@pytest.fixture
def db(tmp_path):
    """A customer whose stored name and points reason hold escape sequences."""
    from storage.models import Customer as CustomerRow

    path = tmp_path / "shop.db"
    assert CliRunner().invoke(cli, ["--db", str(path), "init"]).exit_code == 0
    added = CliRunner().invoke(cli, ["--db", str(path), "customers", "add", "--last-name", "X"])
    assert added.exit_code == 0, added.output
    open_database(path)
    try:
        customer = customers.find_by_code("C01-000001")
        CustomerRow.update(last_name=HOSTILE, first_name=HOSTILE).where(
            CustomerRow.id == customer.id
        ).execute()
        loyalty.add_movement(
            customer.id, "adjust", -5, actor=HOSTILE, at="2026-01-01T00:00:00+00:00", reason=HOSTILE
        )
    finally:
        close_database()
    return path


@pytest.mark.parametrize(
    "command",
    [
        ["customers", "show", "C01-000001"],
        ["customers", "search", ""],
        ["loyalty", "balance", "C01-000001"],
        ["loyalty", "overdrafts"],
    ],
)
def test_stored_escape_sequences_are_not_printed(db, command):
    result = CliRunner().invoke(cli, ["--db", str(db), *command])
    assert result.exit_code == 0, result.output
    assert "Evil" in result.output + result.stderr
    assert _no_control(result.output) and _no_control(result.stderr)


def test_json_output_stays_valid_json(db):
    import json

    result = CliRunner().invoke(cli, ["--db", str(db), "customers", "show", "C01-000001", "--json"])
    assert json.loads(result.output)["customer"]["last_name"].startswith("Evil")


def test_the_stream_passes_text_and_line_breaks_only():
    out = io.StringIO()
    stream = PrintableStream(out)
    text = "a\x1b[2Jb\nc\x07\u202ed\n"
    assert stream.write(text) == len(text)  # all of it taken
    assert out.getvalue() == "a[2Jb\ncd\n"
    with pytest.raises(TypeError):
        stream.write(b"")  # type: ignore[arg-type]


def test_a_real_process_prints_no_escape(db):
    """Through the real entry point and a pipe, not the test runner's streams."""
    done = subprocess.run(
        [sys.executable, "-m", "till", "--db", str(db), "customers", "show", "C01-000001"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "Evil" in done.stdout and _no_control(done.stdout)
