"""The server's customer file and extra addresses, merged field by field as every till merges
them (till/core/merge.py): each field keeps the value with the later clock, a deletion wins
over every edit, and each value that loses is kept in ``server_merge_loss`` with both clocks.
So the server's file is the one the tills converge to, whatever order pushes arrive in.

Fields the server held before clocks existed count as older than any clock. Portable Peewee
only (SQLite, PostgreSQL)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from storage.ids import new_id
from sync.protocol import Change
from sync.refusals import ADDRESS_TAKEN, CODE_TAKEN
from sync.server.errors import Conflict
from sync.server.models import (
    ServerCustomer,
    ServerCustomerAddress,
    ServerFieldClock,
    ServerMergeLoss,
)
from till.core.customer import EXTRA_ADDRESS_FIELDS as ADDRESS_FIELDS
from till.core.merge import (
    DELETED,
    UNSTAMPED,
    Merge,
    Version,
    after_deletion,
    merge,
    versions_of,
)

CUSTOMER = "customer"
ADDRESS = "customer_address"


def apply_customer(till: str, change: Change) -> None:
    payload = change.payload
    customer_id = payload["id"]
    row = ServerCustomer.get_or_none(ServerCustomer.id == customer_id)
    if change.operation == "delete":
        _delete(CUSTOMER, customer_id, row, payload, till)
        return
    incoming = versions(payload, payload["fields"], till)
    tombstone = _tombstone(CUSTOMER, customer_id, row is not None and row.deleted)
    if tombstone is not None:
        _keep_losses(CUSTOMER, customer_id, after_deletion(tombstone, incoming))
        return
    if row is None:
        if change.operation != "create":
            return  # an update for a customer the server never had: nothing to merge into
        if ServerCustomer.get_or_none(ServerCustomer.code == payload["code"]) is not None:
            raise Conflict(CODE_TAKEN, code=payload["code"], till=till)
        ServerCustomer.insert(
            id=customer_id,
            code=payload["code"],
            fields=_json(payload["fields"]),
            created_at=payload["at"],
            updated_at=payload["at"],
            till=till,
        ).execute()
        _stamp(CUSTOMER, customer_id, incoming)
        return
    merged = _merged(CUSTOMER, customer_id, json.loads(row.fields), incoming)
    if merged is not None:
        row.fields = _json(merged)
        row.updated_at = max(row.updated_at, payload["at"])
        row.save()


def apply_address(till: str, change: Change) -> None:
    payload = change.payload
    address_id = change.entity_id
    row = ServerCustomerAddress.get_or_none(ServerCustomerAddress.id == address_id)
    if change.operation == "delete":
        _delete(ADDRESS, address_id, row, payload, till)
        return
    incoming = versions(payload, {name: payload[name] for name in ADDRESS_FIELDS}, till)
    customer = ServerCustomer.get_or_none(ServerCustomer.id == payload["customer_id"])
    tombstone = _tombstone(ADDRESS, address_id, row is not None and row.deleted) or _tombstone(
        CUSTOMER, payload["customer_id"], customer is not None and customer.deleted
    )
    if tombstone is not None:
        _keep_losses(ADDRESS, address_id, after_deletion(tombstone, incoming))
        return
    if row is None:
        ServerCustomerAddress.insert(
            id=address_id,
            customer_id=payload["customer_id"],
            fields=_json({name: version.value for name, version in incoming.items()}),
            till=till,
            created_at=payload["at"],
            updated_at=payload["at"],
        ).execute()
        _stamp(ADDRESS, address_id, incoming)
        return
    if row.customer_id != payload["customer_id"]:
        raise Conflict(ADDRESS_TAKEN, address=address_id, till=till)
    merged = _merged(ADDRESS, address_id, json.loads(row.fields), incoming)
    if merged is not None:
        row.fields = _json(merged)
        row.updated_at = max(row.updated_at, payload["at"])
        row.save()


def versions(payload: dict[str, Any], values: dict[str, Any], till: str) -> dict[str, Version]:
    return versions_of(values, payload.get("clocks"), payload["at"], till)


def losses(entity_id: str) -> list[ServerMergeLoss]:
    """The values that lost a merge on one record, oldest first."""
    query = ServerMergeLoss.select().where(ServerMergeLoss.entity_id == entity_id)
    return list(query.order_by(ServerMergeLoss.at, ServerMergeLoss.id))


def _merged(
    entity: str, entity_id: str, values: dict[str, Any], incoming: dict[str, Version]
) -> dict[str, Any] | None:
    """The record's values after the merge; None when nothing changed."""
    stamps = _held(entity, entity_id)
    held = {
        name: Version(values[name], *stamps.get(name, (UNSTAMPED, "")))
        for name in incoming
        if name in values
    }
    result = merge(held, incoming)
    _keep_losses(entity, entity_id, result)
    if not result.take:
        return None
    _stamp(entity, entity_id, result.take)
    return {**values, **{name: version.value for name, version in result.take.items()}}


def held_clocks(entity: str, entity_id: str) -> dict[str, tuple[str, str]]:
    """Each stamped field's ``(clock, till)`` on one record."""
    return _held(entity, entity_id)


def _held(entity: str, entity_id: str) -> dict[str, tuple[str, str]]:
    query = ServerFieldClock.select().where(
        (ServerFieldClock.entity == entity) & (ServerFieldClock.entity_id == entity_id)
    )
    return {row.field: (row.clock, row.till) for row in query}


def _stamp(entity: str, entity_id: str, stamped: dict[str, Version]) -> None:
    """Record each field's clock and till: one statement for the record (an update, then an
    insert per field took half of a push's time, and a round trip each on PostgreSQL)."""
    if not stamped:
        return
    ServerFieldClock.insert_many(
        [
            {
                "entity": entity,
                "entity_id": entity_id,
                "field": name,
                "clock": version.clock,
                "till": version.till,
            }
            for name, version in stamped.items()
        ]
    ).on_conflict(
        conflict_target=(
            ServerFieldClock.entity,
            ServerFieldClock.entity_id,
            ServerFieldClock.field,
        ),
        preserve=(ServerFieldClock.clock, ServerFieldClock.till),
    ).execute()


def _delete(entity: str, entity_id: str, row: Any, payload: dict[str, Any], till: str) -> None:
    """A customer or an address deleted: its tombstone kept, the row marked (never removed:
    a later edit from a till that had not seen the deletion must still lose to it)."""
    _bury(entity, entity_id, versions(payload, {DELETED: None}, till)[DELETED])
    if row is not None and not row.deleted:
        row.deleted = True
        row.updated_at = max(row.updated_at, payload["at"])
        row.save()


def _tombstone(entity: str, entity_id: str, deleted: bool) -> Version | None:
    """The deletion of a deleted record (one deleted before clocks: the oldest clock)."""
    stamp = _held(entity, entity_id).get(DELETED)
    if stamp is not None:
        return Version(None, *stamp)
    return Version(None, UNSTAMPED) if deleted else None


def _bury(entity: str, entity_id: str, deletion: Version) -> None:
    """Keep the deletion's clock (the later of two), and only it: the fields are gone."""
    current = _held(entity, entity_id).get(DELETED)
    ServerFieldClock.delete().where(
        (ServerFieldClock.entity == entity)
        & (ServerFieldClock.entity_id == entity_id)
        & (ServerFieldClock.field != DELETED)
    ).execute()
    if current is None or deletion.clock > current[0]:
        _stamp(entity, entity_id, {DELETED: deletion})


def _keep_losses(entity: str, entity_id: str, result: Merge) -> None:
    if not result.losses:
        return
    at = datetime.now(UTC).isoformat()
    ServerMergeLoss.insert_many(
        [
            {
                "id": new_id(),
                "entity": entity,
                "entity_id": entity_id,
                "field": loss.field,
                "lost_value": _json(loss.loser.value),
                "lost_clock": loss.loser.clock,
                "lost_till": loss.loser.till,
                "kept_value": _json(loss.winner.value),
                "kept_clock": loss.winner.clock,
                "kept_till": loss.winner.till,
                "at": at,
            }
            for loss in result.losses
        ]
    ).execute()


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
