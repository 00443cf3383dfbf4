"""Codes kept in the database, in the till's language where they are shown: a movement's
reason (till/core/reasons.py), an audit entry's yes and no. Prose written before codes were
kept, or typed by a person, is shown as it is."""

from __future__ import annotations

from till.core.reasons import DEPOSIT, RETURN, parse_reason
from till.i18n import N_, _

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
