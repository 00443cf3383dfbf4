"""Per-till counters behind human codes (customer codes), unique without a server."""

from __future__ import annotations

from storage.models import Sequence


def next_value(name: str) -> int:
    """The next value of counter ``name``. Call inside the transaction that uses it."""
    updated = Sequence.update(value=Sequence.value + 1).where(Sequence.name == name).execute()
    if not updated:
        Sequence.insert(name=name, value=1).execute()
        return 1
    return Sequence.get_by_id(name).value
