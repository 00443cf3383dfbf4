"""The back office the sync benchmarks run against: ``till server run`` in a subprocess on a
free loopback port (its own interpreter: the server and the tills never share a GIL), on
SQLite or on PostgreSQL (``tests/pg.py``'s ``running_postgres``: Debian's binaries on a
loopback port). Also what every sync figure checks the server against: the feed, gap-free and
holding each change once, and the floor of an empty HTTP round trip.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bench.common import REPO, Figure, Stats

BACKENDS = ("sqlite", "postgresql")
LOOPBACK = "127.0.0.1"
WORKERS = 1
"""Server processes (``--workers``). One: with more, uvicorn 0.54 binds the listening socket
itself without ``IPPROTO_TCP``, asyncio then leaves Nagle's algorithm on, and every
kept-alive request waits ~40 ms for a delayed ACK (Kludex/uvicorn#3149)."""
PROFILE_VARIABLE = "SYNC_BENCH_PROFILE"


@dataclass(frozen=True)
class Outcome:
    """One sync figure, and what its checks found wrong (nothing, if all is well): a lost or
    doubled change is a fault whatever the times, and fails the run; a missed time target
    does not."""

    figure: Figure
    faults: tuple[str, ...]


def report(outcomes: list[Outcome]) -> int:
    """Print each figure and its faults; the exit status: 1 if any check failed."""
    for outcome in outcomes:
        print(outcome.figure.report(), flush=True)
        for fault in outcome.faults:
            print(f"    FAULT: {fault}", flush=True)
    return 1 if any(outcome.faults for outcome in outcomes) else 0


def load_note() -> str:
    """How busy the machine was: other processes skew every time here."""
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} cores"


@dataclass(frozen=True)
class BackOffice:
    """A running server: where tills reach it, and the database it writes."""

    backend: str
    url: str
    db_url: str
    workers: int
    pid: int

    def cpu_seconds(self) -> float:
        """CPU time the server's processes (``till server run`` and its workers) have used."""
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for pid in (self.pid, *_children(self.pid)):
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / ticks

    def add_till(self, name: str) -> str:
        """Register till ``name`` as ``till server add-till`` does; its token."""
        from sync.server.models import database
        from sync.server.store import add_till, open_server_database

        db = open_server_database(self.db_url)
        try:
            with db.connection_context():
                return add_till(name)
        finally:
            database.obj.close()


def options(doc: str | None, backend: str = "sqlite") -> argparse.ArgumentParser:
    """The options every sync benchmark takes."""
    parser = argparse.ArgumentParser(description=(doc or "").split("\n\n")[0])
    parser.add_argument("--backend", choices=(*BACKENDS, "both"), default=backend)
    parser.add_argument("--quick", action="store_true", help="a small size: a smoke test")
    parser.add_argument("--workers", type=int, default=WORKERS, help="server processes")
    return parser


def arguments(doc: str | None) -> argparse.Namespace:
    return options(doc).parse_args()


def postgres_installed() -> bool:
    try:
        from tests.pg import postgres_bin  # type: ignore[import-not-found,unused-ignore]

        postgres_bin()
    except (ImportError, RuntimeError):
        return False
    return True


def backends(choice: str) -> tuple[str, ...]:
    return BACKENDS if choice == "both" else (choice,)


@contextmanager
def database_url(backend: str, directory: Path) -> Iterator[str]:
    """A new, empty server database for ``backend``."""
    if backend == "sqlite":
        yield f"sqlite:///{directory / 'server.db'}"
        return
    try:
        from tests.pg import running_postgres  # type: ignore[import-not-found,unused-ignore]
    except ImportError as error:
        raise SystemExit(
            f"bench: PostgreSQL needs tests/pg.py (running_postgres): {error}"
        ) from None
    with running_postgres() as url:
        durable(url)
        yield url


def durable(url: str) -> None:
    """Turn back on what the test cluster turns off for speed: a benchmark measures a server
    that keeps what it answered, as SQLite's synchronous=FULL does."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        for setting in ("fsync", "synchronous_commit", "full_page_writes"):
            connection.execute(f"ALTER SYSTEM SET {setting} = on")
        connection.execute("SELECT pg_reload_conf()")


def till_database(directory: Path, name: str) -> Path:
    """The database of the till ``name``, in a folder of its own: tills beside one another
    would share one key folder, and with it one journal anchor."""
    folder = directory / name
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "till.db"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return int(probe.getsockname()[1])


@contextmanager
def back_office(backend: str, directory: Path, workers: int = WORKERS) -> Iterator[BackOffice]:
    """``till server run`` on a new database until the block ends."""
    with ExitStack() as stack:
        db_url = stack.enter_context(database_url(backend, directory))
        port = free_port()
        log = stack.enter_context((directory / f"server-{port}.log").open("wb"))
        process = subprocess.Popen(
            [
                *(sys.executable, "-m", "till", "server", "run", "--db", db_url),
                *("--host", LOOPBACK, "--port", str(port), "--workers", str(workers)),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=REPO,
        )
        try:
            url = f"http://{LOOPBACK}:{port}"
            _wait_until_serving(url, process, directory / f"server-{port}.log")
            yield BackOffice(backend, url, db_url, workers, process.pid)
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(child) for child in text.split()]


def _wait_until_serving(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 120  # a loaded machine, one core (taskset): slow starts
    while True:
        try:
            httpx.get(f"{url}/v1/health", timeout=5).raise_for_status()
            return
        except httpx.HTTPError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start: {log.read_text()[-2000:]}") from None
            time.sleep(0.05)


def round_trips(url: str, count: int) -> Stats:
    """The floor of any request: ``GET /v1/health`` (no token, no database) on one kept-alive
    connection, as a till's client keeps one."""
    samples = []
    with httpx.Client(base_url=url, timeout=10) as client:
        client.get("/v1/health")
        for _ in range(count):
            started = time.perf_counter()
            client.get("/v1/health").raise_for_status()
            samples.append(time.perf_counter() - started)
    return Stats(tuple(samples))


@dataclass(frozen=True)
class Feed:
    """What the server's change feed holds."""

    numbers: list[int]
    per_till: Counter[tuple[str, int]]
    """How often each (till, outbox number) is in the feed: once, if nothing was doubled."""
    ids: dict[str, Counter[str]]
    """Per entity, how often each id is in the feed."""

    @property
    def gap_free(self) -> bool:
        return self.numbers == list(range(1, len(self.numbers) + 1))

    @property
    def doubled(self) -> int:
        return sum(n - 1 for n in self.per_till.values() if n > 1)


def read_feed(db_url: str) -> Feed:
    """The feed, read straight from the server's database (the server may keep running)."""
    from sync.server.models import database
    from sync.server.store import open_server_database

    db = open_server_database(db_url)
    try:
        with db.connection_context():
            rows = db.execute_sql(
                "SELECT seq, till, till_seq, entity, entity_id FROM feed_entry ORDER BY seq"
            ).fetchall()
    finally:
        database.obj.close()
    ids: dict[str, Counter[str]] = {}
    for _, _, _, entity, entity_id in rows:
        ids.setdefault(entity, Counter())[entity_id] += 1
    return Feed(
        numbers=[row[0] for row in rows],
        per_till=Counter((row[1], row[2]) for row in rows),
        ids=ids,
    )


def child(command: list[str], **options: Any) -> subprocess.Popen[str]:
    """A till process (``python -m bench.sync_till …``) talking JSON lines on its pipes.
    With SYNC_BENCH_PROFILE=DIR set, it runs under cProfile and leaves DIR/COMMAND-PID.prof."""
    profile = os.environ.get(PROFILE_VARIABLE)
    profiler = (
        ["-m", "cProfile", "-o", f"{profile}/{command[0]}-{time.monotonic_ns()}.prof"]
        if profile
        else []
    )
    return subprocess.Popen(
        [sys.executable, *profiler, "-m", "bench.sync_till", *command],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        **options,
    )


def answer(process: subprocess.Popen[str]) -> Any:
    """The next JSON line a till process prints."""
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line:
        process.wait()
        raise RuntimeError(f"a till process ended (status {process.returncode}) without answering")
    return json.loads(line)


def tell(process: subprocess.Popen[str], line: str) -> None:
    assert process.stdin is not None
    process.stdin.write(line + "\n")
    process.stdin.flush()
