"""How every ``till`` command ends: its exit status, and on failure one ``till: …`` line on
stderr, never a traceback. The click group runs each command through ``run_command``.

Exit statuses (the README lists them too):
0 done; 1 the command ran and found something wrong (refused import rows, a doctor failure,
a broken journal); 2 the command was used wrongly or something must be fixed first (a bad
option or value, the config, the database, the printer, the disk); 3 an internal error, a bug,
whose traceback goes to the log; 130 interrupted (Ctrl+C).
"""

from __future__ import annotations

import logging
import os
import sqlite3
import sys
import tempfile
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NoReturn

import click

from till.errors import StorageError, TillError
from till.i18n import _

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_FOUND_PROBLEMS = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 130


def run_command(invoke: Callable[[], object]) -> NoReturn:
    """Run ``invoke`` (click's main, not standalone) and exit with the documented status."""
    try:
        result = invoke()
    except SystemExit:
        raise
    except BrokenPipeError:  # `till … | head`: the reader left; nothing to say
        _silence_stdout()
        sys.exit(EXIT_FOUND_PROBLEMS)
    except BaseException as error:
        message, status = explain(error)
        click.echo(f"till: {one_line(message)}", err=True)
        sys.exit(status)
    sys.exit(result if isinstance(result, int) else EXIT_OK)


def explain(error: BaseException) -> tuple[str, int]:
    """What the technician reads, and the exit status, for ``error``."""
    if isinstance(error, KeyboardInterrupt) or (
        isinstance(error, click.Abort) and isinstance(error.__context__, KeyboardInterrupt)
    ):
        return _("interrupted."), EXIT_INTERRUPTED
    if isinstance(error, click.Abort):  # a prompt met the end of the input
        return _("no answer given: the input ended before the prompt was answered."), EXIT_USAGE
    if isinstance(error, click.UsageError):
        said = error.format_message().rstrip(".")
        if error.ctx is None:
            return f"{said}.", EXIT_USAGE
        help_command = f"{error.ctx.command_path} --help"
        return _("{error} (see '{help}').").format(error=said, help=help_command), EXIT_USAGE
    if isinstance(error, click.ClickException):
        return error.format_message(), EXIT_USAGE
    storage = storage_cause(error)
    if storage is not None:
        return str(storage), EXIT_USAGE
    if isinstance(error, TillError):
        return str(error), EXIT_USAGE
    if isinstance(error, OSError) and error.errno is not None:
        where = f"{error.filename}: " if error.filename else ""
        return f"{where}{error.strerror or error}.", EXIT_USAGE
    return f"internal error: {type(error).__name__}: {error} ({_record(error)})", EXIT_INTERNAL


def storage_cause(error: BaseException) -> StorageError | None:
    """The database's real complaint behind ``error``: a full disk shows as "cannot rollback -
    no transaction is active" raised while undoing the write the full disk refused, so the
    chain of causes is searched for the most telling one."""
    import peewee

    from storage.errors import storage_error

    found: StorageError | None = None
    for cause in _chain(error):
        if isinstance(cause, StorageError) and found is None:
            found = cause
        elif isinstance(cause, peewee.OperationalError | sqlite3.OperationalError):
            mapped = storage_error(cause)
            if type(mapped) is not StorageError:  # a known cause: full, read-only, busy, I/O
                return mapped
            found = found or mapped
        elif isinstance(cause, peewee.DatabaseError | sqlite3.DatabaseError) and found is None:
            found = StorageError(f"The database refused the request ({cause}).")
    return found


def one_line(message: str) -> str:
    """``message`` as one line of plain text: no line breaks, no terminal controls."""
    return " ".join("".join(c if c.isprintable() else " " for c in message).split())


def _chain(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        # `raise … from None` hides the context on purpose: the new message says it better.
        hidden = current.__suppress_context__ and current.__cause__ is None
        current = current.__cause__ or (None if hidden else current.__context__)


def _record(error: BaseException) -> str:
    """Put the traceback where a technician finds it: the log when one is set up, else a file
    (logging's last resort would print it on the terminal)."""
    if logging.getLogger().hasHandlers():
        log.error("internal error in a till command", exc_info=error)
        return "see the log"
    text = "".join(traceback.format_exception(error))
    try:
        handle, name = tempfile.mkstemp(prefix="till-error-", suffix=".txt")
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
    except OSError:
        return "no log could be written"
    return f"traceback in {Path(name)}"


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
