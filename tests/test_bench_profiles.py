"""The benchmark suite's plumbing (bench/run.py, bench/scale.py, bench/cgroup.py, bench/pi.py)
without its heavy benchmarks: ``--quick`` hands every benchmark its small sizes, the quick
run writes its own section and leaves the rest of the page alone, the Pi profile refuses in
one line where it cannot run, and its memory cgroup limits a real child, reads its peak and
removes itself. Times are never asserted."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

from bench import (
    cgroup,
    commit,
    customer_import,
    customer_search,
    duplicates,
    import_memory,
    pi,
    report,
    run,
    scan,
    scan_evdev,
    segments,
    startup,
    sync,
    sync_server,
)
from bench.common import Figure
from bench.scale import FULL, QUICK


def figure(title: str, **changes: object) -> Figure:
    values: dict = {
        "title": title,
        "measured": f"{title} measured",
        "floor": "floor",
        "ratio": 1.0,
        "target": "target",
        "met": True,
    }
    return Figure(**{**values, **changes})


NOT_BUILT = figure(
    "Segments (issue 15)",
    measured="not built yet",
    floor="—",
    ratio=float("nan"),
    target="—",
    met=False,
    built=False,
)
"""A row standing in for a figure whose feature is not built yet."""


def test_quick_hands_every_benchmark_its_small_sizes(monkeypatch) -> None:
    calls: dict[str, tuple] = {}

    def recorder(name: str, many: bool = False):
        def record(*args):
            calls[name] = args
            return [figure(name)] if many else figure(name)

        return record

    monkeypatch.setattr(startup, "measure", recorder("startup"))
    monkeypatch.setattr(commit, "measure", recorder("commit"))
    monkeypatch.setattr(scan, "measure", recorder("scan"))
    monkeypatch.setattr(scan_evdev, "measure", recorder("scan_evdev"))
    monkeypatch.setattr(customer_search, "run", recorder("customer_search", many=True))
    monkeypatch.setattr(import_memory, "run", recorder("import_memory", many=True))
    monkeypatch.setattr(duplicates, "measure", recorder("duplicates"))
    monkeypatch.setattr(segments, "measure", recorder("segments", many=True))
    monkeypatch.setattr(customer_import, "run", recorder("customer_import", many=True))
    monkeypatch.setattr(sync, "run", lambda *args: calls.setdefault("sync", args) and [])
    monkeypatch.setattr(sync_server, "report", lambda outcomes: 0)
    monkeypatch.setattr(run, "server_load", recorder("sync_load", many=True))

    measured = run.Suite(QUICK).run()

    assert [m.step for m in measured] == [step.name for step in run.STEPS]
    assert calls == {
        "startup": (QUICK.startup_repeats,),
        "commit": (QUICK.commit_sales,),
        "scan": (QUICK.scan_products, QUICK.scans),
        "scan_evdev": (QUICK.scan_products, QUICK.scans),
        "customer_search": (
            QUICK.customers,
            QUICK.search_queries,
            QUICK.memory_repeats,
            QUICK.typed_per_kind,
        ),
        "import_memory": (QUICK.import_rows,),
        "segments": (QUICK.customers,),
        "duplicates": (QUICK.duplicate_customers,),
        "customer_import": (QUICK.customer_import_rows,),
        "sync": ("sqlite", True),
        "sync_load": (QUICK.load_seconds, False),
    }
    for size in ("customers", "import_rows", "duplicate_customers", "scan_products"):
        assert getattr(QUICK, size) * 10 <= getattr(FULL, size)


def test_the_quick_run_writes_its_own_section_and_keeps_the_page(tmp_path: Path) -> None:
    page = tmp_path / "performance.md"
    report.write([figure("Start to first frame")], 300, page)
    report.write_section("Sync", "`bench.sync`", [figure("Initial sync")], 20, page)
    full = page.read_text()
    measured = [
        run.Measured("startup", [figure("Start to first frame, quick")], 3.0),
        run.Measured("segments", [NOT_BUILT], 0.0),
    ]

    run.write_quick(measured, 12, page, run.load_note())
    report.write([figure("Start to first frame")], 300, page)  # a full run afterwards

    text = page.read_text()
    quick = text[text.index("## Quick run") :]
    assert "| Start to first frame, quick |" in quick
    assert "| Segments (issue 15) | not built yet | — | — | — | not built yet |" in quick
    assert "20,000 customers (not 1,000,000)" in quick
    assert text.startswith(full.split("## Notes")[0].split("Produced by")[0])
    assert "## Sync" in text and "| Initial sync |" in text


def test_the_pi_profile_refuses_in_one_line_without_root(monkeypatch, capsys) -> None:
    monkeypatch.setattr(cgroup.os, "geteuid", lambda: 1000)

    assert run.main(["--quick", "--pi"]) == 2
    said = capsys.readouterr().err
    assert said.count("\n") == 1 and "root" in said


def test_the_pi_profile_refuses_without_the_v1_memory_controller(
    tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setattr(cgroup.os, "geteuid", lambda: 0)  # the check after the one for root
    said = cgroup.refusal(tmp_path)
    assert said is not None and "cgroup v1" in said and "\n" not in said


class FakeGroup:
    """Stands in for the memory group: each reset starts a new peak."""

    def __init__(self) -> None:
        self.resets = 0
        self.kills = 0

    def reset_peak(self) -> None:
        self.resets += 1

    def peak(self) -> int:
        return self.resets * 2**20

    def oom_kills(self) -> int:
        return self.kills


def test_each_step_has_its_own_peak_and_a_failure_is_kept(monkeypatch) -> None:
    group = FakeGroup()

    def fails(_):
        group.kills += 1
        raise MemoryError("out of memory")

    steps = (
        run.Step("one", lambda _: [figure("one")]),
        run.Step("two", fails),
        run.Step("three", lambda _: [NOT_BUILT]),
    )
    suite = run.Suite(QUICK, group, keep_going=True, steps=steps)  # type: ignore[arg-type]
    measured = suite.run()

    assert [m.peak_bytes for m in measured] == [2**20, 2 * 2**20, 3 * 2**20]
    assert [m.oom_kills for m in measured] == [0, 1, 0]
    assert measured[1].error == "MemoryError: out of memory" and not measured[1].figures
    again = run.Measured.from_json(json.loads(json.dumps(asdict(measured[0]))))
    assert again == measured[0]


def profile_run(profile: pi.Profile, *measured: run.Measured) -> pi.ProfileRun:
    return pi.ProfileRun(profile, list(measured), 0, 0, 1.0)


def test_the_pi_table_judges_each_figure_on_the_pi_targets() -> None:
    free = profile_run(
        pi.UNCONSTRAINED,
        run.Measured("scan", [figure("Scan", p99=0.02)], 1, peak_bytes=300 * 2**20),
        run.Measured("startup", [figure("Start to first frame", ratio=1.2)], 1, 2**20),
        run.Measured("keys", [figure("Keystroke", p99=0.03)], 1, 2**20),
        run.Measured("segments", [NOT_BUILT], 0),
        run.Measured("import", [figure("Import")], 1, 2**20),
        run.Measured("sync", [figure("Sync")], 1, 2**20),
    )
    slow = profile_run(
        pi.PI,
        run.Measured("scan", [figure("Scan", p99=0.04)], 1, peak_bytes=512 * 2**20),
        run.Measured("startup", [figure("Start to first frame", ratio=1.6)], 1, 2**20),
        run.Measured("keys", [figure("Keystroke", p99=0.06)], 1, 2**20),
        run.Measured("segments", [NOT_BUILT], 0),
        run.Measured("import", [], 1, 2**20, oom_kills=1, error="RuntimeError: killed"),
    )

    rows = {line.split(" | ")[0][2:]: line for line in pi.rows(free, slow)[2:]}

    assert rows["Scan"].endswith("| 300 MB / 512 MB | p99 < 50.00 ms | yes |")
    assert rows["Start to first frame"].endswith("| ratio ≤ 1.5 | **no** |")
    assert rows["Keystroke"].endswith("| p99 < 50.00 ms | **no** |")
    assert rows["Segments (issue 15)"].endswith("| not built yet |")
    assert "failed: RuntimeError: killed" in rows["Import"]
    assert "1 killed out of memory" in rows["Import"] and rows["Import"].endswith("**no** |")
    assert "not reached (the run ended)" in rows["Sync"]


def test_the_memory_group_limits_a_child_reads_its_peak_and_removes_itself() -> None:
    """Root and the cgroup v1 memory controller, as here and in CI: never skipped."""
    assert cgroup.refusal() is None, cgroup.refusal()
    touch = "import sys; data = b'x' * (int(sys.argv[1]) * 2**20); print(len(data))"
    with cgroup.MemoryGroup.create(f"till-bench-test-{os.getpid()}", 64 * 2**20) as group:
        assert group.limit == 64 * 2**20
        fits = subprocess.run(
            [sys.executable, "-c", touch, "24"], preexec_fn=group.enter, check=False
        )
        assert fits.returncode == 0
        assert 24 * 2**20 <= group.peak() <= 64 * 2**20
        group.reset_peak()
        too_big = subprocess.run(
            [sys.executable, "-c", touch, "200"], preexec_fn=group.enter, check=False
        )
        assert too_big.returncode == -9 and group.oom_kills() == 1
    assert not group.path.exists()


def test_a_pi_child_runs_in_its_limited_group_and_reports_its_peak(tmp_path: Path) -> None:
    """Root and the cgroup v1 memory controller, as here and in CI: never skipped."""
    assert cgroup.refusal() is None, cgroup.refusal()
    done = pi.run_profile(pi.PI, QUICK, tmp_path, only=["commit"])

    assert done.returncode == 0 and done.oom_kills == 0
    [measured] = done.measured
    assert measured.step == "commit" and measured.figures[0].built
    assert measured.peak_bytes is not None and 0 < measured.peak_bytes <= pi.LIMIT_BYTES
    assert not list(cgroup.ROOT.glob("till-bench-*-pi"))
    assert pi.PI.prefix == ("taskset", "-c", "0")


def test_the_full_pi_run_writes_the_main_table_from_its_unconstrained_run(
    tmp_path: Path, monkeypatch
) -> None:
    page = tmp_path / "performance.md"
    page.write_text("# Performance\n\n## Sync\n\nThe full sync figures, from their own run.\n")
    scales = []

    def profile(profile, scale, folder, steps) -> pi.ProfileRun:
        scales.append(scale)
        return profile_run(
            profile,
            run.Measured("startup", [figure("Start to first frame", ratio=1.2)], 1, 2**20),
            run.Measured("duplicates", [figure("Duplicate detection")], 1, 2**20),
            run.Measured("sync", [figure("Initial sync of 600 customers")], 1, 2**20),
        )

    monkeypatch.setattr(pi, "refusal", lambda: None)
    monkeypatch.setattr(pi, "run_profile", profile)
    assert pi.main(FULL, page) == 0

    assert [scale.sync_quick for scale in scales] == [True, True]  # seeding 100,000: an hour
    assert all(scale.customers == FULL.customers for scale in scales)
    text = page.read_text()
    head = text[: text.index("## Notes")]
    assert "Produced by the unconstrained run of `make bench-pi`" in head
    assert "| Start to first frame |" in head
    assert "| Duplicate detection |" in text[text.index("## Duplicates") :]
    assert "The full sync figures, from their own run." in text  # not the quick sizes'
    assert "Initial sync of 600 customers" not in text[: text.index("## Pi-class budget")]
