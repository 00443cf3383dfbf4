"""Duplicate merges made on other tills (``customer`` ``merge``), applied to this till's file
as the merging till applied it (storage/customer_merge.py ``write_merge``), and the changes
that arrive later for a merged-away customer sent on to the survivor.

- The merge's values for the survivor go through the customer merge by clock
  (``remote_customers.apply_customer``): a later edit made elsewhere still wins.
- A merge this till has (a replay of the feed, or the same pair merged here) changes nothing.
- An entry or an address pulled later for the merged-away customer counts for the survivor;
  an edit of the merged-away customer's fields is applied to it and fills the survivor's
  empty fields, audited on the survivor.
- Feed order brings both customers before their merge (the merging till pushed or pulled
  their creation first). A merge naming a customer this till does not hold (it deleted it
  itself, and the deletion is on its way to the others) is passed over and logged."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from storage import audit, field_clocks, remote_customers
from storage.customer_merge import CUSTOMER, write_merge
from storage.customer_pointer import survivor_id
from storage.customers import get_customer, payload_values
from storage.models import Customer as CustomerRow
from storage.models import database
from till.core.customer import EDITABLE, shown
from till.core.duplicate_merge import FileChanges, values_to_fill

log = logging.getLogger(__name__)

_REPOINTED = {"loyalty_entry", "account_entry", "customer_address"}


def apply_merge(operation: str, payload: dict[str, Any], till: str) -> bool | None:
    """True: merged here; False: this till had the merge; None: a customer is not here."""
    keep_id, other_id = survivor_id(payload["keep"]), survivor_id(payload["other"])
    if keep_id == other_id:
        return False
    held = {
        row.id
        for row in CustomerRow.select(CustomerRow.id).where(CustomerRow.id.in_([keep_id, other_id]))
    }
    if held != {keep_id, other_id}:
        log.warning("merge of %s into %s: not both on this till", other_id, keep_id)
        return None
    keep, other = get_customer(keep_id), get_customer(other_id)
    fields = payload["fields"]
    codes = fields.get("external_codes", {})
    moved = {s: c for s, c in other.external_codes.items() if codes.get(s) == c}
    card = fields.get("card_number", "")
    changes = FileChanges(
        fields={},  # the survivor's values are merged by clock below
        codes_moved=moved,
        codes_kept={s: c for s, c in other.external_codes.items() if s not in moved},
        card_taken=card if card and card == other.card_number else "",
    )
    write_merge(keep, other, changes, None, at=payload["at"])
    if fields:
        update = {"id": keep_id, "at": payload["at"], "fields": fields}
        if "clocks" in payload:
            update["clocks"] = payload["clocks"]
        remote_customers.apply_customer("update", update, till)
    # What this till holds of the other beyond what the merging till saw (an edit made here
    # offline, pushed after the merge): it fills the survivor's empty fields too.
    stamped = field_clocks.held(CUSTOMER, other_id)
    clocks = {name: stamped.get(name, (payload["clock"], ""))[0] for name in EDITABLE}
    _fill(keep_id, other_id, payload_values(other, EDITABLE), payload["at"], till, clocks)
    address = payload.get("address")
    if address is not None:
        remote_customers.apply_address(
            "upsert", {**address, "customer_id": keep_id, "at": payload["at"]}, till
        )
    stamps = {"active": payload["clock"]}
    if changes.card_taken:
        stamps["card_number"] = payload["clock"]
    if changes.codes_moved:
        stamps["external_codes"] = payload["clock"]
    field_clocks.stamp(CUSTOMER, other_id, stamps, till)
    who = f"{payload.get('actor') or _actor(till)} (merged on {_actor(till)})"
    now = _now()
    audit.record(CUSTOMER, keep_id, "merged", who, now, [("merged", "", other.code)])
    audit.record(CUSTOMER, other_id, "merged", who, now, [("merged_into", "", keep.code)])
    return True


def followed(entity: str, payload: dict[str, Any]) -> dict[str, Any]:
    """``payload`` as it applies here: a ledger entry or an address of a merged-away customer
    names the survivor."""
    if entity not in _REPOINTED or "customer_id" not in payload:
        return payload
    survivor = survivor_id(payload["customer_id"])
    if survivor == payload["customer_id"]:
        return payload
    return {**payload, "customer_id": survivor}


def fill_survivor(entity: str, operation: str, payload: dict[str, Any], till: str) -> None:
    """After an edit of a merged-away customer from a till that had not seen the merge: its
    values fill the survivor's empty fields (by their clocks), audited on the survivor."""
    if entity != CUSTOMER or operation != "update":
        return
    other_id = payload["id"]
    keep_id = survivor_id(other_id)
    if keep_id == other_id:
        return
    _fill(keep_id, other_id, payload["fields"], payload["at"], till, payload.get("clocks"))


def _fill(
    keep_id: str,
    other_id: str,
    values: dict[str, Any],
    at: str,
    till: str,
    clocks: dict[str, str] | None = None,
) -> None:
    """Fill the survivor's empty fields from ``values`` of the merged-away customer, each
    with its clock (none: a change from before clocks), through the merge by clock; audited
    on the survivor, naming the merged-away code."""
    keep = get_customer(keep_id)
    wanted = values_to_fill(payload_values(keep, EDITABLE), values)
    if not wanted:
        return
    update: dict[str, Any] = {"id": keep_id, "at": at, "fields": wanted}
    if clocks is not None:
        update["clocks"] = {name: clocks[name] for name in wanted}
    if remote_customers.apply_customer("update", update, till):
        other_code = database.execute_sql(
            "SELECT code FROM customer WHERE id = ?", (other_id,)
        ).fetchone()[0]
        audit.record(
            CUSTOMER,
            keep_id,
            "merged",
            _actor(till),
            _now(),
            [(name, "", f"{shown(value)} (from {other_code})") for name, value in wanted.items()],
        )


def _actor(till: str) -> str:
    return f"till {till}" if till else "another till"


def _now() -> str:
    return datetime.now(UTC).isoformat()
