"""The search keys of a customer: folded name forms, e-mail and phone digits, and FTS words."""

from __future__ import annotations

from till.core.customer import Customer
from till.core.text import digits, fold, fold_email


def search_columns(customer: Customer) -> dict[str, str]:
    """The indexed columns that answer as-you-type prefix searches."""
    last, first = fold(customer.last_name), fold(customer.first_name)
    return {
        "name_key": f"{last} {first}".strip(),
        "alt_key": f"{first} {last}".strip() if first else "",
        "company_key": fold(customer.company),
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
    return " ".join(folded for word in words if word and (folded := fold(word)))


def _national(e164: str) -> str:
    """``+33612345678`` → ``0612345678``: the number as the customer says it at home."""
    if not e164:
        return ""
    import phonenumbers

    national = phonenumbers.format_number(
        phonenumbers.parse(e164), phonenumbers.PhoneNumberFormat.NATIONAL
    )
    return digits(national)
