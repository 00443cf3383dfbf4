"""Importing a 100,000-row customer list (a French register's export: Nom, Prénom, Société,
Code postal, Portable, Téléphone, E-mail, Date de naissance) with ``import_customer_file``:
every row checked with the screen's rules, matched by its keys, written with its audit,
outbox, field clocks and search words a thousand rows per transaction, and each customer
created compared with the file by the duplicate finder. The people are those of
``bench.duplicates`` (common and rare last names, half of them in 40 local postcodes, most with
a mobile, some with an e-mail, a landline, a birth date or a company; 1% a second file for
an earlier person: those with the same e-mail or mobile are folded into it, the others are
reported as probable duplicates). The floor, in the same run: plain ``sqlite3`` reading the
same file with ``csv.reader`` and inserting each row into the same ``customer`` table (same
indexes) a thousand rows per transaction, with no checking, no matching, no audit, outbox or
search words, and no duplicate finder.

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
from pathlib import Path

from bench.common import Figure
from bench.duplicates import people
from bench.report import write_section
from storage.customer_import import ImportSettings, import_customer_file
from storage.db import close_database, open_database

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
    blank = ["" if kind.upper() == "TEXT" else 0 for _, kind in columns]
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


def run(rows: int = ROWS) -> list[Figure]:
    with tempfile.TemporaryDirectory(prefix="till-bench-customers-") as tmp:
        folder = Path(tmp)
        path = folder / "clients.csv"
        write_file(path, rows)
        floor_db, import_db = folder / "raw.db", folder / "import.db"
        for database in (floor_db, import_db):  # the same schema, migrations applied
            open_database(database)
            close_database()
        floor_s, floor_rows = raw_insert(floor_db, path)
        open_database(import_db)
        settings = ImportSettings(actor="bench", till_no=1, region="FR")
        started, cpu = time.perf_counter(), time.process_time()
        report = import_customer_file(path, settings)
        import_s = time.perf_counter() - started
        import_cpu = time.process_time() - cpu
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
    ratio = rate / floor_rate
    return [
        Figure(
            title=f"Import of {rows:,} customers (checked, matched, duplicates sought)",
            measured=f"{rate:,.0f} rows/s ({import_s:.1f} s)",
            floor=f"raw sqlite3 inserts {floor_rate:,.0f} rows/s ({floor_s:.1f} s)",
            ratio=ratio,
            target=f"ratio ≥ {TARGET_RATIO:.2f}",
            met=ratio >= TARGET_RATIO,
            about=__doc__ or "",
            notes=(
                f"{report.created:,} created, {report.merged:,} folded into an earlier row, "
                f"{report.updated + report.skipped:,} matched an earlier row's customer by "
                f"identity, {report.refused:,} refused (mobiles the generator draws from "
                "ranges phonenumbers knows unallocated), "
                f"{report.duplicate_count:,} with probable duplicates reported",
                f"re-importing the same file: {again_s:.1f} s ({rows / again_s:,.0f} rows/s), "
                f"nothing written; a dry run of it: {dry_s:.1f} s",
                f"the import used {import_cpu:.1f} s of CPU ({rows / import_cpu:,.0f} rows per "
                f"CPU second); load average at the end {os.getloadavg()[0]:.1f}",
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
