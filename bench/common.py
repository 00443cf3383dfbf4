"""Helpers every benchmark shares: percentiles, timing summaries and the figure record.

Standard library only: the start-up child imports this too, and must not pay for more.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
"""The project root: children are started here so ``-m bench.…`` resolves."""


def percentile(samples: Sequence[float], pct: float) -> float:
    """The ``pct``-th percentile (0–100), interpolated between the two nearest ranks."""
    if not samples:
        raise ValueError("no samples")
    ordered = sorted(samples)
    rank = (len(ordered) - 1) * pct / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def ms(seconds: float) -> str:
    """A duration for people: milliseconds, to a precision that means something."""
    value = seconds * 1000
    return f"{value:.0f} ms" if value >= 100 else f"{value:.2f} ms"


@dataclass(frozen=True)
class Stats:
    """Timing samples, in seconds."""

    samples: tuple[float, ...]

    @property
    def p50(self) -> float:
        return percentile(self.samples, 50)

    @property
    def p99(self) -> float:
        return percentile(self.samples, 99)

    def describe(self, *, tail: bool = True) -> str:
        text = f"median {ms(self.p50)}"
        return f"{text}, p99 {ms(self.p99)}" if tail else text


@dataclass(frozen=True)
class Figure:
    """One benchmark's result: what was measured, its floor from the same run, the target."""

    title: str
    measured: str
    floor: str
    ratio: float
    target: str
    met: bool
    notes: tuple[str, ...] = field(default_factory=tuple)
    about: str = ""
    """How it is measured, for the report: the benchmark module's docstring."""
    p99: float | None = None
    """The measured p99 in seconds, for a latency (the Pi-class profile judges it)."""
    built: bool = True
    """False for a row that stands in for a figure whose feature is not built yet."""

    def report(self) -> str:
        if not self.built:
            return f"{self.title}: {self.measured}"
        verdict = "met" if self.met else "MISSED"
        lines = [
            f"{self.title}: {self.measured} vs floor {self.floor}: ratio {self.ratio:.2f} "
            f"(target {self.target}: {verdict})",
            *(f"    {note}" for note in self.notes),
        ]
        return "\n".join(lines)


class Clock:
    """Collects the durations of the timed regions of a loop."""

    def __init__(self) -> None:
        self.samples: list[float] = []
        self.started = 0.0

    def start(self) -> None:
        self.started = time.perf_counter()

    def stop(self) -> None:
        self.samples.append(time.perf_counter() - self.started)

    def stats(self) -> Stats:
        return Stats(tuple(self.samples))


async def wait_until(predicate: Callable[[], bool], *, timeout: float = 30.0) -> None:
    """Yield to the event loop until ``predicate()`` holds (a bounded wait, not a sleep)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {timeout:.0f} s for {predicate.__qualname__}")
        await asyncio.sleep(0)
