"""The audit log: who changed which field of what, when, with the old and new value."""

from __future__ import annotations

from collections.abc import Iterable

from storage.ids import new_id
from storage.models import AuditLog, database
from storage.rows import tuples
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
    for them all (an import's thousand customers). Call inside the transaction."""
    database.cursor().executemany(
        "INSERT INTO audit_log (id, at, actor, entity, entity_id, action, field, old_value,"
        " new_value, old_clock, new_clock) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '', '')",
        [
            (new_id(), at, actor, entity, entity_id, action, name, old, new)
            for entity, entity_id, action, actor, at, name, old, new in entries
        ],
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
    rows = [
        {
            "id": new_id(),
            "at": at,
            "actor": actor,
            "entity": entity,
            "entity_id": entity_id,
            "action": action,
            "field": field,
            "old_value": old,
            "new_value": new,
            "old_clock": old_clock,
            "new_clock": new_clock,
        }
        for field, old, new, old_clock, new_clock in changes
    ]
    if rows:
        AuditLog.insert_many(rows).execute()


def history(entity: str, entity_id: str) -> list[AuditEntry]:
    """Every change to one record, newest first."""
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
