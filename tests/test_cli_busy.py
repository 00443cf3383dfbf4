"""A command that writes while another program holds the write lock waits for it (the
register saving, an import's chunk, a sync) instead of failing after SQLite's 5 s."""

from __future__ import annotations

import subprocess
import sys

from click.testing import CliRunner

from storage import customers
from storage.db import close_database, open_database
from till.cli import CLI_BUSY_TIMEOUT, cli

HOLD_SECONDS = 7
"""Longer than the 5 s every connection waited before; shorter than the CLI's wait."""

LOCK_HOLDER = """
import sqlite3, sys, time
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
connection.execute("ROLLBACK")
"""


def test_a_command_waits_out_a_write_lock_held_longer_than_five_seconds(tmp_path):
    assert HOLD_SECONDS < CLI_BUSY_TIMEOUT
    db = tmp_path / "shop.db"
    runner = CliRunner()
    assert runner.invoke(cli, ["--db", str(db), "init"]).exit_code == 0
    close_database()
    holder = subprocess.Popen(
        [sys.executable, "-c", LOCK_HOLDER, str(db), str(HOLD_SECONDS)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        added = runner.invoke(
            cli,
            ["--db", str(db), "customers", "add", "--last-name", "Patient", "--email", "p@x.fr"],
        )
    finally:
        holder.wait(timeout=60)
    assert added.exit_code == 0, added.output
    close_database()
    open_database(db)
    try:
        assert customers.customer_count() == 1
    finally:
        close_database()
