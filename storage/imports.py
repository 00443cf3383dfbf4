"""Reading an import file and writing it in chunks: bounded memory whatever the file's size,
and the write lock held one chunk at a time, so sales go on while a catalog imports.

The file is read a line at a time; each record is checked on its own (a field longer than
``MAX_FIELD_CHARS``, a line longer than ``MAX_LINE_CHARS`` or bytes that are not UTF-8 make
one refused row, named by line). Valid rows go to the writer in chunks of ``CHUNK_ROWS``,
each compared with what is stored and written in its own ``BEGIN IMMEDIATE`` transaction:
a chunk committed stays committed if the import stops, and running the same file again
writes only what changed. Rows repeating an earlier row's key are refused; the keys seen
are kept in a temporary table, not in memory.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, Protocol, TextIO, TypeVar

from peewee import SqliteDatabase

from storage.models import database
from till.core.words import N_
from till.errors import BarcodeError, ImportRowError, InvalidSale

CHUNK_ROWS = 1_000
"""Rows a transaction writes. At 1,000 a chunk holds the write lock for a few milliseconds
to a few tens (bench/import_memory.py notes it); a sale waits at most that long."""

MAX_FIELD_CHARS = 10_000
"""Far beyond any real column (a name is at most 120 characters); a longer one is refused."""

MAX_LINE_CHARS = 1_000_000
"""A line longer than this is skipped unread, so one line cannot fill the memory."""

SNIFF_BYTES = 64 * 1024
"""How much of a file is checked for UTF-8 before anything is imported."""

_NOT_DECODED = re.compile("[\udc80-\udcff]")
"""What ``surrogateescape`` makes of a byte that is not UTF-8."""

Record = dict[str | None, Any]
"""One CSV record by lower-case column name, as ``csv.DictReader`` gives it: extra fields
under ``None``, missing ones as ``None``."""

Row = TypeVar("Row")


@dataclass
class ImportReport:
    """What an import did: rows added, updated, already up to date, and refused."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    refused: int = 0
    lines: int = 0
    """Lines of the file read and dealt with (committed or refused) so far."""
    done: float | None = None
    """The share of the file read so far (0 to 1), when it is a file of known size."""

    def add(self, tally: ImportReport) -> None:
        self.added += tally.added
        self.updated += tally.updated
        self.unchanged += tally.unchanged
        self.refused += tally.refused


Transaction = Callable[[], AbstractContextManager[object]]
"""Opens the transaction one chunk is written in."""

RowError = tuple[int, str]
"""A refused row: its line in the file and the reason."""


class ChunkWriter(Protocol[Row]):
    """Writes one chunk of valid rows inside the transaction the caller holds and says what
    it added, updated and left alone; rows it refuses (a barcode the catalog lacks) it
    returns, uncounted."""

    def __call__(self, chunk: list[tuple[int, Row]]) -> tuple[ImportReport, list[RowError]]: ...


@dataclass(frozen=True)
class Target(Generic[Row]):
    """Where an import's checked rows go: the till's own database by default; the back
    office gives its writer, its transaction and a scratch SQLite database for the keys."""

    write: ChunkWriter[Row]
    transaction: Transaction | None = None
    seen_keys_in: SqliteDatabase | None = None


def open_csv(path: Path) -> TextIO:
    """``path`` opened as text for ``csv``: UTF-8, with or without its byte-order mark. A file
    whose start is not UTF-8 is refused whole; a stray byte further on becomes an escape that
    refuses its row (``csv_records``)."""
    with path.open("rb") as raw:
        head = raw.read(SNIFF_BYTES)
    encoding = "utf-8-sig" if head.startswith(codecs.BOM_UTF8) else "utf-8"
    try:
        head.decode(encoding)
    except UnicodeDecodeError as error:
        if error.start < len(head) - 3:  # not a character cut by the end of the sample
            raise ImportRowError(
                N_("{file}: not UTF-8 text. Save it as UTF-8 CSV."), file=path
            ) from None
    return path.open(encoding=encoding, errors="surrogateescape", newline="")


class _BadLine(Exception):
    """A line the CSV reader must not see, and why."""


class _Lines:
    """The lines of a text stream for ``csv.reader``, counted, each at most ``MAX_LINE_CHARS``
    long and fully decoded; any other line is skipped and raises ``_BadLine`` (the iteration
    goes on after it, and so does the reader)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.count = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = self.stream.readline(MAX_LINE_CHARS)
        if not line:
            raise StopIteration
        self.count += 1
        if len(line) == MAX_LINE_CHARS and not line.endswith(("\n", "\r")):
            while (rest := self.stream.readline(MAX_LINE_CHARS)) and not rest.endswith(
                ("\n", "\r")
            ):
                pass
            raise _BadLine(f"the line is longer than {MAX_LINE_CHARS:,} characters.")
        if _NOT_DECODED.search(line):
            raise _BadLine("not UTF-8 text: save the file as UTF-8 CSV.")
        return line


def csv_records(
    stream: TextIO, required: tuple[str, ...], usage: str
) -> Iterator[tuple[int, Record | str]]:
    """Each record of a CSV stream with the line it ends on, or the reason it cannot be read.
    The header (byte-order mark, case and spaces forgiven) must name every required column,
    or ImportRowError names what is missing."""
    rows = csv_fields(stream)
    first = next(rows, (1, []))[1]
    header = [name.strip().lower() for name in first] if isinstance(first, list) else []
    if header:
        header[0] = header[0].lstrip("\ufeff").strip()
    missing = [name for name in required if name not in header]
    if missing:
        raise ImportRowError(
            N_("line 1: the header must name {usage}; missing {missing}."),
            usage=usage,
            missing=", ".join(missing),
        )
    width = len(header)
    for line, fields in rows:
        if isinstance(fields, str):
            yield line, fields
            continue
        record: Record = dict(zip(header, fields, strict=False))
        if len(fields) > width:
            record[None] = fields[width:]
        elif len(fields) < width:
            record.update((name, None) for name in header[len(fields) :])
        yield line, record


def csv_fields(
    stream: TextIO, dialect: str | csv.Dialect | type[csv.Dialect] = "excel"
) -> Iterator[tuple[int, list[str] | str]]:
    """Each record of a CSV stream (the header too) as its fields, with the line it ends on,
    or the reason it cannot be read: a line or a field too long, bytes not decoded. Blank
    lines are skipped, as ``csv.DictReader`` skips them."""
    csv.field_size_limit(MAX_FIELD_CHARS)  # process-wide; imports are the till's only CSV
    lines = _Lines(stream)
    reader = csv.reader(lines, dialect)
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except _BadLine as error:
            yield lines.count, str(error)
            continue
        except csv.Error as error:
            yield lines.count, _csv_reason(error)
            continue
        if fields:
            yield lines.count, fields


def _csv_reason(error: csv.Error) -> str:
    if "field limit" in str(error):
        return f"a field is longer than {MAX_FIELD_CHARS:,} characters."
    return f"not readable as CSV ({error})."


def checked_rows(
    records: Iterable[tuple[int, Record | str]], parse: Callable[[Record], Row]
) -> Iterator[tuple[int, Row | str]]:
    """Each record turned into a row by ``parse``, or into the reason it was refused."""
    for line, record in records:
        if isinstance(record, str):
            yield line, record
            continue
        try:
            yield line, parse(record)
        except (ImportRowError, BarcodeError, InvalidSale) as error:
            yield line, str(error)


class _SeenKeys:
    """The key of each row taken so far and its line, in a temporary table of this
    connection (on disk when large, never the write lock): a million barcodes would take
    some 150 MB as a Python dict."""

    def __init__(self, db: SqliteDatabase) -> None:
        self.db = db
        db.execute_sql(
            "CREATE TEMP TABLE IF NOT EXISTS import_seen (key TEXT PRIMARY KEY, line INTEGER)"
            " WITHOUT ROWID"
        )
        db.execute_sql("DELETE FROM temp.import_seen")

    def earlier(self, keys: list[str]) -> dict[str, int]:
        """The line of each of ``keys`` already taken."""
        if not keys:
            return {}
        marks = ",".join("?" * len(keys))
        sql = f"SELECT key, line FROM temp.import_seen WHERE key IN ({marks})"
        return dict(self.db.execute_sql(sql, keys).fetchall())

    def take(self, taken: list[tuple[str, int]]) -> None:
        # One transaction for the chunk (each insert would be its own), and a deferred one:
        # it writes the temporary table only, so it never takes the database's write lock.
        with self.db.atomic(lock_type="DEFERRED"):
            self.db.cursor().executemany("INSERT INTO temp.import_seen VALUES (?, ?)", taken)

    def close(self) -> None:
        self.db.execute_sql("DROP TABLE IF EXISTS temp.import_seen")


def import_chunked(
    rows: Iterable[tuple[int, Row | str]],
    *,
    key: Callable[[Row], str],
    duplicate: Callable[[Row, int], str],
    write: ChunkWriter[Row],
    on_error: Callable[[int, str], None],
    on_progress: Callable[[ImportReport], None] = lambda report: None,
    position: Callable[[], float | None] = lambda: None,
    chunk_rows: int = CHUNK_ROWS,
    transaction: Transaction | None = None,
    seen_keys_in: SqliteDatabase | None = None,
) -> ImportReport:
    """Write ``rows`` (checked rows, or reasons) in chunks of ``chunk_rows``, each in its own
    transaction. Refused rows go to ``on_error`` a chunk at a time, in line order; a row
    whose ``key`` an earlier row had is refused with ``duplicate(row, earlier_line)``.
    ``on_progress`` hears the report after each chunk is committed: if the import stops
    (an error, Ctrl+C), the report says what is committed.

    By default the chunks are written to the till's database, which also holds the keys
    seen; another writer (the back-office server) passes its own ``transaction`` and a
    SQLite database of its own for the keys."""
    report = ImportReport()
    seen = _SeenKeys(seen_keys_in or database)
    try:
        for chunk in chunks(rows, chunk_rows):
            tally, errors = _import_chunk(chunk, seen, key, duplicate, write, transaction)
            report.add(tally)
            report.lines = chunk[-1][0]
            report.done = position()
            for line, message in sorted(errors):
                on_error(line, message)
            on_progress(report)
    finally:
        seen.close()
    return report


def _import_chunk(
    chunk: list[tuple[int, Row | str]],
    seen: _SeenKeys,
    key: Callable[[Row], str],
    duplicate: Callable[[Row, int], str],
    write: ChunkWriter[Row],
    transaction: Transaction | None,
) -> tuple[ImportReport, list[RowError]]:
    errors: list[RowError] = []
    valid: list[tuple[int, str, Row]] = []
    for line, row in chunk:
        if isinstance(row, str):
            errors.append((line, row))
        else:
            valid.append((line, key(row), row))
    taken = seen.earlier(list({name for _, name, _ in valid}))
    fresh: list[tuple[int, Row]] = []
    keys: list[tuple[str, int]] = []
    for line, name, row in valid:
        earlier = taken.get(name)
        if earlier is not None:
            errors.append((line, duplicate(row, earlier)))
            continue
        taken[name] = line
        fresh.append((line, row))
        keys.append((name, line))
    seen.take(keys)
    tally, refused = write_chunk(fresh, write, transaction)
    errors.extend(refused)
    tally.refused += len(errors)
    return tally, errors


def write_chunk(
    chunk: list[tuple[int, Row]], write: ChunkWriter[Row], transaction: Transaction | None = None
) -> tuple[ImportReport, list[RowError]]:
    """``write(chunk)`` in one transaction (none for an empty chunk): by default the till's,
    ``BEGIN IMMEDIATE``."""
    if not chunk:
        return ImportReport(), []
    with (transaction or database.atomic)():
        return write(chunk)


def chunks(
    rows: Iterable[tuple[int, Row | str]], size: int
) -> Iterator[list[tuple[int, Row | str]]]:
    """``rows`` in lists of ``size`` (the last one shorter)."""
    chunk: list[tuple[int, Row | str]] = []
    for item in rows:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
