"""The append-only ledgers of a customer (points, account): one row a movement, with its outbox
row for the back office, written inside the transaction of its cause."""

from __future__ import annotations

from typing import Any

from storage import journal_seal, outbox
from storage.customer_pointer import survivor_id
from storage.ids import new_id
from storage.journal_chains import ACCOUNT, LOYALTY, chain_hash, ledger_payload
from storage.models import database

CHAIN_OF = {"loyalty_entry": LOYALTY, "account_entry": ACCOUNT}


def append(
    table: str,
    value_column: str,
    customer_id: str,
    kind: str,
    value: int,
    *,
    actor: str,
    at: str,
    reason: str = "",
    sale_id: str | None = None,
    cursor: Any = None,
) -> str:
    """Append one movement of ``value`` (points or money) to ``table``, chained and sealed;
    returns its id."""
    entry_id = new_id()
    customer_id = survivor_id(customer_id, cursor)  # a customer merged away since
    insert(
        table,
        {
            "id": entry_id,
            "customer_id": customer_id,
            "kind": kind,
            value_column: value,
            "sale_id": sale_id,
            "reason": reason,
            "actor": actor,
            "created_at": at,
        },
        cursor or database.cursor(),
    )
    payload = {
        "id": entry_id,
        "customer_id": customer_id,
        "kind": kind,
        value_column: value,
        "sale_id": sale_id,
        "reason": reason,
        "actor": actor,
        "at": at,
    }
    outbox.append(table, entry_id, "create", payload, at, cursor=cursor)
    return entry_id


def insert(table: str, entry: dict[str, Any], cursor: Any, *, if_absent: bool = False) -> bool:
    """Write one ledger row at the end of its chain and seal it (``if_absent``: unless a row
    with its id is there already; True when written). Inside the caller's transaction."""
    chain = CHAIN_OF[table]
    seq, head = journal_seal.place(chain, cursor)
    row = {**entry, "booked_for": entry["customer_id"], "chain_seq": seq + 1}
    columns = ", ".join(row)
    cursor.execute(
        f"INSERT INTO {table} ({columns}) VALUES ({', '.join('?' * len(row))})"
        + (" ON CONFLICT (id) DO NOTHING" if if_absent else ""),
        tuple(row.values()),
    )
    if cursor.rowcount != 1:
        return False
    journal_seal.close(chain, seq + 1, chain_hash(head, ledger_payload(row)), cursor)
    return True
