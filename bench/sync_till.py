"""A till in its own process, for the sync benchmarks: its own SQLite file, its own token, its
own ``SyncClient`` (a till's storage is one process-wide database, so one till per process).
It prints JSON lines on stdout and takes ``go``/``stop`` lines on stdin.

- ``pull DB URL TOKEN NAME PAGE``: a new till's first sync: ``pull_pages(PAGE)`` until the
  feed is exhausted, into an empty database, timed, with the time spent in requests (in the
  client's fetching thread, beside the applying) and applying changes apart, and the longest
  page's transaction.
- ``sell DATA URL TOKEN NAME TILL_NO COUNT live|backlog``: a shop till with the demo
  catalog. ``live``: after ``go``, records COUNT cash sales, pushing each one right after it
  is recorded. ``backlog``: records COUNT sales offline first, pushes them all after ``go``.
  A push the server answers busy (or not at all) is tried again after a pause, as the
  register's worker does. Prints each push's duration (retries included), the retries and
  the ids of the sales.
- ``ping URL COUNT``: the floor of ``sell``: after ``go``, COUNT empty round trips
  (``GET /v1/health``), each timed.
- ``watch DB URL TOKEN NAME INTERVAL``: syncs every INTERVAL seconds (fixed rate) until
  ``stop``, and prints when each customer and points entry was first seen here.
- ``change DB URL TOKEN NAME COUNT INTERVAL SEED``: after ``go``, makes COUNT changes at
  random moments (new customers, points earned by them), pushing each right after it is made
  as the register does after a sale; prints when each was committed.
"""

from __future__ import annotations

import json
import random
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

CUSTOMERS_SEEN = "SELECT code FROM customer"
POINTS_SEEN = "SELECT id FROM loyalty_entry"


def say(document: dict[str, Any]) -> None:
    print(json.dumps(document), flush=True)


def wait_for(word: str) -> None:
    line = sys.stdin.readline().strip()
    if line != word:
        raise SystemExit(f"sync_till: expected {word!r}, got {line!r}")


def client(url: str, token: str, name: str) -> Any:
    from sync.client import SyncClient

    return SyncClient(url, token, name, timeout=60)


def pull(db: str, url: str, token: str, name: str, page: str = "500") -> None:
    import sync.client
    from storage.customers import customer_count
    from storage.db import open_database

    open_database(db)  # a new till: the migrations run here, before the clock starts
    spent = {"request": 0.0, "apply": 0.0}
    longest = {"request": 0.0, "apply": 0.0}
    pulls = 0

    def timed(phase: str, function: Any) -> Any:
        def run(*args: Any, **options: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*args, **options)
            finally:
                took = time.perf_counter() - started
                spent[phase] += took
                longest[phase] = max(longest[phase], took)

        return run

    sync_client = client(url, token, name)
    sync_client._request = timed("request", sync_client._request)
    sync.client.apply_remote = timed("apply", sync.client.apply_remote)
    started, cpu = time.perf_counter(), time.process_time()
    received = 0
    for result in sync_client.pull_pages(int(page)):  # as the register's sync service pulls
        received += result.received
        pulls += 1
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    say(
        {
            "seconds": seconds,
            "cpu_seconds": cpu,
            "received": received,
            "pulls": pulls,
            "customers": customer_count(),
            "request_seconds": spent["request"],
            "apply_seconds": spent["apply"],
            "longest_apply": longest["apply"],
        }
    )


def sell(data: str, url: str, token: str, name: str, till_no: int, count: int, mode: str) -> None:
    from bench.fixtures import demo_shop
    from storage import catalog, outbox, sales
    from sync.client import ServerUnreachable
    from till.core.sale import Cart, PaymentMethod

    demo_shop(Path(data))
    items = [catalog.lookup(code) for code in catalog.sample_codes(50)]
    sync_client = client(url, token, name)
    rng = random.Random(till_no)

    def sell_one() -> str:
        cart = Cart()
        for item in rng.sample(items, 3):
            cart.add(item)
        cart.pay(PaymentMethod.CASH, (cart.total // 500 + 1) * 500)
        return sales.record_sale(cart, till_no=till_no, seller="Bench", currency="EUR").id

    retries = 0

    def push() -> int:
        """One push; while the server is busy or unreachable, wait and try again, as the
        register's sync worker does."""
        nonlocal retries
        while True:
            try:
                return sync_client.push_once().sent
            except ServerUnreachable:
                retries += 1
                time.sleep(rng.uniform(0.5, 1.5))

    sale_ids = [sell_one() for _ in range(count)] if mode == "backlog" else []
    sync_client._http.get("/v1/health")  # the connection is open before the clock starts
    say({"ready": True})
    wait_for("go")
    pushes: list[float] = []
    started = time.time()
    if mode == "backlog":
        while True:
            before = time.perf_counter()
            if not push():
                break
            pushes.append(time.perf_counter() - before)
    else:
        for _ in range(count):
            sale_ids.append(sell_one())
            before = time.perf_counter()
            push()
            pushes.append(time.perf_counter() - before)
    say(
        {
            "started": started,
            "finished": time.time(),
            "pushes": pushes,
            "sale_ids": sale_ids,
            "pending": len(outbox.pending(10)),
            "retries": retries,
        }
    )


def ping(url: str, count: int) -> None:
    import httpx

    with httpx.Client(base_url=url, timeout=60) as http:
        http.get("/v1/health")
        say({"ready": True})
        wait_for("go")
        trips = []
        for _ in range(count):
            before = time.perf_counter()
            http.get("/v1/health").raise_for_status()
            trips.append(time.perf_counter() - before)
    say({"pushes": trips})


def watch(db: str, url: str, token: str, name: str, interval: float) -> None:
    from storage.db import open_database
    from storage.models import database

    open_database(db)
    sync_client = client(url, token, name)
    stop = threading.Event()
    seen: dict[str, float] = {}
    syncs: list[float] = []

    def listen() -> None:
        sys.stdin.readline()
        stop.set()

    threading.Thread(target=listen, daemon=True).start()
    say({"ready": True})
    ticks = time.monotonic()
    while not stop.is_set():
        before = time.perf_counter()
        sync_client.sync_once()
        syncs.append(time.perf_counter() - before)
        now = time.time()
        for query in (CUSTOMERS_SEEN, POINTS_SEEN):
            for (key,) in database.execute_sql(query):
                seen.setdefault(key, now)
        ticks += interval
        stop.wait(max(0.0, ticks - time.monotonic()))
    say({"seen": seen, "syncs": syncs})


def change(
    db: str, url: str, token: str, name: str, count: int, interval: float, seed: int
) -> None:
    from storage import loyalty
    from storage.customers import create_customer
    from storage.db import open_database
    from storage.models import database
    from till.demo_people import people

    open_database(db)
    sync_client = client(url, token, name)
    sync_client._http.get("/v1/health")
    rng = random.Random(seed)
    persons = people(count, seed)
    made: dict[str, float] = {}
    customers: list[str] = []
    say({"ready": True})
    wait_for("go")
    for number in range(count):
        # Random moments, so the changes fall at every phase of the other till's interval.
        time.sleep(rng.uniform(0.2, 1.0) * interval)
        if customers and number % 2:
            with database.atomic():
                key = loyalty.add_movement(
                    rng.choice(customers),
                    "earn",
                    rng.randint(1, 50),
                    actor="bench",
                    at=datetime.now(UTC).isoformat(),
                )
        else:
            customer = create_customer(next(persons), actor="bench", till_no=7, region="FR")
            customers.append(customer.id)
            key = customer.code
        made[key] = time.time()
        sync_client.push_all()
    say({"made": made})


def main(argv: list[str]) -> None:
    command, *rest = argv
    if command == "pull":
        pull(*rest)
    elif command == "sell":
        data, url, token, name, till_no, count, mode = rest
        sell(data, url, token, name, int(till_no), int(count), mode)
    elif command == "ping":
        url, count = rest
        ping(url, int(count))
    elif command == "watch":
        db, url, token, name, interval = rest
        watch(db, url, token, name, float(interval))
    elif command == "change":
        db, url, token, name, count, interval, seed = rest
        change(db, url, token, name, int(count), float(interval), int(seed))
    else:
        raise SystemExit(f"sync_till: unknown command {command!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
