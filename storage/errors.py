"""What SQLite's failures mean to the cashier: each ``OperationalError`` becomes a
``StorageError`` in plain words, here and nowhere else."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from peewee import OperationalError

from till.core.words import N_
from till.errors import (
    DatabaseBusy,
    DiskFailure,
    DiskFull,
    ReadOnlyDatabase,
    StorageError,
)

__all__ = [
    "DatabaseBusy",
    "DiskFailure",
    "DiskFull",
    "ReadOnlyDatabase",
    "storage_error",
    "storage_errors",
]


# SQLite's primary result codes (https://sqlite.org/rescode.html), and the words of each.
_BUSY, _LOCKED, _READONLY, _IOERR, _FULL = 5, 6, 8, 10, 13
_KNOWN = (_BUSY, _LOCKED, _READONLY, _IOERR, _FULL)
_BY_MESSAGE = (
    ("database is locked", _BUSY),
    ("database table is locked", _LOCKED),
    ("database or disk is full", _FULL),
    ("readonly database", _READONLY),
    ("disk i/o error", _IOERR),
)


def storage_error(error: OperationalError | sqlite3.OperationalError) -> StorageError:
    """The register's own exception for an SQLite failure, with what the cashier can do."""
    code = _telling_code(error)
    if code in (_BUSY, _LOCKED):
        return DatabaseBusy()
    if code == _FULL:
        return DiskFull(
            N_("The disk is full: nothing was saved. Call the technician to free some space.")
        )
    if code == _READONLY:
        return ReadOnlyDatabase(
            N_(
                "The database cannot be written to (read-only file or disk): nothing was saved. "
                "Call the technician."
            )
        )
    if code == _IOERR:
        return DiskFailure(
            N_(
                "The disk failed while saving (input/output error): nothing was saved. "
                "Call the technician."
            )
        )
    return StorageError(
        N_("The database refused the change ({reason}): nothing was saved."), reason=str(error)
    )


@contextmanager
def storage_errors() -> Iterator[None]:
    """Turn SQLite's operational failures inside the block into ``StorageError``s."""
    try:
        yield
    except (OperationalError, sqlite3.OperationalError) as error:
        raise storage_error(error) from error


def _telling_code(error: BaseException) -> int | None:
    """The code of ``error``, or of the failure it happened while handling: a full disk makes
    SQLite roll back by itself, so Peewee's own rollback then fails with "cannot rollback - no
    transaction is active", which says nothing; the full disk is in its context."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        code = _primary_code(current)
        if code in _KNOWN:
            return code
        current = current.__cause__ or current.__context__
    return _primary_code(error)


def _primary_code(error: BaseException) -> int | None:
    # peewee wraps the sqlite3 exception as its first argument.
    original = error.args[0] if error.args else None
    for candidate in (error, original):
        code = getattr(candidate, "sqlite_errorcode", None)
        if isinstance(code, int):
            return code & 0xFF
    text = str(error).lower()
    return next((code for words, code in _BY_MESSAGE if words in text), None)
