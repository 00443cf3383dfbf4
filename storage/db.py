"""Opening the database: pragmas for durability, the schema version, forward migrations."""

from __future__ import annotations

import logging
import os
from datetime import UTC, datetime
from pathlib import Path

from peewee import OperationalError

from storage import events, index_build, journal_seal, migrations
from storage.models import SchemaVersion, database
from till.core.words import N_
from till.errors import ReadOnlyDatabase, StorageError

log = logging.getLogger(__name__)

PRAGMAS = {
    "journal_mode": "wal",
    # FULL: a sale whose receipt has printed survives a power cut (NORMAL may roll it back).
    "synchronous": 2,
    "foreign_keys": 1,
    "busy_timeout": 5000,
    # 1 MB a connection (the UI's and the writer's): the upper levels of the indexes stay
    # cached; other pages come from the OS page cache in microseconds (bench/customer_search.py
    # and bench/customer_typing.py measure no slower at 1 MB than at 8 MB), and every MB of
    # page cache counts in the memory of the running till.
    "cache_size": -1_000,
}


def open_database(
    path: str | os.PathLike[str],
    *,
    create: bool = True,
    busy_timeout: int = 5,
    key_dir: str | os.PathLike[str] | None = None,
) -> None:
    """Bind the models to the SQLite file at ``path`` and bring its schema up to date.
    ``busy_timeout``: seconds a statement waits for another program's write lock.
    ``key_dir``: the folder of the key that seals the journal (storage/journal_seal.py);
    by default ``keys`` beside the database, as the configuration's default."""
    db_path = Path(path)
    journal_seal.bind_keys(Path(key_dir) if key_dir else db_path.parent / "keys")
    if not create and not db_path.exists():
        raise StorageError(
            N_("{file}: no database here. Create one with 'till init'."), file=db_path
        )
    refuse_hard_links(db_path)
    try:
        db_path.parent.mkdir(parents=True, exist_ok=True)
        if not database.is_closed():
            database.close()
        pragmas = {**PRAGMAS, "busy_timeout": int(busy_timeout * 1000)}
        database.init(str(db_path), pragmas=pragmas, timeout=busy_timeout)
        database.connect(reuse_if_open=True)
        mode = database.execute_sql("PRAGMA journal_mode").fetchone()[0]
        if mode != "wal":
            raise StorageError(
                N_(
                    "{file}: SQLite would not use WAL here (journal mode {mode}); keep the "
                    "database on a local disk."
                ),
                file=db_path,
                mode=mode,
            )
        index_build.restore_missing(migrate())  # a first sync killed before it built them
    except (OperationalError, OSError) as error:
        if not os.access(db_path.parent, os.W_OK):  # EROFS even for root
            raise ReadOnlyDatabase(
                N_(
                    "{file}: the disk it is on cannot be written to (read-only): nothing could "
                    "be saved. Call the technician."
                ),
                file=db_path,
            ) from None
        raise StorageError(
            N_("{file}: cannot open the database ({reason})."), file=db_path, reason=str(error)
        ) from None


def refuse_hard_links(db_path: Path) -> None:
    """SQLite names its journal after the path it was given: a database reached through two
    hard links gets two journals, and writes through both corrupt it. A symlink is safe."""
    try:
        links = db_path.stat().st_nlink
    except OSError:
        return  # not there yet: it will be created with one name
    if links > 1:
        raise StorageError(
            N_(
                "{file}: the database file has {links} names (hard links); SQLite would keep a "
                "journal for each and corrupt it. Remove the extra names; use a symlink instead."
            ),
            file=db_path,
            links=links,
        )


def close_database() -> None:
    journal_seal.flush_anchor()  # the heads this process committed are on disk before it goes
    if not database.is_closed():
        database.close()


def schema_version() -> int:
    if not database.table_exists("schema_version"):
        return 0
    return (
        SchemaVersion.select(SchemaVersion.version).order_by(-SchemaVersion.version).scalar() or 0
    )


def migrate() -> int:
    """Apply every migration newer than the database, each in its own transaction."""
    with database.atomic():
        database.create_tables([SchemaVersion], safe=True)
    current = first = schema_version()
    for number, name in migrations.numbered():
        if number <= current:
            continue
        module = migrations.load(name)
        with database.atomic():
            module.up(database)
            SchemaVersion.create(version=number, applied_at=datetime.now(UTC).isoformat())
        log.info("database migrated to version %d", number)
        current = number
    if current != first and database.table_exists("journal_event"):
        events.record_event(events.SCHEMA_CHANGE, "till", {"from": first, "to": current})
    return current


def integrity_ok() -> bool:
    return database.execute_sql("PRAGMA integrity_check").fetchone()[0] == "ok"
