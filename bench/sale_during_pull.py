"""A sale saved while the till applies a big pull: how long the cashier's write waits, and
whether it ever fails.

Another till pushes CUSTOMERS customers and POINTS entries each to the real server (uvicorn
on loopback, SQLite). This till then pulls them, PAGE changes a pull (default: the sync
service's PULL_PAGE; the server allows 1,000) applied ``sync.client.TRANSACTION_CHANGES`` per
local transaction, in a thread of its own as the
register's sync worker does, while the register records cash sales through its one writer
thread, one after the other. The same sales are timed with no pull running, for comparison.

Run: ``.venv/bin/python -m bench.sale_during_pull [PAGE]`` (about a minute).
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.sync_server import till_database
from sync.server import store
from sync.server.app import create_app

CUSTOMERS = 1_000
POINTS = 4


def main() -> None:
    from till.sync_service import PULL_PAGE

    page = int(sys.argv[1]) if len(sys.argv) > 1 else PULL_PAGE
    from storage import catalog, loyalty
    from storage.customers import create_customer
    from storage.db import close_database, open_database
    from storage.ids import new_id
    from storage.models import database
    from sync.client import SyncClient
    from tests.conftest import PRODUCTS
    from tests.storage.sale_loop import random_cart
    from tests.sync.conftest import serving
    from till.config import PrinterSettings, Settings
    from till.register import Register

    directory = Path(tempfile.mkdtemp(prefix="sale-during-pull-"))
    with serving(create_app(f"sqlite:///{directory / 'server.db'}")) as (host, port):
        url = f"http://{host}:{port}"
        other = till_database(directory, "other")
        open_database(other)
        at = datetime.now(UTC).isoformat()
        with database.atomic():
            for n in range(CUSTOMERS):
                customer = create_customer(
                    {"last_name": f"Other{n}"}, actor="bench", till_no=2, region="FR"
                ).id
                for _ in range(POINTS):
                    loyalty.add_movement(
                        customer, "earn", 1, actor="bench", at=at, sale_id=new_id()
                    )
        with SyncClient(url, store.add_till("other"), "other") as client:
            pushed = client.push_all()
        close_database()

        here = till_database(directory, "here")
        open_database(here)
        text = "barcode,name,price,vat\n" + "".join(
            f'{code},"{name}",{price},{vat}\n' for code, name, price, vat in PRODUCTS
        )
        rows, _ = catalog.parse_product_csv(text, Settings().vat.rates)
        catalog.import_products(rows)
        codes = catalog.sample_codes(10)
        settings = Settings(printer=PrinterSettings(url="none")).with_database(here)
        register = Register(settings)
        rng = random.Random(1)

        def sales(until: threading.Event | None, count: int) -> tuple[list[float], int]:
            times: list[float] = []
            failed = 0
            while (until is None and len(times) < count) or (until and not until.is_set()):
                cart = random_cart(rng, codes)
                started = time.perf_counter()
                try:
                    register.record(cart)
                except Exception as error:  # counted: the figure is that there are none
                    failed += 1
                    print(f"sale failed: {error}", file=sys.stderr)
                    continue
                times.append(time.perf_counter() - started)
            return times, failed

        quiet, _ = sales(None, 200)
        pulls: list[float] = []
        done = threading.Event()

        import sync.client as client_module

        applies: list[float] = []
        apply_remote = client_module.apply_remote

        def timed_apply(*args: Any, **options: Any) -> Any:
            started = time.perf_counter()
            try:
                return apply_remote(*args, **options)
            finally:
                applies.append(time.perf_counter() - started)

        client_module.apply_remote = timed_apply  # type: ignore[assignment]

        def pull() -> None:
            with SyncClient(url, store.add_till("here"), "here") as client:
                while True:
                    started = time.perf_counter()
                    result = client.pull_once(page)
                    pulls.append(time.perf_counter() - started)
                    if not result.more:
                        break
            close_database()
            done.set()

        puller = threading.Thread(target=pull)
        puller.start()
        busy, failed = sales(done, 0)
        puller.join()
        register.close()

    print(f"pushed by the other till: {pushed:,} changes; pulled in {len(pulls)} pages")
    print(f"one pull page ({page:,} changes, fetch and apply): {_stats(pulls)}")
    print(f"its local transaction: {_stats(applies)}")
    print(f"a sale, nothing else running ({len(quiet)}): {_stats(quiet)}")
    print(f"a sale during the pull ({len(busy)}): {_stats(busy)}; failed: {failed}")


def _stats(values: list[float]) -> str:
    ordered = sorted(values)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return (
        f"median {statistics.median(ordered) * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms, "
        f"max {ordered[-1] * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
