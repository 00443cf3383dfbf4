"""Copies of the database for a technician: a backup taken while the register sells, and a
restore that installs a copy only once it is known to be a sound till database.

A backup goes through SQLite's online backup API on its own connection: it reads one snapshot
(WAL readers never block the register's writes), so the copy holds every sale committed before
it began and no half of any later one. A restore checks a copy of the file in the database's
own folder, then swaps it in with ``os.replace``: the database path never names a half-written
file.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from storage import journal_seal, migrations
from storage.db import close_database, open_database
from till.core.words import N_, Listing
from till.errors import StorageError, TillError

SQLITE_HEADER = b"SQLite format 3\x00"
TILL_TABLES = ("schema_version", "sale", "sale_line")
"""Tables every till database has had since its first schema: without them a file is not one."""
BUSY_TIMEOUT_S = 30.0
SHOWN_RECEIPTS = 5
"""Broken receipts named in a refusal; the rest are counted."""


class NotSound(TillError):
    """A file is not a sound database of this till: a restore refuses it, and a backup whose
    copy fails its checks is not written."""


@dataclass(frozen=True)
class Contents:
    """What a database holds, in the words of a one-line summary."""

    size: int
    sales: int
    last_receipt: str | None
    schema: int


@dataclass(frozen=True)
class Restored:
    contents: Contents
    kept_aside: Path | None
    """Where the database that was replaced now is (None: there was none)."""


def latest_schema() -> int:
    return max((number for number, _ in migrations.numbered()), default=0)


def backup(database: Path, target: Path, *, force: bool = False) -> Contents:
    """Copy ``database`` to ``target`` while others may write to it; refuse to overwrite a file
    unless ``force``. The copy is checked (``integrity_check``) before it takes its name."""
    if not database.exists():
        raise StorageError(
            N_("{file}: no database here. Create one with 'till init'."), file=database
        )
    if target.exists() and target.resolve() == database.resolve():
        raise TillError(N_("{file}: that is the database itself; name another file."), file=target)
    if target.exists() and not force:
        raise TillError(
            N_("{file}: the file exists; name another, or add --force to replace it."),
            file=target,
        )
    if target.is_dir():
        raise TillError(N_("{file}: a folder; name the file to write."), file=target)
    if not target.parent.is_dir():
        raise TillError(N_("{folder}: no such folder."), folder=target.parent)
    with _temporary_beside(target) as temporary:
        _copy(database, temporary)
        contents = _checked(temporary, name=database, refusals=_BACKUP_REFUSED)
        os.replace(temporary, target)
    _fsync_folder(target.parent)  # the name too survives a power cut once "done" is said
    return contents


def _copy(source: Path, target: Path) -> None:
    """Copy the database ``source`` through SQLite, one snapshot: what its write-ahead log
    holds comes too, and writers go on meanwhile."""
    reading = sqlite3.connect(
        f"{source.absolute().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S
    )
    try:
        writing = sqlite3.connect(target)
        try:
            reading.backup(writing)
        finally:
            writing.close()
    finally:
        reading.close()


def describe(path: Path) -> Contents | None:
    """The summary of a till database (the current one, before it is replaced), or None if it
    cannot be read: a damaged database is what a restore is for."""
    try:
        with _connect(path) as connection:
            return _contents(connection, path)
    except sqlite3.DatabaseError:
        return None


def restore(
    database: Path, source: Path, *, force: bool = False, key_dir: Path | None = None
) -> Restored:
    """Install a copy of ``source`` as ``database``, keeping the current one aside.

    Refused, leaving everything as it was: a file that is not SQLite, is truncated or corrupt,
    is not a till database or is one of a newer till; a broken sales journal unless ``force``.
    The caller holds the register's lock (till/instance.py) so no register writes meanwhile.
    ``key_dir``: the journal's keys (``keys`` beside the database by default). The journal
    anchor of the database replaced is kept aside beside it, and the restore is journaled in
    the database restored with the heads that anchor held (docs/journal.md)."""
    check_file(source)
    key_dir = key_dir or database.parent / "keys"
    with _temporary_beside(database) as temporary, _anchor_aside(key_dir) as anchor:
        _copy(source, temporary)
        contents = _checked(temporary, name=source, refusals=_RESTORE_REFUSED)
        broken = _broken_receipts(temporary, key_dir)
        if broken and not force:
            raise NotSound(
                N_(
                    "{file}: the sales journal is broken at {receipts}; nothing restored "
                    "(add --force to restore it anyway)."
                ),
                file=source,
                receipts=Listing(broken, SHOWN_RECEIPTS),
            )
        aside = None
        if database.exists():
            shutil.copymode(database, temporary)  # the register's user and group still can
            aside = _set_aside(database)
        os.replace(temporary, database)
        anchor.keep()
    _fsync_folder(database.parent)
    _journal_restore(database, source, key_dir, anchor)
    return Restored(contents, aside)


class _AnchorAside:
    """The journal anchor, moved aside while a restore is tried: put back if it fails, kept
    aside (its heads journaled) if the restore is made."""

    def __init__(self, key_dir: Path) -> None:
        self.path = key_dir / journal_seal.ANCHOR
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        self.aside = key_dir / f"journal-anchor.before-restore-{stamp}.json"
        self.kept = False
        self.heads: dict[str, Any] = {}

    def keep(self) -> None:
        self.kept = True


@contextmanager
def _anchor_aside(key_dir: Path) -> Iterator[_AnchorAside]:
    anchor = _AnchorAside(key_dir)
    try:
        anchor.heads = journal_seal.read_anchor(key_dir) or {}
    except StorageError:
        anchor.heads = {"unreadable": True}
    moved = anchor.path.exists()
    if moved:
        os.replace(anchor.path, anchor.aside)
    try:
        yield anchor
    finally:
        if not anchor.kept:
            if moved:
                os.replace(anchor.aside, anchor.path)
            else:
                anchor.path.unlink(missing_ok=True)


def _journal_restore(database: Path, source: Path, key_dir: Path, anchor: _AnchorAside) -> None:
    from storage import events

    open_database(database, create=False, busy_timeout=int(BUSY_TIMEOUT_S), key_dir=key_dir)
    try:
        events.record_event(
            events.RESTORE,
            "till restore",
            {
                "source": source.name,
                "anchor_kept_as": anchor.aside.name if anchor.aside.exists() else "",
                "heads_before": {
                    chain: head.get("seq") if isinstance(head, dict) else head
                    for chain, head in anchor.heads.items()
                },
            },
        )
    finally:
        close_database()


def check_file(path: Path) -> None:
    """Refuse, in one sentence, a file that is not a whole SQLite database."""
    try:
        with path.open("rb") as file:
            header = file.read(100)
        size = path.stat().st_size
    except OSError as error:
        raise NotSound(
            N_("{file}: cannot read the file ({reason})."), file=path, reason=error.strerror
        ) from None
    if len(header) < 100 or not header.startswith(SQLITE_HEADER):
        raise NotSound(N_("{file}: not an SQLite database; nothing restored."), file=path)
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    size_is_valid = header[24:28] == header[92:96] and pages > 0
    if page_size < 512 or (size_is_valid and size < pages * page_size):
        raise NotSound(
            N_(
                "{file}: truncated: the file holds {size:,} bytes of the {announced:,} its "
                "header announces; nothing restored."
            ),
            file=path,
            size=size,
            announced=pages * page_size,
        )


_BACKUP_REFUSED = {
    "damaged": N_("{file}: the database is damaged ({reason}); no backup written."),
    "not_till": N_("{file}: not a till database (no {tables} table); no backup written."),
    "newer": N_(
        "{file}: written by a newer till (schema version {schema}, this till knows up to "
        "{latest}); update this till first. No backup written."
    ),
}
_RESTORE_REFUSED = {
    "damaged": N_("{file}: the database is damaged ({reason}); nothing restored."),
    "not_till": N_("{file}: not a till database (no {tables} table); nothing restored."),
    "newer": N_(
        "{file}: written by a newer till (schema version {schema}, this till knows up to "
        "{latest}); update this till first. Nothing restored."
    ),
}
"""What a backup and a restore say of a copy that fails a check, by check."""


def _checked(path: Path, *, refusals: dict[str, str], name: Path | None = None) -> Contents:
    """SQLite's own checks, then the till's: its tables, a schema no newer than this till's."""
    shown = name or path
    try:
        with _connect(path) as connection:
            for check in ("quick_check", "integrity_check"):
                result = [row[0] for row in connection.execute(f"PRAGMA {check}(20)")]
                if result != ["ok"]:
                    raise NotSound(refusals["damaged"], file=shown, reason=f"{check}: {result[0]}")
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
            missing = [table for table in TILL_TABLES if table not in tables]
            if missing:
                raise NotSound(refusals["not_till"], file=shown, tables=", ".join(missing))
            contents = _contents(connection, path)
    except sqlite3.DatabaseError as error:
        raise NotSound(refusals["damaged"], file=shown, reason=str(error)) from None
    if contents.schema > latest_schema():
        raise NotSound(
            refusals["newer"], file=shown, schema=contents.schema, latest=latest_schema()
        )
    return contents


def _contents(connection: sqlite3.Connection, path: Path) -> Contents:
    schema = connection.execute("SELECT max(version) FROM schema_version").fetchone()[0] or 0
    sales = connection.execute("SELECT count(*) FROM sale").fetchone()[0]
    last = connection.execute(
        "SELECT receipt_code FROM sale ORDER BY created_at DESC, receipt_code DESC LIMIT 1"
    ).fetchone()
    return Contents(path.stat().st_size, sales, last[0] if last else None, int(schema))


def _broken_receipts(path: Path, key_dir: Path) -> list[str]:
    """Receipts whose journal hash does not follow, every till of the file; the copy is brought
    to this till's schema first, as opening it after the restore would."""
    from storage import sales
    from storage.models import Sale

    open_database(path, create=False, busy_timeout=int(BUSY_TIMEOUT_S), key_dir=key_dir)
    try:
        tills = [sale.till_no for sale in Sale.select(Sale.till_no).distinct()]
        return [code for till_no in sorted(tills) for code in sales.verify_journal(till_no)]
    finally:
        close_database()


def _set_aside(database: Path) -> Path:
    """Rename the current database to ``NAME.before-restore-TIMESTAMP`` after folding its
    write-ahead log into it, so the file set aside is whole on its own. A damaged database
    is set aside as it is, with its log beside it."""
    try:
        with _connect(database) as connection:
            busy = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
    except sqlite3.OperationalError:
        raise
    except sqlite3.DatabaseError:
        busy = 0
    if busy:
        raise TillError(
            N_(
                "{file}: another program is writing to the database (sync, an import?); "
                "stop it and try again. Nothing restored."
            ),
            file=database,
        )
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    aside = database.with_name(f"{database.name}.before-restore-{stamp}")
    os.rename(database, aside)
    wal = Path(f"{database}-wal")
    if wal.exists() and wal.stat().st_size > 0:
        os.rename(wal, f"{aside}-wal")
    for suffix in ("-wal", "-shm"):  # SQLite makes new ones for the restored database
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    return aside


@contextmanager
def _connect(path: Path) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S)
    try:
        yield connection
    finally:
        connection.close()


@contextmanager
def _temporary_beside(path: Path) -> Iterator[Path]:
    """A new file in ``path``'s folder (so ``os.replace`` onto ``path`` is atomic), removed with
    its journal files unless it was moved into place."""
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
    finally:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{temporary}{suffix}").unlink(missing_ok=True)


def _fsync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
