"""Figure 2: one committed 5-line cash sale through ``storage.sales.record_sale``, against the
same rows written with raw ``sqlite3`` into a second file with the same schema and pragmas.

The floor replays exactly the rows ``record_sale`` has just written (read back from its
database), in the same statements: take the write lock, read the last receipt, insert the
sale, its lines, VAT and payment rows, the outbox entry and the receipt's print job, take the
units out of stock (the floor holds the same catalog), insert the journal seal, commit. The
seal's signature (Ed25519, about 0.05 ms) and the anchor file (written by a thread of its own)
are the project's work, not the floor's. The two alternate.
A note also times the app's own path: ``Register.record`` from a worker thread.
"""

from __future__ import annotations

import sqlite3
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.common import Clock, Figure
from bench.fixtures import demo_shop
from storage import catalog, sales
from storage.db import PRAGMAS, close_database, open_database
from storage.journal_chains import sale_chain
from till.core.sale import Cart, Item, PaymentMethod
from till.register import Register

SALES = 300
WARMUP = 20
LINES = 5
TARGET_RATIO = 2.0

LAST_SALE = (
    'SELECT "receipt_no", "journal_hash" FROM "sale" WHERE "till_no" = ? '
    'ORDER BY "receipt_no" DESC LIMIT 1'
)
# Where each table keeps the sale id, in the order record_sale writes them.
SALE_ROWS = (
    ("sale", "id"),
    ("sale_line", "sale_id"),
    ("sale_vat", "sale_id"),
    ("sale_payment", "sale_id"),
    ("outbox", "entity_id"),
    ("print_job", "sale_id"),
)
TAKE_STOCK = 'UPDATE "product" SET "stock" = "stock" - ? WHERE "id" = ?'
LAST_SEAL = (
    "SELECT chain, seq, head, sealed_at, key_id, signature FROM journal_seal"
    " WHERE chain = ? ORDER BY seq DESC LIMIT 1"
)
INSERT_SEAL = (
    "INSERT INTO journal_seal (chain, seq, head, sealed_at, key_id, signature)"
    " VALUES (?, ?, ?, ?, ?, ?)"
)
"""The sale's seal is one of its rows (the floor writes it, without signing it)."""


def connect(path: Path) -> sqlite3.Connection:
    """A plain connection with the pragmas ``storage.db`` sets, in autocommit mode."""
    connection = sqlite3.connect(path, timeout=5, isolation_level=None)
    for name, value in PRAGMAS.items():
        connection.execute(f"PRAGMA {name} = {value}")
    return connection


def settled_cart(items: list[Item], number: int) -> Cart:
    """Sale ``number``: LINES different items, paid in cash with change."""
    cart = Cart()
    for k in range(LINES):
        cart.add(items[(number * LINES + k) % len(items)])
    cart.pay(PaymentMethod.CASH, (cart.total // 500 + 1) * 500)
    return cart


Rows = list[tuple[str, list[tuple]]]


def rows_of(source: sqlite3.Connection, sale_id: str, till_no: int) -> Rows:
    """The INSERT statements and values that recreate sale ``sale_id`` elsewhere."""
    found = []
    for table, key in SALE_ROWS:
        cursor = source.execute(f'SELECT * FROM "{table}" WHERE "{key}" = ?', (sale_id,))
        columns = [c[0] for c in cursor.description if c[0] != "seq"]
        values = [row[-len(columns) :] for row in cursor.fetchall()]
        names = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join("?" for _ in columns)
        found.append((f'INSERT INTO "{table}" ({names}) VALUES ({marks})', values))
    stock = source.execute(
        'SELECT "quantity", "product_id" FROM "sale_line" WHERE "sale_id" = ?', (sale_id,)
    ).fetchall()
    found.append((TAKE_STOCK, stock))
    seal = source.execute(LAST_SEAL, (sale_chain(till_no),)).fetchall()
    found.append((INSERT_SEAL, seal))
    return found


def copy_catalog(source: sqlite3.Connection, target: sqlite3.Connection) -> None:
    """The floor sells from the same products, so its stock updates find their rows."""
    products = source.execute('SELECT * FROM "product"').fetchall()
    marks = ", ".join("?" for _ in products[0])
    target.execute("BEGIN")
    target.executemany(f'INSERT INTO "product" VALUES ({marks})', products)
    target.execute("COMMIT")


def replay(target: sqlite3.Connection, till_no: int, rows: Rows) -> None:
    """The floor: record_sale's statements on a bare connection, in one transaction."""
    target.execute("BEGIN IMMEDIATE")
    target.execute(LAST_SALE, (till_no,)).fetchone()
    for statement, values in rows:
        target.executemany(statement, values)
    target.execute("COMMIT")


def measure(count: int = SALES) -> Figure:
    clocks = {"record_sale": Clock(), "raw": Clock(), "app": Clock()}
    with tempfile.TemporaryDirectory(prefix="till-bench-") as tmp:
        floor_path = Path(tmp) / "floor" / "till.db"
        open_database(floor_path)  # the same schema, by the same migrations
        close_database()
        settings = demo_shop(Path(tmp))
        register = Register(settings)
        items = [catalog.lookup(code) for code in catalog.sample_codes(200)]
        source, floor = connect(Path(settings.database.path)), connect(floor_path)
        copy_catalog(source, floor)
        till = {"till_no": register.till_no, "seller": "Bench", "currency": "EUR"}
        with ThreadPoolExecutor(max_workers=1) as worker:
            for number in range(WARMUP + count):
                timed = number >= WARMUP
                cart = settled_cart(items, number)
                clocks["record_sale"].start()
                sale = sales.record_sale(cart, **till)
                clocks["record_sale"].stop()
                rows = rows_of(source, sale.id, register.till_no)
                clocks["raw"].start()
                replay(floor, register.till_no, rows)
                clocks["raw"].stop()
                cart = settled_cart(items, number)
                clocks["app"].start()
                worker.submit(register.record, cart).result()
                clocks["app"].stop()
                if not timed:
                    for clock in clocks.values():
                        clock.samples.clear()
        source.close()
        floor.close()
        close_database()
    measured, raw, app = (clocks[name].stats() for name in ("record_sale", "raw", "app"))
    ratio = measured.p50 / raw.p50
    return Figure(
        title=f"Commit one {LINES}-line sale",
        measured=f"record_sale {measured.describe()}",
        floor=f"raw sqlite3 {raw.describe()}",
        ratio=ratio,
        target=f"ratio ≤ {TARGET_RATIO:g}",
        met=ratio <= TARGET_RATIO,
        about=__doc__ or "",
        notes=(
            f"{count} sales each, WAL, synchronous=FULL; ratio of medians "
            f"(p99 ratio {measured.p99 / raw.p99:.2f})",
            f"app path, Register.record from a worker thread: {app.describe()}",
        ),
    )


def main() -> None:
    print(measure().report())


if __name__ == "__main__":
    main()
