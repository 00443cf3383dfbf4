"""Memory of the running register on the million-customer database, against a bare Textual
app (an Input and a Footer), each in a fresh process (``bench.customer_child``).

Each child runs headless at 80x24, types the same searches (the register's into its
customer search, F2 from the sale), then reports its resident set (VmRSS) and peak
(VmHWM). The register also runs on an empty database, to tell what the customers cost from
what the code costs. Runs alternate, after one uncounted run that leaves the caches a till
keeps from one start to the next (bytecode, the money format); the figure is the median
resident set.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.common import REPO, Figure
from bench.customers_db import CustomerDatabase
from bench.startup import CHILD_ENV
from storage.db import close_database, open_database

REPEATS = 3
TARGET_RATIO = 1.5


def spawn(*args: str) -> dict[str, int]:
    command = [sys.executable, "-m", "bench.customer_child", *args]
    done = subprocess.run(
        command, cwd=REPO, env=CHILD_ENV, capture_output=True, text=True, timeout=120
    )
    if done.returncode != 0:
        raise RuntimeError(f"the {args[0]} child failed:\n{done.stderr}")
    return json.loads(done.stdout.splitlines()[-1])


def mb(kilobytes: float) -> str:
    return f"{kilobytes / 1024:.0f} MB"


def measure(built: CustomerDatabase, repeats: int = REPEATS) -> Figure:
    with tempfile.TemporaryDirectory(prefix="till-bench-") as tmp:
        empty = Path(tmp) / "empty.db"
        open_database(empty)
        close_database()
        children = {
            "till": ("till", str(built.path)),
            "empty": ("till", str(empty)),
            "bare": ("bare",),
        }
        spawn(*children["empty"])  # warm-up, not counted: bytecode and money format caches
        runs: dict[str, list[dict[str, int]]] = {name: [] for name in children}
        for _ in range(repeats):
            for name, args in children.items():
                runs[name].append(spawn(*args))
    rss = {name: statistics.median(run["VmRSS"] for run in found) for name, found in runs.items()}
    peak = {name: statistics.median(run["VmHWM"] for run in found) for name, found in runs.items()}
    ratio = rss["till"] / rss["bare"]
    return Figure(
        title=f"Memory of the running app, {built.count:,} customers",
        measured=f"till {mb(rss['till'])} resident",
        floor=f"bare Textual app {mb(rss['bare'])}",
        ratio=ratio,
        target=f"ratio ≤ {TARGET_RATIO:g}",
        met=ratio <= TARGET_RATIO,
        about=__doc__ or "",
        notes=(
            f"median of {repeats} runs each, after typing the same searches; peaks (VmHWM): "
            f"till {mb(peak['till'])}, bare {mb(peak['bare'])}",
            f"till on an empty database {mb(rss['empty'])}: the customers add "
            f"{mb(rss['till'] - rss['empty'])}, the code {mb(rss['empty'] - rss['bare'])}",
        ),
    )
