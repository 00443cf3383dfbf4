"""One register per database: two would fight over the scanners, the printer and the print
queue. The lock is on the database file itself (``flock`` on its own open file), so it holds
whatever name the file is reached by: a symlink, a hard link, a relative path.

The customer kiosk takes no lock: it never runs the print queue (till/app.py), so it can run
beside the register on the same database.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from till.errors import StorageError, TillError

_held: list[int] = []
"""Descriptors of locked databases, kept open until the process ends: closing any descriptor
of a database file drops the POSIX locks SQLite holds on it in this process."""


class AlreadyRunning(TillError):
    """Another register holds this database."""


@contextmanager
def single_instance(db_path: str | os.PathLike[str]) -> Iterator[None]:
    """Hold the database for this register, or refuse if another register does."""
    path = Path(db_path)
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except OSError as error:
        raise StorageError(f"{path}: cannot open the database ({error.strerror}).") from None
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        _held.append(descriptor)
        raise AlreadyRunning(
            f"The register is already running on {path}"
            + (f" (the file {path.resolve()})" if path.resolve() != path.absolute() else "")
            + ". Attach to it (tmux attach) instead of starting another."
        ) from None
    _held.append(descriptor)
    try:
        yield
    finally:
        fcntl.flock(descriptor, fcntl.LOCK_UN)
