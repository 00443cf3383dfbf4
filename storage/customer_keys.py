"""The search keys of a customer: folded name forms, e-mail and phone digits, and FTS words."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from till.core.customer import Customer
from till.core.phone_check import french_national_digits
from till.core.text import digits, fold, fold_email

if TYPE_CHECKING:
    from phonenumbers import PhoneNumber

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
    # Folded one field at a time: the same words as folding them joined (a space separates
    # words either way), and most fields are plain ASCII, which folds several times faster.
    # Names, companies, cities and postcodes repeat from customer to customer and their folds
    # are remembered; each customer's own e-mail and codes are folded as they come (they
    # would only push the names out of the cache); digits are their own fold.
    words = [
        _fold(customer.last_name),
        _fold(customer.first_name),
        _fold(customer.nickname),
        _fold(customer.company),
        fold(customer.email.replace("@", " ").replace(".", " ")),
        _fold(customer.city),
        _fold(customer.postcode),
        fold(customer.code.replace("-", "")),
        fold(customer.code),
        fold(customer.card_number),
        digits(customer.mobile),
        digits(customer.landline),
        _national(customer.mobile),
        _national(customer.landline),
        *(fold(code) for code in customer.external_codes.values()),
    ]
    return " ".join(word for word in words if word)


def _national(e164: str) -> str:
    """``+33612345678`` → ``0612345678``: the number as the customer says it at home."""
    if not e164:
        return ""
    if french := french_national_digits(e164):
        return french
    import phonenumbers

    number = _stored_number(e164) or phonenumbers.parse(e164)
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return digits(national)


def _stored_number(e164: str) -> PhoneNumber | None:
    """The number an E.164 text as stored (``+`` and digits) holds, as ``phonenumbers.parse``
    reads it, without parsing the text again (an import formats 100,000 of them); None when
    the parse could read it otherwise: its national part starts as a national prefix would
    (``phonenumbers.parse`` then decides whether to strip it), or it is not as stored."""
    from phonenumbers import COUNTRY_CODE_TO_REGION_CODE, PhoneMetadata, PhoneNumber

    if len(e164) < 4 or e164[0] != "+" or e164[1] == "0" or not e164[1:].isdecimal():
        return None
    if not e164.isascii():
        return None
    for size in (1, 2, 3):  # country codes are prefix-free: the first one found is it
        code = int(e164[1 : 1 + size])
        if code in COUNTRY_CODE_TO_REGION_CODE:
            break
    else:
        return None
    national = e164[1 + size :]
    region = COUNTRY_CODE_TO_REGION_CODE[code][0]
    metadata = PhoneMetadata.metadata_for_region_or_calling_code(code, region)
    if metadata is None or not 2 <= len(national) <= 17:
        return None
    prefix = metadata.national_prefix_for_parsing
    if prefix and _pattern(prefix).match(national):
        return None
    number = PhoneNumber(country_code=code, national_number=int(national))
    if len(national) > 1 and national[0] == "0":  # Italy's leading zeros, kept as parse does
        number.italian_leading_zero = True
        zeros = len(national) - len(national.lstrip("0"))
        zeros = min(zeros, len(national) - 1)
        if zeros != 1:
            number.number_of_leading_zeros = zeros
    return number


@lru_cache(maxsize=256)
def _pattern(text: str) -> re.Pattern[str]:
    return re.compile(text)
