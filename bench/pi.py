"""The Pi-class budget (issue 16): the whole suite on one core (``taskset -c 0``) inside a
512 MB memory cgroup, beside the same suite unconstrained, in the same invocation.

Each run is a child (``python -m bench.run --results FILE``) placed in a memory cgroup of its
own before it execs (bench/cgroup.py): the Pi run's group limited to 512 MB, the other
without a limit, so both report a peak the same way. The child resets the group's peak
before each benchmark and reads it after, so each figure has its own peak; it saves its
results after each benchmark, so a run the kernel ends still reports what it reached.

The targets on the Pi profile: scan to line and keystroke to results p99 under 50 ms,
start-up ratio at most 1.5, and every benchmark done without the kernel killing a process of
the group for want of memory. The peak is the group's ``memory.max_usage_in_bytes``, page
cache included: a benchmark that reads a large file reaches the limit and the kernel drops
cache, which is what a Pi does; only an out-of-memory kill means the limit was too small.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench import report
from bench.cgroup import VARIABLE, MemoryGroup, refusal
from bench.common import REPO, Figure, ms
from bench.run import Measured, load_note, write_full
from bench.scale import FULL, PI_FULL, Scale

LIMIT_BYTES = 512 * 1024 * 1024
CORE = "0"
TARGET_P99 = 0.050
TARGET_STARTUP_RATIO = 1.5
SECTION = "Pi-class budget"


@dataclass(frozen=True)
class Profile:
    """How a run of the suite is constrained."""

    name: str
    title: str
    limit_bytes: int | None
    prefix: tuple[str, ...]


UNCONSTRAINED = Profile("unconstrained", "unconstrained", None, ())
PI = Profile("pi", "1 core, 512 MB", LIMIT_BYTES, ("taskset", "-c", CORE))


@dataclass(frozen=True)
class ProfileRun:
    """One run of the suite: each benchmark's results, and how the child ended."""

    profile: Profile
    measured: list[Measured]
    returncode: int
    oom_kills: int
    seconds: float


def run_profile(
    profile: Profile, scale: Scale, folder: Path, only: list[str] | None = None
) -> ProfileRun:
    results = folder / f"{profile.name}.json"
    command = [*profile.prefix, sys.executable, "-m", "bench.run", "--results", str(results)]
    command.append(f"--scale={scale.name}")
    if only:
        command.append("--only=" + ",".join(only))
    print(f"--- {profile.title}: {' '.join(command)}", flush=True)
    name = f"till-bench-{os.getpid()}-{profile.name}"
    started = time.monotonic()
    with MemoryGroup.create(name, profile.limit_bytes) as group:
        done = subprocess.run(
            command,
            cwd=REPO,
            env={**os.environ, VARIABLE: str(group.path)},
            preexec_fn=group.enter,
            check=False,
        )
        kills = group.oom_kills()
    seconds = time.monotonic() - started
    saved = json.loads(results.read_text()) if results.exists() else []
    measured = [Measured.from_json(item) for item in saved]
    return ProfileRun(profile, measured, done.returncode, kills, seconds)


def mb(size: int | None) -> str:
    return "—" if size is None else f"{size / 2**20:.0f} MB"


def pi_target(figure: Figure) -> tuple[str, bool | None]:
    """The Pi profile's own target for a figure, and whether it holds (None: no time target,
    only the memory one)."""
    if figure.p99 is not None:
        return f"p99 < {ms(TARGET_P99)}", figure.p99 < TARGET_P99
    if figure.title.startswith("Start to first frame"):
        return f"ratio ≤ {TARGET_STARTUP_RATIO}", figure.ratio <= TARGET_STARTUP_RATIO
    return "done within the limit", None


def shown(figure: Figure | None, measured: Measured | None) -> str:
    if figure is not None:
        ratio = f", ratio {figure.ratio:.2f}" if figure.built else ""
        return f"{figure.measured}{ratio}"
    if measured is not None and measured.error:
        return f"failed: {measured.error}"
    return "not reached (the run ended)"


def rows(free: ProfileRun, pi: ProfileRun) -> list[str]:
    pi_steps = {m.step: m for m in pi.measured}
    lines = [
        f"| figure | unconstrained | {PI.title}, `taskset -c {CORE}` | peak memory, "
        "unconstrained / Pi | Pi target | met? |",
        "|---|---|---|---|---|---|",
    ]
    for step in free.measured:
        pi_step = pi_steps.get(step.step)
        pi_figures = {f.title: f for f in pi_step.figures} if pi_step else {}
        for figure in step.figures:
            pi_figure = pi_figures.get(figure.title)
            target, _ = pi_target(figure)
            within = pi_step is not None and not pi_step.error and pi_step.oom_kills == 0
            if not figure.built:
                verdict = "not built yet"
            else:
                met = within and pi_figure is not None and pi_target(pi_figure)[1] is not False
                verdict = "yes" if met else "**no**"
            peaks = f"{mb(step.peak_bytes)} / {mb(pi_step.peak_bytes if pi_step else None)}"
            if pi_step and pi_step.oom_kills:
                peaks += f", {pi_step.oom_kills} killed out of memory"
            free_shown, pi_shown = shown(figure, step), shown(pi_figure, pi_step)
            cells = (figure.title, free_shown, pi_shown, peaks, target, verdict)
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return lines


def section(free: ProfileRun, pi: ProfileRun, scale: Scale, command: str) -> list[str]:
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    ended = [
        f"- {run.profile.title}: {run.seconds:.0f} s, child exit status {run.returncode}, "
        f"{run.oom_kills} processes killed out of memory"
        for run in (free, pi)
    ]
    return [
        f"Produced by {command} on {when}; sizes: {scale.name} (bench/scale.py).",
        "",
        "The same suite (what runs on a till: not the back-office server under load) twice: "
        f"unconstrained, then on one core (`taskset -c {CORE}`) in a "
        f"cgroup v1 memory group limited to {mb(LIMIT_BYTES)} (memory.limit_in_bytes, and "
        "memory.memsw.limit_in_bytes). Peak memory is the group's memory.max_usage_in_bytes "
        "over each benchmark (reset between them, to what the group then held): every process "
        "of the benchmark, page cache included, so a benchmark reading a large file reaches "
        "the limit while the kernel drops cache; only a process killed out of memory means "
        "the limit was too small. "
        "The Pi targets: scan to line and keystroke to results p99 under 50 ms, start-up "
        "ratio ≤ 1.5, every benchmark done with no process killed out of memory.",
        "",
        f"Machine: {report.cpu_model()}, {os.cpu_count()} cores, shared with other work while "
        f"this ran ({load_note()} at the end): the Pi run's single core waited for it too.",
        "",
        *rows(free, pi),
        "",
        *ended,
        "",
    ]


def main(scale: Scale, doc: Path, only: list[str] | None = None) -> int:
    refused = refusal()
    if refused:
        print(refused, file=sys.stderr)
        return 2
    from bench.run import STEPS  # bench.run starts this module

    command = "`make bench-pi-quick`" if scale.quick else "`make bench-pi`"
    scale = PI_FULL if scale is FULL else scale
    steps = only or [step.name for step in STEPS if step.on_the_till]
    with tempfile.TemporaryDirectory(prefix="till-bench-pi-") as tmp:
        free = run_profile(UNCONSTRAINED, scale, Path(tmp), steps)
        pi = run_profile(PI, scale, Path(tmp), steps)
    print("\n".join(rows(free, pi)))
    if only:
        return 0
    title = f"{SECTION} (quick sizes)" if scale.quick else SECTION
    path = report.replace_section(title, section(free, pi, scale, command), doc)
    print(f"Wrote the {title} section of {path}")
    if scale is PI_FULL:  # its unconstrained run is the page's main table too
        at_full_size = [m for m in free.measured if m.step != "sync"]
        write_full(at_full_size, free.seconds, doc, f"the unconstrained run of {command}")
    return 0
