"""A message kept as data rather than as a sentence: its id (the English text, marked ``N_``)
and its values, as one JSON text. What the database keeps of an error (a print job's last
error), so an old record reads in the language of whoever reads it; the edge words it
(``till/record_words.py``). Text that is not such a document (prose written before) is left
to be shown as it is."""

from __future__ import annotations

import json
import string
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from till.core.words import OneOf, Word

MESSAGE, PARAMS = "message", "params"
MAX_MESSAGE_LENGTH = 1000
WORD, ONE_OF = "word", "one_of"


@dataclass(frozen=True)
class StoredMessage:
    """A message read back: its id and its values (one may be a ``StoredMessage`` itself)."""

    message_id: str
    params: dict[str, Any]


def message_data(message_id: str, params: Mapping[str, Any] | None = None) -> str:
    """``{"message": id, "params": {…}}``: a value that is itself a message (an error with a
    ``message_id``) or a word of the catalog keeps being one; anything else is its text."""
    return json.dumps(
        {MESSAGE: message_id, PARAMS: {str(k): _value(v) for k, v in (params or {}).items()}},
        ensure_ascii=False,
        sort_keys=True,
    )


def error_data(error: BaseException) -> str:
    """An exception as data: a ``TillError``'s id and values, any other's text as it is."""
    message_id = getattr(error, "message_id", None)
    if isinstance(message_id, str):
        return message_data(message_id, getattr(error, "params", {}))
    return message_data("{error}", {"error": str(error)})


def parse_message_data(text: str) -> StoredMessage | None:
    """The message of a text written by ``message_data``; None for anything else. A value
    that was a message comes back as a ``StoredMessage``, a word as a ``Word``."""
    if not text.startswith("{"):
        return None
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):  # the database is not to be trusted
        return None
    return _message(document)


def plain_template(message_id: str) -> bool:
    """Whether ``message_id`` is a message as the code writes them: named values only, each
    at most with a short format (``{n:,}``), no attribute or index (``{error.__class__}``)
    and no width that would build a huge text (``{x:>999999999}``). A stored message that is
    not is shown as it is, never formatted."""
    if len(message_id) > MAX_MESSAGE_LENGTH:
        return False
    try:
        fields = list(string.Formatter().parse(message_id))
    except ValueError:
        return False
    return all(
        name is None or (name.isidentifier() and len(spec or "") <= 3 and conversion in (None, "r"))
        for _, name, spec, conversion in fields
    )


def _message(document: Any) -> StoredMessage | None:
    if not (isinstance(document, dict) and set(document) == {MESSAGE, PARAMS}):
        return None
    message_id, params = document[MESSAGE], document[PARAMS]
    if not (isinstance(message_id, str) and isinstance(params, dict)):
        return None
    return StoredMessage(message_id, {str(name): _read(value) for name, value in params.items()})


def _value(value: Any) -> Any:
    if isinstance(value, Word):
        return {WORD: str(value)}
    if isinstance(value, OneOf):
        return {ONE_OF: [str(word) for word in value]}
    message_id = getattr(value, "message_id", None)
    if message_id is None and isinstance(value, str):  # a phrase: a message as a value
        message_id = getattr(value, "message", None)
    params = getattr(value, "params", None)
    if isinstance(message_id, str) and isinstance(params, dict):
        return json.loads(message_data(message_id, params))
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int | float | str):
        return value
    return f"{value}"


def _read(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {WORD} and isinstance(value[WORD], str):
            return Word(value[WORD])
        if set(value) == {ONE_OF} and isinstance(value[ONE_OF], list):
            return OneOf(str(word) for word in value[ONE_OF])
        nested = _message(value)
        if nested is not None:
            return nested
    if isinstance(value, int | float | str) and not isinstance(value, bool):
        return value
    return str(value)
