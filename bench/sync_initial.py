"""Initial sync: a new till joins a business whose server holds 100,000 customers, and pulls
them all (``SyncClient.pull_once`` until the feed is exhausted) into its empty database.

How the customers reach the server: a seeding till pushes them over HTTP, as a till with a
long outbox would (``SyncClient.push_all``, batches of 500, each checked and applied by the
server's own path). The seeding till makes its first 100 customers with
``storage.customers.create_customer``; the rest of its outbox rows are written with
``storage.outbox.append`` carrying the payload ``create_customer`` writes (the same
``validate_changes`` result; checked equal, field for field, on the first 100), because
making 100,000 customers one by one takes ~4 ms each and is not what is measured here.

The new till runs in its own process (``bench.sync_till pull``: ``SyncClient.pull_pages``,
as the register's sync service pulls); the server in another (``till server run``). Its time
is split into applying the changes (``apply_remote``, one transaction per
``sync.client.TRANSACTION_CHANGES``; the longest is the longest a sale could wait) and the
rest: checking each page and waiting for it (the next page is downloaded in a thread while
one applies, so the requests' time overlaps the applying). The floor, in the same run: the
customer rows and search words the bulk loader of the customer-search figures computes for
the same people (``bench.customers_db.person_rows``), inserted with raw ``sqlite3`` into a
new till database with the till's pragmas, one transaction per page, plus one empty HTTP
round trip (``GET /v1/health``) per pull. The target is the issue's: under 30 s.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.commit import connect
from bench.common import Figure
from bench.customers_db import person_rows
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
    round_trips,
    till_database,
)

COUNT = 100_000
QUICK_COUNT = 600
REAL = 100
"""Customers the seeding till makes through ``create_customer``."""
SEED = 11
SEED_TILL_NO = 1
REGION = "FR"
CREATED_AT = "2026-01-05T09:00:00+00:00"
PAGE = 500
"""The changes one pull brings by default (the protocol's default limit): one transaction
each. The register's sync service asks for 100 (``till.sync_service.PULL_PAGE``), so that a
sale waits less for a pull's transaction: ``--page 100``."""
TARGET_SECONDS = 30.0


def customer_payload(person: dict[str, Any], number: int, stamp: str) -> dict[str, Any]:
    """What ``create_customer`` puts in the outbox for ``person``, customer ``number``, its
    fields stamped with the clock ``stamp``."""
    from storage.ids import new_id
    from till.core.customer import customer_code, validate_changes

    clean = validate_changes({"last_name": "", **person}, region=REGION)
    external_codes = clean.pop("external_codes", {})
    fields = json.loads(json.dumps({**clean, "external_codes": external_codes}))
    return {
        "id": new_id(),
        "code": customer_code(SEED_TILL_NO, number),
        "at": CREATED_AT,
        "fields": fields,
        "clocks": dict.fromkeys(fields, stamp),
    }


def _comparable(payload: dict[str, Any]) -> dict[str, Any]:
    """A payload without what differs between two customers made alike: ids, times."""
    return {
        "fields": payload["fields"],
        "keys": sorted(payload),
        "clocked": sorted(payload.get("clocks", {})),
    }


@dataclass(frozen=True)
class Seeding:
    seconds: float
    server_cpu: float
    """CPU seconds the server's processes spent meanwhile."""
    pushed: int


def seed(office: BackOffice, directory: Path, count: int) -> Seeding:
    """Fill the server with ``count`` customers pushed by a seeding till."""
    from storage import clock, outbox
    from storage.customers import create_customer
    from storage.db import close_database, open_database
    from storage.models import database
    from sync.client import SyncClient
    from till.demo_people import people

    token = office.add_till("seeder")
    open_database(till_database(directory, "seeder"))
    persons = people(count, SEED)
    real = [next(persons) for _ in range(min(REAL, count))]
    for person in real:
        create_customer(person, actor="seed", till_no=SEED_TILL_NO, region=REGION)
    written = [_comparable(row["payload"]) for row in outbox.pending(REAL)]
    made = [_comparable({"v": 1, **customer_payload(p, 0, "")}) for p in real]
    if written != made:
        raise RuntimeError("the seeding payloads differ from what create_customer writes")
    with database.atomic():
        cursor = database.cursor()
        for number, person in enumerate(persons, start=len(real) + 1):
            payload = customer_payload(person, number, clock.stamp())
            outbox.append("customer", payload["id"], "create", payload, CREATED_AT, cursor=cursor)
    started, cpu = time.perf_counter(), office.cpu_seconds()
    # A patient client: on a busy machine one batch of 500 customers can take over a minute
    # on PostgreSQL, and a retry would only queue behind it (then 503).
    with SyncClient(office.url, token, "seeder", timeout=900) as client:
        pushed = client.push_all()
    seconds, cpu = time.perf_counter() - started, office.cpu_seconds() - cpu
    close_database()
    return Seeding(seconds, cpu, pushed)


def floor_inserts(directory: Path, count: int, page: int) -> float:
    """Seconds to insert the same people's customer rows and search words with raw sqlite3."""
    from bench.customers_db import as_customer, chunks
    from storage.customers import customer_row
    from storage.db import close_database, open_database
    from till.demo_people import people

    path = till_database(directory, "floor")
    open_database(path)
    close_database()
    connection = connect(path)
    # The columns the rows fill; any other (added since the loader was written) keeps its
    # default, as it does when the till applies a pulled customer.
    filled = {"num", *customer_row(as_customer(1, next(people(1, SEED)), ""))}
    columns = [
        row[1] for row in connection.execute('PRAGMA table_info("customer")') if row[1] in filled
    ]
    batches = []
    for first, persons, _ in chunks(count, SEED):
        for start in range(0, len(persons), page):
            part = persons[start : start + page]
            batches.append(person_rows(columns, (first + start, part, [False] * len(part))))
    insert_customer = (
        f'INSERT INTO "customer" ({", ".join(columns)}) VALUES ({", ".join("?" * len(columns))})'
    )
    started = time.perf_counter()
    for rows, words in batches:
        connection.execute("BEGIN IMMEDIATE")
        connection.executemany(insert_customer, rows)
        connection.executemany('INSERT INTO "customer_fts" (rowid, body) VALUES (?, ?)', words)
        connection.execute("COMMIT")
    seconds = time.perf_counter() - started
    connection.close()
    return seconds


def measure(backend: str, count: int, workers: int, page: int = PAGE) -> Outcome:
    with tempfile.TemporaryDirectory(prefix="till-bench-sync-") as tmp:
        directory = Path(tmp)
        with back_office(backend, directory, workers) as office:
            seeding = seed(office, directory, count)
            pushed = seeding.pushed
            feed = read_feed(office.db_url)
            token = office.add_till("newcomer")
            load, server_cpu = load_note(), office.cpu_seconds()  # as the pull starts
            newcomer = till_database(directory, "newcomer")
            process = child(["pull", str(newcomer), office.url, token, "newcomer", str(page)])
            result = answer(process)
            process.wait()
            load_after, server_cpu = load_note(), office.cpu_seconds() - server_cpu
            trip = round_trips(office.url, 300)
        inserts = floor_inserts(directory, count, page)
        with sqlite3.connect(newcomer) as db:
            unique_codes = db.execute("SELECT COUNT(DISTINCT code) FROM customer").fetchone()[0]
    seconds = result["seconds"]
    floor = inserts + result["pulls"] * trip.p50
    rest = seconds - result["apply_seconds"]
    faults = []
    if pushed != count:
        faults.append(f"the seeding till pushed {pushed:,} customers of {count:,}")
    if not feed.gap_free or len(feed.numbers) != count:
        faults.append(f"the feed holds {len(feed.numbers):,} changes, gap-free: {feed.gap_free}")
    if not result["customers"] == unique_codes == count:
        faults.append(
            f"the new till holds {result['customers']:,} customers ({unique_codes:,} codes) "
            f"of {count:,}"
        )
    figure = Figure(
        title=f"Initial sync of {count:,} customers to a new till, {backend} server"
        + ("" if page == PAGE else f", pulls of {page}"),
        measured=f"pull_all {seconds:.1f} s, {count / seconds:,.0f} customers/s",
        floor=(
            f"raw sqlite3 inserts {inserts:.1f} s + {result['pulls']} empty round trips "
            f"{result['pulls'] * trip.p50:.2f} s"
        ),
        ratio=seconds / floor,
        target=f"under {TARGET_SECONDS:.0f} s",
        met=seconds < TARGET_SECONDS and not faults,
        about=__doc__ or "",
        notes=(
            f"customers on the new till: {result['customers']:,} ({unique_codes:,} codes), "
            f"received {result['received']:,} in {result['pulls']} pulls; server feed "
            f"{len(feed.numbers):,} changes, gap-free: {feed.gap_free}",
            f"the new till's time: applying {result['apply_seconds']:.1f} s (longest transaction "
            f"{result['longest_apply'] * 1000:.0f} ms), checking and waiting for pages "
            f"{rest:.1f} s; requests took {result['request_seconds']:.1f} s in the fetching "
            "thread, beside the applying; "
            f"its CPU {result['cpu_seconds']:.1f} s ({result['cpu_seconds'] / count * 1000:.2f} "
            f"ms a customer); the server's {server_cpu:.1f} s serving the pages",
            f"seeding: {REAL} customers by create_customer, the rest as outbox rows; pushed over "
            f"HTTP in {seeding.seconds:.1f} s ({pushed / seeding.seconds:,.0f} changes/s), "
            f"{workers} server process(es) using {seeding.server_cpu:.1f} CPU s "
            f"({seeding.server_cpu / pushed * 1000:.2f} ms a change)",
            f"empty round trip (GET /v1/health, kept-alive): {trip.describe()}",
            f"as the pull started: {load}; as it ended: {load_after}",
        ),
    )
    return Outcome(figure, tuple(faults))


def run(
    backend: str = "sqlite",
    quick: bool = False,
    workers: int = WORKERS,
    count: int = 0,
    page: int = PAGE,
) -> list[Outcome]:
    count = count or (QUICK_COUNT if quick else COUNT)
    return [measure(name, count, workers, page) for name in backends(backend)]


def main() -> None:
    parser = options(__doc__)
    parser.add_argument("--customers", type=int, default=0, help=f"instead of {COUNT:,}")
    parser.add_argument("--page", type=int, default=PAGE, help="changes a pull asks for")
    given = parser.parse_args()
    sys.exit(report(run(given.backend, given.quick, given.workers, given.customers, given.page)))


if __name__ == "__main__":
    main()
