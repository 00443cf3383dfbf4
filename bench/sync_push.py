"""Twenty tills push their sales at the same time: each till (its own process, its own SQLite
file with the demo catalog) records 500 three-line cash sales and pushes each one right after
recording it (``SyncClient.push_once``), as the register syncs after a sale. All start
together; throughput is the sales the server accepted per second of the whole run, and each
push is timed from the till's side.

Nothing may be lost or doubled: the server's feed must hold every sale id the tills recorded
exactly once and no other, each (till, outbox number) once, numbered 1…N without a gap, and
every till's outbox must be empty. The floor, in the same run: the same twenty processes
making as many empty round trips (``GET /v1/health``) at the same time; the ratio is the
p99 of a push over the p99 of an empty round trip under the same load. A note gives the
backlog case: every till records its 500 sales offline, then pushes them all at once. A push
answered busy (503) or not at all is tried again after a pause, as the register's sync
worker does; the retries are counted and their time is part of the push's.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from subprocess import Popen
from typing import Any

from bench.common import Figure, Stats
from bench.sync_server import (
    WORKERS,
    BackOffice,
    Outcome,
    answer,
    back_office,
    backends,
    child,
    load_note,
    options,
    read_feed,
    report,
    tell,
)

TILLS = 20
SALES = 500
QUICK_TILLS = 3
QUICK_SALES = 10


def together(processes: list[Popen[str]]) -> tuple[list[Any], float]:
    """Wait until every process is ready, start them at once: their answers, and the seconds
    from the start to the last answer."""
    for process in processes:
        if not answer(process).get("ready"):
            raise RuntimeError("a till process did not get ready")
    started = time.perf_counter()
    for process in processes:
        tell(process, "go")
    answers = [answer(process) for process in processes]
    seconds = time.perf_counter() - started
    for process in processes:
        process.wait()
    return answers, seconds


def sell(office: BackOffice, directory: Path, tills: int, sales: int, mode: str) -> dict[str, Any]:
    """``tills`` tills each pushing ``sales`` sales (``live`` or ``backlog``); what happened."""
    names = [f"{mode}-{number:02d}" for number in range(1, tills + 1)]
    tokens = [office.add_till(name) for name in names]
    processes = [
        child(
            [
                "sell",
                str(directory / name),
                office.url,
                token,
                name,
                str(number),
                str(sales),
                mode,
            ]
        )
        for number, (name, token) in enumerate(zip(names, tokens, strict=True), start=1)
    ]
    answers, seconds = together(processes)
    recorded = [sale_id for one in answers for sale_id in one["sale_ids"]]
    return {
        "seconds": seconds,
        "pushes": Stats(tuple(t for one in answers for t in one["pushes"])),
        "recorded": recorded,
        "pending": sum(one["pending"] for one in answers),
        "retries": sum(one["retries"] for one in answers),
    }


def measure(backend: str, tills: int, sales: int, workers: int) -> Outcome:
    load = load_note()
    with tempfile.TemporaryDirectory(prefix="till-bench-sync-") as tmp:
        directory = Path(tmp)
        with back_office(backend, directory, workers) as office:
            pings, ping_seconds = together(
                [child(["ping", office.url, str(sales)]) for _ in range(tills)]
            )
            floor = Stats(tuple(t for one in pings for t in one["pushes"]))
            live = sell(office, directory, tills, sales, "live")
            backlog = sell(office, directory, tills, sales, "backlog")
            feed = read_feed(office.db_url)
    recorded = live["recorded"] + backlog["recorded"]
    sales_in_feed: Counter[str] = feed.ids.get("sale", Counter())
    lost = len(set(recorded) - set(sales_in_feed))
    doubled = sum(n - 1 for n in sales_in_feed.values()) + feed.doubled
    strangers = len(set(sales_in_feed) - set(recorded))
    total = tills * sales
    pending = live["pending"] + backlog["pending"]
    faults = [
        f"{what}: {number}"
        for what, number in (
            ("sales lost", lost),
            ("sales doubled", doubled),
            ("sales in the feed no till recorded", strangers),
            ("changes still pending on the tills", pending),
            ("sales the tills recorded, other than expected", len(set(recorded)) - 2 * total),
        )
        if number
    ]
    if not feed.gap_free:
        faults.append("the feed has a gap")
    pushes: Stats = live["pushes"]
    figure = Figure(
        title=f"{tills} tills each pushing {sales} sales at once, {backend} server",
        measured=(f"{total / live['seconds']:,.0f} sales/s, push {pushes.describe()}"),
        floor=f"empty round trip under the same load {floor.describe()}",
        ratio=pushes.p99 / floor.p99,
        target="zero lost or doubled",
        met=not faults,
        about=__doc__ or "",
        notes=(
            f"lost {lost}, doubled {doubled}, unknown to the tills {strangers}, still pending "
            f"{pending}; feed {len(feed.numbers):,} changes, "
            f"gap-free: {feed.gap_free}",
            f"{total:,} sales recorded and pushed one by one in {live['seconds']:.1f} s "
            f"({workers} server process(es), {live['retries']} pushes retried after a busy "
            f"or failed answer); the floor's {total:,} round trips took "
            f"{ping_seconds:.1f} s ({total / ping_seconds:,.0f}/s)",
            f"backlog: {total:,} sales recorded offline, pushed at once by {tills} tills in "
            f"{backlog['seconds']:.1f} s ({total / backlog['seconds']:,.0f} sales/s), "
            f"push of up to 500 {backlog['pushes'].describe()}, {backlog['retries']} "
            "retried after a busy or failed answer",
            load,
        ),
    )
    return Outcome(figure, tuple(faults))


def run(
    backend: str = "sqlite",
    quick: bool = False,
    workers: int = WORKERS,
    *,
    tills: int = 0,
    sales: int = 0,
) -> list[Outcome]:
    tills = tills or (QUICK_TILLS if quick else TILLS)
    sales = sales or (QUICK_SALES if quick else SALES)
    return [measure(name, tills, sales, workers) for name in backends(backend)]


def main() -> None:
    parser = options(__doc__)
    parser.add_argument("--tills", type=int, default=0, help=f"instead of {TILLS}")
    parser.add_argument("--sales", type=int, default=0, help=f"each, instead of {SALES}")
    given = parser.parse_args()
    sys.exit(
        report(run(given.backend, given.quick, given.workers, tills=given.tills, sales=given.sales))
    )


if __name__ == "__main__":
    main()
