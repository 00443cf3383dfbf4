"""The common shape of an e-mail address checked without ``email_validator``'s character-by-
character reading: ``jean.dupont+shop@example.fr``, plain ASCII letters, digits, ``_``, ``+``
and ``-`` in dot-separated words before the @-sign, and a host name after it.

For such a text the library's steps come to this (email-validator 2): the split finds no
quote, angle bracket or second @-sign; the part before the @-sign is ASCII dot-atom text, so
it is kept as it is (NFC leaves ASCII alone) and lower-cased only when it is one of the
mailbox names RFC 2142 makes case-insensitive; the part after it goes through the library's
own domain check (the one ``till.core.email_check`` remembers); the address is those two
joined, and its three forms must be at most 254 bytes. Anything else, a domain refused, or an
address too long is left to the library, which says why. tests/core/test_email_plain.py
compares both ways on generated addresses.
"""

from __future__ import annotations

import importlib
import re

import email_validator
from email_validator.rfc_constants import CASE_INSENSITIVE_MAILBOX_NAMES, EMAIL_MAX_LENGTH

_PLAIN = re.compile(r"([A-Za-z0-9_+-]{1,64}(?:\.[A-Za-z0-9_+-]{1,64})*)@([A-Za-z0-9.-]{1,253})")
_LOCAL_PART_MOST = 64
"""Longer only in the library's strict mode: left to it."""
_CASE_INSENSITIVE = frozenset(CASE_INSENSITIVE_MAILBOX_NAMES)
_FLOW = importlib.import_module("email_validator.validate_email")


def plain_email(text: str) -> str | None:
    """The address ``email_validator`` makes of ``text`` when it is of the plain shape and
    valid; None for anything else."""
    match = _PLAIN.fullmatch(text)
    if match is None:
        return None
    local, domain_part = match.groups()
    if len(local) > _LOCAL_PART_MOST:
        return None
    if local.lower() in _CASE_INSENSITIVE:
        local = local.lower()
    try:
        checked = _FLOW.validate_email_domain_name(
            domain_part,
            test_environment=email_validator.TEST_ENVIRONMENT,
            globally_deliverable=email_validator.GLOBALLY_DELIVERABLE,
        )
    except email_validator.EmailNotValidError:
        return None
    normalized = f"{local}@{checked['domain']}"
    forms = (text, normalized, f"{local}@{checked['ascii_domain']}")
    if any(len(form.encode()) > EMAIL_MAX_LENGTH for form in forms):
        return None
    return normalized
