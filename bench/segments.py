"""A segment's count over a million customers and their sales (issue 15: under 1 s here).

The customers are the customer-search database (bench/customers_db.py), copied and migrated
to the current schema; each gets 0 to 6 sales over the last two years (a tenth of them with
a refund), written by raw ``sqlite3``, and the figures (customer_stats, customer_month) are
computed from them by the same SQL as ``till customers segment --rebuild-stats``. Built once
and reused while its sources are unchanged.

Each question is counted by ``storage.segments.count`` (the filter read, the SQL built and
run through Peewee, as the CLI and the screen do), and by the same question written by hand
on a raw connection: the floor, on the same database in the same run. Each is the median of
``ROUNDS`` after an untimed pass that warms the caches; the figure's ratio is project over
floor, and the target is the absolute median under 1 s. The notes give, for contrast, the
same question answered from the sales themselves (no kept figures) and a bare full scan.
``python -m bench.segments [COUNT]`` runs it alone.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

from bench.commit import connect
from bench.common import REPO, Figure, ms
from bench.customers_db import COUNT, DIRECTORY, customer_database
from storage import segments
from storage.db import close_database, open_database
from till.core.segment_filter import parse_filter

ROUNDS = 5
SEED = 15
MAX_SALES = 6
TARGET_SECONDS = 1.0
NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
BUILD_VERSION = 1
SOURCES = ("storage/migrations/m0030_segments.py",)
"""What the database is made from besides this module (bump ``BUILD_VERSION`` when the
rows it writes change)."""


@dataclass(frozen=True)
class Question:
    """A filter, and the same question by hand: SQL on the raw tables and its parameters."""

    title: str
    text: str
    by_hand: str
    params: tuple
    from_sales: str
    """The same question summing the sales on every count, for contrast."""


SINCE = segments.first_month(NOW, 12)
_STANDING = "+c.merged_into IS NULL AND c.anonymised_at = '' AND c.active = 1"
QUESTIONS = (
    Question(
        "city, consent and 12 months' spend",
        "city=Lyon consent_email=yes spend_12m>=100",
        f"SELECT COUNT(*) FROM customer c WHERE {_STANDING} AND c.city = 'Lyon' COLLATE NOCASE"
        " AND c.consent_email = 1 AND (SELECT TOTAL(m.spend) FROM customer_month m"
        " WHERE m.customer_id = c.id AND m.month >= ?) >= 10000",
        (SINCE,),
        f"SELECT COUNT(*) FROM customer c WHERE {_STANDING} AND c.city = 'Lyon'"
        " AND c.consent_email = 1 AND (SELECT TOTAL(s.total) FROM sale s"
        " WHERE s.customer_id = c.id AND s.created_at >= ?) >= 10000",
    ),
    Question(
        "consent, recency and 12 months' visits, no city",
        "consent_email=yes recency<=90 visits_12m>=2",
        f"SELECT COUNT(*) FROM customer c LEFT JOIN customer_stats s ON s.customer_id = c.id"
        f" WHERE {_STANDING} AND c.consent_email = 1 AND s.last_sale_at > ?"
        " AND (SELECT TOTAL(m.visits) FROM customer_month m WHERE m.customer_id = s.customer_id"
        " AND m.month >= ?) >= 2",
        ((NOW - timedelta(days=91)).isoformat(), SINCE),
        f"SELECT COUNT(*) FROM customer c WHERE {_STANDING} AND c.consent_email = 1"
        " AND (SELECT MAX(s.created_at) FROM sale s WHERE s.customer_id = c.id"
        " AND s.refund_of IS NULL) > ? AND (SELECT COUNT(*) FROM sale s"
        " WHERE s.customer_id = c.id AND s.refund_of IS NULL AND s.created_at >= ?) >= 2",
    ),
)


@dataclass(frozen=True)
class Built:
    """The database of customers and sales: where, how much, how long it took."""

    path: Path
    customers: int
    sales: int
    build_seconds: float
    stats_seconds: float
    reused: bool

    def describe(self) -> str:
        how = "reused, built" if self.reused else "built"
        return (
            f"{self.customers:,} customers, {self.sales:,} sales, {how} in "
            f"{self.build_seconds:.0f} s (the figures computed from the sales in "
            f"{self.stats_seconds:.1f} s)"
        )


def database_with_sales(count: int) -> Built:
    path = DIRECTORY / f"segments-{count}.db"
    stamp = path.with_suffix(".json")
    wanted = {"version": _version(), "count": count, "seed": SEED}
    if path.exists() and stamp.exists():
        recorded = json.loads(stamp.read_text())
        if {key: recorded.get(key) for key in wanted} == wanted:
            return Built(
                path,
                count,
                recorded["sales"],
                recorded["build_seconds"],
                recorded["stats_seconds"],
                True,
            )
    started = time.perf_counter()
    source = DIRECTORY / f"customers-{count}.db"
    if not source.exists():  # any version will do: it is migrated to the current schema
        source = customer_database(count).path
    building = path.with_suffix(".building")
    for extra in ("", "-wal", "-shm"):
        Path(f"{building}{extra}").unlink(missing_ok=True)
    with sqlite3.connect(source) as reader, sqlite3.connect(building) as copy:
        reader.backup(copy)
    open_database(building)
    close_database()
    sales, stats_seconds = _add_sales(building)
    path.unlink(missing_ok=True)
    building.rename(path)
    seconds = time.perf_counter() - started
    stamp.write_text(
        json.dumps(
            {
                **wanted,
                "sales": sales,
                "build_seconds": round(seconds, 1),
                "stats_seconds": round(stats_seconds, 2),
            }
        )
    )
    return Built(path, count, sales, seconds, stats_seconds, False)


def _add_sales(path: Path) -> tuple[int, float]:
    from storage.migrations.m0030_segments import FILL

    connection = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode = OFF", "synchronous = OFF", "cache_size = -400000"):
        connection.execute(f"PRAGMA {pragma}")
    ids = [row[0] for row in connection.execute("SELECT id FROM customer ORDER BY num")]
    chance = random.Random(SEED)
    insert = (
        "INSERT INTO sale (id, till_no, receipt_no, receipt_code, created_at, seller, currency,"
        " total, item_count, change_given, previous_hash, journal_hash, customer_id, refund_of)"
        " VALUES (?, 1, ?, ?, ?, 'Ann', 'EUR', ?, 1, 0, '', '', ?, ?)"
    )
    connection.execute("BEGIN")
    receipt, batch = 0, []
    for customer_id in ids:
        for _ in range(chance.randint(0, MAX_SALES)):
            receipt += 1
            at = NOW - timedelta(seconds=chance.randint(0, 730 * 86_400))
            total = chance.randint(100, 25_000)
            batch.append(
                (
                    f"b{receipt}",
                    receipt,
                    f"01-{receipt:07d}",
                    at.isoformat(),
                    total,
                    customer_id,
                    None,
                )
            )
            if chance.random() < 0.1:
                receipt += 1
                later = min(NOW, at + timedelta(days=chance.randint(0, 30)))
                batch.append(
                    (
                        f"b{receipt}",
                        receipt,
                        f"01-{receipt:07d}",
                        later.isoformat(),
                        -chance.randint(1, total),
                        customer_id,
                        f"b{receipt - 1}",
                    )
                )
        if len(batch) >= 50_000:
            connection.executemany(insert, batch)
            batch = []
    connection.executemany(insert, batch)
    connection.execute("COMMIT")
    started = time.perf_counter()
    connection.execute("BEGIN")
    connection.execute("DELETE FROM customer_month")
    connection.execute("DELETE FROM customer_stats")
    for statement in FILL:
        connection.execute(statement)
    connection.execute("COMMIT")
    stats_seconds = time.perf_counter() - started
    connection.execute("PRAGMA journal_mode = WAL")
    connection.close()
    return receipt, stats_seconds


def _version() -> str:
    digest = hashlib.sha256(str(BUILD_VERSION).encode())
    for name in SOURCES:
        digest.update((REPO / name).read_bytes())
    return digest.hexdigest()[:16]


FULL_SCAN = "SELECT COUNT(*) FROM customer NOT INDEXED WHERE city = 'Lyon'"


def _one(connection: sqlite3.Connection, sql: str, params: tuple) -> int:
    return connection.execute(sql, params).fetchone()[0]


def _median_of(rounds: int, call: Callable[[], int]) -> tuple[float, int]:
    answer = call()  # untimed: warms the caches
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times), answer


def measure(count: int = COUNT, rounds: int = ROUNDS) -> list[Figure]:
    built = database_with_sales(count)
    raw = connect(built.path)
    open_database(built.path)
    try:
        full_scan, everyone = _median_of(rounds, lambda: _one(raw, FULL_SCAN, ()))
        figures = []
        for question in QUESTIONS:
            segment_filter = parse_filter(question.text)
            project, answer = _median_of(rounds, partial(segments.count, segment_filter, NOW))
            floor, by_hand = _median_of(
                rounds, partial(_one, raw, question.by_hand, question.params)
            )
            from_sales, summed = _median_of(
                1, partial(_one, raw, question.from_sales, question.params)
            )
            notes = [
                f"“{question.text}”: {answer:,} customers ({everyone:,} in Lyon);"
                f" median of {rounds} after a warming pass",
                f"answers other than the floor's: {int(answer != by_hand)}; from the sales"
                f" themselves: {int(answer != summed)}",
                f"the same question summing the sales on every count, for contrast: "
                f"{ms(from_sales)}",
                f"a full scan of the customer file (the Lyon customers counted without an"
                f" index): {ms(full_scan)}; load average {os.getloadavg()[0]:.1f} on"
                f" {os.cpu_count()} cores",
                f"the database: {built.describe()}",
            ]
            figures.append(
                Figure(
                    title=f"Segment count, {question.title}, {count:,} customers",
                    measured=f"segments.count median {ms(project)}",
                    floor=f"raw sqlite3, same question median {ms(floor)}",
                    ratio=project / max(floor, 1e-9),
                    target=f"under {TARGET_SECONDS:.0f} s",
                    met=project < TARGET_SECONDS and answer == by_hand == summed,
                    notes=tuple(notes),
                    about=(__doc__ or "").split("\n\n")[0],
                )
            )
        return figures
    finally:
        close_database()
        raw.close()


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else COUNT
    for figure in measure(count):
        print(figure.report(), flush=True)


if __name__ == "__main__":
    main()
