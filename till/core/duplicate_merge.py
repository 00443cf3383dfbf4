"""What merging a duplicate customer into the one kept does to the kept customer's file:
which of its empty fields the other fills, which external codes move, where the other's main
address goes. Plain rules, no storage: the till, the server and every other till read the
result from the merge's change, so they agree."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from till.core.customer import ADDRESS_FIELDS, BOOLEAN_FIELDS, EDITABLE, Address, Customer

NOT_FILLED = frozenset({"kind", "external_codes", *ADDRESS_FIELDS, *BOOLEAN_FIELDS})
"""Fields a merge never fills one by one: the kind is the survivor's; external codes move by
system; the main address moves whole (a street from one file and a town from the other would
be nobody's address); a yes/no is never "empty" (a consent not given is an answer)."""
MOVED_ADDRESS_KIND = "from {code}"
"""The kind of the extra address the other's main address becomes when the survivor has one."""


@dataclass(frozen=True)
class FileChanges:
    """The survivor's new values, and what stays with the merged-away customer."""

    fields: dict[str, Any]
    """Fields of the survivor that change: empty ones filled, the external codes with the
    other's added, the other's card when the survivor had none, the main address when it
    had none."""
    codes_moved: dict[str, str] = field(default_factory=dict)
    codes_kept: dict[str, str] = field(default_factory=dict)
    """The other's codes in a system where the survivor has its own: they stay with the
    other (which still finds the survivor)."""
    card_taken: str = ""
    """The other's card, when the survivor had none and takes it."""
    extra_address: Address | None = None
    """The other's main address as an extra address of the survivor (which has its own)."""


def is_empty(value: Any) -> bool:
    return value in ("", None) or (isinstance(value, tuple | list | dict) and not value)


def values_to_fill(held: dict[str, Any], incoming: dict[str, Any]) -> dict[str, Any]:
    """The ``incoming`` values (a merged-away customer's, by field name) that fill the
    survivor's empty fields ``held``: field by field, but the main address only whole, into
    a survivor that has none. A name missing from ``held`` counts as empty."""
    filled = {
        name: value
        for name, value in incoming.items()
        if name in EDITABLE
        and name not in NOT_FILLED
        and is_empty(held.get(name))
        and not is_empty(value)
    }
    if not any(held.get(name) for name in ADDRESS_FIELDS) and any(
        incoming.get(name) for name in ADDRESS_FIELDS
    ):
        filled.update({name: incoming[name] for name in ADDRESS_FIELDS if name in incoming})
    return filled


def file_changes(keep: Customer, other: Customer) -> FileChanges:
    """What the survivor ``keep`` takes from ``other``."""
    fields = values_to_fill(
        {name: getattr(keep, name) for name in EDITABLE},
        {name: getattr(other, name) for name in EDITABLE},
    )
    moved = {s: c for s, c in other.external_codes.items() if s not in keep.external_codes}
    kept = {s: c for s, c in other.external_codes.items() if s in keep.external_codes}
    if moved:
        fields["external_codes"] = {**keep.external_codes, **moved}
    card = other.card_number if other.card_number and not keep.card_number else ""
    if card:
        fields["card_number"] = card
    extra = None
    if any(getattr(other, name) for name in ADDRESS_FIELDS) and any(
        getattr(keep, name) for name in ADDRESS_FIELDS
    ):
        extra = Address(
            kind=MOVED_ADDRESS_KIND.format(code=other.code),
            line1=other.address1,
            line2=other.address2,
            line3=other.address3,
            postcode=other.postcode,
            city=other.city,
            country=other.country,
        )
    return FileChanges(fields, moved, kept, card, extra)


@dataclass(frozen=True)
class MergePlan:
    """What merging ``other`` into ``keep`` will do, for a person to read before saying yes."""

    keep_id: str
    keep_code: str
    keep_name: str
    other_id: str
    other_code: str
    other_name: str
    filled: dict[str, Any]
    """Empty fields of the survivor and the value each takes from the other."""
    card_taken: str
    """The other's card when the survivor had none ("" otherwise)."""
    cards_moved: tuple[str, ...]
    """Every card of the other (active or blocked): each keeps finding the survivor."""
    addresses_moved: tuple[str, ...]
    """The kinds of the other's extra addresses."""
    main_address: str
    """``fills``: the other's main address becomes the survivor's; ``extra``: it becomes an
    extra address; "": the other has none."""
    codes_moved: dict[str, str]
    codes_kept: dict[str, str]
    loyalty_entries: int
    points_after: int
    account_entries: int
    account_after: int
    sales_following: int
    """The other's sales (this till's journal and the other tills' it keeps): untouched,
    counted in the survivor's history from now on."""
    chain: tuple[str, ...]
    """Codes of customers merged into the other before: they will point to the survivor."""
