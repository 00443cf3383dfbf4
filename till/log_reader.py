"""Reading the register's recent log back for a technician: from the journal when systemd ran
the register (till/logs.py sends it there), otherwise from ``till.log`` and its rotated files
beside the database. Lines come out bounded in number and length, as plain text."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import deque
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from pathlib import Path

from till import logs
from till.core.text import printable
from till.errors import TillError
from till.i18n import N_

DEFAULT_LINES = 200
MAX_LINES = 10_000
MAX_LINE_CHARS = 4_000
"""A longer line (a huge payload logged by mistake) is cut: the terminal stays readable."""
JOURNAL_TAG = "till"
"""The syslog tag of the register's lines (``till[pid]:``, till/logs.py JOURNAL_FORMAT)."""
JOURNAL_TIMEOUT_S = 30

_DURATION = re.compile(r"^\s*(\d{1,6})\s*([smhd])\s*$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}
_TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M")
_STAMP = re.compile(r"^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})")
"""The start of a line of till.log (logging's asctime, local time); a line without it
continues the record above it (a traceback)."""


def parse_since(text: str, now: datetime) -> datetime:
    """``2h``, ``30m``, ``45s``, ``3d`` before ``now``, or a local time ``2026-12-01 10:00``
    (seconds optional) or a day ``2026-12-01``."""
    duration = _DURATION.match(text)
    if duration:
        try:
            return now - timedelta(**{_UNITS[duration.group(2)]: int(duration.group(1))})
        except OverflowError:  # before year 1: everything there is
            return datetime.min
    for form in (*_TIME_FORMATS, "%Y-%m-%d"):
        try:
            return datetime.strptime(text.strip(), form)
        except ValueError:
            continue
    raise TillError(
        N_("--since {since!r}: give a duration (2h, 30m, 45s, 3d) or a time (2026-12-01 10:00)."),
        since=printable(text)[:40],
    )


def log_files(database: Path) -> list[Path]:
    """The rotating log beside ``database``, oldest file first."""
    current = database.resolve().parent / logs.LOG_FILE
    rotated = [Path(f"{current}.{n}") for n in range(logs.BACKUPS, 0, -1)]
    return [path for path in (*rotated, current) if path.is_file()]


def file_lines(files: Iterable[Path], since: datetime | None, limit: int) -> list[str]:
    """The last ``limit`` lines of ``files`` logged at or after ``since``."""
    kept: deque[str] = deque(maxlen=limit)
    for line in _records_since(_read(files), since):
        kept.append(line)
    return list(kept)


def journal_lines(since: datetime | None, limit: int) -> list[str] | None:
    """The register's lines in the journal, or None when there is no journal holding any."""
    journalctl = shutil.which("journalctl")
    if journalctl is None:
        return None
    command = [journalctl, "--no-pager", "-q", "-o", "short-iso", "-t", JOURNAL_TAG]
    if since is not None:
        command += ["--since", since.strftime("%Y-%m-%d %H:%M:%S")]
    try:
        done = subprocess.run(
            [*command, "-n", str(limit)],
            capture_output=True,
            text=True,
            errors="replace",
            timeout=JOURNAL_TIMEOUT_S,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    lines = [_clean(line) for line in done.stdout.splitlines()]
    return lines[-limit:] or None


def recent_lines(
    database: Path, since: datetime | None, limit: int, *, journal: bool = True
) -> tuple[str, list[str]]:
    """Where the lines came from, and the lines: the journal if it holds the register's log,
    else the files beside the database."""
    if journal:
        found = journal_lines(since, limit)
        if found is not None:
            return f"the journal (journalctl -t {JOURNAL_TAG})", found
    files = log_files(database)
    if not files:
        raise TillError(
            N_(
                "no log: nothing in the journal and no {file} beside {database} (the register"
                " writes it once it has run)."
            ),
            file=logs.LOG_FILE,
            database=database,
        )
    return str(files[-1]), file_lines(files, since, limit)


def _read(files: Iterable[Path]) -> Iterator[str]:
    for path in files:
        try:
            with path.open(encoding="utf-8", errors="replace") as file:
                for line in file:
                    yield _clean(line.rstrip("\n"))
        except FileNotFoundError:  # rotated away while we read: its lines moved on
            continue


def _records_since(lines: Iterable[str], since: datetime | None) -> Iterator[str]:
    showing = since is None
    for line in lines:
        stamp = _STAMP.match(line)
        if stamp and since is not None:
            showing = datetime.strptime(stamp.group(1), "%Y-%m-%d %H:%M:%S") >= since
        if showing:
            yield line


def _clean(line: str) -> str:
    return printable(line)[:MAX_LINE_CHARS]
