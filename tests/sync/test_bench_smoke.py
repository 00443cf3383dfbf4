"""The sync benchmarks (bench/sync*.py) at their ``--quick`` size, so they cannot rot: each runs
end to end against a real server (SQLite in make test, PostgreSQL too in make soak) and its
checks hold (nothing lost or doubled, every customer on the new till, every change seen).
Times are printed, never asserted."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    # The benchmarks' PostgreSQL path is the same server code the sync suite runs on both
    # backends; its smoke run (30 s) waits for make soak.
    "backend",
    ["sqlite", pytest.param("postgresql", marks=pytest.mark.soak, id="postgresql")],
)
def test_the_sync_benchmarks_run_and_their_checks_hold(backend: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bench.sync", "--quick", "--backend", backend],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    output = done.stdout
    assert done.returncode == 0, output + done.stderr[-3000:]
    assert "FAULT" not in output
    assert f"Initial sync of 600 customers to a new till, {backend} server" in output
    assert "customers on the new till: 600 (600 codes)" in output
    assert f"3 tills each pushing 10 sales at once, {backend} server" in output
    assert "lost 0, doubled 0, unknown to the tills 0, still pending 0" in output
    assert f"A change on one till seen on another, syncing every 0.5 s, {backend} server" in output
    assert "4 changes (customers created, points earned), 0 never seen" in output
