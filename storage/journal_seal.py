"""Seals: the signed heads of the legal chains, and the anchor file that keeps the latest ones
outside the database.

Whoever appends to a chain places its rows after the chain's head (``place``), hashes them on
(storage/journal_chains.py) and closes the write with ``close``, in the same transaction: one
``journal_seal`` row signed with the till's Ed25519 key (storage/keys.py), which is kept in
files outside the database. Inside ``deferred()`` the seals wait for the end of the block, so
a batch (an import, a sync pull) is one seal a chain, not one a row.

After the transaction commits, the new heads are written to ``journal-anchor.json`` in the key
folder: deleting the last sales (and their seals) leaves the anchor ahead of the chain, which
the check reports. The database commit has been fsynced first, so the anchor is never ahead of
what a power cut keeps (a commit made without a sync, a pull's, has its heads held until the
next synced commit, which syncs the write-ahead log and so them too); it is replaced by a
rename and not fsynced itself: losing it to a power cut only makes it older, which still
verifies. It is written by a thread of its own, heads
queued meanwhile coalesced, so a sale's commit does not wait for the file (0.3-0.6 ms on this
machine); ``flush_anchor`` waits for it, and reading the anchor flushes first.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from storage import keys
from storage.journal_chains import GENESIS, seal_message
from storage.models import database
from till.core.words import N_
from till.errors import StorageError

if TYPE_CHECKING:
    from storage.keys import JournalKey

log = logging.getLogger(__name__)

ANCHOR = "journal-anchor.json"
MAX_ANCHOR = 1 << 20

_LAST_SEAL = "SELECT seq, head FROM journal_seal WHERE chain = ? ORDER BY seq DESC LIMIT 1"
_INSERT_SEAL = (
    "INSERT INTO journal_seal (chain, seq, head, sealed_at, key_id, signature)"
    " VALUES (?, ?, ?, ?, ?, ?)"
)


class _State(threading.local):
    def __init__(self) -> None:
        self.deferred: dict[str, tuple[int, str]] | None = None
        self.anchoring: dict[str, dict[str, Any]] = {}
        self.anchoring_for: object = None


_state = _State()
_bound: dict[str, Any] = {"directory": None, "key": None, "key_for": None}
_key_lock = threading.Lock()


def bind_keys(directory: Path | None) -> None:
    """Where this process's journal key lives (storage/db.open_database binds it)."""
    _bound.update(directory=directory, key=None, key_for=None)


def key_directory() -> Path:
    directory = _bound["directory"]
    if directory is None:
        raise StorageError(N_("No key folder is bound: open the database with its key folder."))
    return directory


def place(chain: str, cursor: Any) -> tuple[int, str]:
    """(sequence, head) the chain ends at now: the next row takes ``sequence + 1``. Call inside
    the write transaction (it holds the write lock, so no one else places after the same
    row)."""
    pending = _state.deferred
    if pending is not None and chain in pending:
        return pending[chain]
    row = cursor.execute(_LAST_SEAL, (chain,)).fetchone()
    return (row[0], row[1]) if row else (0, GENESIS)


def close(chain: str, seq: int, head: str, cursor: Any) -> None:
    """The chain now ends at ``seq`` with ``head``: seal it (or at the end of ``deferred``)."""
    if _state.deferred is not None:
        _state.deferred[chain] = (seq, head)
        return
    _write_seal(chain, seq, head, cursor)


@contextmanager
def deferred() -> Iterator[None]:
    """Seal each chain appended to inside the block once, as the block ends (still inside the
    caller's transaction). Nested blocks seal with the outermost."""
    if _state.deferred is not None:
        yield
        return
    _state.deferred = {}
    try:
        yield
        pending = _state.deferred
    finally:
        _state.deferred = None
    cursor = database.cursor()
    for chain, (seq, head) in pending.items():
        _write_seal(chain, seq, head, cursor)


def _write_seal(chain: str, seq: int, head: str, cursor: Any) -> None:
    key = _signing_key(cursor)
    sealed_at = datetime.now(UTC).isoformat()
    signature = key.sign(seal_message(chain, seq, head, sealed_at)).hex()
    cursor.execute(_INSERT_SEAL, (chain, seq, head, sealed_at, key.key_id, signature))
    _anchor_after_commit(
        chain, {"seq": seq, "head": head, "sealed_at": sealed_at, "signature": signature}
    )


def _signing_key(cursor: Any) -> JournalKey:
    """The key, made on the first seal of a database that has never been signed; once a seal
    is signed, a missing key is an error naming its file, never a new key."""
    directory = key_directory()
    with _key_lock:
        if _bound["key"] is None or _bound["key_for"] != directory:
            signed = cursor.execute(
                "SELECT 1 FROM journal_seal WHERE signature != '' LIMIT 1"
            ).fetchone()
            _bound["key"] = keys.signing_key(directory, create=signed is None)
            _bound["key_for"] = directory
        return _bound["key"]


def _anchor_after_commit(chain: str, entry: dict[str, Any]) -> None:
    if database.transaction_depth() == 0:
        if _commits_synced():
            _write_anchor({chain: entry})
        else:
            _hold({chain: entry})
        return
    outermost = database.top_transaction()  # savepoints are not on that stack
    if _state.anchoring_for is not outermost:
        _state.anchoring, _state.anchoring_for = {}, outermost
        database.after_commit(_anchor_committed)
        if _commits_synced():
            # held by commits made before this transaction took the write lock: its sync
            # covers them (a rollback drops them: the anchor stays older, which verifies)
            _state.anchoring.update(_take_held())
    _state.anchoring[chain] = entry


def _anchor_committed() -> None:
    heads, _state.anchoring, _state.anchoring_for = _state.anchoring, {}, None
    # a seal written in a savepoint that was rolled back never reached the database
    kept = {
        chain: entry
        for chain, entry in heads.items()
        if database.execute_sql(
            "SELECT 1 FROM journal_seal WHERE chain = ? AND seq = ? AND signature = ?",
            (chain, entry["seq"], entry["signature"]),
        ).fetchone()
    }
    if _commits_synced():
        _queue_anchor(kept)
    else:
        _hold(kept)


_held: dict[Path, dict[str, dict[str, Any]]] = {}
"""Key folder → heads committed without a sync (storage/sync_state.py ``pulling``): a power
cut may undo them, so they reach the anchor only with the next synced commit."""
_held_lock = threading.Lock()


def _commits_synced() -> bool:
    return database.execute_sql("PRAGMA synchronous").fetchone()[0] >= 2  # FULL or EXTRA


def _hold(heads: dict[str, dict[str, Any]]) -> None:
    with _held_lock:
        held = _held.setdefault(key_directory(), {})
        for chain, entry in heads.items():
            if chain not in held or held[chain]["seq"] <= entry["seq"]:
                held[chain] = entry


def _take_held() -> dict[str, dict[str, Any]]:
    with _held_lock:
        return _held.pop(key_directory(), {})


_anchor_writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="till-anchor")
_queued: dict[Path, dict[str, dict[str, Any]]] = {}
_queue_lock = threading.Lock()


def _queue_anchor(heads: dict[str, dict[str, Any]]) -> None:
    if not heads:
        return
    directory = key_directory()
    with _queue_lock:
        waiting = bool(_queued)
        queued = _queued.setdefault(directory, {})
        for chain, entry in heads.items():
            if chain not in queued or queued[chain]["seq"] <= entry["seq"]:
                queued[chain] = entry
    if not waiting:
        _anchor_writer.submit(_write_queued)


def _write_queued() -> None:
    with _queue_lock:
        work = dict(_queued)
        _queued.clear()
    for directory, heads in work.items():
        try:
            _write_anchor(heads, directory)
        except OSError as error:  # the sale is saved; the next commit writes the anchor again
            log.warning("journal anchor not written: %s", error)


def flush_anchor() -> None:
    """Wait until every head committed so far is in the anchor file."""
    _anchor_writer.submit(_write_queued).result()


def read_anchor(directory: Path) -> dict[str, dict[str, Any]] | None:
    """The chains' heads as last anchored, or None when there is no anchor file."""
    flush_anchor()
    return _read_anchor_file(directory)


def _read_anchor_file(directory: Path) -> dict[str, dict[str, Any]] | None:
    path = directory / ANCHOR
    try:
        with open(path, "rb") as file:
            content = file.read(MAX_ANCHOR + 1)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise StorageError(
            N_("{file}: cannot read the journal anchor ({reason})."),
            file=path,
            reason=error.strerror,
        ) from None
    try:
        chains = json.loads(content)["chains"]
        if not isinstance(chains, dict) or len(content) > MAX_ANCHOR:
            raise ValueError
        return {
            str(chain): {
                "seq": int(entry["seq"]),
                "head": str(entry["head"]),
                "sealed_at": str(entry["sealed_at"]),
                "signature": str(entry["signature"]),
            }
            for chain, entry in chains.items()
        }
    except (ValueError, KeyError, TypeError):
        raise StorageError(
            N_("{file}: not a journal anchor (damaged or edited)."), file=path
        ) from None


def _write_anchor(heads: dict[str, dict[str, Any]], directory: Path | None = None) -> None:
    if not heads:
        return
    directory = directory or key_directory()
    path = directory / ANCHOR
    chains = _anchored(path)
    for chain, entry in heads.items():
        if chain not in chains or chains[chain]["seq"] <= entry["seq"]:
            chains[chain] = entry
    temporary = directory / f".{ANCHOR}.{os.getpid()}.{threading.get_ident()}"
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        os.write(descriptor, json.dumps({"version": 1, "chains": chains}).encode())
    finally:
        os.close(descriptor)
    os.replace(temporary, path)
    written = os.stat(path)
    _anchor_cache.update(path=path, stamp=(written.st_mtime_ns, written.st_size), chains=chains)


_anchor_cache: dict[str, Any] = {"path": None, "stamp": None, "chains": {}}
"""The anchor as this process last wrote it: read again only when another process (a CLI
command beside the register) has replaced it since."""


def _anchored(path: Path) -> dict[str, dict[str, Any]]:
    try:
        found = os.stat(path)
    except FileNotFoundError:
        return {}
    if _anchor_cache["path"] == path and _anchor_cache["stamp"] == (
        found.st_mtime_ns,
        found.st_size,
    ):
        return dict(_anchor_cache["chains"])
    try:
        return _read_anchor_file(path.parent) or {}
    except StorageError as error:
        log.warning("%s: writing a new one", error)
        return {}
