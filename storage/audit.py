"""The audit log: who changed which field of what, when, with the old and new value."""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from storage import journal_seal
from storage.ids import new_ids
from storage.journal_chains import AUDIT, audit_payload, chain_hash, value_digest
from storage.models import AuditLog, database
from storage.rows import tuples

if TYPE_CHECKING:
    from till.core.customer_lookup import AuditEntry


def record(
    entity: str,
    entity_id: str,
    action: str,
    actor: str,
    at: str,
    changes: Iterable[tuple[str, str, str]] = (("", "", ""),),
) -> None:
    """Append one row per ``(field, old, new)``. Call inside the transaction of the change."""
    _append(entity, entity_id, action, actor, at, ((*c, "", "") for c in changes))


def record_many(entries: Iterable[tuple[str, str, str, str, str, str, str, str]]) -> None:
    """Append ``(entity, entity_id, action, actor, at, field, old, new)`` rows, one statement
    for them all (an import's thousand customers), and one seal. Call inside the
    transaction."""
    _insert(
        (entity, entity_id, action, actor, at, name, old, new, "", "")
        for entity, entity_id, action, actor, at, name, old, new in entries
    )


def record_merge(
    entity: str,
    entity_id: str,
    action: str,
    actor: str,
    at: str,
    losses: Iterable[tuple[str, str, str, str, str]],
) -> None:
    """Append one row per ``(field, losing value, winning value, losing clock, winning
    clock)`` of a merge across tills (old: the value that lost, new: the one kept)."""
    _append(entity, entity_id, action, actor, at, losses)


def _append(
    entity: str,
    entity_id: str,
    action: str,
    actor: str,
    at: str,
    changes: Iterable[tuple[str, str, str, str, str]],
) -> None:
    _insert(
        (entity, entity_id, action, actor, at, field, old, new, old_clock, new_clock)
        for field, old, new, old_clock, new_clock in changes
    )


SALT_BYTES = 8
"""Random bytes salting an audit row's value digest (16 hex digits)."""
_INSERT = (
    "INSERT INTO audit_log (id, at, actor, entity, entity_id, action, field, old_value,"
    " new_value, old_clock, new_clock, chain_seq, value_digest, value_salt)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def _insert(entries: Iterable[tuple[str, str, str, str, str, str, str, str, str, str]]) -> None:
    """Write the rows at the end of the audit chain, and one seal over them."""
    cursor = database.cursor()
    seq, head = journal_seal.place(AUDIT, cursor)
    rows: list[tuple[Any, ...]] = []
    entries = list(entries)
    random = os.urandom(SALT_BYTES * len(entries)).hex()  # secrets.token_hex's, in one call
    width = 2 * SALT_BYTES
    salts = [random[start : start + width] for start in range(0, len(random), width)]
    for entry, row_id, salt in zip(entries, new_ids(len(entries)), salts, strict=True):
        entity, entity_id, action, actor, at, field, old, new, old_clock, new_clock = entry
        seq += 1
        row = {
            "chain_seq": seq,
            "id": row_id,
            "at": at,
            "actor": actor,
            "entity": entity,
            "entity_id": entity_id,
            "action": action,
            "field": field,
            "old_clock": old_clock,
            "new_clock": new_clock,
            "value_digest": value_digest(salt, old, new),
        }
        head = chain_hash(head, audit_payload(row))
        rows.append(
            (
                *(row["id"], at, actor, entity, entity_id, action, field, old, new),
                *(old_clock, new_clock, seq, row["value_digest"], salt),
            )
        )
    if rows:
        cursor.executemany(_INSERT, rows)
        journal_seal.close(AUDIT, seq, head, cursor)


def history(entity: str, entity_id: str) -> list[AuditEntry]:
    """Every change to one record, newest first."""
    from till.core.customer_lookup import AuditEntry  # the customer screens' type, not the sale's

    query = (
        AuditLog.select(
            AuditLog.at,
            AuditLog.actor,
            AuditLog.action,
            AuditLog.field,
            AuditLog.old_value,
            AuditLog.new_value,
        )
        .where((AuditLog.entity == entity) & (AuditLog.entity_id == entity_id))
        .order_by(AuditLog.at.desc(), AuditLog.id.desc())
    )
    return [AuditEntry(*row) for row in tuples(query)]
