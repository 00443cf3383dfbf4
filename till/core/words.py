"""The marker of English words the domain defines and the screens and receipts show (a payment
method's name): ``pybabel extract`` reads ``N_("Cash")`` into the catalog, and ``till.i18n``
translates the word where it is shown. The domain itself never translates."""

from __future__ import annotations


def N_(message: str) -> str:
    """``message`` unchanged, marked for the translators' catalog."""
    return message
