"""What the database keeps as codes rather than prose, so an old record reads in the language
of whoever reads it: an account movement's or a points entry's reason. The domain writes the
code; the edge words it (till/record_words.py)."""

from __future__ import annotations

DEPOSIT = "deposit"
RETURN = "return"


def deposit_reason(method: str) -> str:
    """``deposit:cash``: money handed over for the account, by ``method``."""
    return f"{DEPOSIT}:{method}"


def return_reason(receipt_code: str) -> str:
    """``return:01-000042``: what a return of that receipt gave back or took back."""
    return f"{RETURN}:{receipt_code}"


def parse_reason(reason: str) -> tuple[str, str] | None:
    """(kind, value) of a reason written as a code; None for prose (typed by a person, or
    written before codes were kept)."""
    kind, colon, value = reason.partition(":")
    if colon and kind in (DEPOSIT, RETURN) and value and " " not in value:
        return kind, value
    return None
