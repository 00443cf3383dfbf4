"""The server's refusals as data: beside its English ``message`` (kept for older tills), a
refusal carries ``message_id`` (the English text with ``{names}``, a message of the till's
catalog) and ``params`` (the values, whole numbers and short texts), so the till words it in
its own language.

The payload is untrusted: the till words only the ids of ``REFUSALS`` with values that are
plain, short and fill every ``{name}``; anything else (a newer server's id, values that do not
fit) is shown as the server's ``message`` came, its control characters taken out and its
length bounded.
"""

from __future__ import annotations

import logging
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sync.field_refusals import FIELD_REFUSALS
from till.core.words import N_

log = logging.getLogger(__name__)

UNAUTHORISED_NO_TOKEN = N_("No till token: send 'Authorization: Bearer <token>'.")
UNAUTHORISED_TOKEN = N_("This till token is unknown or was revoked.")
NOT_A_TILL = N_("{till} is an integration: its token opens the web service only.")
WRONG_TILL = N_("This token is till {till}'s; it cannot push for another till.")
NO_PEPPER = N_("The back office has no users, so no PIN pepper.")
BATCH_TOO_LARGE = N_("A batch holds at most {most} changes; this one has {count}.")
BODY_TOO_LARGE = N_("A request body holds at most {most} bytes.")
NOT_UTF8 = N_("Malformed JSON: not UTF-8 ({reason}).")
MALFORMED = N_("Malformed JSON: {reason}.")
TOO_DEEP = N_("Malformed JSON: nested too deeply.")
BUSY = N_("The server's database is busy; try again.")
REUSED = N_(
    "Till {till} sent {what} again with other changes: was its database replaced? Register "
    "it under a new name ('till server add-till') so nothing it sends is mistaken for old."
)
REUSED_KEY = N_("batch key {key}")
REUSED_SEQ = N_("outbox number {seq}")
CODE_TAKEN = N_(
    "Customer code {code} from till {till} belongs to another customer already: do two tills"
    " share a till number?"
)
ADDRESS_TAKEN = N_("Address {address} from till {till} belongs to another customer.")
INVOICE_TAKEN = N_(
    "Invoice {number} from till {till} is another invoice already: do two tills share a till"
    " number?"
)
UPDATE_TILL = N_(
    "The till speaks sync protocol {till_version} and the server protocol {server_version}:"
    " update the till."
)
UPDATE_SERVER = N_(
    "The till speaks sync protocol {till_version} and the server protocol {server_version}:"
    " update the server."
)
NO_TILL_VERSION = N_("The till sent no usable protocol version ({version}); update the till.")
OTHER_KEY = N_("Till {till} signs with another key than it did first.")
FORGED = N_("Till {till}: the head of {chain} is not signed.")
WENT_BACK = N_(
    "Till {till}'s {chain} went back from entry {before} to {after}: entries were removed"
    " from its journal."
)
REWRITTEN = N_("Till {till}'s {chain} entry {seq} is not the one it sent before.")

REFUSALS = frozenset(
    {
        UNAUTHORISED_NO_TOKEN,
        UNAUTHORISED_TOKEN,
        NOT_A_TILL,
        WRONG_TILL,
        NO_PEPPER,
        BATCH_TOO_LARGE,
        BODY_TOO_LARGE,
        NOT_UTF8,
        MALFORMED,
        TOO_DEEP,
        BUSY,
        REUSED,
        REUSED_KEY,
        REUSED_SEQ,
        CODE_TAKEN,
        ADDRESS_TAKEN,
        INVOICE_TAKEN,
        UPDATE_TILL,
        UPDATE_SERVER,
        NO_TILL_VERSION,
        OTHER_KEY,
        FORGED,
        WENT_BACK,
        REWRITTEN,
    }
    | FIELD_REFUSALS
)
"""The ids the till words; their English is in its catalog."""

MAX_SAID = 300
"""Characters of the server's own line the till shows."""
MAX_VALUE = 200
MAX_PARAMS = 8
MAX_DEPTH = 3
"""A value may be a refusal itself (``{what}``: ``batch key …``), two levels down (a field
check's ``{where}``: ``change 3 (sale …), line 2``)."""


def english(message_id: str, params: Mapping[str, Any]) -> str:
    """The refusal's English line (the ``message`` every till reads): the server speaks
    English whatever language its commands print in."""
    values = {
        name: english(value.message_id, value.params) if isinstance(value, Said) else value
        for name, value in params.items()
    }
    return message_id.format(**values) if values else message_id


def params_json(params: Mapping[str, Any]) -> dict[str, Any]:
    """The values as the refusal carries them: a value that is itself a message (``Said``)
    as ``{"message_id", "params"}``."""
    return {
        name: {"message_id": value.message_id, "params": params_json(value.params)}
        if isinstance(value, Said)
        else value
        for name, value in params.items()
    }


@dataclass(frozen=True)
class Said:
    """A message with its values, as a value of another (``{what}`` of ``REUSED``)."""

    message_id: str
    params: dict[str, Any] = field(default_factory=dict)

    def __format__(self, spec: str) -> str:  # the value of a TillError, said where shown
        return format(_worded(self), spec)


def clean_line(text: str, most: int = MAX_SAID) -> str:
    """``text`` on one line: control characters (and other unprintable ones: bidi overrides,
    escapes) become spaces, runs of spaces one, at most ``most`` characters."""
    printable = "".join(c if c.isprintable() else " " for c in text)
    return " ".join(printable.split())[:most]


@dataclass(frozen=True)
class Refusal:
    """What the till shows of a refusal: worded in the till's language when the server gave
    an id the till knows and values that fit it, else the server's line as it came
    (cleaned). Formats itself, so it can be the value of the till's own message."""

    said: str
    message_id: str = ""
    params: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_json(cls, document: Any, fallback: str = "") -> Refusal:
        """The refusal in an answer's body (anything: it came from the network)."""
        if not isinstance(document, dict):
            return cls(clean_line(fallback))
        message = document.get("message")
        said = clean_line(message if isinstance(message, str) else "") or clean_line(fallback)
        known = _known(document.get("message_id"), document.get("params"), MAX_DEPTH)
        if known is None:
            return cls(said)
        return cls(said, known.message_id, known.params)

    def words(self) -> str:
        """The refusal in the till's language, or the server's line."""
        if not self.message_id:
            return self.said
        try:
            return _worded(Said(self.message_id, self.params))
        except (KeyError, IndexError, ValueError, TypeError, AttributeError):
            log.warning("a refusal whose values do not fit it: %r", self.message_id)
            return self.said

    def __str__(self) -> str:
        return self.words()

    def __format__(self, spec: str) -> str:
        return format(self.words(), spec)


def _worded(said: Said) -> str:
    from till.errors import worded

    values = {
        name: _worded(value) if isinstance(value, Said) else value
        for name, value in said.params.items()
    }
    return clean_line(worded(said.message_id, values), MAX_SAID)


def _known(message_id: Any, params: Any, depth: int) -> Said | None:
    """The id and values when the till can word them: an id of ``REFUSALS``, and values,
    whole numbers or short texts (or, ``depth`` allowing, such refusals), that fill every
    ``{name}`` of it and no more; None otherwise."""
    if not (isinstance(message_id, str) and message_id in REFUSALS):
        return None
    if params is None:
        params = {}
    if not isinstance(params, dict) or len(params) > MAX_PARAMS:
        return None
    names = {name for _, name, _, _ in string.Formatter().parse(message_id) if name}
    if set(params) != names:
        return None
    values: dict[str, Any] = {}
    for name, value in params.items():
        if isinstance(value, bool):
            return None
        if isinstance(value, int) and abs(value) < 2**63:
            values[name] = value
        elif isinstance(value, str):
            values[name] = clean_line(value, MAX_VALUE)
        elif isinstance(value, dict) and depth > 1:
            nested = _known(value.get("message_id"), value.get("params"), depth - 1)
            if nested is None:
                return None
            values[name] = nested
        else:
            return None
    return Said(message_id, values)
