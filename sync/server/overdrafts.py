"""Overdrafts found when every till's entries meet: a customer's points or account below zero
(two tills spent the same points, or the same credit, before they synced). They are kept as
they are, never clipped; this lists them for a manager to settle. Portable SQL (Peewee)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from peewee import fn

from sync.server.models import LedgerEntry, ServerCustomer
from till.core.customer import display_name
from till.core.offline import Entry, overdrawing

LEDGERS = ("loyalty_entry", "account_entry")
BUSINESS = "business"


@dataclass(frozen=True)
class ServerOverdraft:
    """One customer's ledger below its floor, and the spends that took it there."""

    customer_id: str
    code: str
    name: str
    ledger: str
    balance: int
    entries: tuple[Entry, ...]

    def to_json(self) -> dict[str, object]:
        return {
            "customer_id": self.customer_id,
            "code": self.code,
            "name": self.name,
            "ledger": self.ledger,
            "balance": self.balance,
            "entries": [
                {"id": e.id, "till": e.till, "at": e.at.isoformat(), "value": e.value}
                for e in self.entries
            ],
        }


def overdrafts(credit_limit: int = 0, limit: int = 500) -> list[ServerOverdraft]:
    """Every ledger below zero, most overdrawn first. A business customer's account may owe
    up to ``credit_limit`` (minor units, as the tills' ``[accounts] credit_limit``): only
    beyond it is it overdrawn."""
    total = fn.SUM(LedgerEntry.value)
    rows = (
        LedgerEntry.select(LedgerEntry.ledger, LedgerEntry.customer_id, total.alias("balance"))
        .group_by(LedgerEntry.ledger, LedgerEntry.customer_id)
        .having(total < 0)
        .order_by(total, LedgerEntry.customer_id, LedgerEntry.ledger)
        .limit(limit)
    )
    found = []
    for ledger, customer_id, balance in _tuples(rows):
        code, kind, name = _customer(customer_id)
        floor = -credit_limit if ledger == "account_entry" and kind == BUSINESS else 0
        if int(balance) >= floor:  # PostgreSQL sums big integers as numeric
            continue
        entries = _entries(ledger, customer_id)
        found.append(
            ServerOverdraft(
                customer_id, code, name, ledger, int(balance), tuple(overdrawing(entries, floor))
            )
        )
    return found


def _customer(customer_id: str) -> tuple[str, str, str]:
    """Code, kind and display name; a customer the server does not hold is shown by id."""
    row = ServerCustomer.get_or_none(ServerCustomer.id == customer_id)
    if row is None:
        return "?", "", f"(customer {customer_id} not on the server)"
    fields = json.loads(row.fields)

    def text(name: str) -> str:
        value = fields.get(name)
        return value if isinstance(value, str) else ""

    kind = text("kind")
    return (
        row.code,
        kind,
        display_name(kind, text("last_name"), text("first_name"), text("company")),
    )


def _entries(ledger: str, customer_id: str) -> list[Entry]:
    query = LedgerEntry.select(
        LedgerEntry.value, LedgerEntry.at, LedgerEntry.till, LedgerEntry.kind, LedgerEntry.id
    ).where((LedgerEntry.ledger == ledger) & (LedgerEntry.customer_id == customer_id))
    return [
        Entry(int(value), datetime.fromisoformat(at), till, kind, entry_id)
        for value, at, till, kind, entry_id in _tuples(query)
    ]


def _tuples(query: Any) -> list[tuple[Any, ...]]:
    """A query's rows as plain tuples."""
    return list(query.tuples())
