"""Merging a duplicate customer into the one kept, on this till: what it will do
(``plan_merge``) and doing it (``merge_customers``) in one transaction.

The kept customer (the survivor) takes the other's cards, extra addresses, external codes and
ledger entries, and its empty fields are filled from the other (till/core/duplicate_merge.py).
The other stays, inactive, with ``merged_into`` naming the survivor: the sales journal is
hash-chained and never rewritten, so its sales keep their customer id and every reader
follows the pointer (storage/customer_pointer.py). One outbox row (``customer`` ``merge``)
carries the merge to the back office and every till (storage/remote_merges.py applies it)."""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import UTC, datetime
from typing import Any

from storage import accounts, audit, clock, customer_stats, field_clocks, loyalty, outbox
from storage.customer_pointer import ids_counted_as
from storage.customers import (
    CustomerNotFound,
    customer_row,
    get_customer,
    payload_values,
    reindex,
)
from storage.ids import new_id
from storage.models import Customer as CustomerRow
from storage.models import CustomerAddress, CustomerExternalCode, database
from till.core.customer import ADDRESS_FIELDS, Address, Customer, shown
from till.core.duplicate_merge import FileChanges, MergePlan, file_changes
from till.core.words import N_
from till.errors import TillError

CUSTOMER = "customer"
MERGE = "merge"
LEDGERS = ("loyalty_entry", "account_entry")
_ADDRESS_VALUES = tuple(f.name for f in fields(Address) if f.name != "id")


class MergeRefused(TillError):
    """This merge cannot be done (the same customer, one merged away already)."""


def plan_merge(keep_id: str, other_id: str) -> MergePlan:
    """What ``merge_customers(keep_id, other_id)`` would do; MergeRefused or CustomerNotFound
    when it cannot be done."""
    keep, other = _pair(keep_id, other_id)
    changes = file_changes(keep, other)
    counts = {
        table: database.execute_sql(
            f"SELECT COUNT(*) FROM {table} WHERE customer_id = ?", (other_id,)
        ).fetchone()[0]
        for table in LEDGERS
    }
    cards = database.execute_sql(
        "SELECT number FROM loyalty_card WHERE customer_id = ? ORDER BY issued_at", (other_id,)
    )
    ids = ids_counted_as(other_id)
    marks = ",".join("?" * len(ids))
    sales = database.execute_sql(
        f"SELECT (SELECT COUNT(*) FROM sale WHERE customer_id IN ({marks}))"
        f" + (SELECT COUNT(*) FROM remote_sale WHERE customer_id IN ({marks}))",
        ids * 2,
    ).fetchone()[0]
    chain = database.execute_sql(
        "SELECT code FROM customer WHERE merged_into = ? ORDER BY code", (other_id,)
    )
    main = "" if not _has_main_address(other) else "extra" if changes.extra_address else "fills"
    return MergePlan(
        keep_id=keep.id,
        keep_code=keep.code,
        keep_name=keep.display_name,
        other_id=other.id,
        other_code=other.code,
        other_name=other.display_name,
        filled={
            name: value
            for name, value in changes.fields.items()
            if name not in ("external_codes", "card_number")
        },
        card_taken=changes.card_taken,
        cards_moved=tuple(number for (number,) in cards),
        addresses_moved=tuple(address.kind for address in other.addresses),
        main_address=main,
        codes_moved=changes.codes_moved,
        codes_kept=changes.codes_kept,
        loyalty_entries=counts["loyalty_entry"],
        points_after=loyalty.balance(keep.id) + loyalty.balance(other.id),
        account_entries=counts["account_entry"],
        account_after=accounts.balance(keep.id) + accounts.balance(other.id),
        sales_following=sales,
        chain=tuple(code for (code,) in chain),
    )


def merge_customers(
    keep_id: str,
    other_id: str,
    *,
    actor: str,
    approved_by: str,
    now: datetime | None = None,
) -> Customer:
    """Merge ``other`` into ``keep`` (see the module's docstring), approved by a manager
    (``approved_by``, named in both customers' audit entries); returns the survivor."""
    at = (now or datetime.now(UTC)).isoformat()
    with database.atomic():
        keep, other = _pair(keep_id, other_id)
        changes = file_changes(keep, other)
        stamp = clock.stamp()
        chain = [
            row[0]
            for row in database.execute_sql(
                "SELECT code FROM customer WHERE merged_into = ? ORDER BY code", (other_id,)
            )
        ]
        address = None
        if changes.extra_address is not None:
            address = replace(changes.extra_address, id=new_id())
        write_merge(keep, other, changes, address, at=at)
        field_clocks.stamp(CUSTOMER, keep.id, dict.fromkeys(changes.fields, stamp))
        field_clocks.stamp(CUSTOMER, other.id, _other_clocks(changes, stamp))
        if address is not None:
            field_clocks.stamp(
                "customer_address", address.id, dict.fromkeys(_ADDRESS_VALUES, stamp)
            )
        who = f"{actor}, approved by {approved_by}"
        audit.record(
            CUSTOMER,
            keep.id,
            "merged",
            who,
            at,
            [
                ("merged", "", other.code),
                *((name, "", shown(value)) for name, value in changes.fields.items()),
                *(("merged", "", code) for code in chain),
            ],
        )
        audit.record(CUSTOMER, other.id, "merged", who, at, [("merged_into", "", keep.code)])
        payload = merge_payload(keep, other, changes, address, at, stamp)
        outbox.append(CUSTOMER, keep.id, MERGE, {**payload, "actor": who}, at)
    return get_customer(keep_id)


def write_merge(
    keep: Customer,
    other: Customer,
    changes: FileChanges,
    address: Address | None,
    *,
    at: str,
) -> None:
    """The merge's writes to this till's tables, whoever made it (this till or another, by
    the change it pulled): the other's codes and card let go, the survivor's fields, the
    re-pointed cards, addresses and ledger entries, the other marked. Call inside a
    transaction; no audit, clock or outbox here."""
    if changes.codes_moved:
        for system, code in changes.codes_moved.items():
            CustomerExternalCode.delete().where(
                (CustomerExternalCode.customer == other.id)
                & (CustomerExternalCode.system == system)
                & (CustomerExternalCode.code == code)
            ).execute()
    if changes.card_taken:
        CustomerRow.update(card_number=None).where(CustomerRow.id == other.id).execute()
    other_after = replace(
        other,
        active=False,
        card_number="" if changes.card_taken else other.card_number,
        external_codes=changes.codes_kept,
        updated_at=max(other.updated_at, at),
    )
    CustomerRow.update(active=False, merged_into=keep.id, updated_at=other_after.updated_at).where(
        CustomerRow.id == other.id
    ).execute()
    reindex(_num(other.id), other, other_after)
    if changes.fields:
        keep_after = replace(keep, **changes.fields, updated_at=max(keep.updated_at, at))
        row = customer_row(keep_after)
        CustomerRow.update(
            {k: v for k, v in row.items() if k not in ("id", "code", "created_at")}
        ).where(CustomerRow.id == keep.id).execute()
        reindex(_num(keep.id), keep, keep_after)
        if changes.codes_moved:
            CustomerExternalCode.insert_many(
                [
                    {"customer": keep.id, "system": system, "code": code}
                    for system, code in changes.codes_moved.items()
                ]
            ).on_conflict_ignore().execute()
    for table in ("loyalty_card", "customer_address", *LEDGERS):
        database.execute_sql(
            f"UPDATE {table} SET customer_id = ? WHERE customer_id = ?", (keep.id, other.id)
        )
    database.execute_sql(
        "UPDATE customer SET merged_into = ? WHERE merged_into = ?", (keep.id, other.id)
    )
    customer_stats.fold_into(database.cursor(), other.id, keep.id)
    if address is not None:
        CustomerAddress.insert(
            id=address.id, customer=keep.id, **{n: getattr(address, n) for n in _ADDRESS_VALUES}
        ).on_conflict_ignore().execute()


def merge_payload(
    keep: Customer,
    other: Customer,
    changes: FileChanges,
    address: Address | None,
    at: str,
    stamp: str,
) -> dict[str, Any]:
    """The merge's change: both ids, its clock, the survivor's new values with their clocks,
    and the extra address made from the other's main one (if any)."""
    payload: dict[str, Any] = {
        "keep": keep.id,
        "other": other.id,
        "at": at,
        "clock": stamp,
        "fields": payload_values(replace(keep, **changes.fields), changes.fields),
        "clocks": dict.fromkeys(changes.fields, stamp),
    }
    if address is not None:
        payload["address"] = {
            "id": address.id,
            **{n: getattr(address, n) for n in _ADDRESS_VALUES},
            "clocks": dict.fromkeys(_ADDRESS_VALUES, stamp),
        }
    return payload


def _pair(keep_id: str, other_id: str) -> tuple[Customer, Customer]:
    if keep_id == other_id:
        raise MergeRefused(N_("A customer cannot be merged into itself."))
    rows = {
        row.id: row
        for row in CustomerRow.select(
            CustomerRow.id, CustomerRow.code, CustomerRow.merged_into, CustomerRow.anonymised_at
        ).where(CustomerRow.id.in_([keep_id, other_id]))
    }
    if keep_id not in rows or other_id not in rows:
        raise CustomerNotFound(N_("No such customer: it may have been deleted."))
    keep_row, other_row = rows[keep_id], rows[other_id]
    if keep_row.merged_into:
        survivor = CustomerRow.get_or_none(CustomerRow.id == keep_row.merged_into)
        if survivor is None:
            raise MergeRefused(
                N_("{code} was merged into another customer already: keep that customer instead."),
                code=keep_row.code,
            )
        raise MergeRefused(
            N_("{code} was merged into {survivor} already: keep that customer instead."),
            code=keep_row.code,
            survivor=survivor.code,
        )
    if other_row.merged_into:
        raise MergeRefused(
            N_("{code} was merged into another customer already."), code=other_row.code
        )
    for row in (keep_row, other_row):
        if row.anonymised_at:  # a merge would bring personal values back into an erased file
            raise MergeRefused(N_("{code} was anonymised: it cannot be merged."), code=row.code)
    return get_customer(keep_id), get_customer(other_id)


def _has_main_address(customer: Customer) -> bool:
    return any(getattr(customer, name) for name in ADDRESS_FIELDS)


def _other_clocks(changes: FileChanges, stamp: str) -> dict[str, str]:
    """The merged-away customer's fields the merge changes: a later edit made before it,
    pulled from another till, loses to it there."""
    names = ["active"]
    if changes.card_taken:
        names.append("card_number")
    if changes.codes_moved:
        names.append("external_codes")
    return dict.fromkeys(names, stamp)


def _num(customer_id: str) -> int:
    return int(CustomerRow.select(CustomerRow.num).where(CustomerRow.id == customer_id).scalar())
