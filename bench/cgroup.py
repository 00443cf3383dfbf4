"""A cgroup v1 memory group for the Pi-class profile: created with a limit, a child placed in
it before it runs, its peak read (and reset between figures), removed afterwards.

Root and the v1 memory controller (/sys/fs/cgroup/memory) are needed; ``refusal()`` says in
one line why a machine cannot run it. The peak is ``memory.max_usage_in_bytes``: everything
the group's processes are charged for, their page cache included (the kernel reclaims that
cache first when the group reaches its limit; a process is killed only when it cannot).
"""

from __future__ import annotations

import os
import signal
import time
from contextlib import suppress
from pathlib import Path

ROOT = Path("/sys/fs/cgroup/memory")
VARIABLE = "TILL_BENCH_CGROUP"
"""Tells a benchmark child which group it runs in, so it can read its peak per figure."""


def refusal(root: Path = ROOT) -> str | None:
    """Why the Pi-class profile cannot run here, in one line, or None when it can."""
    if os.geteuid() != 0:
        return "the Pi-class profile needs root (it makes a memory cgroup): run it as root"
    if not (root / "memory.limit_in_bytes").exists():
        return f"the Pi-class profile needs the cgroup v1 memory controller at {root}"
    return None


class MemoryGroup:
    """One memory cgroup under ``root``, made by ``create`` and gone after ``remove``."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def create(cls, name: str, limit_bytes: int | None = None, root: Path = ROOT) -> MemoryGroup:
        path = root / name
        path.mkdir()
        group = cls(path)
        if limit_bytes is not None:
            group._write("memory.limit_in_bytes", limit_bytes)
            if (path / "memory.memsw.limit_in_bytes").exists():
                group._write("memory.memsw.limit_in_bytes", limit_bytes)
        return group

    @classmethod
    def current(cls) -> MemoryGroup | None:
        """The group a benchmark child was placed in, named by its parent in ``VARIABLE``."""
        named = os.environ.get(VARIABLE)
        return cls(Path(named)) if named else None

    def _write(self, name: str, value: int) -> None:
        (self.path / name).write_text(str(value))

    def _read(self, name: str) -> int:
        return int((self.path / name).read_text())

    def add(self, pid: int) -> None:
        """Move process ``pid`` into the group (a child's own pid, before it execs)."""
        self._write("cgroup.procs", pid)

    def enter(self) -> None:
        """For ``subprocess``'s ``preexec_fn``: the child joins the group before it execs."""
        self.add(os.getpid())

    @property
    def limit(self) -> int:
        return self._read("memory.limit_in_bytes")

    def peak(self) -> int:
        """The most memory the group has held since it was made or last reset, in bytes."""
        return self._read("memory.max_usage_in_bytes")

    def reset_peak(self) -> None:
        self._write("memory.max_usage_in_bytes", 0)

    def oom_kills(self) -> int:
        """How many of the group's processes the kernel killed for want of memory."""
        for line in (self.path / "memory.oom_control").read_text().splitlines():
            name, _, value = line.partition(" ")
            if name == "oom_kill":
                return int(value)
        return 0

    def pids(self) -> list[int]:
        return [int(line) for line in (self.path / "cgroup.procs").read_text().split()]

    def remove(self, timeout: float = 10.0) -> None:
        """Remove the group. Processes left in it are the benchmark's own (a child's server
        or till that outlived it): they are ended first."""
        if not self.path.exists():
            return
        deadline = time.monotonic() + timeout
        while (left := self.pids()) and time.monotonic() < deadline:
            for pid in left:
                with suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            time.sleep(0.05)
        self.path.rmdir()

    def __enter__(self) -> MemoryGroup:
        return self

    def __exit__(self, *_: object) -> None:
        self.remove()
