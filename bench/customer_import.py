"""Importing a 100,000-row customer list (a French register's export: Nom, Prénom, Société,
Code postal, Portable, Téléphone, E-mail, Date de naissance) with ``import_customer_file``:
every row checked with the screen's rules, matched by its keys, written with its audit,
outbox, field clocks and search words a thousand rows per transaction, and each customer
created compared with the file by the duplicate finder. The people are those of
``bench.duplicates`` (common and rare last names, half of them in 40 local postcodes, most with
a mobile, some with an e-mail, a landline, a birth date or a company; 1% a second file for
an earlier person: those with the same e-mail or mobile are folded into it, the others are
reported as probable duplicates).

The floor the target is judged on, in the same run (``bench/row_replay.py``, as
``bench/commit.py`` replays a sale): every row the import added, in every table it writes
(customer, audit log, field clocks, outbox, the full-text index, the journal seals that close
each transaction, the code counter), read back from its database after it ran and written
again with plain ``sqlite3`` ``executemany`` into a fresh database made by the project's own
migrations, with ``storage.db.PRAGMAS``, in the same transactions (one for each chunk of a
thousand file rows). The floor does what the import does minus the checking, the matching and
the duplicate finder: it parses no file, builds no search words (they are computed from the
customers read back, outside its time), signs no seal and writes no matching keys (the
import's temporary table). A customer a later chunk filled in is written once, as it ended.
The run fails if the replay's tables did not grow as the import's did, or if a customer's
full-text entry holds a different number of words.

Beside it, not judged: the first floor, plain ``sqlite3`` reading the same file with
``csv.reader`` and inserting each row into the same ``customer`` table (same indexes) a
thousand rows per transaction, one row per file row and nothing else.

``python -m bench.customer_import [ROWS]`` runs it alone and records it in its section of
docs/performance.md.
"""

from __future__ import annotations

import csv
import os
import sqlite3
import sys
import tempfile
import time
from contextlib import closing
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from bench import row_replay
from bench.common import Figure
from bench.duplicates import people
from bench.report import write_section
from storage.customer_import import CustomerImportReport, ImportSettings, import_customer_file
from storage.customer_keys import search_text
from storage.customers import get_customers
from storage.db import close_database, open_database
from storage.models import database

ROWS = 100_000
TARGET_RATIO = 1 / 3
CHUNK = 1_000
COLUMNS = {
    "Nom": "last_name",
    "Prénom": "first_name",
    "Société": "company",
    "Code postal": "postcode",
    "Portable": "mobile",
    "Téléphone": "landline",
    "E-mail": "email",
    "Date de naissance": "birth_date",
}
"""The file's columns and the field each holds."""
SEARCH_INDEX = "customer_fts"
INSERT_SEARCH = f'INSERT INTO "{SEARCH_INDEX}" (rowid, body) VALUES (?, ?)'
"""The customers' contentless full-text index: its rowid the customer's ``num``, its body
``search_text`` of the customer (as ``storage.customers.insert_customers`` writes it)."""


def write_file(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as file:
        out = csv.writer(file, delimiter=";")
        out.writerow(COLUMNS)
        for _, row, _ in people(rows, seed=2026):
            out.writerow([row.get(name, "") for name in COLUMNS.values()])


def raw_insert(database: Path, path: Path) -> tuple[float, int]:
    """The floor: the file's rows into the customer table, as they are; seconds and rows."""
    connection = sqlite3.connect(database, isolation_level=None)
    columns = [
        (name, kind)
        for _, name, kind, notnull, default, primary in connection.execute(
            "PRAGMA table_info(customer)"
        )
        if name != "num"
    ]
    names = [name for name, _ in columns]
    sql = f"INSERT INTO customer ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
    blank: list[object] = ["" if kind.upper() == "TEXT" else 0 for _, kind in columns]
    blank[names.index("card_number")] = None
    blank[names.index("merged_into")] = None if "merged_into" in names else blank[0]
    place = {name: names.index(name) for name in ("id", "code")}
    fields = [names.index(name) for name in COLUMNS.values()]
    started = time.perf_counter()
    count = 0
    with path.open(encoding="utf-8-sig", newline="") as file:
        reader = csv.reader(file, delimiter=";")
        next(reader)
        batch: list[list[object]] = []
        for cells in reader:
            row = list(blank)
            row[place["id"]] = f"raw-{count}"
            row[place["code"]] = f"R-{count:07d}"
            for index, value in zip(fields, cells, strict=True):
                row[index] = value
            batch.append(row)
            count += 1
            if len(batch) == CHUNK:
                _insert(connection, sql, batch)
                batch = []
        _insert(connection, sql, batch)
    seconds = time.perf_counter() - started
    connection.close()
    return seconds, count


def _insert(connection: sqlite3.Connection, sql: str, batch: list[list[object]]) -> None:
    connection.execute("BEGIN IMMEDIATE")
    connection.executemany(sql, batch)
    connection.execute("COMMIT")


class Chunks:
    """Where the import's tables stood before it and after each of its transactions
    (``on_progress`` hears each chunk after its commit), and the time spent finding out,
    which the import's time leaves out."""

    def __init__(self, schema: sqlite3.Connection) -> None:
        self.tables = row_replay.rowid_tables(schema)
        self.counts = row_replay.counts(schema, row_replay.all_tables(schema))
        """Every table's rows before the import (the ordinary and the full-text ones)."""
        self.marks = [self._now()]
        self.seconds = 0.0

    def _now(self) -> row_replay.Marks:
        return row_replay.marks(database.execute_sql, self.tables)

    def heard(self, report: CustomerImportReport) -> None:
        started = time.perf_counter()
        self.marks.append(self._now())
        self.seconds += time.perf_counter() - started


@dataclass
class Replayed:
    """What the replay floor wrote, and how fast."""

    seconds: float
    cpu: float
    transactions: int
    rows: dict[str, int]


def replay_floor(import_db: Path, replay_db: Path, chunks: Chunks) -> Replayed:
    """Write again, transaction by transaction, the rows the import added (see the module's
    docstring); only the writing is timed. Call while the import's database is open."""
    source, target = row_replay.connect(import_db), row_replay.connect(replay_db)
    target_before = row_replay.counts(target, list(chunks.counts))
    seconds, cpu, transactions = 0.0, 0.0, 0
    written: dict[str, int] = {}
    for before, after in pairwise(chunks.marks):
        transaction = row_replay.Transaction()
        for table, columns, rows in row_replay.added_rows(source, before, after, ("customer",)):
            transaction.statements.append((row_replay.insert_statement(table, columns), rows))
            written[table] = written.get(table, 0) + len(rows)
            if table == "customer":
                words = search_rows(columns, rows)
                transaction.statements.append((INSERT_SEARCH, words))
                written[SEARCH_INDEX] = written.get(SEARCH_INDEX, 0) + len(words)
        if transaction.statements:
            started = time.process_time()
            seconds += row_replay.replay(target, transaction)
            cpu += time.process_time() - started
            transactions += 1
    check_replay(source, target, chunks.counts, target_before)
    source.close()
    target.close()
    return Replayed(seconds, cpu, transactions, written)


def search_rows(columns: list[str], rows: row_replay.Rows) -> row_replay.Rows:
    """The full-text rows of these customer rows: the project's search words for each."""
    num, key = columns.index("num"), columns.index("id")
    made = get_customers([str(row[key]) for row in rows])
    return [(row[num], search_text(made[str(row[key])])) for row in rows]


def check_replay(
    source: sqlite3.Connection,
    target: sqlite3.Connection,
    source_before: dict[str, int],
    target_before: dict[str, int],
) -> None:
    """RuntimeError unless every table grew in the replay as in the import, and each
    customer's full-text entry holds as many words."""
    every = list(source_before)
    unequal = row_replay.missing(
        source_before,
        row_replay.counts(source, every),
        target_before,
        row_replay.counts(target, every),
    )
    if unequal:
        raise RuntimeError(f"the replay did not write what the import did: {unequal}")
    sizes = f'SELECT id, sz FROM "{SEARCH_INDEX}_docsize" ORDER BY id'
    if source.execute(sizes).fetchall() != target.execute(sizes).fetchall():
        raise RuntimeError("the replay's full-text entries differ from the import's")


def run(rows: int = ROWS) -> list[Figure]:
    with tempfile.TemporaryDirectory(prefix="till-bench-customers-") as tmp:
        folder = Path(tmp)
        path = folder / "clients.csv"
        write_file(path, rows)
        load = os.getloadavg()[0]
        floor_db, import_db, replay_db = (
            folder / "raw.db",
            folder / "import.db",
            folder / "replay.db",
        )
        for db_path in (floor_db, import_db, replay_db):  # the same schema, migrations applied
            open_database(db_path)
            close_database()
        floor_s, floor_rows = raw_insert(floor_db, path)
        open_database(import_db)
        with closing(sqlite3.connect(import_db)) as schema:
            chunks = Chunks(schema)
        settings = ImportSettings(actor="bench", till_no=1, region="FR")
        started, cpu = time.perf_counter(), time.process_time()
        report = import_customer_file(path, settings, on_progress=chunks.heard)
        import_s = time.perf_counter() - started - chunks.seconds
        import_cpu = time.process_time() - cpu - chunks.seconds
        replayed = replay_floor(import_db, replay_db, chunks)
        started = time.perf_counter()
        again = import_customer_file(path, settings)
        again_s = time.perf_counter() - started
        dry_started = time.perf_counter()
        import_customer_file(path, ImportSettings("bench", 1, "FR", dry_run=True))
        dry_s = time.perf_counter() - dry_started
        close_database()
    counted = report.created + report.updated + report.merged + report.skipped + report.refused
    if floor_rows != rows or counted != rows:
        raise RuntimeError(f"rows unaccounted for: {counted} of {rows} ({floor_rows} raw)")
    if again.created or again.updated:
        raise RuntimeError(f"the re-import wrote: {again.created} created, {again.updated} updated")
    rate, floor_rate = rows / import_s, rows / floor_s
    replay_rate = rows / replayed.seconds
    ratio, one_row_ratio = rate / replay_rate, rate / floor_rate
    written = sum(replayed.rows.values())
    tables = ", ".join(f"{table} {count:,}" for table, count in replayed.rows.items())
    return [
        Figure(
            title=f"Import of {rows:,} customers (checked, matched, duplicates sought)",
            measured=f"{rate:,.0f} rows/s ({import_s:.1f} s)",
            floor=(
                f"raw sqlite3 replaying the import's own rows {replay_rate:,.0f} rows/s "
                f"({replayed.seconds:.1f} s); beside it, not judged: one customer row per "
                f"file row {floor_rate:,.0f} rows/s ({floor_s:.1f} s, ratio {one_row_ratio:.2f})"
            ),
            ratio=ratio,
            target=f"ratio ≥ {TARGET_RATIO:.2f} against the replay",
            met=ratio >= TARGET_RATIO,
            about=__doc__ or "",
            notes=(
                f"{report.created:,} created, {report.merged:,} folded into an earlier row, "
                f"{report.updated + report.skipped:,} matched an earlier row's customer by "
                f"identity, {report.refused:,} refused (mobiles the generator draws from "
                "ranges phonenumbers knows unallocated), "
                f"{report.duplicate_count:,} with probable duplicates reported",
                f"the target is judged on the replay floor: the {written:,} rows the import "
                f"added ({tables}) in its {replayed.transactions} transactions, written again "
                f"at {written / replayed.seconds:,.0f} database rows/s; rows/s counts file "
                f"rows for all three; against the one-row floor (one customer row per file "
                f"row, nothing else) the ratio is {one_row_ratio:.2f}, shown, not judged",
                f"re-importing the same file: {again_s:.1f} s ({rows / again_s:,.0f} rows/s), "
                f"nothing written; a dry run of it: {dry_s:.1f} s",
                f"the import used {import_cpu:.1f} s of CPU ({rows / import_cpu:,.0f} rows per "
                f"CPU second), the replay {replayed.cpu:.1f} s (ratio of CPU times "
                f"{replayed.cpu / import_cpu:.2f}, less skewed by a busy machine); load "
                f"average at the start {load:.1f}, at the end {os.getloadavg()[0]:.1f}",
            ),
        )
    ]


def record(rows: int = ROWS) -> None:
    """Run it, print the figure and put it in its section of docs/performance.md."""
    started = time.monotonic()
    figures = run(rows)
    for figure in figures:
        print(figure.report(), flush=True)
    command = f"`python -m bench.customer_import{'' if rows == ROWS else f' {rows}'}`"
    path = write_section(
        "Customer import (bench/customer_import.py)",
        command,
        figures,
        time.monotonic() - started,
    )
    print(f"Wrote {path}")


def main() -> None:
    record(int(sys.argv[1]) if len(sys.argv) > 1 else ROWS)


if __name__ == "__main__":
    main()
