"""The million-customer database of the customer-search figures, built once and then reused.

Each row holds what ``storage.customers.create_customer`` stores for one person of
``till.demo_people.people``: the same columns (``customer_row``), search keys and FTS5 words,
the FTS row under ``rowid = num``. A share of them hold a loyalty card. The rows are
computed in worker processes and written by raw ``sqlite3`` in one transaction, with the
customer indexes dropped for the load and recreated from their own SQL; the finished schema
must equal what the migrations create. The audit log and the outbox are not filled.

A side file records a hash of the sources the rows come from; a database built from other
sources is rebuilt. ``python -m bench.customers_db`` builds it (or says it is there).
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import random
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from bench.common import REPO
from bench.fixtures import ean13
from storage.customer_keys import search_text
from storage.customers import customer_row
from storage.db import close_database, open_database
from storage.ids import new_id
from till.core.customer import Customer, CustomerKind, customer_code
from till.demo_people import people

COUNT = 1_000_000
SEED = 7
CARD_SHARE = 0.3
TILL_NO = 1
CHUNK = 5_000
CREATED_AT = "2026-01-05T09:00:00+00:00"
DIRECTORY = REPO / "data" / "bench"
BUILD_VERSION = 1
"""Bump when this module changes what it writes."""
SOURCES = (
    "till/demo_people.py",
    "till/core/customer.py",
    "till/core/text.py",
    "storage/customer_keys.py",
    "storage/customers.py",
    "storage/migrations",
)
"""Where the rows come from: a change to any of these rebuilds the database."""


@dataclass(frozen=True)
class CustomerDatabase:
    """A built database: where it is, how many customers, how long it took to build."""

    path: Path
    count: int
    build_seconds: float
    size_bytes: int
    reused: bool

    def describe(self) -> str:
        how = "reused, built" if self.reused else "built"
        return (
            f"{self.count:,} customers, {self.size_bytes / 1e6:,.0f} MB, "
            f"{how} in {self.build_seconds:.0f} s"
        )


def generator_version() -> str:
    digest = hashlib.sha256(str(BUILD_VERSION).encode())
    for name in SOURCES:
        source = REPO / name
        for path in sorted(source.rglob("*.py")) if source.is_dir() else [source]:
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def customer_database(count: int = COUNT, seed: int = SEED) -> CustomerDatabase:
    """The database of ``count`` customers, built if missing or made from older sources."""
    path = DIRECTORY / f"customers-{count}.db"
    stamp = path.with_suffix(".json")
    wanted = {"version": generator_version(), "count": count, "seed": seed}
    if path.exists() and stamp.exists():
        recorded = json.loads(stamp.read_text())
        if {key: recorded.get(key) for key in wanted} == wanted:
            return CustomerDatabase(path, count, recorded["build_seconds"], _size(path), True)
    started = time.perf_counter()
    building = path.with_suffix(".building")
    _remove(building)
    build(building, count, seed)
    _remove(path)
    building.rename(path)
    seconds = time.perf_counter() - started
    stamp.write_text(json.dumps({**wanted, "build_seconds": round(seconds, 1)}))
    return CustomerDatabase(path, count, seconds, _size(path), False)


def build(path: Path, count: int, seed: int) -> None:
    """Create the schema with the migrations, then bulk-load ``count`` customers."""
    open_database(path)
    close_database()
    connection = sqlite3.connect(path, isolation_level=None)
    # A throw-away file until it is renamed: no journal needed while loading.
    for pragma in ("journal_mode = OFF", "synchronous = OFF", "cache_size = -400000"):
        connection.execute(f"PRAGMA {pragma}")
    written = {"num", *customer_row(Customer(id="", code=""))}
    columns = [  # the others (origin_till, merged_into…) keep their defaults, as on a till
        row[1] for row in connection.execute('PRAGMA table_info("customer")') if row[1] in written
    ]
    indexes = connection.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'customer'"
        " AND sql IS NOT NULL"
    ).fetchall()
    insert_customer = (
        f'INSERT INTO "customer" ({", ".join(columns)}) VALUES ({", ".join("?" * len(columns))})'
    )
    insert_words = 'INSERT INTO "customer_fts" (rowid, body) VALUES (?, ?)'
    connection.execute("BEGIN")
    for name, _ in indexes:
        connection.execute(f'DROP INDEX "{name}"')
    workers = multiprocessing.get_context("fork").Pool()
    with workers:
        for rows, words in workers.imap(partial(person_rows, columns), chunks(count, seed)):
            connection.executemany(insert_customer, rows)
            connection.executemany(insert_words, words)
    for _, sql in indexes:
        connection.execute(sql)
    connection.execute(
        'INSERT INTO "sequence" VALUES (?, ?)', (f"customer:{TILL_NO}", count)
    )  # the till's next customer code follows the loaded ones
    connection.execute("COMMIT")
    connection.execute("PRAGMA journal_mode = WAL")
    connection.close()
    _check_schema(path)


def chunks(count: int, seed: int) -> Iterator[tuple[int, list[dict[str, Any]], list[bool]]]:
    """``people(count, seed)`` in slices: first customer number, people, who holds a card."""
    cards = random.Random(seed + 1)
    persons = people(count, seed)
    for first in range(1, count + 1, CHUNK):
        batch = [next(persons) for _ in range(min(CHUNK, count - first + 1))]
        yield first, batch, [cards.random() < CARD_SHARE for _ in batch]


def person_rows(
    columns: list[str], chunk: tuple[int, list[dict[str, Any]], list[bool]]
) -> tuple[list[tuple], list[tuple[int, str]]]:
    """The customer rows (values in ``columns`` order) and FTS rows of one chunk."""
    first, batch, carded = chunk
    rows, words = [], []
    for num, person, has_card in zip(range(first, first + len(batch)), batch, carded, strict=True):
        customer = as_customer(num, person, card_number(num) if has_card else "")
        values = {"num": num, **customer_row(customer)}
        rows.append(tuple(values[column] for column in columns))
        words.append((num, search_text(customer)))
    return rows, words


def as_customer(num: int, person: dict[str, Any], card: str) -> Customer:
    """What ``create_customer`` makes of a person: code, id, times, consent dates, card."""
    values = dict(person)
    kind = CustomerKind(values.pop("kind", CustomerKind.INDIVIDUAL))
    consent = {"consent_email_at": CREATED_AT} if values.get("consent_email") else {}
    return Customer(
        id=new_id(),
        code=customer_code(TILL_NO, num),
        kind=kind,
        card_number=card,
        created_at=CREATED_AT,
        updated_at=CREATED_AT,
        **consent,
        **values,
    )


def card_number(num: int) -> str:
    """A 13-digit loyalty card, unique per customer: an odd multiplier not divisible by 5
    permutes the serials below 10¹⁰, so the cards do not follow the customer numbers."""
    return ean13(num * 2_654_435_761 % 10**10, prefix="29")


def schema(path: Path) -> list[tuple[str, str, str]]:
    with closing(sqlite3.connect(path)) as connection:
        return connection.execute(
            "SELECT type, name, sql FROM sqlite_master ORDER BY type, name"
        ).fetchall()


def _check_schema(path: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="till-bench-") as tmp:
        fresh = Path(tmp) / "fresh.db"
        open_database(fresh)
        close_database()
        expected = schema(fresh)
    if schema(path) != expected:
        raise RuntimeError(f"{path}: the bulk load left a schema the migrations do not make")


def _size(path: Path) -> int:
    return path.stat().st_size


def _remove(path: Path) -> None:
    for extra in ("", "-wal", "-shm"):
        Path(f"{path}{extra}").unlink(missing_ok=True)


def main() -> None:
    built = customer_database()
    print(f"{built.path}: {built.describe()}")


if __name__ == "__main__":
    main()
