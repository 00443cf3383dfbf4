"""Importing a 1,000,000-row product file: the importer's peak memory against a child that
only reads the file with ``csv.reader``; an unchanged re-import against the first import;
and sales recorded while a third import changes every price, against the same sales with
no import running.

The file is generated in a temporary directory (EAN-13 codes, accented names, the shop's
VAT rates, categories, costs, some promotional prices, stock counts) and imported into the
demo shop's database, whose own products are the ones sold. Each import, and the floor,
runs in a fresh child (``bench.import_child``), which reports its own peak resident set
(``VmHWM``; ``getrusage(RUSAGE_CHILDREN).ru_maxrss`` cannot tell it, as a child starts with
its parent's peak, this benchmark's). Sales are recorded by this
process with the register's pragmas (busy timeout 5 s), one every ``SALE_EVERY_S``, each
timed from the call to ``record_sale`` to its return; the floor is the same number of sales
just before, with no import running. The child also times each chunk's transaction.
``python -m bench.import_memory`` runs it alone.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.commit import settled_cart
from bench.common import REPO, Clock, Figure, Stats, ms
from bench.fixtures import demo_shop, ean13
from bench.startup import CHILD_ENV
from storage import catalog, sales
from storage.db import close_database

ROWS = 1_000_000
TARGET_PEAK_MB = 100
TARGET_REIMPORT = 0.5
TARGET_SALE_WAIT_S = 0.5
SALE_EVERY_S = 0.05
CATEGORIES = ("Épicerie fine", "Boissons", "Crèmerie", "Droguerie", "Papeterie", "Traiteur")


def write_file(
    path: Path, rates: tuple[int, ...], rows: int = ROWS, *, price_shift: int = 0
) -> None:
    """``rows`` valid products; ``price_shift`` (minor units) changes every price."""
    rng = random.Random(2026)
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("barcode,name,price,vat,category,cost,promo_price,discountable,stock\n")
        for serial in range(1, rows + 1):
            price = rng.randint(50, 50_000) + price_shift
            promo = f"{price * 9 // 10 / 100:.2f}" if serial % 7 == 0 else ""
            out.write(
                f"{ean13(serial, '23')},Article n° {serial} – qualité supérieure,"
                f"{price / 100:.2f},{rates[serial % len(rates)] / 100:g},"
                f"{CATEGORIES[serial % len(CATEGORIES)]},{price * 6 // 10 / 100:.2f},{promo},"
                f"{'no' if serial % 11 == 0 else 'yes'},{rng.randint(0, 500)}\n"
            )


class Child:
    """A ``bench.import_child`` run."""

    def __init__(self, *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.import_child", *args],
            cwd=REPO,
            env=CHILD_ENV,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )

    def running(self) -> bool:
        """Whether it still runs (its output, a few kB, fits in the pipe meanwhile)."""
        return self.process.poll() is None

    def result(self) -> tuple[dict, int]:
        """Wait for it: its JSON line and its peak resident set in kB."""
        output, errors = self.process.communicate()
        if self.process.returncode != 0:
            raise RuntimeError(f"{self.process.args!r} failed:\n{errors.decode()}")
        found = json.loads(output.splitlines()[-1])
        return found, found["peak_kb"]


def sell(count: int | None = None, *, during: Child | None = None) -> Stats:
    """Record ``count`` paced sales, or as many as fit while ``during`` runs; their times.
    A sale that fails (a locked database after 5 s) ends the benchmark."""
    items = [catalog.lookup(code) for code in catalog.sample_codes(20)]
    clock = Clock()
    number = 0
    while (during is not None and during.running()) or (count and number < count):
        cart = settled_cart(items, number)
        clock.start()
        sales.record_sale(cart, till_no=1, seller="bench", currency="EUR", print_receipt=False)
        clock.stop()
        number += 1
        time.sleep(SALE_EVERY_S)
    return clock.stats()


def mb(kilobytes: float) -> str:
    return f"{kilobytes / 1024:.0f} MB"


def run(rows: int = ROWS) -> list[Figure]:
    with tempfile.TemporaryDirectory(prefix="till-bench-import-") as tmp:
        folder = Path(tmp)
        settings = demo_shop(folder)
        rates = tuple(settings.vat.rates)
        database = str(settings.database.path)
        first_file, changed_file = folder / "products.csv", folder / "changed.csv"
        started = time.perf_counter()
        write_file(first_file, rates, rows)
        write_file(changed_file, rates, rows, price_shift=1)
        written = time.perf_counter() - started
        size_mb = first_file.stat().st_size / 1e6
        args = (database, ",".join(map(str, rates)))

        floor, floor_peak = Child("read", str(first_file)).result()
        first, first_peak = Child("import", args[0], str(first_file), args[1]).result()
        again, again_peak = Child("import", args[0], str(first_file), args[1]).result()
        checked, _ = Child("check", str(first_file), args[1]).result()
        idle = sell(200)
        child = Child("import", args[0], str(changed_file), args[1])
        busy = sell(during=child)
        changed, changed_peak = child.result()
        close_database()

    if floor["records"] != rows + 1 or checked["valid"] != rows:
        raise RuntimeError(f"the file is not what it should be: {floor}, {checked}")
    if first["added"] != rows or again["unchanged"] != rows:
        raise RuntimeError(f"the imports did not do what they should: {first}, {again}")
    if changed["updated"] != rows:
        raise RuntimeError(f"the changed import did not update every row: {changed}")
    holds = Stats(tuple(changed["holds"]))
    first_holds = Stats(tuple(first["holds"]))
    reimport = again["seconds"] / first["seconds"]
    worst = max(busy.samples)
    return [
        Figure(
            title=f"Peak memory importing {rows:,} products",
            measured=f"import_product_file {mb(first_peak)} peak",
            floor=f"csv.reader alone {mb(floor_peak)} peak",
            ratio=first_peak / floor_peak,
            target=f"peak < {TARGET_PEAK_MB} MB",
            met=first_peak / 1024 < TARGET_PEAK_MB,
            about=__doc__ or "",
            notes=(
                f"a {size_mb:.0f} MB file (it and the changed one generated in {written:.0f} s); "
                f"the floor reads it in {floor['seconds']:.1f} s",
                f"first import {first['seconds']:.1f} s ({rows / first['seconds']:,.0f} rows/s); "
                f"peaks of the unchanged re-import {mb(again_peak)}, of the import changing "
                "every price (while sales were recorded) "
                f"{mb(changed_peak)}",
            ),
        ),
        Figure(
            title=f"Unchanged re-import of {rows:,} products",
            measured=f"re-import {again['seconds']:.1f} s, nothing written",
            floor=f"first import {first['seconds']:.1f} s",
            ratio=reimport,
            target=f"ratio ≤ {TARGET_REIMPORT:g}",
            met=reimport <= TARGET_REIMPORT,
            notes=(
                f"reading and checking the rows alone, as every import does before the "
                f"database: {checked['seconds']:.1f} s "
                f"({checked['seconds'] / first['seconds']:.2f} of the first import); "
                "the unchanged re-import adds "
                f"{again['seconds'] - checked['seconds']:.1f} s to it (a query per 1,000 rows)",
                f"an import changing every price took {changed['seconds']:.1f} s "
                f"({changed['seconds'] / first['seconds']:.2f} of the first), with sales "
                "recorded meanwhile",
            ),
        ),
        Figure(
            title=f"Commit one sale while {rows:,} products import",
            measured=f"record_sale {busy.describe()}, max {ms(worst)}",
            floor=f"no import running {idle.describe()}",
            ratio=busy.p99 / idle.p99,
            target=f"max < {ms(TARGET_SALE_WAIT_S)}",
            met=worst < TARGET_SALE_WAIT_S,
            notes=(
                f"{len(busy.samples)} sales during the import changing every price, one every "
                f"{ms(SALE_EVERY_S)}; none failed",
                f"each chunk's transaction (1,000 rows, BEGIN IMMEDIATE to the end of COMMIT): "
                f"updating {holds.describe()}, max {ms(max(holds.samples))}; inserting (first "
                f"import) {first_holds.describe()}, max {ms(max(first_holds.samples))}",
            ),
        ),
    ]


def main() -> None:
    for figure in run():
        print(figure.report(), flush=True)


if __name__ == "__main__":
    main()
