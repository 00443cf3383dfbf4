"""Per-till counters behind human codes (customer codes), unique without a server."""

from __future__ import annotations

from storage.models import Sequence, database


def next_value(name: str) -> int:
    """The next value of counter ``name``. Call inside the transaction that uses it."""
    updated = Sequence.update(value=Sequence.value + 1).where(Sequence.name == name).execute()
    if not updated:
        Sequence.insert(name=name, value=1).execute()
        return 1
    return Sequence.get_by_id(name).value


def take_values(name: str, count: int) -> int:
    """Take ``count`` values of counter ``name`` at once; the first (the others follow it).
    Call inside the transaction that uses them."""
    row = database.execute_sql(
        "UPDATE sequence SET value = value + ? WHERE name = ? RETURNING value", (count, name)
    ).fetchone()
    if row is None:
        database.execute_sql("INSERT INTO sequence (name, value) VALUES (?, ?)", (name, count))
        return 1
    return int(row[0]) - count + 1
