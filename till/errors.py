"""The one exception family of the register: every message is one a cashier can read.

Messages are data: an error keeps its message id (the English text, marked ``N_`` where it is
raised) and its parameters, and is worded in the till's language only where it is shown
(``str(error)``: a screen, a receipt, the CLI's ``till: …`` line). The domain never
translates, and a language chosen after the error was raised still words it:

    raise InvalidSale(N_("A sale holds at most {most} lines: pay this one first."), most=99)
"""

from __future__ import annotations

import logging
from typing import Any

from till.core.words import N_

log = logging.getLogger(__name__)


class TillError(Exception):
    """Something the cashier or technician must be told about, in plain words."""

    def __init__(self, message: str = "", /, **params: Any) -> None:
        super().__init__(message)
        self.message_id = message
        """The English text, and the key of its translations."""
        self.params = params
        """The values its ``{names}`` stand for (none: the text is said as it is, braces
        and all)."""

    def __str__(self) -> str:
        message = getattr(self, "message_id", None)
        if message is None:  # a subclass that never called __init__
            return super().__str__()
        return worded(message, getattr(self, "params", {}))


def worded(message: str, params: dict[str, Any]) -> str:
    """``message`` in the till's language, its ``{names}`` filled from ``params``; a
    translation that names a value the message lacks falls back to the English."""
    from till.i18n import _

    translated = _(message)
    if not params:
        return translated
    try:
        return translated.format(**params)
    except (KeyError, IndexError, ValueError):
        log.error("The translation of %r does not fit its values: English is shown", message)
        return message.format(**params)


class ConfigError(TillError):
    """The configuration file is missing, unreadable or has a bad value."""


class InvalidSale(TillError):
    """A change to a sale that the rules refuse (bad quantity, overpaid card, empty sale)."""


class BarcodeError(TillError):
    """What was scanned or typed is not a code the register can look up."""


class UnknownProduct(TillError):
    """A well-formed code that no product in the catalog carries."""


class ImportRowError(TillError):
    """One row of an import file that cannot be imported; the others still are."""


class PrinterError(TillError):
    """The printer could not be reached or refused the job; the sale itself is safe."""


class ScannerError(TillError):
    """A scanner could not be opened or read."""


class StorageError(TillError):
    """The database could not be opened, migrated or written."""


class DatabaseBusy(StorageError):
    """Another program holds the database's write lock; waiting and trying again helps."""

    def __init__(
        self,
        message: str = N_(
            "The database is busy: another program is writing to it. Nothing was saved; try"
            " again in a moment."
        ),
        /,
        **params: Any,
    ) -> None:
        super().__init__(message, **params)


class DiskFull(StorageError):
    """No room left on the disk for the change."""


class ReadOnlyDatabase(StorageError):
    """The file or the disk refuses writes."""


class DiskFailure(StorageError):
    """The disk failed to read or write."""


class SyncError(TillError):
    """The back office could not be reached or refused a batch."""
