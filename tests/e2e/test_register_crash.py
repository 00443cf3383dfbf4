"""A register that dies from an error says so in one line and exits with the status of an
internal error (systemd restarts it and counts the failure), its traceback in the log; the real
``till`` in a pseudo-terminal."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from .conftest import READY, Shop
from .terminal import F7, Terminal

REPO_ROOT = Path(__file__).resolve().parents[2]


def start_crashing_till(shop: Shop) -> Terminal:
    env = {k: v for k, v in os.environ.items() if k not in ("INVOCATION_ID", "JOURNAL_STREAM")}
    env["PYTHONPATH"] = str(REPO_ROOT)  # not under systemd: the log is a file
    argv = [sys.executable, "-m", "tests.e2e.crashing_till", "--config", str(shop.config)]
    terminal = Terminal(argv, cwd=shop.directory, env=env)
    terminal.wait_for(READY, timeout=30)
    return terminal


def test_a_register_that_dies_from_an_error_exits_non_zero_and_says_where_the_log_is(shop):
    with start_crashing_till(shop) as till:
        till.send(F7)
        status = till.process.wait(timeout=30)
        till.wait_until(lambda: "till: " in till.tail(), "the last line")
        said = till.tail()
    log_file = shop.directory / "till.log"
    assert status == 3, said  # an internal error, as every till command says one
    assert (
        "till: internal error: the register stopped: RuntimeError: a bug behind F7 (the details "
        f"are in {log_file})" in said.replace("\r\n", "")
    ), said
    assert "Traceback" not in said  # one line on the terminal ...
    logged = log_file.read_text(encoding="utf-8")
    assert "CRITICAL till.app [MainThread] The register stopped on an unexpected error" in logged
    assert "Traceback" in logged and "_planted_bug" in logged  # ... the traceback in the log
