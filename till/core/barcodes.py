"""What a scanner or cashier typed into the scan field: quantity prefix, GTIN check digits."""

from __future__ import annotations

import string
from dataclasses import dataclass

from till.core.bounds import MAX_QUANTITY as MAX_QUANTITY  # one bound, in bounds.py
from till.core.words import N_
from till.errors import BarcodeError

MAX_CODE_LENGTH = 48
"""Longer than any barcode a shop scans at the register (GS1-128 included)."""

GTIN_LENGTHS = {8: "EAN-8", 12: "UPC-A", 13: "EAN-13", 14: "GTIN-14"}

_SCANNABLE = frozenset(string.ascii_letters + string.digits + "-._/+$%")


@dataclass(frozen=True)
class ScanEntry:
    """One entry of the scan field: a normalised product code and how many of it."""

    code: str
    quantity: int = 1


def gtin_check_digit(body: str) -> str:
    """The GS1 mod-10 check digit of a GTIN's other digits (EAN-8, UPC-A, EAN-13, GTIN-14).

    Written here rather than taken from python-stdnum, which the tests use as the reference:
    importing ``stdnum.ean`` costs the register 1.4 MB of memory for these four lines.
    """
    total = sum(int(digit) * (3 if n % 2 == 0 else 1) for n, digit in enumerate(reversed(body)))
    return str(-total % 10)


def normalise_code(text: str) -> str:
    """Validate a product code and return the form the catalog stores.

    Numeric codes of GTIN length must carry a valid check digit; a UPC-A code is stored
    as the EAN-13 it is (a leading zero), so both scan forms find the same product.
    Other short alphanumeric codes are the shop's own item codes and are taken as they are.
    """
    code = text.strip()
    if not code:
        raise BarcodeError(N_("Scan or type a code."))
    if len(code) > MAX_CODE_LENGTH:
        raise BarcodeError(
            N_("That is not a barcode: {length} characters, at most {most}."),
            length=len(code),
            most=MAX_CODE_LENGTH,
        )
    if not set(code) <= _SCANNABLE:
        raise BarcodeError(N_("That is not a barcode: it has characters no scanner sends."))
    if code.isdigit() and len(code) in GTIN_LENGTHS:
        if gtin_check_digit(code[:-1]) != code[-1]:
            kind = GTIN_LENGTHS[len(code)]
            raise BarcodeError(
                N_("{code} is not a valid {kind}: the check digit is wrong."), code=code, kind=kind
            )
        if len(code) == 12:
            return "0" + code
    return code


def parse_scan_entry(text: str) -> ScanEntry:
    """Read ``CODE`` or ``N*CODE`` (N items of CODE) as typed or scanned."""
    raw = text.strip()
    if len(raw) > MAX_CODE_LENGTH + 4:
        raise BarcodeError(
            N_("That is not a barcode: {length} characters, at most {most}."),
            length=len(raw),
            most=MAX_CODE_LENGTH,
        )
    quantity = 1
    if "*" in raw:
        count, _, raw = raw.partition("*")
        quantity = parse_quantity(count)
    return ScanEntry(normalise_code(raw), quantity)


def parse_quantity(text: str) -> int:
    """A whole quantity between 1 and MAX_QUANTITY."""
    cleaned = text.strip()
    if not cleaned.isdigit() or not cleaned.isascii():
        raise BarcodeError(N_("{text!r} is not a quantity: type a whole number."), text=cleaned)
    quantity = int(cleaned)
    if not 1 <= quantity <= MAX_QUANTITY:
        raise BarcodeError(N_("A quantity is between 1 and {most}."), most=MAX_QUANTITY)
    return quantity
