"""A change made on one till, seen on another: till A (its own process) makes changes at
random moments (new customers, and points earned by them, in turn) and pushes each right after
making it, as the register does after a sale; till B (another process) syncs every interval
(2 s, at a fixed rate: push, then pull everything new) and notes when each change was first
in its database. The delay of a change runs from A's commit to the end of the B sync that
brought it (one clock: both processes on this machine).

B's interval is the floor: a change made just after B synced waits a whole interval, so the
worst delay cannot be below it, and the ratio is the worst delay over the interval. The target
is the issue's: every change seen within one interval plus one second.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from bench.common import Figure, Stats, percentile
from bench.sync_server import (
    WORKERS,
    Outcome,
    answer,
    arguments,
    back_office,
    backends,
    child,
    load_note,
    report,
    tell,
    till_database,
)

INTERVAL = 2.0
CHANGES = 60
QUICK_CHANGES = 4
QUICK_INTERVAL = 0.5
SEED = 5


def measure(backend: str, changes: int, interval: float, workers: int) -> Outcome:
    load = load_note()
    with tempfile.TemporaryDirectory(prefix="till-bench-sync-") as tmp:
        directory = Path(tmp)
        with back_office(backend, directory, workers) as office:
            tokens = {name: office.add_till(name) for name in ("maker", "watcher")}
            watcher = child(
                [
                    "watch",
                    str(till_database(directory, "watcher")),
                    office.url,
                    tokens["watcher"],
                    "watcher",
                    str(interval),
                ]
            )
            maker = child(
                [
                    "change",
                    str(till_database(directory, "maker")),
                    office.url,
                    tokens["maker"],
                    "maker",
                    str(changes),
                    str(interval),
                    str(SEED),
                ]
            )
            for process in (watcher, maker):
                if not answer(process).get("ready"):
                    raise RuntimeError("a till process did not get ready")
            tell(maker, "go")
            made = answer(maker)["made"]
            maker.wait()
            time.sleep(interval + 1.0)  # the last change's last chance to be seen in time
            tell(watcher, "stop")
            watched = answer(watcher)
            watcher.wait()
    seen = watched["seen"]
    delays = [seen[key] - at for key, at in made.items() if key in seen]
    unseen = len(made) - len(delays)
    limit = interval + 1.0
    late = sum(delay > limit for delay in delays)
    worst = max(delays, default=float("inf"))
    stats = Stats(tuple(delays)) if delays else None
    syncs = Stats(tuple(watched["syncs"]))
    faults = [f"{unseen} of {len(made)} changes never reached the other till"] if unseen else []
    figure = Figure(
        title=f"A change on one till seen on another, syncing every {interval:g} s, "
        f"{backend} server",
        measured=(
            f"delay median {percentile(delays, 50):.2f} s, worst {worst:.2f} s"
            if stats
            else "no change seen"
        ),
        floor=f"the interval {interval:g} s",
        ratio=worst / interval,
        target=f"every change within {limit:g} s",
        met=not faults and late == 0,
        about=__doc__ or "",
        notes=(
            f"{len(made)} changes (customers created, points earned), {unseen} never seen, "
            f"{late} later than {limit:g} s; p90 {percentile(delays, 90):.2f} s"
            if stats
            else f"{len(made)} changes, none seen",
            f"each of the watcher's {len(watched['syncs'])} syncs (push, then pull) took "
            f"{syncs.describe()}",
            load,
        ),
    )
    return Outcome(figure, tuple(faults))


def run(backend: str = "sqlite", quick: bool = False, workers: int = WORKERS) -> list[Outcome]:
    changes, interval = (QUICK_CHANGES, QUICK_INTERVAL) if quick else (CHANGES, INTERVAL)
    return [measure(name, changes, interval, workers) for name in backends(backend)]


def main() -> None:
    options = arguments(__doc__)
    sys.exit(report(run(options.backend, options.quick, options.workers)))


if __name__ == "__main__":
    main()
