"""Several tills in one process, for ``bench.sync_load``: each till has its own SQLite file
(copied from one demo shop made here), its own name, token, till number and ``SyncClient``;
the process drives them in turn, switching the storage's one database to the till whose turn
it is (a till's storage is process-wide, as ``tests/sync/conftest.py``'s ``Till`` does).

``python -m bench.sync_load_till DIR URL SECONDS SEED NICE``, then one JSON line on stdin: the
tills (``[{"name", "token", "till_no"}, …]``). It sets them up, adds NICE to its niceness, prints
``{"ready": true}`` and waits for ``go``. Then for SECONDS each till in turn records a
three-line cash sale, every third turn a customer change (a new customer, or a name changed
on one it made), pushes (``push_once``), and every third turn, the first included, pulls a
page of the feed. A push that fails (the server killed, restarting, busy) leaves its changes
in the outbox for the till's next turn: the tills retry by themselves. Then each till pushes
until its outbox is empty (bounded), and the process prints one JSON line: per till, the ids
of the sales and customers it recorded, the sales the server had confirmed before that
drain, its outbox's size and what is still pending, each successful push's start (seconds
after ``go``) and duration, and the failed pushes.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import ssl
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DRAIN_SECONDS = 120.0
"""How long the tills may take to empty their outboxes once the run is over (the server may
still be catching up after the restart)."""
PULL_EVERY = 3
CUSTOMER_EVERY = 3
PULL_LIMIT = 500


@dataclass
class LoadTill:
    """One simulated till and what happened to it."""

    name: str
    till_no: int
    path: Path
    client: Any
    sales: list[str] = field(default_factory=list)
    customers: list[str] = field(default_factory=list)
    pushes: list[tuple[float, float]] = field(default_factory=list)
    failed: int = 0
    pulled: int = 0
    pulls: int = 0
    turns: int = 0

    def use(self) -> None:
        from storage.db import open_database

        open_database(self.path)

    def report(self, acknowledged: list[str]) -> dict[str, Any]:
        """What the till did; call with its database in use."""
        from storage import outbox
        from storage.models import database

        return {
            "name": self.name,
            "sales": self.sales,
            "customers": self.customers,
            "acknowledged": acknowledged,
            "outbox": database.execute_sql("SELECT count(*) FROM outbox").fetchone()[0],
            "pending": outbox.pending_count(),
            "pushes": self.pushes,
            "failed": self.failed,
            "pulled": self.pulled,
            "pulls": self.pulls,
        }


def say(document: dict[str, Any]) -> None:
    print(json.dumps(document), flush=True)


def template(directory: Path) -> tuple[Path, list[Any]]:
    """One demo shop's database, closed so it can be copied; the items to sell."""
    from bench.fixtures import demo_shop
    from storage import catalog
    from storage.db import close_database

    settings = demo_shop(directory / "template")
    items = [catalog.lookup(code) for code in catalog.sample_codes(50)]
    close_database()
    return Path(settings.database.path), items


def set_up(directory: Path, url: str, tills: list[dict[str, Any]]) -> tuple[list[LoadTill], Any]:
    import httpx

    from sync.client import SyncClient

    source, items = template(directory)
    # Each till its own connection, one TLS context for all: plain HTTP never uses it, and
    # loading the CA certificates for each client cost 50 ms of CPU a till.
    tls = ssl.create_default_context()
    made = []
    for till in tills:
        path = directory / till["name"] / "till.db"
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, path)
        # The journal's keys go with the database that was sealed with them. The tills share
        # one signing key: the load never sends journal heads, the one place it would show.
        shutil.copytree(source.parent / "keys", path.parent / "keys")
        client = SyncClient(
            url,
            till["token"],
            till["name"],
            attempts=2,
            backoff=0.2,
            timeout=60,
            transport=httpx.HTTPTransport(verify=tls),
        )
        made.append(LoadTill(till["name"], till["till_no"], path, client))
    return made, items


def turn(till: LoadTill, items: list[Any], rng: random.Random, started: float) -> None:
    """One turn of one till: a sale, maybe a customer change, a push, maybe a pull."""
    from storage import sales
    from storage.customers import create_customer, update_customer
    from sync.client import ServerUnreachable
    from till.core.sale import Cart, PaymentMethod
    from till.errors import SyncError

    till.use()
    till.turns += 1
    cart = Cart()
    for item in rng.sample(items, 3):
        cart.add(item)
    cart.pay(PaymentMethod.CASH, (cart.total // 500 + 1) * 500)
    till.sales.append(
        sales.record_sale(cart, till_no=till.till_no, seller="Bench", currency="EUR").id
    )
    if till.turns % CUSTOMER_EVERY == 0:
        name = {"last_name": f"Client {till.turns}", "first_name": rng.choice(("Léa", "Yann"))}
        if till.customers and rng.random() < 0.5:
            update_customer(rng.choice(till.customers), name, actor="bench", region="FR")
        else:
            customer = create_customer(name, actor="bench", till_no=till.till_no, region="FR")
            till.customers.append(customer.id)
    before = time.perf_counter()
    try:
        till.client.push_once()
        till.pushes.append((before - started, time.perf_counter() - before))
        if till.turns % PULL_EVERY == 1:
            till.pulled += till.client.pull_once(PULL_LIMIT).received
            till.pulls += 1
    except ServerUnreachable:
        till.failed += 1  # the changes stay in the outbox: the next turn sends them
    except SyncError as error:  # a refusal is a fault of the run: say it, do not hide it
        raise SystemExit(f"sync_load_till: {till.name}: {error}") from None


ACKNOWLEDGED_SALES = "SELECT entity_id FROM outbox WHERE entity = 'sale' AND seq <= ? ORDER BY seq"


def drain(tills: list[LoadTill]) -> dict[str, list[str]]:
    """Push each till's outbox until it is empty (within ``DRAIN_SECONDS``); per till, the
    sales the server had confirmed before."""
    from storage import outbox, sync_state
    from storage.models import database
    from sync.client import ServerUnreachable

    acknowledged = {}
    deadline = time.monotonic() + DRAIN_SECONDS
    for till in tills:
        till.use()
        confirmed = sync_state.get(sync_state.PUSHED_UP_TO)
        rows = database.execute_sql(ACKNOWLEDGED_SALES, (confirmed,))
        acknowledged[till.name] = [row[0] for row in rows]
        while outbox.pending(1) and time.monotonic() < deadline:
            try:
                till.client.push_all()
            except ServerUnreachable:
                till.failed += 1
                time.sleep(0.5)
    return acknowledged


def main(argv: list[str]) -> None:
    from storage.db import close_database

    directory, url, seconds, seed = Path(argv[0]), argv[1], float(argv[2]), int(argv[3])
    niceness = int(argv[4])
    tills, items = set_up(directory, url, json.loads(sys.stdin.readline()))
    rng = random.Random(seed)
    os.nice(niceness)  # set up at full speed, then as asked
    say({"ready": True})
    if sys.stdin.readline().strip() != "go":
        raise SystemExit("sync_load_till: expected go")
    started = time.perf_counter()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for till in tills:
            if time.monotonic() < deadline:
                turn(till, items, rng, started)
    acknowledged = drain(tills)
    reports = []
    for till in tills:
        till.use()
        reports.append(till.report(acknowledged[till.name]))
        till.client.close()
    close_database()
    say({"tills": reports})


if __name__ == "__main__":
    main(sys.argv[1:])
