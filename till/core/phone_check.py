"""The common shape of a French phone number read without ``phonenumbers.parse``: a customer
list of a hundred thousand rows holds a mobile on most of them, written ``06 12 34 56 78``,
``0612345678`` or ``+33 6 12 34 56 78``, and parsing is most of what checking one costs.

A number of that shape is what ``parse`` makes of it (country code 33, the nine digits after
the ``0`` or the ``+33``: France's numbers are nine digits and never start with 0, so nothing
more is stripped). It is valid as ``is_valid_number`` decides, with the library's own
patterns for France: the general one, then any of the kinds of number (premium rate, toll
free… fixed line, mobile), each for its lengths. Anything else, or a number that is not
valid, is left to the library, which then says why it is refused.
tests/core/test_phone_check.py compares both ways on generated numbers.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

FRANCE = "FR"
_FRANCE_CODE = 33
_GROUPS = r"([1-9])[ .-]?([0-9]{2})[ .-]?([0-9]{2})[ .-]?([0-9]{2})[ .-]?([0-9]{2})"
_INTERNATIONAL = re.compile(rf"\+33 ?{_GROUPS}")
_NATIONAL = re.compile(rf"0{_GROUPS}")
_STORED = re.compile(r"\+33[1-9][0-9]{8}")


def french_e164(text: str, region: str) -> str | None:
    """``+33612345678`` for a valid French number of the common shape (``0…`` counts as
    French when the shop's ``region`` is France); None for anything else."""
    match = _INTERNATIONAL.fullmatch(text)
    if match is None and region == FRANCE:
        match = _NATIONAL.fullmatch(text)
    if match is None:
        return None
    national = "".join(match.groups())
    general, kinds = _french_patterns()
    if not _matches(national, general) or not any(_matches(national, kind) for kind in kinds):
        return None
    return f"+{_FRANCE_CODE}{national}"


_Pattern = tuple[frozenset[int], re.Pattern[str] | None]
"""A kind of number as the library checks it: its lengths (none: any) and its pattern."""


@cache
def _french_patterns() -> tuple[_Pattern, tuple[_Pattern, ...]]:
    """France's general pattern and those of each kind of number, from the library."""
    from phonenumbers import PhoneMetadata

    metadata = PhoneMetadata.metadata_for_region(FRANCE)
    if metadata is None or metadata.country_code != _FRANCE_CODE:
        raise RuntimeError("phonenumbers has no metadata for France")
    kinds = (  # any of them will do: the commonest first
        metadata.mobile,
        metadata.fixed_line,
        metadata.premium_rate,
        metadata.toll_free,
        metadata.shared_cost,
        metadata.voip,
        metadata.personal_number,
        metadata.pager,
        metadata.uan,
        metadata.voicemail,
    )
    return _pattern(metadata.general_desc), tuple(_pattern(kind) for kind in kinds)


def _pattern(desc: Any) -> _Pattern:
    if desc is None or not desc.national_number_pattern:
        return frozenset(), None
    return frozenset(desc.possible_length), re.compile(desc.national_number_pattern)


def _matches(national: str, kind: _Pattern) -> bool:
    lengths, pattern = kind
    if pattern is None or (lengths and len(national) not in lengths):
        return False
    return pattern.fullmatch(national) is not None


def french_national_digits(e164: str) -> str | None:
    """``+33612345678`` → ``0612345678``: the digits of the national form (``06 12 34 56
    78``) of a French number as stored; None for any other number. Every French number
    format puts the national prefix ``0`` before all nine digits."""
    if _STORED.fullmatch(e164) is None:
        return None
    return f"0{e164[3:]}"
