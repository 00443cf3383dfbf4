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


class Reason:
    """A message id and its values that is not raised itself: why one field was refused.
    Worded where it is shown (``str``, or as a ``{value}`` of another message)."""

    def __init__(self, message: str, /, **params: Any) -> None:
        self.message_id = message
        self.params = params

    def __str__(self) -> str:
        return worded(self.message_id, self.params)

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Reason):
            return NotImplemented
        return (self.message_id, self.params) == (other.message_id, other.params)

    __hash__ = None  # type: ignore[assignment]  # its values may be lists

    def __repr__(self) -> str:
        return f"Reason({self.message_id!r}, **{self.params!r})"


class Refusal(ValueError):
    """A value a rule refuses, its reason kept as data (a ``ValueError``, for the callers
    that catch those): ``raise Refusal(N_("{text} is not a date."), text=text)``."""

    def __init__(self, message: str, /, **params: Any) -> None:
        super().__init__(message)
        self.reason = Reason(message, **params)

    def __str__(self) -> str:
        return str(self.reason)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_refusal, (self.reason.message_id, self.reason.params))


def _refusal(message: str, params: dict[str, Any]) -> Refusal:
    return Refusal(message, **params)


def reason_of(error: Exception) -> Reason:
    """Why ``error`` refused a value, as data: a ``Refusal``'s or a ``TillError``'s own id and
    values; any other error's text as it is."""
    if isinstance(error, Refusal):
        return error.reason
    if isinstance(error, TillError) and getattr(error, "message_id", None) is not None:
        return Reason(error.message_id, **error.params)
    return Reason(str(error))


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
