"""The back-office server under sustained load (issue 16): 50 tills record sales and customer
changes and push and pull without a pause for a bounded time, while the server, killed
(SIGKILL) once mid-run and started again on the same database, has its resident memory
sampled every second. In the end nothing may be lost or doubled.

``python -m bench.sync_load --backend sqlite|postgresql|both [--tills 50] [--seconds 180]
[--kill-at 0.5] [--processes 10] [--till-nice 0]``

The server is ``till server run --workers 1`` in its own process group on a loopback port.
The tills are real ones (``bench.sync_load_till``): each its own SQLite file, name, token,
till number and ``SyncClient``; ``--processes`` processes drive them, each several tills in
turn. Fewer processes than tills keep the tills' side from being what two cores spend their
time on: one interpreter a till would cost 50 start-ups (1 s of CPU each) and 50 × 60 MB;
one TLS context for all the clients saves 50 ms of CPU a till. Each process has one request
in flight at a time, so the server sees as many concurrent requests as there are processes,
from every till in turn. Whether the server, not the tills, was the limit is in the report:
the server's CPU seconds, as a share of one core (its one process can use no more).
``--till-nice 10`` lowers the tills' priority below the server's; on a machine shared with
other work it starves the tills instead (fewer pushes a second, longer ones).

Measured from the tills' side: each successful push (``push_once``: the outbox read, the
request, the acknowledgement), its median and p99, and pushes a second; a push that failed
(the server down, or busy beyond the client's own retry) is counted and its changes go with
that till's next push. The server's resident memory (its process tree, ``VmRSS``) is read
every second: peak and last of each life; a fault when a life ends more than
``GROWTH_LIMIT`` above where it stood once settled, or passes ``MEMORY_BOUND_MB``. Checked
at the end, by ids: every sale a till recorded is in the feed once and in the server's sales
once, every sale a till had acknowledged before the last drain among them, no sale unknown to
the tills, each till's outbox rows in the feed once each (1…N, its own count), every
customer a till created on the server, the feed gap-free, every outbox drained. The exit
status is 1 when a check fails.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bench.common import REPO, Stats, ms
from bench.sync_server import (
    LOOPBACK,
    answer,
    backends,
    database_url,
    free_port,
    load_note,
    postgres_installed,
    read_feed,
    tell,
)

TILLS = 50
SECONDS = 180.0
KILL_AT = 0.5
PROCESSES = 10
SETTLE_SECONDS = 5.0
"""A server life's memory is judged from this long into its load (after the tills' go, or
the restart): the thread pool and the database's caches fill in its first seconds."""
MEMORY_BOUND_MB = 250
"""The server's resident memory must stay under this (it settles near 75 MB here)."""
GROWTH_LIMIT = 0.5
"""Growth flagged: a life's last sample more than half again its settled one."""


@dataclass
class ServerProcess:
    """``till server run`` in its own process group; started again on the same port."""

    db_url: str
    port: int
    log: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def start(self) -> float:
        """Start it and wait until it answers; the seconds that took."""
        started = time.monotonic()
        self.launch()
        self.wait_until_serving(started)
        return time.monotonic() - started

    def launch(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    *(sys.executable, "-m", "till", "server", "run", "--db", self.db_url),
                    *("--host", LOOPBACK, "--port", str(self.port), "--workers", "1"),
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=REPO,
                start_new_session=True,
            )

    def wait_until_serving(self, started: float) -> None:
        assert self.process is not None
        deadline = started + 120  # against hanging: a loaded machine starts slowly
        while True:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.url}/v1/health", timeout=2).status_code == 200:
                    return
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start: {self.log.read_text()[-2000:]}")
            time.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL, the whole group: nothing of it gets to finish anything."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.kill()

    def resident_mb(self) -> float | None:
        """Resident memory of the server's processes (MB), or None while it is down."""
        if self.process is None or self.process.poll() is not None:
            return None
        total = 0
        for pid in (self.process.pid, *_descendants(self.process.pid)):
            with contextlib.suppress(OSError):
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        return total / 1024 if total else None  # killed, not yet reaped: nothing left

    def cpu_seconds(self) -> float:
        """CPU time the server's processes have used (user and system)."""
        assert self.process is not None
        ticks = 0
        for pid in (self.process.pid, *_descendants(self.process.pid)):
            with contextlib.suppress(OSError):
                fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
                ticks += int(fields[11]) + int(fields[12])
        return ticks / os.sysconf("SC_CLK_TCK")


def _descendants(pid: int) -> list[int]:
    found = []
    with contextlib.suppress(OSError):
        for task in Path(f"/proc/{pid}/task").iterdir():
            with contextlib.suppress(OSError):
                for child in (task / "children").read_text().split():
                    found += [int(child), *_descendants(int(child))]
    return found


@dataclass
class MemorySampler:
    """The server's resident memory (MB) and CPU seconds once a second, per life (a restart
    begins a new one)."""

    server: ServerProcess
    lives: list[list[tuple[float, float, float]]] = field(default_factory=lambda: [[]])
    loaded: list[tuple[float, float]] = field(default_factory=list)
    """When each life's load began (the tills' go, or the restart; seconds on the samples'
    clock) and the CPU seconds the server had used by then: its start-up is not counted."""
    _begun: float = field(default_factory=time.monotonic)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def load_begins(self) -> None:
        """The server is under load from now on, in this life."""
        self.loaded.append((time.monotonic() - self._begun, self.server.cpu_seconds()))

    def new_life(self) -> None:
        self.lives.append([])

    def summaries(self) -> list[Life]:
        return [
            life
            for samples, (since, cpu) in zip(self.lives, self.loaded, strict=False)
            if (life := Life.of(samples, since, cpu))
        ]

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(1.0):
            resident = self.server.resident_mb()
            if resident is not None:
                sample = (time.monotonic() - self._begun, resident, self.server.cpu_seconds())
                self.lives[-1].append(sample)


@dataclass(frozen=True)
class Life:
    """One server life's memory: settled, peak and last samples (MB); the CPU seconds it
    used under load, to its last sample."""

    settled: float
    peak: float
    last: float
    samples: int
    cpu: float

    @property
    def grew(self) -> bool:
        return self.last > self.settled * (1 + GROWTH_LIMIT)

    @staticmethod
    def of(
        samples: list[tuple[float, float, float]], loaded_at: float, loaded_cpu: float
    ) -> Life | None:
        if not samples:
            return None
        settled = [mb for at, mb, _ in samples if at - loaded_at >= SETTLE_SECONDS]
        return Life(
            settled=(settled or [samples[-1][1]])[0],
            peak=max(mb for _, mb, _ in samples),
            last=samples[-1][1],
            samples=len(samples),
            cpu=samples[-1][2] - loaded_cpu,
        )

    def describe(self) -> str:
        flag = " GROWING" if self.grew else ""
        return (
            f"settled {self.settled:.0f} MB, peak {self.peak:.0f} MB, last {self.last:.0f} MB "
            f"({self.samples} samples){flag}"
        )


@dataclass
class LoadRun:
    """What one run measured and what its checks found."""

    backend: str
    tills: int
    processes: int
    seconds: float
    pushes: Stats
    pushes_away_from_restart: Stats
    failed_pushes: int
    sales: int
    customers: int
    pulled: int
    pulls: int
    feed_changes: int
    restart_seconds: float
    memory: list[Life]
    load: str
    setup_seconds: float
    """From the start to the tills' go: the tills registered, the server and tills started."""
    drain_seconds: float
    """From the end of the load until every till had pushed what it still held and its
    process had reported."""
    faults: list[str]
    till_reports: list[dict[str, Any]] = field(repr=False, default_factory=list)
    """What each till process said of its tills (``bench.sync_load_till``)."""

    @property
    def pushes_per_second(self) -> float:
        return len(self.pushes.samples) / self.seconds

    @property
    def server_cpu(self) -> float:
        """Seconds the server used under load, in both lives (its start-ups and the tills'
        set-up left out, the drain in)."""
        return sum(life.cpu for life in self.memory)

    @property
    def requests(self) -> int:
        return len(self.pushes.samples) + self.pulls

    @property
    def peak_mb(self) -> float:
        return max(life.peak for life in self.memory)

    def report(self) -> str:
        busy = self.seconds + self.drain_seconds
        lives = "; ".join(
            f"life {n}: {life.describe()}" for n, life in enumerate(self.memory, start=1)
        )
        lines = [
            f"{self.tills} tills for {self.seconds:.0f} s, server killed and restarted once, "
            f"{self.backend} server ({self.processes} till processes):",
            f"    push median {ms(self.pushes.p50)}, p99 {ms(self.pushes.p99)} "
            f"({len(self.pushes.samples):,} pushes, {self.pushes_per_second:,.1f}/s); "
            f"away from the restart: median {ms(self.pushes_away_from_restart.p50)}, "
            f"p99 {ms(self.pushes_away_from_restart.p99)}",
            f"    {self.failed_pushes} pushes failed and were retried by their tills; the server "
            f"answered again {self.restart_seconds:.1f} s after the kill",
            f"    {self.sales:,} sales ({self.sales / self.seconds:,.1f}/s) and "
            f"{self.customers:,} new customers; {self.feed_changes:,} changes in the feed; "
            f"{self.pulled:,} changes pulled in {self.pulls:,} pulls; set-up "
            f"{self.setup_seconds:.1f} s; the tills had drained their outboxes and reported "
            f"{self.drain_seconds:.1f} s after the end",
            f"    server memory: {lives}",
            f"    server CPU {self.server_cpu:.1f} s ({self.server_cpu / busy:.0%} of one core "
            f"over the load and the drain, {ms(self.server_cpu / self.requests)} a request: "
            f"{self.requests:,} pushes and pulls answered)",
            "    checks: "
            + ("FAILED, below" if self.faults else "nothing lost or doubled, outboxes drained")
            + f"; {self.load}",
            *(f"    FAULT: {fault}" for fault in self.faults),
        ]
        return "\n".join(lines)


def register(db_url: str, names: list[str]) -> list[str]:
    """Add the tills as ``till server add-till`` does; their tokens."""
    from sync.server.models import database
    from sync.server.store import add_till, open_server_database

    db = open_server_database(db_url)
    try:
        with db.connection_context():
            return [add_till(name) for name in names]
    finally:
        database.obj.close()


def server_rows(db_url: str) -> tuple[Counter[str], set[str]]:
    """The server's sales (how often each id) and customers, read from its database."""
    from sync.server.models import ServerCustomer, ServerSale, database
    from sync.server.store import open_server_database

    db = open_server_database(db_url)
    try:
        with db.connection_context():
            sales = Counter(sale.id for sale in ServerSale.select(ServerSale.id))
            customers = {customer.id for customer in ServerCustomer.select(ServerCustomer.id)}
    finally:
        database.obj.close()
    return sales, customers


def drivers(
    directory: Path,
    url: str,
    tills: list[dict[str, Any]],
    processes: int,
    seconds: float,
    niceness: int,
) -> list[subprocess.Popen[str]]:
    """The till processes, each given its share of the tills to set up."""
    started = []
    for number in range(processes):
        share = tills[number::processes]
        if not share:
            continue
        process = subprocess.Popen(
            [
                *(sys.executable, "-m", "bench.sync_load_till"),
                *(str(directory / f"driver-{number}"), url, str(seconds), str(number)),
                str(niceness),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=REPO,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        )
        tell(process, json.dumps(share))
        started.append(process)
    return started


def measure(
    db_url: str,
    backend: str,
    directory: Path,
    *,
    tills: int = TILLS,
    seconds: float = SECONDS,
    kill_at: float = KILL_AT,
    processes: int = PROCESSES,
    till_nice: int = 0,
) -> LoadRun:
    """Run the load against a new server on ``db_url``; what it measured and found."""
    begun = time.monotonic()
    names = [f"load-{number:02d}" for number in range(1, tills + 1)]
    tokens = register(db_url, names)
    till_list = [
        {"name": name, "token": token, "till_no": number}
        for number, (name, token) in enumerate(zip(names, tokens, strict=True), start=1)
    ]
    server = ServerProcess(db_url, free_port(), directory / "server.log")
    sampler = MemorySampler(server)
    load = load_note()
    running: list[subprocess.Popen[str]] = []
    try:
        server.launch()  # the server and the tills get ready side by side
        running = drivers(
            directory, server.url, till_list, min(processes, tills), seconds, till_nice
        )
        server.wait_until_serving(begun)
        sampler.start()
        for process in running:
            if not answer(process).get("ready"):
                raise RuntimeError("a till process did not get ready")
        for process in running:
            tell(process, "go")
        sampler.load_begins()
        went = time.monotonic()
        time.sleep(seconds * kill_at)
        server.kill()
        killed = time.monotonic() - went
        sampler.new_life()
        restart = server.start()
        sampler.load_begins()
        answers = [answer(process)["tills"] for process in running]
        for process in running:
            process.wait()
        drained = time.monotonic() - went - seconds
    finally:
        sampler.stop()
        server.stop()
        for process in running:
            if process.poll() is None:
                process.kill()
                process.wait()
    reports = [till for share in answers for till in share]
    return judge(
        db_url,
        backend,
        reports,
        processes=len(running),
        seconds=seconds,
        outage=(killed, killed + restart + 2.0),
        restart=restart,
        memory=sampler.summaries(),
        load=load,
        setup=went - begun,
        drain=drained,
    )


def judge(
    db_url: str,
    backend: str,
    reports: list[dict[str, Any]],
    *,
    processes: int,
    seconds: float,
    outage: tuple[float, float],
    restart: float,
    memory: list[Life],
    load: str,
    setup: float,
    drain: float,
) -> LoadRun:
    """What the run measured, and every fault: ``checks`` and the server's memory."""
    faults = checks(db_url, reports)
    for number, life in enumerate(memory, start=1):
        if life.grew:
            faults.append(f"the server's memory grew in life {number}: {life.describe()}")
        if life.peak > MEMORY_BOUND_MB:
            faults.append(f"the server's memory passed {MEMORY_BOUND_MB} MB in life {number}")
    pushes = [tuple(push) for till in reports for push in till["pushes"]]
    away = [took for at, took in pushes if not outage[0] - 1.0 <= at <= outage[1]]
    return LoadRun(
        backend=backend,
        tills=len(reports),
        processes=processes,
        seconds=seconds,
        pushes=Stats(tuple(took for _, took in pushes)),
        pushes_away_from_restart=Stats(tuple(away)),
        failed_pushes=sum(till["failed"] for till in reports),
        sales=len([sale for till in reports for sale in till["sales"]]),
        customers=len({customer for till in reports for customer in till["customers"]}),
        pulled=sum(till["pulled"] for till in reports),
        pulls=sum(till["pulls"] for till in reports),
        feed_changes=len(read_feed(db_url).numbers),
        restart_seconds=restart,
        memory=memory,
        load=load,
        setup_seconds=setup,
        drain_seconds=drain,
        faults=faults,
        till_reports=reports,
    )


def checks(db_url: str, reports: list[dict[str, Any]]) -> list[str]:
    """The server's feed, sales and customers against what each till recorded, by ids:
    what is wrong (nothing, if all is well)."""
    feed = read_feed(db_url)
    server_sales, server_customers = server_rows(db_url)
    recorded = [sale for till in reports for sale in till["sales"]]
    acknowledged = [sale for till in reports for sale in till["acknowledged"]]
    created = {customer for till in reports for customer in till["customers"]}
    in_feed = feed.ids.get("sale", Counter())
    faults = []

    def fault(what: str, number: int) -> None:
        if number:
            faults.append(f"{what}: {number}")

    fault(
        "sales recorded twice by the tills (the run itself is wrong)",
        len(recorded) - len(set(recorded)),
    )
    fault("sales lost (not in the feed)", len(set(recorded) - set(in_feed)))
    fault("acknowledged sales not in the feed", len(set(acknowledged) - set(in_feed)))
    fault("sales doubled in the feed", sum(n - 1 for n in in_feed.values()))
    fault("sales in the feed no till recorded", len(set(in_feed) - set(recorded)))
    fault("sales missing from the server's sales", len(set(recorded) - set(server_sales)))
    fault("sales on the server no till recorded", len(set(server_sales) - set(recorded)))
    fault("customers a till created missing on the server", len(created - server_customers))
    fault("changes still pending on the tills", sum(till["pending"] for till in reports))
    fault("outbox rows in the feed more than once", feed.doubled)
    per_till: dict[str, set[int]] = {}
    for till_name, till_seq in feed.per_till:
        per_till.setdefault(till_name, set()).add(till_seq)
    wrong = [
        till["name"]
        for till in reports
        if per_till.get(till["name"], set()) != set(range(1, till["outbox"] + 1))
    ]
    fault("tills whose outbox is not in the feed once each, 1…N", len(wrong))
    if not feed.gap_free:
        faults.append("the feed has a gap")
    return faults


@contextlib.contextmanager
def workspace(backend: str) -> Iterator[tuple[Path, str]]:
    """A temporary folder and a new, empty server database for ``backend``."""
    with (
        tempfile.TemporaryDirectory(prefix="till-bench-load-") as tmp,
        database_url(backend, Path(tmp)) as url,
    ):
        yield Path(tmp), url


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    both = "both" if postgres_installed() else "sqlite"
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default=both)
    parser.add_argument("--tills", type=int, default=TILLS)
    parser.add_argument("--seconds", type=float, default=SECONDS)
    parser.add_argument("--kill-at", type=float, default=KILL_AT, help="fraction of the run")
    parser.add_argument("--processes", type=int, default=PROCESSES, help="till processes")
    parser.add_argument(
        "--till-nice", type=int, default=0, help="niceness the till processes add once set up"
    )
    given = parser.parse_args()
    status = 0
    for backend in backends(given.backend):
        with workspace(backend) as (directory, db_url):
            run = measure(
                db_url,
                backend,
                directory,
                tills=given.tills,
                seconds=given.seconds,
                kill_at=given.kill_at,
                processes=given.processes,
                till_nice=given.till_nice,
            )
        print(run.report(), flush=True)
        status |= 1 if run.faults else 0
    sys.exit(status)


if __name__ == "__main__":
    main()
