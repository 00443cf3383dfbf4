"""Customers and their addresses from other tills, merged into this till's file field by field
(till/core/merge.py): each field keeps the value with the later clock, a deletion wins over
every edit, and each value that loses (this till's or the incoming one) goes to the audit log
with both clocks. The search index, external codes and loyalty cards follow the values kept.
Remote ids and codes are kept; no outbox row is written (the change is on the server)."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from functools import cache
from itertools import groupby
from typing import Any

from peewee import IntegrityError, TextField

from storage import audit, clock, field_clocks
from storage.customer_keys import search_text
from storage.customers import customer_row, get_customer, payload_values, reindex
from storage.models import Customer as CustomerRow
from storage.models import CustomerAddress, CustomerExternalCode, LoyaltyCard, Sale, database
from till.core.customer import CONSENTS, Customer, CustomerKind, shown
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
from till.core.words import N_
from till.errors import SyncError

log = logging.getLogger(__name__)

CUSTOMER = "customer"
ADDRESS = "customer_address"
_KEPT_COLUMNS = {"id", "code", "created_at"}


def apply_customer(operation: str, payload: dict[str, Any], till: str) -> bool | None:
    """True: this till's file changed; False: nothing to change (had it, or it lost);
    None: not applied (the customer is not on this till)."""
    if operation == "create":
        return _create(payload, till)
    if operation == "update":
        return _update(payload, till)
    if operation == "delete":
        return _delete(payload, till)
    return None


def apply_creations(creations: Sequence[tuple[dict[str, Any], str]]) -> list[bool | None]:
    """``apply_customer("create", payload, till)`` for each ``(payload, till)`` in feed order,
    with the same outcomes, rows, clocks, search index and audit; the creations of customers
    this till has never seen (the whole of a new till's first sync) are written a chunk at a
    time, a few statements for all of them instead of a dozen for each."""
    outcomes: list[bool | None] = []
    for start in range(0, len(creations), BULK_CHUNK):
        chunk = creations[start : start + BULK_CHUNK]
        fresh = _never_seen([payload for payload, _ in chunk])
        run: list[tuple[dict[str, Any], str]] = []
        for index, (payload, till) in enumerate(chunk):
            if index in fresh:
                run.append((payload, till))
                continue
            outcomes += _insert_new(run)  # before it, in feed order
            run = []
            outcomes.append(_create(payload, till))
        outcomes += _insert_new(run)
    return outcomes


BULK_CHUNK = 500
"""Creations checked and written together (a bound on the statements' parameters)."""


def apply_address(operation: str, payload: dict[str, Any], till: str) -> bool | None:
    if operation == "upsert":
        return _upsert_address(payload, till)
    if operation == "delete":
        return _delete_address(payload, till)
    return None


# --- customers ---------------------------------------------------------------------------


def _create(payload: dict[str, Any], till: str) -> bool:
    customer_id = payload["id"]
    incoming = _versions(payload, payload["fields"], till)
    if database.execute_sql("SELECT 1 FROM customer WHERE id = ?", (customer_id,)).fetchone():
        return _merge_customer(customer_id, incoming, payload["at"], till)
    tombstone = field_clocks.deleted(CUSTOMER, customer_id)
    if tombstone is not None:  # deleted here: not brought back
        _audit_customer(customer_id, after_deletion(Version(None, *tombstone), incoming), till)
        return False
    _insert_customer(payload, till)
    field_clocks.stamp(CUSTOMER, customer_id, {n: v.clock for n, v in incoming.items()}, till)
    clock.witness([v.clock for v in incoming.values()])
    return True


def _update(payload: dict[str, Any], till: str) -> bool | None:
    customer_id = payload["id"]
    incoming = _versions(payload, payload["fields"], till)
    if not CustomerRow.select().where(CustomerRow.id == customer_id).exists():
        tombstone = field_clocks.deleted(CUSTOMER, customer_id)
        if tombstone is None:
            log.warning("customer %s: updated by %s but not on this till", customer_id, till)
            return None
        _audit_customer(customer_id, after_deletion(Version(None, *tombstone), incoming), till)
        clock.witness([v.clock for v in incoming.values()])
        return False
    return _merge_customer(customer_id, incoming, payload["at"], till)


def _merge_customer(customer_id: str, incoming: dict[str, Version], at: str, till: str) -> bool:
    before = get_customer(customer_id)
    stamps = field_clocks.held(CUSTOMER, customer_id)
    current = payload_values(before, incoming)
    held = {name: Version(current[name], *stamps.get(name, (UNSTAMPED, ""))) for name in incoming}
    result = merge(held, incoming)
    clock.witness([v.clock for v in incoming.values()])
    _audit_customer(customer_id, result, till)
    if not result.take:
        return False
    field_clocks.stamp(CUSTOMER, customer_id, {n: v.clock for n, v in result.take.items()}, till)
    changed = {n: v.value for n, v in result.take.items() if current[n] != v.value}
    if not changed:
        return False
    _write_customer(before, _as_fields(changed), at)
    return True


def _write_customer(before: Customer, changed: dict[str, Any], at: str) -> None:
    for consent in CONSENTS:
        if consent in changed:
            changed[f"{consent}_at"] = at
    after = replace(before, **changed, updated_at=max(before.updated_at, at))
    row = customer_row(after)
    try:
        CustomerRow.update({k: v for k, v in row.items() if k not in _KEPT_COLUMNS}).where(
            CustomerRow.id == before.id
        ).execute()
    except IntegrityError:
        raise SyncError(
            N_("Customer {code} from the server has the card of another customer on this till."),
            code=before.code,
        ) from None
    num = CustomerRow.select(CustomerRow.num).where(CustomerRow.id == before.id).scalar()
    reindex(num, before, after)
    if "external_codes" in changed:
        CustomerExternalCode.delete().where(CustomerExternalCode.customer == before.id).execute()
        _insert_external_codes(after)
    if "card_number" in changed:
        _follow_card(before, after, at)


def _delete(payload: dict[str, Any], till: str) -> bool:
    customer_id = payload["id"]
    deletion = _versions(payload, {DELETED: None}, till)[DELETED]
    clock.witness([deletion.clock])
    row = CustomerRow.get_or_none(CustomerRow.id == customer_id)
    if row is None:
        field_clocks.bury(CUSTOMER, [customer_id], deletion.clock, till)
        return False
    before = get_customer(customer_id)
    now = _now()
    if _has_history(customer_id):
        # As a delete on this till would: a customer with sales or points here is kept,
        # inactive, with its history. The tombstone still refuses later edits.
        field_clocks.bury(CUSTOMER, [customer_id], deletion.clock, till)
        if before.active:
            _write_customer(before, {"active": False}, payload["at"])
            audit.record_merge(
                CUSTOMER,
                customer_id,
                "deactivate",
                _actor(till),
                now,
                [("active", "yes", "no", "", deletion.clock)],
            )
        return True
    reindex(row.num, before, None)
    field_clocks.bury(ADDRESS, [a.id for a in before.addresses], deletion.clock, till)
    CustomerAddress.delete().where(CustomerAddress.customer == customer_id).execute()
    CustomerExternalCode.delete().where(CustomerExternalCode.customer == customer_id).execute()
    row.delete_instance()
    field_clocks.bury(CUSTOMER, [customer_id], deletion.clock, till)
    audit.record_merge(
        CUSTOMER, customer_id, "delete", _actor(till), now, [("code", row.code, "", "", "")]
    )
    return True


def _never_seen(payloads: list[dict[str, Any]]) -> set[int]:
    """The positions of the creations ``_create`` would insert as they are: a customer this
    till does not hold, has not buried, under a code no customer here has, and not created
    earlier in ``payloads`` (that one merges)."""
    ids = [payload["id"] for payload in payloads]
    marks = ", ".join("?" * len(ids))
    known = {
        row[0]
        for row in database.execute_sql(f"SELECT id FROM customer WHERE id IN ({marks})", ids)
    }
    known.update(
        row[0]
        for row in database.execute_sql(
            f"SELECT entity_id FROM field_clock WHERE entity = ? AND field = ?"
            f" AND entity_id IN ({marks})",
            [CUSTOMER, DELETED, *ids],
        )
    )
    codes = [payload["code"] for payload in payloads]
    taken = {
        row[0]
        for row in database.execute_sql(
            f"SELECT code FROM customer WHERE code IN ({', '.join('?' * len(codes))})", codes
        )
    }
    fresh = set()
    for index, payload in enumerate(payloads):
        if payload["id"] not in known and payload["code"] not in taken:
            fresh.add(index)
        known.add(payload["id"])
    return fresh


def _insert_new(run: list[tuple[dict[str, Any], str]]) -> list[bool | None]:
    """Insert customers ``_never_seen`` says are new, as ``_create`` would, all at once. A
    clash no query foresaw (two of them with one code or card) undoes the lot, and ``_create``
    then applies them one by one, to fail on the same customer with the same message."""
    if not run:
        return []
    try:
        with database.atomic():  # a savepoint
            clocks = _insert_all(run)
    except (IntegrityError, sqlite3.IntegrityError):
        return [_create(payload, till) for payload, till in run]
    clock.witness([stamp for held in clocks for stamp in held.values()])
    return [True] * len(run)


def _insert_all(run: list[tuple[dict[str, Any], str]]) -> list[dict[str, str]]:
    customers = [_new_customer(payload) for payload, _ in run]
    rows = [
        _row_values({**customer_row(customer), "origin_till": till})
        for customer, (_, till) in zip(customers, run, strict=True)
    ]
    cursor = database.cursor()
    for names, same in groupby(rows, key=lambda row: row[0]):  # in order: the same nums
        cursor.executemany(_insert_statement(names), [values for _, values in same])
    cursor.executemany(
        "INSERT INTO customer_fts (rowid, body)"
        " VALUES ((SELECT num FROM customer WHERE id = ?), ?)",
        [(customer.id, search_text(customer)) for customer in customers],
    )
    codes = [
        {"customer": customer.id, "system": system, "code": code}
        for customer in customers
        for system, code in customer.external_codes.items()
    ]
    if codes:
        CustomerExternalCode.insert_many(codes).on_conflict_ignore().execute()
    cards = [
        {
            "number": customer.card_number,
            "customer": customer.id,
            "status": "active",
            "issued_at": customer.created_at,
            "blocked_at": "",
        }
        for customer in customers
        if customer.card_number
    ]
    if cards:
        LoyaltyCard.insert_many(cards).on_conflict_ignore().execute()
    clocks = [_field_clocks(payload, till) for payload, till in run]
    field_clocks.stamp_many(
        CUSTOMER,
        [(payload["id"], held, till) for (payload, till), held in zip(run, clocks, strict=True)],
    )
    return clocks


def _field_clocks(payload: dict[str, Any], till: str) -> dict[str, str]:
    """``{name: version.clock}`` of ``_versions(payload, payload["fields"], till)``."""
    clocks = payload.get("clocks")
    if clocks is None:
        return {n: v.clock for n, v in _versions(payload, payload["fields"], till).items()}
    return {name: clocks[name] for name in payload["fields"]}


def _new_customer(payload: dict[str, Any]) -> Customer:
    """The customer a creation's payload describes."""
    values = _as_fields(
        {k: v for k, v in payload["fields"].items() if k not in ("external_codes",)}
    )
    at = payload["at"]
    for consent in CONSENTS:
        if values.get(consent):
            values[f"{consent}_at"] = at
    return Customer(
        id=payload["id"],
        code=payload["code"],
        created_at=at,
        updated_at=at,
        external_codes=dict(payload["fields"].get("external_codes", {})),
        **values,
    )


def _insert_customer(payload: dict[str, Any], till: str) -> None:
    customer = _new_customer(payload)
    at = customer.created_at
    # Not get_or_none: building and reading the ~60-column row was half a pulled customer's cost.
    clash = database.execute_sql("SELECT 1 FROM customer WHERE code = ?", (customer.code,))
    if clash.fetchone() is not None:
        raise SyncError(
            N_(
                "Customer {code} from the server has the code of another customer on this "
                "till: two tills share a till number."
            ),
            code=customer.code,
        )
    try:
        num = _insert_row({**customer_row(customer), "origin_till": till})
    except IntegrityError:
        raise SyncError(
            N_("Customer {code} from the server has the card of another customer on this till."),
            code=customer.code,
        ) from None
    reindex(num, None, customer)
    _insert_external_codes(customer)
    if customer.card_number:
        _follow_card(replace(customer, card_number=""), customer, at)


def _insert_row(values: dict[str, Any]) -> int:
    """``CustomerRow.insert(values)`` (model defaults included), its ``num``; written out
    because Peewee builds the ~60-column statement anew for each row: a quarter of a pulled
    customer's cost (bench/sync_initial.py)."""
    names, values_in_order = _row_values(values)
    return int(database.execute_sql(_insert_statement(names), values_in_order).lastrowid)


def _row_values(values: dict[str, Any]) -> tuple[tuple[str, ...], list[Any]]:
    """The columns ``CustomerRow.insert(values)`` fills (model defaults included), and their
    values as the database takes them."""
    given = tuple(values)
    names, defaults, conversions = _row_plan(given)
    row = [*(default() if callable(default) else default for default in defaults)]
    row += map(values.__getitem__, given)
    return names, [
        value if text and value.__class__ is str else to_db(value)
        for value, (text, to_db) in zip(row, conversions, strict=True)
    ]


_DEFAULTS = tuple(
    (field.name, field.default)
    for field in CustomerRow._meta.sorted_fields
    if field.default is not None
)


@cache
def _row_plan(
    given: tuple[str, ...],
) -> tuple[tuple[str, ...], tuple[Any, ...], tuple[tuple[bool, Callable[[Any], Any]], ...]]:
    """For rows with the columns ``given``: every column filled (the model's defaults for
    those not given, first), those defaults, and each column's conversion with whether it
    is text (``db_value`` gives a ``str`` back as it is: the call is skipped for most)."""
    missing = tuple((name, default) for name, default in _DEFAULTS if name not in given)
    names = (*(name for name, _ in missing), *given)
    fields = CustomerRow._meta.fields
    conversions = tuple((type(fields[n]) is TextField, fields[n].db_value) for n in names)
    return names, tuple(default for _, default in missing), conversions


@cache
def _insert_statement(names: tuple[str, ...]) -> str:
    columns = ", ".join(f'"{CustomerRow._meta.fields[name].column_name}"' for name in names)
    return f'INSERT INTO "customer" ({columns}) VALUES ({", ".join("?" * len(names))})'


# --- addresses ---------------------------------------------------------------------------


def _upsert_address(payload: dict[str, Any], till: str) -> bool | None:
    address_id, customer_id = payload["id"], payload["customer_id"]
    incoming = _versions(payload, {n: payload[n] for n in ADDRESS_FIELDS}, till)
    clock.witness([v.clock for v in incoming.values()])
    tombstone = field_clocks.deleted(ADDRESS, address_id) or field_clocks.deleted(
        CUSTOMER, customer_id
    )
    if tombstone is not None:
        _audit_address(
            customer_id, payload["kind"], after_deletion(Version(None, *tombstone), incoming), till
        )
        return False
    if not CustomerRow.select().where(CustomerRow.id == customer_id).exists():
        log.warning("address %s: its customer %s is not on this till", address_id, customer_id)
        return None
    row = CustomerAddress.get_or_none(CustomerAddress.id == address_id)
    if row is None:
        CustomerAddress.insert(
            id=address_id,
            customer=customer_id,
            origin_till=till,
            **{n: v.value for n, v in incoming.items()},
        ).execute()
        field_clocks.stamp(ADDRESS, address_id, {n: v.clock for n, v in incoming.items()}, till)
        return True
    if row.customer.id != customer_id:
        log.warning("address %s: moved to customer %s, refused", address_id, customer_id)
        return None
    stamps = field_clocks.held(ADDRESS, address_id)
    held = {n: Version(getattr(row, n), *stamps.get(n, (UNSTAMPED, ""))) for n in ADDRESS_FIELDS}
    result = merge(held, incoming)
    _audit_address(customer_id, row.kind, result, till)
    if not result.take:
        return False
    field_clocks.stamp(ADDRESS, address_id, {n: v.clock for n, v in result.take.items()}, till)
    changed = {n: v.value for n, v in result.take.items() if getattr(row, n) != v.value}
    if changed:
        CustomerAddress.update(changed).where(CustomerAddress.id == address_id).execute()
    return bool(changed)


def _delete_address(payload: dict[str, Any], till: str) -> bool | None:
    address_id = payload.get("id")
    if address_id is None:  # written before deletions named their address
        return None
    deletion = _versions(payload, {DELETED: None}, till)[DELETED]
    clock.witness([deletion.clock])
    field_clocks.bury(ADDRESS, [address_id], deletion.clock, till)
    row = CustomerAddress.get_or_none(CustomerAddress.id == address_id)
    if row is None:
        return False
    row.delete_instance()
    audit.record_merge(
        CUSTOMER,
        payload["customer_id"],
        "update",
        _actor(till),
        _now(),
        [(f"address {row.kind}", _address_text(row), "", "", deletion.clock)],
    )
    return True


# --- helpers -----------------------------------------------------------------------------


def _versions(payload: dict[str, Any], values: dict[str, Any], till: str) -> dict[str, Version]:
    return versions_of(values, payload.get("clocks"), payload["at"], till)


def _as_fields(values: dict[str, Any]) -> dict[str, Any]:
    """Payload values (JSON) as the Customer record holds them."""
    converted = dict(values)
    if "kind" in converted:
        converted["kind"] = CustomerKind(converted["kind"])
    if "targeting" in converted:
        converted["targeting"] = tuple(converted["targeting"])
    return converted


def _audit_customer(customer_id: str, result: Merge, till: str) -> None:
    _audit_losses(customer_id, result, till, "")


def _audit_address(customer_id: str, kind: str, result: Merge, till: str) -> None:
    _audit_losses(customer_id, result, till, f"address {kind}: ")


def _audit_losses(customer_id: str, result: Merge, till: str, label: str) -> None:
    """Each value the merge replaced or refused, with both clocks, under the customer."""
    audit.record_merge(
        CUSTOMER,
        customer_id,
        "merge",
        _actor(till),
        _now(),
        [
            (
                f"{label}{loss.field}",
                shown(loss.loser.value),
                shown(loss.winner.value),
                loss.loser.clock,
                loss.winner.clock,
            )
            for loss in result.losses
        ],
    )


def _insert_external_codes(customer: Customer) -> None:
    if customer.external_codes:
        CustomerExternalCode.insert_many(
            [
                {"customer": customer.id, "system": system, "code": code}
                for system, code in customer.external_codes.items()
            ]
        ).on_conflict_ignore().execute()


def _follow_card(before: Customer, after: Customer, at: str) -> None:
    """The customer's card changed on another till: the new card scans here, the old one is
    blocked as the issuing till blocked it."""
    if before.card_number:
        LoyaltyCard.update(status="blocked", blocked_at=at).where(
            (LoyaltyCard.number == before.card_number) & (LoyaltyCard.status == "active")
        ).execute()
    if after.card_number:
        LoyaltyCard.insert(
            number=after.card_number,
            customer=after.id,
            status="active",
            issued_at=at,
            blocked_at="",
        ).on_conflict_ignore().execute()


def _has_history(customer_id: str) -> bool:
    if Sale.select().where(Sale.customer_id == customer_id).exists():
        return True
    return bool(
        database.execute_sql(
            "SELECT EXISTS (SELECT 1 FROM loyalty_card WHERE customer_id = ?)"
            " OR EXISTS (SELECT 1 FROM loyalty_entry WHERE customer_id = ?)"
            " OR EXISTS (SELECT 1 FROM account_entry WHERE customer_id = ?)"
            " OR EXISTS (SELECT 1 FROM remote_sale WHERE customer_id = ?)",
            (customer_id, customer_id, customer_id, customer_id),
        ).fetchone()[0]
    )


def _address_text(row: CustomerAddress) -> str:
    parts = (row.line1, row.line2, row.line3, row.postcode, row.city, row.country)
    return ", ".join(part for part in parts if part)


def _actor(till: str) -> str:
    return f"till {till}" if till else "another till"


def _now() -> str:
    return datetime.now(UTC).isoformat()
