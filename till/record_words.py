"""Codes kept in the database, in the till's language where they are shown: a movement's
reason (till/core/reasons.py), an audit entry's yes and no, an error kept as a message id and
its values (till/core/message_data.py). Prose written before codes were kept, or typed by a
person, is shown as it is."""

from __future__ import annotations

import logging
from typing import Any

from till.core.message_data import (
    MAX_MESSAGE_LENGTH,
    StoredMessage,
    parse_message_data,
    plain_template,
)
from till.core.reasons import DEPOSIT, RETURN, parse_reason
from till.core.text import printable
from till.errors import worded
from till.i18n import N_, _

log = logging.getLogger(__name__)

METHODS = {"cash": N_("paid by cash"), "card": N_("paid by card")}
VALUES = {"yes": N_("yes"), "no": N_("no")}


def reason_words(reason: str) -> str:
    """``deposit:card`` → ``paid by card``; ``return:01-000042`` → ``return of 01-000042``."""
    parsed = parse_reason(reason)
    if parsed is None:
        return reason
    kind, value = parsed
    if kind == DEPOSIT:
        return _(METHODS[value]) if value in METHODS else _("paid: {method}").format(method=value)
    if kind == RETURN:
        return _("return of {receipt}").format(receipt=value)
    return reason


def value_words(value: str) -> str:
    """An audit entry's old or new value: ``yes`` and ``no`` are codes, the rest is data."""
    return _(VALUES[value]) if value in VALUES else value


def message_words(stored: str) -> str:
    """A message kept as data (``message_data``) in the reader's language; any other text
    (an error written before messages were kept as data) as it is."""
    parsed = parse_message_data(stored)
    if parsed is None:
        return stored
    return _worded(parsed)


def _worded(message: StoredMessage) -> str:
    if not plain_template(message.message_id):
        log.error("A stored message is not one the till writes: shown as it is")
        return printable(message.message_id[:MAX_MESSAGE_LENGTH])
    values: dict[str, Any] = {
        name: _worded(value) if isinstance(value, StoredMessage) else value
        for name, value in message.params.items()
    }
    try:
        return worded(message.message_id, values)
    except (KeyError, IndexError, ValueError, TypeError, AttributeError):
        log.error("A stored message does not fit its values: %r", message.message_id)
        return message.message_id


def terms_words(code: str) -> str:
    """A customer's payment terms code (``net30eom``) as words: ``30 days end of month``;
    a value the rules would refuse (a tampered database) as it is."""
    from till.core.invoice import parse_terms

    try:
        words, values = parse_terms(code).words
    except ValueError:
        return printable(code)
    return _(words).format(**values)
