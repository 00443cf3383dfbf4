"""The search keys of a customer: folded name forms, e-mail and phone digits, and FTS words."""

from __future__ import annotations

from functools import lru_cache

from till.core.customer import Customer
from till.core.text import digits, fold, fold_email

_fold = lru_cache(maxsize=4_096)(fold)
"""``fold``, remembered: a customer file repeats its first names, cities and postcodes, and a
new till's first sync folds 100,000 customers' words (bench/sync_initial.py)."""


def search_columns(customer: Customer) -> dict[str, str]:
    """The indexed columns that answer as-you-type prefix searches."""
    last, first = _fold(customer.last_name), _fold(customer.first_name)
    return {
        "name_key": f"{last} {first}".strip(),
        "alt_key": f"{first} {last}".strip() if first else "",
        "company_key": _fold(customer.company),
        "email_key": fold_email(customer.email),
        "phone_key": digits(customer.mobile),
        "landline_key": digits(customer.landline),
    }


def search_text(customer: Customer) -> str:
    """Every word the full-text index should find the customer by."""
    national = [_national(customer.mobile), _national(customer.landline)]
    words = [
        customer.last_name,
        customer.first_name,
        customer.nickname,
        customer.company,
        customer.email.replace("@", " ").replace(".", " "),
        customer.city,
        customer.postcode,
        customer.code.replace("-", ""),
        customer.code,
        customer.card_number,
        digits(customer.mobile),
        digits(customer.landline),
        *national,
        *customer.external_codes.values(),
    ]
    # Folded one field at a time: the same words as folding them joined (a space separates
    # words either way), and most fields are plain ASCII, which folds several times faster.
    return " ".join(folded for word in words if word and (folded := _fold(word)))


def _national(e164: str) -> str:
    """``+33612345678`` → ``0612345678``: the number as the customer says it at home."""
    if not e164:
        return ""
    import phonenumbers

    national = phonenumbers.format_number(
        phonenumbers.parse(e164), phonenumbers.PhoneNumberFormat.NATIONAL
    )
    return digits(national)
