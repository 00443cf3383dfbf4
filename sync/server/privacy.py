"""A person erased on a till (``customer`` ``anonymise``, storage/customer_privacy.py), erased
from the back office in the push's transaction: the customer's fields, extra addresses,
search keys and lost merge values, and every change of the feed that carried their personal
values (their file, addresses, merges and the receipt headers of their sales), rewritten as
they read once erased (till/core/privacy.py). The anonymise change stays in the feed, and
each till erases on pulling it (storage/remote_privacy.py).

Afterwards, a change from a till that had not heard of it (edited offline) is kept in the
feed erased, and not applied: no personal value comes back. Portable Peewee only."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from typing import Any

from sync.protocol import Change
from sync.server import customer_index
from sync.server.models import (
    FeedEntry,
    ServerAnonymised,
    ServerCustomer,
    ServerCustomerAddress,
    ServerCustomerMerge,
    ServerMergeLoss,
    ServerSale,
)
from till.core.privacy import (
    ERASED_FIELDS,
    erased_address,
    erased_payload,
    same_change_erased,
)

log = logging.getLogger(__name__)

REFUSED_OPERATIONS = {
    "customer": {"create", "update", "merge"},
    "customer_address": {"upsert"},
}
"""What is not applied once its customer is erased: anything that carries personal values."""


def is_anonymised(customer_id: str) -> bool:
    return ServerAnonymised.get_or_none(ServerAnonymised.customer_id == customer_id) is not None


def customers_named(entity: str, payload: dict[str, Any], entity_id: str) -> list[str]:
    """The customers whose personal values a change may carry."""
    if entity == "customer":
        return [entity_id, *([payload["other"]] if isinstance(payload.get("other"), str) else [])]
    customer_id = payload.get("customer_id")
    return [customer_id] if entity in ("customer_address", "sale") and customer_id else []


def anonymised_among(changes: Iterable[Change]) -> set[str]:
    """The erased customers among those a push's changes name: one query for the push."""
    named = {
        cid
        for change in changes
        for cid in customers_named(change.entity, change.payload, change.entity_id)
    }
    found: set[str] = set()
    ordered = sorted(named)
    for start in range(0, len(ordered), 500):
        chunk = ordered[start : start + 500]
        query = ServerAnonymised.select(ServerAnonymised.customer_id).where(
            ServerAnonymised.customer_id.in_(chunk)
        )
        found |= {row.customer_id for row in query}
    return found


def erased_by(change: Change) -> set[str]:
    """The customers an applied change erased (none but for ``anonymise``)."""
    if (change.entity, change.operation) != ("customer", "anonymise"):
        return set()
    return {change.entity_id, *_merged_into(change.entity_id)}


def _names(change: Change, erased: set[str]) -> bool:
    return not erased.isdisjoint(customers_named(change.entity, change.payload, change.entity_id))


def stored_payload(change: Change, erased: set[str]) -> dict[str, Any]:
    """The payload the feed keeps: erased when its customer is erased already."""
    if _names(change, erased):
        return erased_payload(change.entity, change.payload)
    return change.payload


def same_change(known: FeedEntry, change: Change) -> bool:
    """A change pushed again is the one the feed has, or that one with a customer's personal
    values erased since (on the server, or on the till that re-sends it)."""
    stored = json.loads(known.payload)
    return stored == change.payload or same_change_erased(stored, change.payload, change.entity)


def refuses(till: str, change: Change, erased: set[str]) -> bool:
    """An edit of an erased customer (from a till that had not heard of it): not applied."""
    if change.operation not in REFUSED_OPERATIONS.get(change.entity, ()):
        return False
    if not _names(change, erased):
        return False
    log.info(
        "%s %s %s from %s: its customer is anonymised, not applied",
        change.entity,
        change.operation,
        change.entity_id,
        till,
    )
    return True


def _merged_into(customer_id: str) -> list[str]:
    query = ServerCustomerMerge.select(ServerCustomerMerge.other_id).where(
        ServerCustomerMerge.keep_id == customer_id
    )
    return [row.other_id for row in query]


def apply_anonymise(till: str, change: Change) -> None:
    """Erase the customer (and those merged into it) from the server's tables and feed; an
    erasure the server has already changes nothing."""
    first = change.payload["id"]
    ids = [cid for cid in [first, *_merged_into(first)] if not is_anonymised(cid)]
    if not ids:
        return
    for cid in ids:
        ServerAnonymised.insert(
            customer_id=cid,
            till=till,
            at=change.payload["at"],
            actor=change.payload.get("actor", ""),
            approved_by=change.payload.get("approved_by", ""),
        ).execute()
        row = ServerCustomer.get_or_none(ServerCustomer.id == cid)
        if row is not None:
            row.fields = _json({**json.loads(row.fields), **ERASED_FIELDS})
            row.save()
    addresses = [
        row.id
        for row in ServerCustomerAddress.select(ServerCustomerAddress.id).where(
            ServerCustomerAddress.customer_id.in_(ids)
        )
    ]
    for address in ServerCustomerAddress.select().where(ServerCustomerAddress.id.in_(addresses)):
        address.fields = _json(erased_address(json.loads(address.fields)))
        address.deleted = True
        address.save()
    ServerMergeLoss.delete().where(ServerMergeLoss.entity_id.in_([*ids, *addresses])).execute()
    sales = [
        row.id for row in ServerSale.select(ServerSale.id).where(ServerSale.customer_id.in_(ids))
    ]
    _erase_feed(ids, addresses, sales)
    for cid in ids:
        customer_index.refresh(cid)


def _erase_feed(ids: list[str], addresses: list[str], sales: list[str]) -> None:
    """Every change of the feed about them, as it reads once they are erased. The feed has no
    index by record: the database reads it once per 5,000 records named (a rare,
    manager-approved operation), and only the payloads about them are parsed."""
    named = sorted(set(ids) | set(addresses) | set(sales))
    seqs: set[int] = set()
    for start in range(0, len(named), 5_000):
        chunk = named[start : start + 5_000]
        query = FeedEntry.select(FeedEntry.seq).where(
            FeedEntry.entity_id.in_(chunk)
            | ((FeedEntry.operation == "merge") & FeedEntry.entity_id.in_(_merged_with(ids)))
        )
        seqs |= {row.seq for row in query}
    about, ordered = set(named), sorted(seqs)
    for start in range(0, len(ordered), 5_000):
        for entry in FeedEntry.select().where(FeedEntry.seq.in_(ordered[start : start + 5_000])):
            payload = json.loads(entry.payload)
            if entry.entity_id not in about and payload.get("other") not in about:
                continue  # a merge into the same survivor, of someone else
            erased = erased_payload(entry.entity, payload)
            if erased != payload:
                FeedEntry.update(
                    payload=json.dumps(erased, separators=(",", ":"), ensure_ascii=False)
                ).where(FeedEntry.seq == entry.seq).execute()


def _merged_with(ids: list[str]) -> list[str]:
    """The customers the erased ones were merged into: their merges carry the erased one's
    values (the fields it filled, its main address)."""
    query = ServerCustomerMerge.select(ServerCustomerMerge.keep_id).where(
        ServerCustomerMerge.other_id.in_(ids)
    )
    return [row.keep_id for row in query]


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
