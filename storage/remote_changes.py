"""Applying changes pulled from the back office: its own storage path, apart from the one the
cashier's actions take. It keeps the remote ids, codes and times, writes no outbox row (the
change is already on the server) and moves the pull cursor in the same transaction, so a
crash leaves either both or neither.

This first version applies the ledgers (loyalty and account entries: a union of globally
unique entries, inserted if absent) and new customers (inserted if absent). Customer updates,
addresses, deletions and sales are passed over until the field-by-field merge exists."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import Any

from storage import sync_state
from storage.customer_keys import search_text
from storage.customers import customer_row
from storage.models import Customer as CustomerRow
from storage.models import CustomerExternalCode, database
from till.core.customer import CONSENTS, Customer, CustomerKind
from till.errors import SyncError

log = logging.getLogger(__name__)

_LEDGER_VALUE = {"loyalty_entry": "points", "account_entry": "amount"}
_CUSTOMER_FIELDS = {f.name for f in fields(Customer)} - {
    "id",
    "code",
    "addresses",
    "external_codes",
    "created_at",
    "updated_at",
}


@dataclass(frozen=True)
class RemoteChange:
    """One change from the feed, as the storage layer needs it."""

    entity: str
    operation: str
    payload: dict[str, Any]


@dataclass(frozen=True)
class Applied:
    """What a pull did to this till."""

    inserted: int
    already_here: int
    passed_over: int


def apply_remote(changes: Iterable[RemoteChange], new_cursor: int) -> Applied:
    """Apply ``changes`` (checked already by the protocol) and move the pull cursor to
    ``new_cursor``, all in one transaction."""
    inserted = already = passed = 0
    with database.atomic():
        cursor = database.cursor()
        for change in changes:
            outcome = _apply(change, cursor)
            inserted += outcome is True
            already += outcome is False
            passed += outcome is None
        sync_state.advance(sync_state.PULL_CURSOR, new_cursor, cursor)
    return Applied(inserted, already, passed)


def pull_cursor() -> int:
    return sync_state.get(sync_state.PULL_CURSOR)


def _apply(change: RemoteChange, cursor: Any) -> bool | None:
    """True: inserted; False: this till had it; None: not applied by this version."""
    if change.entity in _LEDGER_VALUE and change.operation == "create":
        return _insert_entry(change.entity, change.payload, cursor)
    if change.entity == "customer" and change.operation == "create":
        return _insert_customer(change.payload)
    return None


def _insert_entry(table: str, entry: dict[str, Any], cursor: Any) -> bool | None:
    known = cursor.execute("SELECT 1 FROM customer WHERE id = ?", (entry["customer_id"],))
    if known.fetchone() is None:
        # Feed order brings a customer before their entries; one missing was deleted here.
        log.warning(
            "%s %s: customer %s is not on this till", table, entry["id"], entry["customer_id"]
        )
        return None
    value_column = _LEDGER_VALUE[table]
    cursor.execute(
        f"INSERT INTO {table} (id, customer_id, kind, {value_column}, sale_id, reason, actor,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
        (
            entry["id"],
            entry["customer_id"],
            entry["kind"],
            entry[value_column],
            entry["sale_id"],
            entry["reason"],
            entry["actor"],
            entry["at"],
        ),
    )
    return cursor.rowcount == 1


def _insert_customer(payload: dict[str, Any]) -> bool:
    if CustomerRow.select().where(CustomerRow.id == payload["id"]).exists():
        return False
    values = {k: v for k, v in payload["fields"].items() if k in _CUSTOMER_FIELDS}
    values["kind"] = CustomerKind(values.get("kind", CustomerKind.INDIVIDUAL))
    values["targeting"] = tuple(values.get("targeting", ()))
    at = payload["at"]
    for consent in CONSENTS:
        if values.get(consent):
            values[f"{consent}_at"] = at
    customer = Customer(
        id=payload["id"],
        code=payload["code"],
        created_at=at,
        updated_at=at,
        external_codes=dict(payload["fields"].get("external_codes", {})),
        **values,
    )
    row = customer_row(customer)
    clash = CustomerRow.get_or_none(CustomerRow.code == customer.code)
    if clash is not None:
        raise SyncError(
            f"Customer {customer.code} from the server has the code of another customer on this "
            "till: two tills share a till number."
        )
    num = CustomerRow.insert(row).execute()
    database.execute_sql(
        "INSERT INTO customer_fts (rowid, body) VALUES (?, ?)", (num, search_text(customer))
    )
    if customer.external_codes:
        CustomerExternalCode.insert_many(
            [
                {"customer": customer.id, "system": system, "code": code}
                for system, code in customer.external_codes.items()
            ]
        ).on_conflict_ignore().execute()
    return True
