"""Reading one JSON object of the sync protocol field by field: every value is checked for its
type and bounds, and a refusal names the record and the field (``change 3 (loyalty_entry
0193…), field points: …``). Text goes through ``clean_line``, which refuses control
characters. Every refusal is a message id of ``sync.field_refusals`` with its values (the
record, the field, the reason: each a message itself), worded where it is shown."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from sync import field_refusals as ids
from sync.refusals import Said, english
from till.core.bounds import MAX_AMOUNT, MAX_QUANTITY
from till.core.text import clean_block, clean_line
from till.errors import SyncError, reason_of

MAX_LINES = 1_000
"""Lines on one sale or invoice (and VAT bands, payments): far beyond a real basket."""
MAX_TEXT = 200
"""Any short text the protocol carries that has no limit of its own."""
SIGNED_AMOUNT = (-MAX_AMOUNT * MAX_QUANTITY, MAX_AMOUNT * MAX_QUANTITY)
"""A sale, invoice or line total: a line may hold MAX_QUANTITY units of MAX_AMOUNT (refunds
and credit notes are negative)."""

_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_TOKEN = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


class ProtocolError(SyncError):
    """A payload that breaks the protocol; the message names the record and the field."""

    def english(self) -> str:
        """The refusal in English, whatever language this process speaks: the ``message``
        line of the server's answer."""
        return english(self.message_id, self.params)


def why(message_id: str, /, **params: Any) -> Said:
    """A reason, a record or a kind of value: a message of ``sync.field_refusals`` with its
    values, itself a value of the refusal."""
    return Said(message_id, params)


def said_of(error: Exception) -> Said:
    """Why ``error`` refused a value, as a message and its values (any other error's text as
    it is)."""
    reason = reason_of(error)
    return Said(reason.message_id, reason.params)


class Fields:
    """The fields of one JSON object, taken one by one; ``done`` refuses any left over."""

    def __init__(self, value: Any, where: Said) -> None:
        if not isinstance(value, dict):
            raise ProtocolError(ids.NOT_AN_OBJECT, where=where, kind=_kind(value))
        self.where = where
        self._values: dict[str, Any] = value
        self._taken: set[str] = set()

    def error(self, name: str, reason: Said) -> ProtocolError:
        # The name may be the sender's (a field this version lacks): quoted when it holds
        # what a terminal or a log would act on, so the refusal stays one plain line.
        shown = name if name.isprintable() else repr(name)
        return ProtocolError(ids.FIELD, where=self.where, field=shown, reason=reason)

    def inner(self, name: str) -> Said:
        """Where a field that is an object itself is, for its own ``Fields``."""
        return why(ids.IN_FIELD, where=self.where, field=name)

    def has(self, name: str) -> bool:
        return name in self._values

    def names(self) -> list[str]:
        return list(self._values)

    def raw(self, name: str, *, required: bool = True) -> Any:
        self._taken.add(name)
        if name not in self._values:
            if required:
                raise self.error(name, why(ids.MISSING))
            return None
        return self._values[name]

    def integer(self, name: str, low: int, high: int, *, required: bool = True) -> int | None:
        value = self.raw(name, required=required)
        if value is None and not required:
            return None
        # bool is an int to Python, never to the protocol.
        if not isinstance(value, int) or isinstance(value, bool):
            raise self.error(name, why(ids.NOT_WHOLE, kind=_kind(value)))
        if not low <= value <= high:
            raise self.error(name, _outside(value, low, high))
        return value

    def boolean(self, name: str, *, required: bool = True) -> bool | None:
        value = self.raw(name, required=required)
        if value is None and not required:
            return None
        if not isinstance(value, bool):
            raise self.error(name, why(ids.NOT_BOOLEAN, kind=_kind(value)))
        return value

    def text(
        self,
        name: str,
        max_length: int,
        *,
        required: bool = True,
        empty: bool = True,
        block: bool = False,
    ) -> str | None:
        value = self.raw(name, required=required)
        if value is None and not required:
            return None
        return checked_text(value, max_length, empty=empty, block=block, fail=self.failing(name))

    def identifier(self, name: str, *, required: bool = True) -> str | None:
        """A UUID in its lower-case text form (the ids of rows that travel between tills)."""
        value = self.raw(name, required=required)
        if value is None and not required:
            return None
        if not isinstance(value, str) or not _ID.match(value):
            raise self.error(name, why(ids.NOT_ID, value=_shown(value)))
        return value

    def token(self, name: str) -> str:
        """A short lower-case word (a kind, an operation)."""
        value = self.raw(name)
        if not isinstance(value, str) or not _TOKEN.match(value):
            raise self.error(name, why(ids.NOT_WORD, value=_shown(value)))
        return value

    def timestamp(self, name: str, *, required: bool = True) -> str | None:
        value = self.raw(name, required=required)
        if value is None and not required:
            return None
        if not isinstance(value, str) or len(value) > 40:
            raise self.error(name, why(ids.NOT_TIME, value=_shown(value)))
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise self.error(name, why(ids.NOT_TIME, value=_shown(value))) from None
        if moment.tzinfo is None:
            raise self.error(name, why(ids.NO_ZONE))
        return value

    def day(self, name: str) -> date:
        """A day written ``YYYY-MM-DD``, nothing longer."""
        value = self.raw(name)
        try:
            if not isinstance(value, str) or len(value) != 10:
                raise ValueError
            return date.fromisoformat(value)
        except ValueError:
            raise self.error(name, why(ids.NOT_DATE, value=_shown(value))) from None

    def array(self, name: str, max_items: int) -> list[Any]:
        value = self.raw(name)
        if not isinstance(value, list):
            raise self.error(name, why(ids.NOT_LIST, kind=_kind(value)))
        if len(value) > max_items:
            raise self.error(name, why(ids.TOO_MANY, count=len(value), most=max_items))
        return value

    def obj(self, name: str, *, required: bool = True) -> dict[str, Any] | None:
        value = self.raw(name, required=required)
        if value is None and not required:
            return None
        if not isinstance(value, dict):
            raise self.error(name, why(ids.NOT_OBJECT, kind=_kind(value)))
        return value

    def done(self) -> None:
        """Refuse the fields nobody asked for: a newer sender must say so by its version."""
        extra = sorted(set(self._values) - self._taken)
        if extra:
            raise self.error(extra[0], why(ids.NOT_IN_VERSION))

    def failing(self, name: str) -> Callable[[Said], ProtocolError]:
        """The error builder ``checked_text`` takes, for field ``name``."""

        def fail(reason: Said) -> ProtocolError:
            return self.error(name, reason)

        return fail


def checked_text(
    value: Any,
    max_length: int,
    *,
    empty: bool = True,
    block: bool = False,
    fail: Callable[[Said], ProtocolError],
) -> str:
    """``value`` as text the till may store: a string, no control characters (line breaks only
    in a block), within ``max_length``; ``fail(reason)`` builds the error otherwise."""
    if not isinstance(value, str):
        raise fail(why(ids.NOT_TEXT, kind=_kind(value)))
    if len(value) > max_length:
        raise fail(why(ids.TOO_LONG, most=max_length))
    if not block and (value or empty) and _stored_line(value):
        return value
    try:
        cleaned = clean_block(value) if block else clean_line(value)
    except ValueError as error:
        raise fail(said_of(error)) from None
    if cleaned != value:
        raise fail(why(ids.NOT_STORED))
    if not empty and not cleaned:
        raise fail(why(ids.EMPTY))
    return cleaned


def _stored_line(value: str) -> bool:
    """Whether ``clean_line`` gives ``value`` back as it is, known without running it (most
    of what a till sends; a new till's first sync checks a million fields): printable
    characters only (no control, format or invisible character, no space but U+0020, which
    alone ``split`` splits on), no space at either end, none doubled."""
    return value.isprintable() and value[:1] != " " and value[-1:] != " " and "  " not in value


_KINDS = {
    int: ids.KIND_NUMBER,
    float: ids.KIND_NUMBER,
    str: ids.KIND_TEXT,
    list: ids.KIND_LIST,
    dict: ids.KIND_OBJECT,
}


def _kind(value: Any) -> Said:
    if value is None:
        return why(ids.KIND_NULL)
    if isinstance(value, bool):
        return why(ids.KIND_BOOLEAN)
    kind = _KINDS.get(type(value))
    return why(kind) if kind else why(ids.KIND_OTHER, type=type(value).__name__)


def _outside(value: int, low: int, high: int) -> Said:
    """``value`` is outside ``low`` to ``high``; a number past what a refusal carries (a
    64-bit signed number) is not repeated."""
    if value.bit_length() < 63:
        return why(ids.OUTSIDE, value=value, low=low, high=high)
    return why(ids.FAR_OUTSIDE, low=low, high=high)


def _shown(value: Any) -> Said | str:
    if not isinstance(value, str):
        return _kind(value)
    return repr(value if len(value) <= 40 else value[:36] + "…")
