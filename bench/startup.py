"""Figure 1: process start to first frame of the register, against a bare Textual app.

Each repetition spawns a fresh interpreter (``bench.startup_child``) that imports what it
needs, builds the app, runs it headless and exits once its first screen is on a frame. The
child stamps each phase with the system's monotonic clock, which this process shares: the
figure is spawn to first frame, and spawn to exit (which also waits for any work the app
starts after its first frame) is noted beside it. Till and bare runs alternate so machine
drift hits both alike.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import REPO, Figure, Stats, ms
from bench.fixtures import demo_shop
from storage.db import close_database

REPEATS = 15
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
"""The children may write bytecode caches, so the warm-up run leaves till's modules compiled
as an installed till has them (Textual's come compiled from its wheel)."""
TARGET_RATIO = 1.5
PHASES = ("started", "built", "frame", "exited")
LABELS = {
    "started": "interpreter + Textual imported",
    "built": "app built (own imports, database)",
    "frame": "first frame",
    "exited": "exit",
}


def spawn(kind: str, data_dir: Path) -> dict[str, float]:
    """Run one child: when each phase ended, in seconds from spawn ("exited": process gone)."""
    command = [sys.executable, "-m", "bench.startup_child", kind, str(data_dir)]
    start = time.monotonic()
    done = subprocess.run(
        command, cwd=REPO, env=CHILD_ENV, capture_output=True, text=True, timeout=120
    )
    gone = time.monotonic() - start
    if done.returncode != 0:
        raise RuntimeError(f"the {kind} child failed:\n{done.stderr}")
    marks = json.loads(done.stdout.splitlines()[-1])
    return {**{phase: marks[phase] - start for phase in PHASES}, "exited": gone}


def phases(runs: list[dict[str, float]]) -> str:
    """Median time each phase took, from spawn: interpreter, build, first frame, exit."""
    ends = {phase: statistics.median(run[phase] for run in runs) for phase in PHASES}
    spans, previous = [], 0.0
    for phase in PHASES:
        spans.append(f"{LABELS[phase]} {ms(ends[phase] - previous)}")
        previous = ends[phase]
    return ", ".join(spans)


def phase_stats(runs: list[dict[str, float]], phase: str) -> Stats:
    return Stats(tuple(run[phase] for run in runs))


def measure(repeats: int = REPEATS) -> Figure:
    marks: dict[str, list[dict[str, float]]] = {"till": [], "bare": []}
    with tempfile.TemporaryDirectory(prefix="till-bench-") as tmp:
        data_dir = Path(tmp)
        demo_shop(data_dir)
        close_database()
        for kind in marks:  # warm the page cache and the bytecode caches; not counted
            spawn(kind, data_dir)
        for _ in range(repeats):
            for kind in marks:
                marks[kind].append(spawn(kind, data_dir))
    till, bare = (phase_stats(marks[kind], "frame") for kind in ("till", "bare"))
    till_exit, bare_exit = (phase_stats(marks[kind], "exited") for kind in ("till", "bare"))
    ratio = till.p50 / bare.p50
    return Figure(
        title="Start to first frame",
        measured=f"till {till.describe(tail=False)}",
        floor=f"bare Textual app {bare.describe(tail=False)}",
        ratio=ratio,
        target=f"ratio ≤ {TARGET_RATIO}",
        met=ratio <= TARGET_RATIO,
        about=__doc__ or "",
        notes=(
            f"{repeats} runs each, headless at 80x24; spawn to exit: till "
            f"{till_exit.describe(tail=False)}, bare {bare_exit.describe(tail=False)}, "
            f"ratio {till_exit.p50 / bare_exit.p50:.2f}",
            f"till phases: {phases(marks['till'])}",
            f"bare phases: {phases(marks['bare'])}",
        ),
    )


def main() -> None:
    print(measure().report())


if __name__ == "__main__":
    main()
