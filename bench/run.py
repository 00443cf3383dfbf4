"""Runs every benchmark, prints each figure and writes docs/performance.md.

``python -m bench.run`` (``make bench``) runs them at the issues' sizes (bench/scale.py):
the main table, then the Duplicates, Customer import and Sync sections of the page.
``--quick`` (``make bench-quick``) runs every one at small sizes, its figures in the page's
"Quick run" section only. ``--pi`` (``make bench-pi``; ``make bench-pi-quick`` with
``--quick``) runs the suite on one core inside a 512 MB memory cgroup beside an unconstrained
run (bench/pi.py). ``--out PAGE`` writes another page than docs/performance.md;
``--only startup,scan`` runs those benchmarks alone and leaves the page as it is.

Each figure also runs alone: ``python -m bench.startup``, ``python -m bench.commit``,
``python -m bench.scan``, ``python -m bench.customer_search`` (builds a 1,000,000-customer
database in data/bench/ once), ``python -m bench.import_memory`` (imports a generated
1,000,000-row product file three times), ``python -m bench.duplicates``,
``python -m bench.customer_import``, ``python -m bench.sync``, ``python -m bench.segments``
(a segment's count over the customer-search database with sales added),
``python -m bench.campaign_export`` (a campaign's export of 100,000 recipients).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bench import (
    campaign_export,
    commit,
    customer_import,
    customer_search,
    duplicates,
    import_memory,
    report,
    scan,
    scan_evdev,
    segments,
    startup,
    sync,
    sync_load,
    sync_server,
)
from bench.cgroup import MemoryGroup
from bench.common import Figure, ms
from bench.scale import FULL, QUICK, SCALES, Scale

QUICK_SECTION = "Quick run"
QUICK_COMMAND = "`make bench-quick` (`python -m bench.run --quick`)"


def sync_figures(scale: Scale) -> list[Figure]:
    backend = sync.default_backend() if scale is FULL else "sqlite"
    outcomes = sync.run(backend, scale.sync_quick)
    sync_server.report(outcomes)
    return [outcome.figure for outcome in outcomes]


def server_load(seconds: float, every_backend: bool) -> list[Figure]:
    """50 tills on the back-office server for ``seconds``, killed and restarted once
    (``bench.sync_load``): one figure per backend (SQLite alone unless ``every_backend``), its
    push p99 against the same run's pushes away from the restart; the target is nothing lost
    or doubled and the memory bounded."""
    both = every_backend and sync.default_backend() == "both"
    figures = []
    for backend in ("sqlite", "postgresql") if both else ("sqlite",):
        with sync_load.workspace(backend) as (directory, url):
            run = sync_load.measure(url, backend, directory, seconds=seconds)
        print(run.report(), flush=True)
        figures.append(
            Figure(
                title=f"Server under load: {run.tills} tills, killed and restarted, {backend}",
                measured=(
                    f"push median {ms(run.pushes.p50)}, p99 "
                    f"{ms(run.pushes.p99)}, {run.pushes_per_second:.1f} pushes/s, "
                    f"peak {run.peak_mb:.0f} MB"
                ),
                floor="pushes away from the restart: p99 " + ms(run.pushes_away_from_restart.p99),
                ratio=run.pushes.p99 / max(run.pushes_away_from_restart.p99, 1e-9),
                target="nothing lost or doubled, memory bounded",
                met=not run.faults,
                notes=tuple(run.report().splitlines()[1:]),
                about=(sync_load.__doc__ or "").split("\n\n")[0],
            )
        )
    return figures


@dataclass(frozen=True)
class Step:
    """One benchmark of the suite and, in a full run, the section of the page it goes in
    (None: the main table)."""

    name: str
    measure: Callable[[Scale], list[Figure]]
    section: str | None = None
    on_the_till: bool = True
    """False for what runs on the back office (the server under load): the Pi-class profile
    leaves it out, a till does not carry it."""


STEPS = (
    Step("startup", lambda s: [startup.measure(s.startup_repeats)]),
    Step("commit", lambda s: [commit.measure(s.commit_sales)]),
    Step("scan", lambda s: [scan.measure(s.scan_products, s.scans)]),
    Step("scan_evdev", lambda s: [scan_evdev.measure(s.scan_products, s.scans)]),
    Step(
        "customer_search",
        lambda s: customer_search.run(
            s.customers, s.search_queries, s.memory_repeats, s.typed_per_kind
        ),
    ),
    Step("import_memory", lambda s: import_memory.run(s.import_rows)),
    Step("segments", lambda s: segments.measure(s.customers)),
    Step("campaign_export", lambda s: campaign_export.run(s.quick)),
    Step("duplicates", lambda s: [duplicates.measure(s.duplicate_customers)], "Duplicates"),
    Step(
        "customer_import",
        lambda s: customer_import.run(s.customer_import_rows),
        "Customer import (bench/customer_import.py)",
    ),
    Step("sync", sync_figures, "Sync"),
    Step(
        "sync_load",
        lambda s: server_load(s.load_seconds, s is FULL),
        "Sync: the server under load (bench.run)",
        on_the_till=False,
    ),
)
STEPS_BY_NAME = {step.name: step for step in STEPS}


@dataclass
class Measured:
    """What one step gave: its figures, its time and, inside a memory cgroup, its peak."""

    step: str
    figures: list[Figure]
    seconds: float
    peak_bytes: int | None = None
    oom_kills: int = 0
    error: str = ""
    """The step's failure, when a Pi-profile child keeps going after one."""

    @classmethod
    def from_json(cls, data: dict) -> Measured:
        figures = [Figure(**{**f, "notes": tuple(f["notes"])}) for f in data["figures"]]
        return cls(**{**data, "figures": figures})


@dataclass
class Suite:
    """Runs the steps at one scale, reading the memory group's peak around each."""

    scale: Scale
    group: MemoryGroup | None = None
    keep_going: bool = False
    steps: tuple[Step, ...] = STEPS
    done: list[Measured] = field(default_factory=list)

    def run(self, on_step: Callable[[list[Measured]], None] = lambda _: None) -> list[Measured]:
        for step in self.steps:
            self.done.append(self.measure(step))
            on_step(self.done)
        return self.done

    def measure(self, step: Step) -> Measured:
        kills = self.group.oom_kills() if self.group else 0
        if self.group:
            self.group.reset_peak()
        started = time.monotonic()
        figures, error = [], ""
        try:
            figures = step.measure(self.scale)
        except Exception:
            if not self.keep_going:
                raise
            error = traceback.format_exc(limit=3).strip().splitlines()[-1]
        for figure in figures:
            print(figure.report(), flush=True)
        if error:
            print(f"{step.name} FAILED: {error}", flush=True)
        measured = Measured(step.name, figures, time.monotonic() - started, error=error)
        if self.group:
            measured.peak_bytes = self.group.peak()
            measured.oom_kills = self.group.oom_kills() - kills
        return measured


def load_note() -> str:
    load = os.getloadavg()
    return f"load average {load[0]:.1f} (1 min), {load[2]:.1f} (15 min)"


def write_full(
    measured: list[Measured], elapsed: float, doc: Path, command: str = report.COMMAND
) -> None:
    main_table = [f for m in measured if STEPS_BY_NAME[m.step].section is None for f in m.figures]
    path = report.write(main_table, elapsed, doc, command)
    for m in measured:
        section = STEPS_BY_NAME[m.step].section
        if section is not None:
            report.write_section(section, command, m.figures, m.seconds, doc)
    print(f"Wrote {path}")


def write_quick(measured: list[Measured], elapsed: float, doc: Path, load_before: str) -> None:
    figures = [figure for m in measured for figure in m.figures]
    sizes = QUICK
    path = report.write_section(
        QUICK_SECTION,
        QUICK_COMMAND,
        figures,
        elapsed,
        doc,
        before=(
            f"Small sizes, to see every figure in minutes (bench/scale.py): "
            f"{sizes.customers:,} customers (not 1,000,000), {sizes.scan_products:,} products "
            f"and {sizes.scans} scans, {sizes.import_rows:,} product rows, "
            f"{sizes.customer_import_rows:,} customer rows, {sizes.duplicate_customers:,} "
            f"customers for duplicates, the sync suite's --quick sizes, "
            f"{sizes.startup_repeats} start-ups. Not the issues' figures: `make bench` is.",
            "",
            f"Machine: {report.cpu_model()}, {os.cpu_count()} cores; {load_before} at the "
            f"start, {load_note()} at the end.",
            "",
            "Time per benchmark: " + ", ".join(f"{m.step} {m.seconds:.0f} s" for m in measured),
        ),
    )
    print(f"Wrote the {QUICK_SECTION} section of {path}")


def child(scale: Scale, results: Path, steps: tuple[Step, ...]) -> int:
    """A Pi-profile child: run the steps, whatever fails, saving the results after each."""
    suite = Suite(scale, MemoryGroup.current(), keep_going=True, steps=steps)

    def save(done: list[Measured]) -> None:
        results.write_text(json.dumps([asdict(m) for m in done]))

    suite.run(save)
    return 0


def options(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes (bench/scale.py)")
    parser.add_argument("--pi", action="store_true", help="one core, 512 MB (bench/pi.py)")
    parser.add_argument("--out", type=Path, default=report.DOC, help="the page to write")
    parser.add_argument(
        "--only",
        type=lambda names: names.split(","),
        help="these benchmarks alone, printed, the page left as it is: "
        + ",".join(step.name for step in STEPS),
    )
    parser.add_argument("--results", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--scale", choices=SCALES, help=argparse.SUPPRESS)  # a Pi child's
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    given = options(argv)
    scale = SCALES[given.scale] if given.scale else QUICK if given.quick else FULL
    unknown = set(given.only or ()) - STEPS_BY_NAME.keys()
    if unknown:
        print(f"no such benchmark: {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    steps = tuple(STEPS_BY_NAME[name] for name in given.only) if given.only else STEPS
    if given.results:
        return child(scale, given.results, steps)
    if given.pi:
        from bench import pi

        return pi.main(scale, given.out, given.only)
    load_before = load_note()
    started = time.monotonic()
    measured = Suite(scale, steps=steps).run()
    elapsed = time.monotonic() - started
    if given.only:
        return 0
    if scale is QUICK:
        write_quick(measured, elapsed, given.out, load_before)
    else:
        write_full(measured, elapsed, given.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
