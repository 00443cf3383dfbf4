"""Where the register's log goes, set up once by the CLI, and warnings shown on screen.

Textual owns the terminal while the register runs and swallows stderr, so the log never goes
there: under systemd it goes to the journal (through the syslog socket journald listens on), and
otherwise to a rotating file next to the database. While the app runs, warnings and errors are
also shown to the cashier as notifications.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import tempfile
import threading
from collections.abc import Callable, Mapping
from pathlib import Path

from till.core.text import printable

LOG_FILE = "till.log"
MAX_BYTES = 1_000_000
BACKUPS = 3
"""A megabyte a file and three old ones: weeks of a till's warnings, bounded on an SD card."""
SYSLOG_SOCKET = "/dev/log"
FILE_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s"
JOURNAL_FORMAT = "till[%(process)d]: %(levelname)s %(name)s [%(threadName)s] %(message)s"
"""The ``till[pid]:`` prefix is the syslog tag: journald files the lines under ``till``."""

SHOWN = {"shown": True}
"""``extra=SHOWN`` on a record whose news the cashier already has (a message on the screen, a
notification of its own): it is logged, not shown a second time."""

Notify = Callable[[str, str], object]
"""Shows a message to the cashier: (text, severity ``warning`` or ``error``), from any thread."""

log = logging.getLogger(__name__)
_destination: list[logging.Handler] = []
"""The handler :func:`configure` installed, replaced when it is called again."""


def under_systemd(environ: Mapping[str, str] = os.environ) -> bool:
    """True when systemd started the process (a service), whose journal collects the log."""
    return "INVOCATION_ID" in environ or "JOURNAL_STREAM" in environ


def configure(
    database: str | os.PathLike[str],
    *,
    environ: Mapping[str, str] = os.environ,
    syslog_socket: str = SYSLOG_SOCKET,
) -> str:
    """Send the log (INFO and up) to the journal or to a file beside ``database``; say where.
    Calling it again replaces what it set up before. Exceptions in threads are logged too."""
    root = logging.getLogger()
    while _destination:
        previous = _destination.pop()
        root.removeHandler(previous)
        previous.close()
    handler: logging.Handler
    if under_systemd(environ) and Path(syslog_socket).exists():
        handler = logging.handlers.SysLogHandler(address=syslog_socket)
        handler.setFormatter(PrintableFormatter(JOURNAL_FORMAT))
        where = "the journal (journalctl -t till)"
    else:
        path = Path(database).resolve().parent / LOG_FILE
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handler = logging.handlers.RotatingFileHandler(
                path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8"
            )
            where = str(path)
        except OSError as error:  # a full or read-only disk: the screen says so
            handler, where = _fallback_log(f"{path}: {error.strerror}")
        handler.setFormatter(PrintableFormatter(FILE_FORMAT))
    _destination.append(handler)
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    logging.captureWarnings(True)
    threading.excepthook = _log_thread_exception
    return where


def _fallback_log(why: str) -> tuple[logging.Handler, str]:
    """The log while its own folder cannot be written: the system's temporary folder (often
    another disk, or memory), else nowhere (warnings still reach the screen)."""
    path = Path(tempfile.gettempdir()) / f"till-{os.getuid()}.log"
    try:
        return logging.FileHandler(path, encoding="utf-8"), f"{path} ({why})"
    except OSError:
        return logging.NullHandler(), f"nowhere ({why})"


class PrintableFormatter(logging.Formatter):
    """Log lines as text only: a product or customer name holding ESC sequences, logged in a
    message, must not command the terminal of a technician reading the log (``tail -f``)."""

    def format(self, record: logging.LogRecord) -> str:
        return printable(super().format(record), keep_newlines=True)


def _log_thread_exception(args: threading.ExceptHookArgs) -> None:
    if args.exc_type is SystemExit:
        return
    name = args.thread.name if args.thread else "a thread"
    log.error(
        "An unexpected error stopped %s: %s",
        name,
        args.exc_value,
        exc_info=(args.exc_type, args.exc_value, args.exc_traceback),  # type: ignore[arg-type]
    )


class NotifyHandler(logging.Handler):
    """Forwards warnings and errors to the cashier's screen (the message, not the traceback:
    that stays in the log)."""

    def __init__(self, notify: Notify) -> None:
        super().__init__(logging.WARNING)
        self._notify = notify
        self._inside = threading.local()
        """Set while forwarding: a record logged by the forwarding itself is not forwarded."""

    def emit(self, record: logging.LogRecord) -> None:
        if getattr(self._inside, "active", False) or getattr(record, "shown", False):
            return
        self._inside.active = True
        try:
            severity = "error" if record.levelno >= logging.ERROR else "warning"
            self._notify(record.getMessage(), severity)
        except Exception:
            self.handleError(record)
        finally:
            self._inside.active = False


def forward_to_screen(notify: Notify) -> NotifyHandler:
    """Show every warning and error logged from now on; undo with :func:`stop_forwarding`."""
    handler = NotifyHandler(notify)
    logging.getLogger().addHandler(handler)
    return handler


def stop_forwarding(handler: NotifyHandler) -> None:
    logging.getLogger().removeHandler(handler)
