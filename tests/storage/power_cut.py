"""A power cut for SQLite: an apsw VFS that remembers what each file held at its last sync, and
the project's storage layer run through it.

A SIGKILL keeps the operating system's page cache, so it cannot tell a durable commit from a
lucky one. ``PowerCutVFS`` passes every call to the real files (SQLite works as usual) and
keeps, per file, the image as of its last ``xSync``: at the cut, ``survivors`` writes out those
images and nothing written since. Directory entries follow the rule of a journaling file
system: a file created since is there only once it has been synced (SQLite syncs the folder on
a new journal's first sync), and a file deleted without ``syncdir`` comes back as it was until
the folder is synced. A write is kept or lost whole: torn sectors are not simulated.

``run_storage_through`` points ``storage.models.database`` (the peewee database every storage
module imports) at apsw connections on that VFS, so the workload is the register's own code.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import apsw
import pytest
from playhouse.apsw_ext import APSWDatabase

from storage.models import database

VFS_NAME = "power-cut"


@dataclass
class _FileState:
    """One name's story since the simulation began."""

    durable: bytearray | None
    """What the file held at its last sync (None: never synced since it was created)."""
    entry_durable: bool
    """The folder's entry for this incarnation of the file survives a cut."""
    before: bytes | None
    """What a cut leaves under this name while the entry is not durable (None: nothing)."""
    pending: list[tuple[int, bytes | None]] = field(default_factory=list)
    """Writes (offset, data) and truncations (size, None) since the last sync."""
    exists: bool = True

    def after_cut(self, flushed: Callable[[], bool] = lambda: False) -> bytes | None:
        """What the disk holds after a cut; ``flushed`` says, change by change, whether the
        system happened to write an unsynced one out before the cut (default: none was)."""
        if not self.exists or not self.entry_durable:
            return self.before
        image = bytearray(self.durable or b"")
        _apply(image, [change for change in self.pending if flushed()])
        return bytes(image)

    def sync(self) -> None:
        image = self.durable if self.durable is not None else bytearray()
        _apply(image, self.pending)
        self.durable, self.pending, self.entry_durable = image, [], True


def _apply(image: bytearray, changes: list[tuple[int, bytes | None]]) -> None:
    for offset, data in changes:
        if data is None:
            del image[offset:]
        else:
            if len(image) < offset:
                image.extend(bytes(offset - len(image)))
            image[offset : offset + len(data)] = data


class PowerCutVFS(apsw.VFS):
    """The default VFS, with a memory of what each file held at its last sync."""

    def __init__(self) -> None:
        super().__init__(VFS_NAME, base="")
        self.files: dict[str, _FileState] = {}
        self.cut_after: int | None = None
        """Cut on this many more writes, truncations, syncs or deletions (None: not armed)."""
        self.on_cut: Callable[[], None] = lambda: None
        self.cut = False
        self.unsynced_at_cut = 0
        """Writes and truncations not yet synced when the power went (all files)."""

    def arm(self, calls: int, on_cut: Callable[[], None]) -> None:
        self.cut_after, self.on_cut = calls, on_cut

    def tick(self) -> None:
        """Called before each change reaches the disk: the cut may come now."""
        if self.cut or self.cut_after is None:
            return
        self.cut_after -= 1
        if self.cut_after <= 0:
            self.cut = True
            self.unsynced_at_cut = sum(len(state.pending) for state in self.files.values())
            self.on_cut()

    def survivors(self, folder: Path, flushed: Callable[[], bool] = lambda: False) -> list[str]:
        """Write into ``folder`` what a power cut now leaves of each file; their names.
        ``flushed``: as in ``_FileState.after_cut``."""
        kept = []
        for name, state in self.files.items():
            content = state.after_cut(flushed)
            if content is not None:
                (folder / Path(name).name).write_bytes(content)
                kept.append(Path(name).name)
        return kept

    def state(self, name: str) -> _FileState:
        found = self.files.get(name)
        if found is None or not found.exists:
            path = Path(name)
            if found is None and path.exists():  # there before the simulation: on disk
                found = _FileState(bytearray(path.read_bytes()), True, None)
            else:  # created now: until synced, a cut leaves what was there before
                found = _FileState(None, False, found.after_cut() if found else None)
            self.files[name] = found
        return found

    def xOpen(self, name: str | apsw.URIFilename | None, flags: list[int]) -> apsw.VFSFile:
        path = name.filename() if isinstance(name, apsw.URIFilename) else name
        return PowerCutFile(self, path, name, flags)

    def xDelete(self, filename: str, syncdir: bool) -> None:
        self.tick()
        state = self.files.get(filename)
        if state is not None:
            state.before = None if syncdir else state.after_cut()
            state.entry_durable = False
            state.exists = False
        super().xDelete(filename, syncdir)

    def folder_synced(self, folder: Path) -> None:
        """The folder's entries are on the disk: deletions in it are final."""
        for name, state in self.files.items():
            if not state.exists and Path(name).parent == folder:
                state.before = None


class PowerCutFile(apsw.VFSFile):
    """A real file whose changes since the last sync are kept apart as well."""

    def __init__(
        self,
        vfs: PowerCutVFS,
        path: str | None,
        name: str | apsw.URIFilename | None,
        flags: list[int],
    ) -> None:
        self.vfs = vfs
        self.path = path
        self.file = vfs.state(path) if path else None  # a temporary file: nothing survives
        super().__init__("", name, flags)

    def xWrite(self, data: Any, offset: int) -> None:
        self.vfs.tick()
        if self.file is not None:
            self.file.pending.append((offset, bytes(data)))
        super().xWrite(data, offset)

    def xTruncate(self, newsize: int) -> None:
        self.vfs.tick()
        if self.file is not None:
            self.file.pending.append((newsize, None))
        super().xTruncate(newsize)

    def xSync(self, flags: int) -> None:
        self.vfs.tick()
        if self.file is not None:
            new_entry = not self.file.entry_durable
            self.file.sync()
            if new_entry and self.path:  # SQLite syncs the folder with a new journal's data
                self.vfs.folder_synced(Path(self.path).parent)
        # The real fsync is left out: the model decides what survives, and it is faster.


class _CursorAdapter:
    """An apsw cursor with the DB-API attributes the storage layer reads."""

    def __init__(self, cursor: apsw.Cursor) -> None:
        self._cursor = cursor
        self.connection = cursor.connection

    def execute(self, sql: str, params: Any = ()) -> _CursorAdapter:
        self._cursor.execute(sql, params)
        return self

    def executemany(self, sql: str, rows: Any) -> _CursorAdapter:
        self._cursor.executemany(sql, rows)
        return self

    @property
    def rowcount(self) -> int:
        return self.connection.changes()

    @property
    def lastrowid(self) -> int:
        return self.connection.last_insert_rowid()

    @property
    def description(self) -> Any:
        return self._cursor.description

    def fetchone(self) -> Any:
        return self._cursor.fetchone()

    def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    def __iter__(self) -> Iterator[Any]:
        return iter(self._cursor)

    def close(self) -> None:
        self._cursor.close()


class _ConnectionAdapter:
    """An apsw connection handing out cursors that look like sqlite3's."""

    def __init__(self, connection: apsw.Connection) -> None:
        self._connection = connection

    def cursor(self) -> _CursorAdapter:
        return _CursorAdapter(self._connection.cursor())

    def __getattr__(self, name: str) -> Any:
        return getattr(self._connection, name)


class _PowerCutDatabase(APSWDatabase):
    """``storage.models.database`` while a test runs it on the power-cut VFS."""

    def _connect(self) -> _ConnectionAdapter:
        connection = apsw.Connection(self.database, vfs=VFS_NAME)
        connection.set_busy_timeout(int((self._timeout or 5) * 1000))
        self._add_conn_hooks(connection)
        return _ConnectionAdapter(connection)

    def _load_functions(self, conn: apsw.Connection) -> None:
        # playhouse's apsw_ext hands ``deterministic`` over positionally, which apsw refuses:
        # the duplicate finder's function (storage/customer_duplicates.py), registered on the
        # database once a test in this process has looked for duplicates, broke every cut
        for name, (function, arguments, deterministic) in self._functions.items():
            conn.create_scalar_function(
                name, function, arguments, deterministic=bool(deterministic)
            )


@contextmanager
def run_storage_through(vfs: PowerCutVFS, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Inside: every connection of the storage layer is an apsw one on ``vfs``."""
    assert database.is_closed(), "close the database before changing its driver"
    with monkeypatch.context() as patch:
        patch.setattr(database, "_modules", {}, raising=False)
        patch.setattr(database, "__class__", _PowerCutDatabase)
        try:
            yield
        finally:
            if not database.is_closed():
                database.close()


def copy_keys(source: Path, target: Path) -> None:
    """The key folder's files as they are on disk now: the keys were written long before, and
    the anchor is not synced by design (losing it only makes it older, which still verifies).
    A file the anchor's writer is renaming meanwhile is passed over."""
    target.mkdir(exist_ok=True)
    for path in source.glob("*") if source.exists() else ():
        if path.name.startswith("."):  # a temporary file not yet renamed into place
            continue
        with suppress(FileNotFoundError):
            shutil.copy2(path, target / path.name)
