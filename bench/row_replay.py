"""A floor made of the very rows a piece of the project wrote: where each table's rows stood
before and after each of its transactions (the largest rowid), the rows each transaction
added, read back, and the same rows written again with plain ``sqlite3`` into a fresh
database of the same schema and pragmas, one transaction for each of the original ones.

Only rows added are seen: a row a later transaction changed is written once, as it ended.
Full-text tables keep no text a reader can get back (the project's are contentless), so the
caller gives their rows; their shadow tables are SQLite's own work and fill as they do.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from storage.db import PRAGMAS

Marks = dict[str, int]
"""The largest rowid of each table (0 for an empty one)."""

Rows = list[tuple[object, ...]]


def connect(path: Path) -> sqlite3.Connection:
    """A plain connection with the pragmas ``storage.db`` sets, in autocommit mode."""
    connection = sqlite3.connect(path, timeout=5, isolation_level=None)
    for name, value in PRAGMAS.items():
        connection.execute(f"PRAGMA {name} = {value}")
    return connection


def rowid_tables(connection: sqlite3.Connection) -> list[str]:
    """The ordinary tables with a rowid: not SQLite's own, not virtual, not the shadow tables
    of a virtual one, not WITHOUT ROWID."""
    listed = connection.execute(
        "SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ).fetchall()
    virtual = [name for name, sql in listed if sql.upper().startswith("CREATE VIRTUAL")]
    return [
        name
        for name, sql in listed
        if name not in virtual
        and not any(name.startswith(f"{v}_") for v in virtual)
        and "WITHOUT ROWID" not in sql.upper()
    ]


def all_tables(connection: sqlite3.Connection) -> list[str]:
    """Every table a count can be asked of: the ordinary ones and the virtual ones."""
    listed = connection.execute(
        "SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ).fetchall()
    virtual = [name for name, sql in listed if sql.upper().startswith("CREATE VIRTUAL")]
    return [name for name, _ in listed if not any(name.startswith(f"{v}_") for v in virtual)]


def marks(execute: Callable[[str], sqlite3.Cursor], tables: list[str]) -> Marks:
    """Where each table stands now, through ``execute`` (any connection's)."""
    return {
        table: execute(f'SELECT max(rowid) FROM "{table}"').fetchone()[0] or 0 for table in tables
    }


def counts(connection: sqlite3.Connection, tables: list[str]) -> dict[str, int]:
    return {t: connection.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


@dataclass
class Transaction:
    """The INSERT statements and values that write one transaction's rows again."""

    statements: list[tuple[str, Rows]] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(len(values) for _, values in self.statements)


def added_rows(
    source: sqlite3.Connection, before: Marks, after: Marks, first: tuple[str, ...] = ()
) -> Iterator[tuple[str, list[str], Rows]]:
    """Each table's rows added between ``before`` and ``after`` (table, columns, rows), the
    tables in ``first`` first. An INTEGER PRIMARY KEY is a column like the others, so the rows
    keep their rowids; a hidden rowid follows the order of the inserts."""
    order = [t for t in first if t in after] + [t for t in after if t not in first]
    for table in order:
        if after[table] <= before.get(table, 0):
            continue
        cursor = source.execute(
            f'SELECT * FROM "{table}" WHERE rowid > ? AND rowid <= ? ORDER BY rowid',
            (before.get(table, 0), after[table]),
        )
        columns = [column[0] for column in cursor.description]
        yield table, columns, cursor.fetchall()


def insert_statement(table: str, columns: list[str]) -> str:
    names = ", ".join(f'"{c}"' for c in columns)
    return f'INSERT INTO "{table}" ({names}) VALUES ({", ".join("?" * len(columns))})'


def replay(target: sqlite3.Connection, transaction: Transaction) -> float:
    """Write one transaction's rows; the seconds it took, commit included."""
    started = time.perf_counter()
    target.execute("BEGIN IMMEDIATE")
    for statement, values in transaction.statements:
        target.executemany(statement, values)
    target.execute("COMMIT")
    return time.perf_counter() - started


def missing(
    source_before: Mapping[str, int],
    source_after: Mapping[str, int],
    target_before: Mapping[str, int],
    target_after: Mapping[str, int],
) -> dict[str, tuple[int, int]]:
    """The tables whose row count grew differently in the source and the replay: (grown in
    the source, grown in the replay)."""
    return {
        table: (grown, target_after[table] - target_before[table])
        for table in source_after
        if (grown := source_after[table] - source_before[table])
        != target_after[table] - target_before[table]
    }
