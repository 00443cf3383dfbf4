"""Duplicate customers merged on a till (``customer`` ``merge``, storage/customer_merge.py),
applied to the server's own tables in the push's transaction, and what arrives later for a
merged-away customer sent on to the survivor.

The server keeps each merge in ``server_customer_merge`` (the merged-away id → the survivor).
A merge marks the other customer inactive, gives the survivor the values the merge carries
(merged by clock, as any update), and re-points the other's addresses and ledger entries.
Changes a till pushes later for the merged-away customer (it merged nothing yet, or was
offline) are re-pointed as they arrive: a ledger entry or an address counts for the
survivor; an edit of the other's fields fills the survivor's where they are empty. The feed
keeps every change as the till sent it: each till re-points it the same way when it pulls."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from sync.protocol import Change
from sync.server import customer_index, customers
from sync.server.models import (
    LedgerEntry,
    ServerCustomer,
    ServerCustomerAddress,
    ServerCustomerMerge,
)
from till.core.duplicate_merge import values_to_fill

MAX_HOPS = 8
_REPOINTED = {"loyalty_entry", "account_entry", "customer_address"}


def survivor_id(customer_id: str) -> str:
    """The customer ``customer_id`` was merged into (itself when it was not)."""
    current = customer_id
    for _ in range(MAX_HOPS):
        merged = ServerCustomerMerge.get_or_none(ServerCustomerMerge.other_id == current)
        if merged is None:
            return current
        current = merged.keep_id
    return current


def ids_counted_as(customer_id: str) -> list[str]:
    """The survivor first, then every customer merged into it (whose sales it counts)."""
    survivor = survivor_id(customer_id)
    merged = ServerCustomerMerge.select(ServerCustomerMerge.other_id).where(
        ServerCustomerMerge.keep_id == survivor
    )
    return [survivor, *(row.other_id for row in merged)]


def is_merged_away(customer_id: str) -> bool:
    return ServerCustomerMerge.get_or_none(ServerCustomerMerge.other_id == customer_id) is not None


def apply_merge(till: str, change: Change) -> None:
    """Merge the change's ``other`` into ``keep`` in the server's tables; a merge the server
    has already (a replay, or two tills merging the same pair) changes nothing."""
    payload = change.payload
    keep_id, other_id = survivor_id(payload["keep"]), survivor_id(payload["other"])
    if keep_id == other_id:
        return
    ServerCustomerMerge.insert(
        other_id=other_id, keep_id=keep_id, clock=payload["clock"], till=till, at=payload["at"]
    ).execute()
    ServerCustomerMerge.update(keep_id=keep_id).where(
        ServerCustomerMerge.keep_id == other_id
    ).execute()
    fields = payload["fields"]
    other = ServerCustomer.get_or_none(ServerCustomer.id == other_id)
    other_values: dict[str, Any] = json.loads(other.fields) if other is not None else {}
    if other is not None:
        values = dict(other_values)
        values["active"] = False
        if fields.get("card_number") and values.get("card_number") == fields["card_number"]:
            values["card_number"] = ""
        moved = fields.get("external_codes", {})
        if moved:
            values["external_codes"] = {
                system: code
                for system, code in values.get("external_codes", {}).items()
                if moved.get(system) != code
            }
        other.fields = json.dumps(values, ensure_ascii=False, sort_keys=True)
        other.updated_at = max(other.updated_at, payload["at"])
        other.save()
    if fields:
        update = {"id": keep_id, "at": payload["at"], "fields": fields}
        if "clocks" in payload:
            update["clocks"] = payload["clocks"]
        customers.apply_customer(till, Change(change.seq, "customer", keep_id, "update", update))
    # What the server holds of the other beyond what the merging till saw (an edit another
    # till pushed before the merge): it fills the survivor's empty fields too.
    stamped = customers.held_clocks("customer", other_id)
    clocks = {name: stamped.get(name, (payload["clock"], ""))[0] for name in other_values}
    _fill(till, change.seq, keep_id, other_values, payload["at"], clocks)
    for model in (LedgerEntry, ServerCustomerAddress):
        model.update(customer_id=keep_id).where(model.customer_id == other_id).execute()
    address = payload.get("address")
    if address is not None:
        upsert = {**address, "customer_id": keep_id, "at": payload["at"]}
        customers.apply_address(
            till, Change(change.seq, "customer_address", address["id"], "upsert", upsert)
        )
    customer_index.refresh(keep_id)
    customer_index.refresh(other_id)


def followed(till: str, change: Change) -> Change:
    """``change`` as it applies now: an entry or an address for a merged-away customer goes
    to the survivor. Anything else is returned as it is."""
    if change.entity not in _REPOINTED:
        return change
    customer_id = change.payload.get("customer_id")
    if not customer_id or not is_merged_away(customer_id):
        return change
    return replace(change, payload={**change.payload, "customer_id": survivor_id(customer_id)})


def fill_survivor(till: str, change: Change) -> None:
    """An edit of a merged-away customer (a till that had not seen the merge): applied to it
    as sent, and each value the survivor lacks fills its empty field, by the same clocks."""
    if change.entity != "customer" or change.operation != "update":
        return
    other_id = change.payload["id"]
    if not is_merged_away(other_id):
        return
    payload = change.payload
    _fill(
        till,
        change.seq,
        survivor_id(other_id),
        payload["fields"],
        payload["at"],
        payload.get("clocks"),
    )


def _fill(
    till: str,
    seq: int,
    keep_id: str,
    values: dict[str, Any],
    at: str,
    clocks: dict[str, str] | None,
) -> None:
    """Fill the survivor's empty fields from a merged-away customer's ``values``, each with
    its clock (none: a change from before clocks), through the merge by clock."""
    keep = ServerCustomer.get_or_none(ServerCustomer.id == keep_id)
    if keep is None:
        return
    wanted = values_to_fill(json.loads(keep.fields), values)
    if not wanted:
        return
    update: dict[str, Any] = {"id": keep_id, "at": at, "fields": wanted}
    if clocks is not None:
        update["clocks"] = {name: clocks[name] for name in wanted}
    customers.apply_customer(till, Change(seq, "customer", keep_id, "update", update))
    customer_index.refresh(keep_id)
