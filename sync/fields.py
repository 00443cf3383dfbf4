"""Reading one JSON object of the sync protocol field by field: every value is checked for its
type and bounds, and a refusal names the record and the field (``change 3 (loyalty_entry
0193…), field points: …``). Text goes through ``clean_line``, which refuses control
characters."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from till.core.text import clean_block, clean_line
from till.errors import SyncError

_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_TOKEN = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


class ProtocolError(SyncError):
    """A payload that breaks the protocol; the message names the record and the field."""


class Fields:
    """The fields of one JSON object, taken one by one; ``done`` refuses any left over."""

    def __init__(self, value: Any, where: str) -> None:
        if not isinstance(value, dict):
            raise ProtocolError(f"{where}: must be a JSON object, got {_kind(value)}.")
        self.where = where
        self._values: dict[str, Any] = value
        self._taken: set[str] = set()

    def error(self, name: str, reason: str) -> ProtocolError:
        return ProtocolError(f"{self.where}, field {name}: {reason}")

    def has(self, name: str) -> bool:
        return name in self._values

    def names(self) -> list[str]:
        return list(self._values)

    def raw(self, name: str, *, required: bool = True) -> Any:
        self._taken.add(name)
        if name not in self._values:
            if required:
                raise self.error(name, "is missing.")
            return None
        return self._values[name]

    def integer(self, name: str, low: int, high: int, *, required: bool = True) -> int | None:
        value = self.raw(name, required=required)
        if value is None and not required:
            return None
        # bool is an int to Python, never to the protocol.
        if not isinstance(value, int) or isinstance(value, bool):
            raise self.error(name, f"must be a whole number, got {_kind(value)}.")
        if not low <= value <= high:
            raise self.error(name, f"{_number(value)} is outside {low:,} to {high:,}.")
        return value

    def boolean(self, name: str, *, required: bool = True) -> bool | None:
        value = self.raw(name, required=required)
        if value is None and not required:
            return None
        if not isinstance(value, bool):
            raise self.error(name, f"must be true or false, got {_kind(value)}.")
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
            raise self.error(name, f"must be an id (a UUID in lower case), got {_shown(value)}.")
        return value

    def token(self, name: str) -> str:
        """A short lower-case word (a kind, an operation)."""
        value = self.raw(name)
        if not isinstance(value, str) or not _TOKEN.match(value):
            raise self.error(name, f"must be a lower-case word, got {_shown(value)}.")
        return value

    def timestamp(self, name: str, *, required: bool = True) -> str | None:
        value = self.raw(name, required=required)
        if value is None and not required:
            return None
        if not isinstance(value, str) or len(value) > 40:
            raise self.error(name, f"must be an ISO 8601 time, got {_shown(value)}.")
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise self.error(name, f"must be an ISO 8601 time, got {_shown(value)}.") from None
        if moment.tzinfo is None:
            raise self.error(name, "must say its time zone (UTC offset).")
        return value

    def array(self, name: str, max_items: int) -> list[Any]:
        value = self.raw(name)
        if not isinstance(value, list):
            raise self.error(name, f"must be a list, got {_kind(value)}.")
        if len(value) > max_items:
            raise self.error(name, f"has {len(value):,} items, at most {max_items:,} allowed.")
        return value

    def obj(self, name: str, *, required: bool = True) -> dict[str, Any] | None:
        value = self.raw(name, required=required)
        if value is None and not required:
            return None
        if not isinstance(value, dict):
            raise self.error(name, f"must be a JSON object, got {_kind(value)}.")
        return value

    def done(self) -> None:
        """Refuse the fields nobody asked for: a newer sender must say so by its version."""
        extra = sorted(set(self._values) - self._taken)
        if extra:
            raise self.error(extra[0], "is not part of this protocol version.")

    def failing(self, name: str) -> Callable[[str], ProtocolError]:
        """The error builder ``checked_text`` takes, for field ``name``."""

        def fail(reason: str) -> ProtocolError:
            return self.error(name, reason)

        return fail


def checked_text(
    value: Any,
    max_length: int,
    *,
    empty: bool = True,
    block: bool = False,
    fail: Callable[[str], ProtocolError],
) -> str:
    """``value`` as text the till may store: a string, no control characters (line breaks only
    in a block), within ``max_length``; ``fail(reason)`` builds the error otherwise."""
    if not isinstance(value, str):
        raise fail(f"must be text, got {_kind(value)}.")
    if len(value) > max_length:
        raise fail(f"is longer than {max_length:,} characters.")
    if not block and (value or empty) and _stored_line(value):
        return value
    try:
        cleaned = clean_block(value) if block else clean_line(value)
    except ValueError as error:
        raise fail(str(error)) from None
    if cleaned != value:
        raise fail("must be stored text: no line breaks or tabs, no spaces at the ends.")
    if not empty and not cleaned:
        raise fail("must not be empty.")
    return cleaned


def _stored_line(value: str) -> bool:
    """Whether ``clean_line`` gives ``value`` back as it is, known without running it (most
    of what a till sends; a new till's first sync checks a million fields): printable
    characters only (no control, format or invisible character, no space but U+0020, which
    alone ``split`` splits on), no space at either end, none doubled."""
    return value.isprintable() and value[:1] != " " and value[-1:] != " " and "  " not in value


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    return {int: "a number", float: "a number", str: "text", list: "a list", dict: "an object"}.get(
        type(value), type(value).__name__
    )


def _number(value: int) -> str:
    return f"{value:,}" if value.bit_length() <= 64 else "a number that large"


def _shown(value: Any) -> str:
    if not isinstance(value, str):
        return _kind(value)
    return repr(value if len(value) <= 40 else value[:36] + "…")
