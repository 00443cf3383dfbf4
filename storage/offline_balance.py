"""What this till may spend of a customer's points or account while it has not synced: the
balance at its last sync less what it spent since (the rule: ``till.core.offline``), read from
its own entries that the server has not confirmed (outbox rows above ``pushed_up_to``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from storage import sync_state
from storage.models import database
from till.core.offline import Entry, Unconfirmed, held_at_sync

_VALUE = {"loyalty_entry": "points", "account_entry": "amount"}


def unconfirmed(ledger: str, customer_id: str, cursor: Any = None) -> list[Unconfirmed]:
    """This till's entries in ``ledger`` for the customer that the server has not confirmed,
    each with the sale it returns if a return wrote it."""
    pushed = sync_state.get(sync_state.PUSHED_UP_TO, cursor)
    rows = (cursor or database.cursor()).execute(unconfirmed_sql(ledger), (customer_id, pushed))
    return [Unconfirmed(amount, sale_id, returns) for amount, sale_id, returns in rows]


def unconfirmed_sql(ledger: str) -> str:
    """From the customer's entries (indexed), each checked against its outbox row (a partial
    index, m0017): a till offline for days has thousands of rows waiting to be pushed."""
    value = _VALUE[ledger]  # also keeps the table name out of the caller's hands
    return (
        f"SELECT e.{value}, e.sale_id, s.refund_of FROM {ledger} e"
        " LEFT JOIN sale s ON s.id = e.sale_id"
        " WHERE e.customer_id = ? AND EXISTS (SELECT 1 FROM outbox o"
        f" WHERE o.entity = '{ledger}' AND o.entity_id = e.id AND o.seq > ?)"
    )


def held_since_sync(ledger: str, customer_id: str, balance: int, cursor: Any = None) -> int:
    """``balance`` (the local one) less what this till was credited since its last sync
    that the server has not confirmed: what the customer had then, less what was spent here."""
    return held_at_sync(balance, unconfirmed(ledger, customer_id, cursor))


def entries(ledger: str, customer_id: str) -> list[Entry]:
    """Every entry of the customer's ``ledger`` on this till (from any till), for the
    overdraft check; ``till`` is who wrote it, as its actor says."""
    value = _VALUE[ledger]
    rows = database.execute_sql(
        f"SELECT {value}, created_at, actor, kind, id FROM {ledger} WHERE customer_id = ?",
        (customer_id,),
    )
    return [
        Entry(amount, datetime.fromisoformat(at), actor, kind, entry_id)
        for amount, at, actor, kind, entry_id in rows
    ]
