"""One row of a customer import file turned into checked values, with the screen's rules
(``validate_changes``), or into the reason each bad field is refused.

An empty cell gives no value: an import fills and changes fields, it never empties one."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any

from till.core.customer import (
    CONSENTS,
    EXTRA_ADDRESS_FIELDS,
    MAX_ENTRIES,
    SAY_WHICH_ADDRESS,
    Address,
    FieldErrors,
    validate_changes,
)
from till.core.customer_columns import ADDRESS, CODE, EXTERNAL_CODE, EXTRA, PHONE, Columns
from till.core.text import clean_line, fold
from till.core.words import N_
from till.errors import Reason, Refusal, reason_of

MAX_CARD_CHARS = 40
_CARD = re.compile(r"^[0-9A-Za-z-]+$")
_EXCEL_QUOTE = re.compile(r"^'(?=[=+\-@\d\t\r'])")
"""The apostrophe a spreadsheet (or Shopify, or ``till export customers``) puts before a
value it must keep as text: ``'+33612345678``, ``'=cmd``."""

_YES = frozenset({"1", "y", "yes", "true", "on", "oui", "x", "subscribed", "opted in", "vrai"})
_NO = frozenset(
    {
        "0",
        "n",
        "no",
        "false",
        "off",
        "non",
        "unsubscribed",
        "not subscribed",
        "never subscribed",
        "pending",
        "opted out",
        "faux",
    }
)
_ADDRESS_AS_MAIN = {
    "line1": "address1",
    "line2": "address2",
    "line3": "address3",
    "postcode": "postcode",
    "city": "city",
    "country": "country",
}
"""An extra address's fields checked by the rules of the main address's."""


@dataclass(frozen=True)
class CustomerRow:
    """One row's checked values."""

    changes: dict[str, Any]
    """Editable fields, as ``validate_changes`` returns them."""
    card_number: str = ""
    code: str = ""
    active: bool | None = None
    consents_at: dict[str, str] = field(default_factory=dict)
    """When a consent given in the row was given (``consent_email_at``…), when the file says."""
    addresses: tuple[Address, ...] = ()


RowProblems = list[tuple[str, Reason]]
"""(field, reason) for each bad field of a row, worded where shown."""


def parse_yes_no(text: str) -> bool:
    """``yes``, ``oui``, ``1``, ``subscribed``… → True; ``no``, ``unsubscribed``… → False."""
    folded = fold(text)
    if folded in _YES:
        return True
    if folded in _NO:
        return False
    raise Refusal(N_("must be yes or no."))


def read_row(
    cells: Sequence[str],
    columns: Columns,
    *,
    region: str,
    today: date | None = None,
    spreadsheet_quotes: bool = True,
) -> CustomerRow | RowProblems | None:
    """The checked values of one row (``cells`` in file order); the problems when a field
    is bad (the row is then refused whole); None when every mapped cell is empty."""
    today = today or date.today()
    raw: dict[str, str] = {}
    for index, target in columns.targets:
        if index >= len(cells) or target in raw:
            continue
        text = cells[index].strip()
        if spreadsheet_quotes:
            text = _EXCEL_QUOTE.sub("", text, count=1)
        if text:
            raw[target] = text
    if not raw:
        return None
    problems: RowProblems = []
    changes: dict[str, Any] = {}
    external: dict[str, str] = {}
    extra: dict[str, str] = {}
    addresses: dict[int, dict[str, str]] = {}
    special: dict[str, str] = {}
    for target, text in raw.items():
        if target.startswith(EXTERNAL_CODE):
            external[target[len(EXTERNAL_CODE) :]] = text
        elif target.startswith(EXTRA):
            extra[target[len(EXTRA) :]] = text
        elif target.startswith(ADDRESS):
            _, number, name = target.split(".")
            addresses.setdefault(int(number), {})[name] = text
        elif target in (CODE, "card_number", "active", PHONE) or target.endswith("_at"):
            special[target] = text
        else:
            changes[target] = text
    for consent in CONSENTS:
        if consent in changes:
            try:
                changes[consent] = parse_yes_no(changes[consent])
            except ValueError as error:
                problems.append((consent, reason_of(error)))
                del changes[consent]
    if "country" in changes:
        changes["country"] = country_code(changes["country"])
    if PHONE in special:
        _place_phone(special.pop(PHONE), changes, columns, region, problems)
    if external:
        changes["external_codes"] = external
    if extra:
        changes["extra"] = extra
    try:
        clean = validate_changes(changes, region=region, today=today) if changes else {}
    except FieldErrors as error:
        problems.extend(error.errors.items())
        clean = {}
    card = _card(special.get("card_number", ""), problems)
    code = _code(special.get(CODE, ""), problems)
    active = None
    if "active" in special:
        try:
            active = parse_yes_no(special["active"])
        except ValueError as error:
            problems.append(("active", reason_of(error)))
    consents_at = _consent_dates(special, today, problems)
    extra_addresses = _addresses(addresses, region, today, problems)
    if problems:
        return problems
    return CustomerRow(clean, card, code, active, consents_at, extra_addresses)


def _place_phone(
    text: str, changes: dict[str, Any], columns: Columns, region: str, problems: RowProblems
) -> None:
    """A column that says ``phone``: the mobile when it is a mobile number and the file has
    no mobile column; else the landline (when that is still empty)."""
    if columns.has("mobile"):
        changes.setdefault("landline", text)
        return
    kind = phone_kind(text, region)
    if kind is None:
        reason = N_("{text} is not a valid phone number for {region}.")
        problems.append((PHONE, Reason(reason, text=text[:40], region=region)))
    elif kind == "mobile" or "landline" in changes:
        changes.setdefault("mobile", text)
    else:
        changes.setdefault("landline", text)


def phone_kind(text: str, region: str) -> str | None:
    """``mobile`` or ``landline`` for a valid number (a number that may be either counts as
    a mobile), None for one that is not valid."""
    import phonenumbers

    try:
        number = phonenumbers.parse(text[:40], region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    kind = phonenumbers.number_type(number)
    mobile = (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )
    return "mobile" if kind in mobile else "landline"


def _card(text: str, problems: RowProblems) -> str:
    if not text:
        return ""
    if len(text) > MAX_CARD_CHARS or not _CARD.match(text):
        problems.append(
            (
                "card_number",
                Reason(
                    N_("must be letters, digits or dashes, at most {most}."), most=MAX_CARD_CHARS
                ),
            )
        )
        return ""
    return text


def _code(text: str, problems: RowProblems) -> str:
    if len(text) > MAX_CARD_CHARS or (text and not _CARD.match(text)):
        problems.append((CODE, Reason(N_("is not a customer code such as C01-000042."))))
        return ""
    return text.upper()


def _consent_dates(special: dict[str, str], today: date, problems: RowProblems) -> dict[str, str]:
    dates: dict[str, str] = {}
    for consent in CONSENTS:
        text = special.get(f"{consent}_at", "")
        if not text:
            continue
        try:
            at = datetime.fromisoformat(text[:40])
        except ValueError:
            problems.append(
                (f"{consent}_at", Reason(N_("{text} is not a date and time."), text=text[:40]))
            )
            continue
        at = at if at.tzinfo else at.replace(tzinfo=UTC)
        if at.date() > today + timedelta(days=1):
            problems.append((f"{consent}_at", Reason(N_("is in the future."))))
            continue
        dates[consent] = at.isoformat()
    return dates


def _addresses(
    numbered: dict[int, dict[str, str]], region: str, today: date, problems: RowProblems
) -> tuple[Address, ...]:
    found = []
    for number in sorted(numbered):
        given = numbered[number]
        where = f"{ADDRESS}{number}"
        try:
            kind = clean_line(given.get("kind", ""))
        except ValueError as error:
            problems.append((f"{where}.kind", reason_of(error)))
            continue
        if not kind or len(kind) > 40:
            problems.append((f"{where}.kind", Reason(SAY_WHICH_ADDRESS)))
            continue
        values = {_ADDRESS_AS_MAIN[n]: v for n, v in given.items() if n in _ADDRESS_AS_MAIN}
        if "country" in values:
            values["country"] = country_code(values["country"])
        try:
            clean = validate_changes(values, region=region, today=today)
        except FieldErrors as error:
            as_extra = {v: k for k, v in _ADDRESS_AS_MAIN.items()}
            problems.extend((f"{where}.{as_extra[k]}", m) for k, m in error.errors.items())
            continue
        lines = {n: clean.get(main, "") for n, main in _ADDRESS_AS_MAIN.items()}
        found.append(Address(kind=kind, **lines))
    if len(found) > MAX_ENTRIES:
        too_many = Reason(N_("more than {most:,} extra addresses."), most=MAX_ENTRIES)
        problems.append((ADDRESS.rstrip("."), too_many))
    return tuple(found)


def country_code(text: str) -> str:
    """``France``, ``Belgique``, ``United Kingdom`` → ``FR``, ``BE``, ``GB`` (names in French
    and English); anything else as it is, for the rules to accept or refuse."""
    if len(text) == 2:
        return text
    return _country_names().get(fold(text), text)


@cache
def _country_names() -> dict[str, str]:
    from babel import Locale

    names: dict[str, str] = {}
    for language in ("en", "fr"):
        for code, name in Locale(language).territories.items():
            if len(code) == 2 and code.isalpha():
                names.setdefault(fold(name), code)
    return names


ADDRESS_COLUMNS = EXTRA_ADDRESS_FIELDS
"""The fields of each ``address.N.…`` column group, in the order an export writes them."""


def fold_rows(earlier: CustomerRow, later: CustomerRow) -> CustomerRow:
    """Two rows of one file about the same customer as one: the earlier row's values stand,
    the later one only fills what it left empty; tags, extra fields, external codes and
    addresses of new kinds add up. (First come, first kept: importing the file again then
    changes nothing, whichever chunk each row falls in.)"""
    changes = dict(later.changes)
    for name, value in earlier.changes.items():
        other = changes.get(name)
        if name in ("extra", "external_codes") and other:
            value = {**other, **value}
        elif name == "targeting" and other:
            value = tuple(dict.fromkeys((*value, *other)))
        changes[name] = value
    kinds = {address.kind.casefold() for address in earlier.addresses}
    return CustomerRow(
        changes,
        earlier.card_number or later.card_number,
        earlier.code or later.code,
        earlier.active if earlier.active is not None else later.active,
        {**later.consents_at, **earlier.consents_at},
        earlier.addresses + tuple(a for a in later.addresses if a.kind.casefold() not in kinds),
    )
