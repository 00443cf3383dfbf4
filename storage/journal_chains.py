"""What each legal chain hashes, and how (pure functions: no database, no key).

A chain is a sequence of rows numbered 1, 2, 3… with a running SHA-256 ``head``: each row's
head is the hash of the one before and the row's canonical JSON. The sales of a till keep
their heads in their rows (``journal_hash``, storage/sales.py); the ledgers, the audit log and
the event log keep only their place (``chain_seq``), and their heads live in the seals
(storage/journal_seal.py), which are what the key signs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from storage.json_text import dumps_with

GENESIS = "0" * 64
LOYALTY, ACCOUNT, AUDIT, EVENTS = "loyalty", "account", "audit", "events"
LEDGER_CHAINS = {LOYALTY: "loyalty_entry", ACCOUNT: "account_entry"}
SALE_PREFIX = "sale/"
ERASED_VALUES = ("", "(erased)")


def sale_chain(till_no: int) -> str:
    return f"{SALE_PREFIX}{till_no}"


def genesis(chain: str) -> str:
    """The head before a chain's first row."""
    return GENESIS


canonical_json = dumps_with(sort_keys=True, ensure_ascii=False, compact=True)
"""The canonical JSON the chains hash."""


def chain_hash(previous_hash: str, payload: Any) -> str:
    """The sales journal's function (storage/sales.py), for any JSON value."""
    return hashlib.sha256((previous_hash + canonical_json(payload)).encode()).hexdigest()


def ledger_payload(row: Mapping[str, Any]) -> list[Any]:
    """A points or account entry as its chain covers it (a list: cheaper to serialise than a
    dict with sorted keys, and the audit log hashes thousands a second in an import)."""
    return [
        row["chain_seq"],
        row["id"],
        row["booked_for"],
        row["kind"],
        row["points"] if "points" in row else row["amount"],
        row["sale_id"],
        row["reason"],
        row["actor"],
        row["created_at"],
    ]


AUDIT_CHAINED = (
    "chain_seq",
    "id",
    "at",
    "actor",
    "entity",
    "entity_id",
    "action",
    "field",
    "old_clock",
    "new_clock",
    "value_digest",
)


def audit_payload(row: Mapping[str, Any]) -> list[Any]:
    """An audit row as its chain covers it: its values through their salted digest (rows
    written before the digest existed: their values are kept by the triggers only)."""
    return [row[name] for name in AUDIT_CHAINED]


def value_digest(salt: str, old: str, new: str) -> str:
    return hashlib.sha256(f"{salt}\0{old}\0{new}".encode()).hexdigest()


def values_intact(row: Mapping[str, Any]) -> bool:
    """An audit row's values still give its digest, or were erased with their salt."""
    if not row["value_digest"]:
        return True
    if not row["value_salt"]:
        return row["old_value"] in ERASED_VALUES and row["new_value"] in ERASED_VALUES
    return (
        value_digest(row["value_salt"], row["old_value"], row["new_value"]) == row["value_digest"]
    )


EVENT_CHAINED = ("chain_seq", "id", "at", "till_no", "kind", "actor", "details")


def event_payload(row: Mapping[str, Any]) -> list[Any]:
    return [row[name] for name in EVENT_CHAINED]


def seal_message(chain: str, seq: int, head: str, sealed_at: str) -> bytes:
    """The bytes a seal's signature covers."""
    return f"till journal seal\0{chain}\0{seq}\0{head}\0{sealed_at}".encode()
