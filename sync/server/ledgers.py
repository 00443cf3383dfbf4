"""The server's view of the points and account ledgers: the union of every till's entries."""

from __future__ import annotations

from peewee import fn

from sync.protocol import Change
from sync.server.models import LedgerEntry

_VALUE = {"loyalty_entry": "points", "account_entry": "amount"}


def apply_entry(till: str, change: Change) -> None:
    payload = change.payload
    LedgerEntry.insert(
        id=payload["id"],
        ledger=change.entity,
        customer_id=payload["customer_id"],
        kind=payload["kind"],
        value=payload[_VALUE[change.entity]],
        sale_id=payload.get("sale_id"),
        reason=payload["reason"],
        actor=payload["actor"],
        at=payload["at"],
        till=till,
    ).on_conflict_ignore().execute()


def ledger_balance(ledger: str, customer_id: str) -> int:
    """The sum of a customer's entries in ``ledger`` from every till, as the server has them."""
    total = (
        LedgerEntry.select(fn.COALESCE(fn.SUM(LedgerEntry.value), 0))
        .where((LedgerEntry.ledger == ledger) & (LedgerEntry.customer_id == customer_id))
        .scalar()
    )
    return int(total or 0)
