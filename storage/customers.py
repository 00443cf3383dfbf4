"""The customer file: create, edit, deactivate, delete. Each operation is one transaction that
also writes the audit log, the outbox and the search keys."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime
from enum import StrEnum
from operator import attrgetter
from typing import Any

from peewee import IntegrityError

from storage import audit, clock, field_clocks, outbox, remote_sales
from storage.customer_keys import search_columns, search_text
from storage.customer_pointer import survivor_id
from storage.ids import new_id, new_ids
from storage.json_text import dumps_with
from storage.models import (
    Customer as CustomerRow,
)
from storage.models import (
    CustomerAddress,
    CustomerExternalCode,
    CustomerList,
    Sale,
    database,
)
from storage.rows import tuples
from storage.sequences import take_values
from till.core.customer import (
    BOOLEAN_FIELDS,
    CONSENTS,
    SAY_WHICH_ADDRESS,
    Address,
    Customer,
    CustomerKind,
    FieldErrors,
    customer_code,
    not_listed,
    shown,
    validate_changes,
)
from till.core.customer_business import vat_from_registration
from till.core.merge import DELETED
from till.core.words import N_
from till.errors import Reason, TillError

LISTED_FIELDS = ("status", "family", "segment", "price_code", "tax_zone")
_ROW_FIELDS = {f.name for f in fields(Customer)} - {"addresses", "external_codes"}
_ROW_NAMES = tuple(_ROW_FIELDS)
_row_values = attrgetter(*_ROW_NAMES)
"""A customer's values for the customer table's columns, in the order of ``_ROW_NAMES``."""


class CustomerNotFound(TillError):
    """No customer has that id, code or card."""


class DeleteOutcome(StrEnum):
    DELETED = "deleted"
    DEACTIVATED = "deactivated"


def _now(now: datetime | None) -> str:
    return (now or datetime.now(UTC)).isoformat()


def create_customer(
    changes: dict[str, Any],
    *,
    actor: str,
    till_no: int,
    region: str,
    now: datetime | None = None,
    vat_from_siret: bool = False,
) -> Customer:
    """Add a customer; only the last name is required. The code is generated here. With
    ``vat_from_siret``, a SIRET or SIREN without a VAT number gives the French one."""
    clean = validate_changes({"last_name": "", **changes}, region=region)
    clean = vat_from_registration(clean, "", enabled=vat_from_siret)
    _check_lists(clean)
    with database.atomic():
        customer = insert_customer(clean, actor=actor, till_no=till_no, at=_now(now))
    return get_customer(customer.id)


def insert_customer(
    clean: dict[str, Any],
    *,
    actor: str,
    till_no: int,
    at: str,
    consents_at: dict[str, str] | None = None,
) -> Customer:
    """Write a new customer from fields already checked (``validate_changes``, the lists);
    call inside the transaction. See ``insert_customers``."""
    new = NewCustomer(clean, at, consents_at or {})
    return insert_customers([new], actor=actor, till_no=till_no)[0]


@dataclass(frozen=True)
class NewCustomer:
    """A customer to add: its checked fields, when, and when each consent was given (an
    import keeps the date the old system recorded; by default ``at``)."""

    clean: dict[str, Any]
    at: str
    consents_at: dict[str, str] = field(default_factory=dict)


_INSERT_FTS = "INSERT INTO customer_fts (rowid, body) VALUES (?, ?)"
_INSERT_CODE = "INSERT INTO customer_external_code (customer_id, system, code) VALUES (?, ?, ?)"


def insert_customers(news: list[NewCustomer], *, actor: str, till_no: int) -> list[Customer]:
    """Write new customers with their codes, search keys and words, external codes, field
    clocks, audit and outbox rows: the one writer of a new customer, for the form (one) and
    an import (a thousand at a time, a statement per table rather than per row). Call inside
    the transaction. FieldErrors if an external code belongs to another customer."""
    cursor = database.cursor()
    first = take_values(f"customer:{till_no}", len(news))
    stamps = clock.stamps(len(news))
    field_stamps: list[tuple[str, dict[str, str], str]] = []
    made: list[Customer] = []
    audit_rows: list[tuple[str, str, str, str, str, str, str, str]] = []
    fts: list[tuple[int, str]] = []
    codes: list[tuple[str, str, str]] = []
    insert = ""
    ids = new_ids(len(news))
    for offset, new in enumerate(news):
        clean = dict(new.clean)
        external_codes = clean.pop("external_codes", {})
        check_external_codes("", external_codes)
        consent_dates: dict[str, Any] = {
            f"{c}_at": new.consents_at.get(c, new.at) for c in CONSENTS if clean.get(c)
        }
        customer = Customer(
            id=ids[offset],
            code=customer_code(till_no, first + offset),
            created_at=new.at,
            updated_at=new.at,
            **clean,
            **consent_dates,
            external_codes=external_codes,
        )
        row = customer_row(customer)
        if not insert:
            names = ", ".join(f'"{name}"' for name in row)
            insert = f"INSERT INTO customer ({names}) VALUES ({', '.join('?' * len(row))})"
        cursor.execute(insert, tuple(row.values()))
        fts.append((cursor.lastrowid, search_text(customer)))
        codes.extend((customer.id, system, code) for system, code in external_codes.items())
        filled = {**clean, "external_codes": external_codes}
        values = _payload(filled)
        clocks = dict.fromkeys(values, stamps[offset])
        field_stamps.append((customer.id, clocks, ""))
        audit_rows.extend(
            ("customer", customer.id, "create", actor, new.at, name, "", shown(value))
            for name, value in filled.items()
            if value
        )
        outbox.append(
            "customer",
            customer.id,
            "create",
            {
                "id": customer.id,
                "code": customer.code,
                "at": new.at,
                "fields": values,
                "clocks": clocks,
            },
            new.at,
            cursor=cursor,
        )
        made.append(customer)
    field_clocks.stamp_many("customer", field_stamps)
    cursor.executemany(_INSERT_FTS, fts)
    try:
        cursor.executemany(_INSERT_CODE, codes)
    except sqlite3.IntegrityError:
        same = Reason(N_("two new customers have the same code."))
        raise FieldErrors({"external_codes": same}) from None
    audit.record_many(audit_rows)
    return made


def update_customer(
    customer_id: str,
    changes: dict[str, Any],
    *,
    actor: str,
    region: str,
    now: datetime | None = None,
    vat_from_siret: bool = False,
) -> Customer:
    """Change some fields; unchanged values are ignored, each change is audited. With
    ``vat_from_siret``, a new SIRET or SIREN on a customer left without a VAT number gives
    the French one."""
    clean = validate_changes(changes, region=region)
    _check_lists(clean)
    at = _now(now)
    with database.atomic():
        row = _editable_row(customer_id)
        before = _to_customer(row)
        if clean.get("registration_number", before.registration_number) != (
            before.registration_number
        ):
            clean = vat_from_registration(clean, before.vat_number, enabled=vat_from_siret)
        changed = {name: value for name, value in clean.items() if getattr(before, name) != value}
        if not changed:
            return before
        for consent in CONSENTS:
            if consent in changed:
                changed[f"{consent}_at"] = at
        after = replace(before, **changed, updated_at=at)
        external_codes = changed.pop("external_codes", None)
        if external_codes is not None:
            CustomerExternalCode.delete().where(
                CustomerExternalCode.customer == customer_id
            ).execute()
            _set_external_codes(customer_id, external_codes)
        storable = customer_row(after)
        CustomerRow.update(
            {k: storable[k] for k in (*changed, *search_columns(after), "updated_at")}
        ).where(CustomerRow.id == customer_id).execute()
        reindex(row.num, before, after)
        diffs = [
            (name, shown(getattr(before, name)), shown(getattr(after, name)))
            for name in clean
            if getattr(before, name) != getattr(after, name)
        ]
        audit.record("customer", customer_id, "update", actor, at, diffs)
        _outbox_update(customer_id, at, {n: getattr(after, n) for n, _, _ in diffs})
    return after


def set_active(
    customer_id: str, active: bool, *, actor: str, now: datetime | None = None
) -> Customer:
    """Deactivate (history kept, hidden from default search) or reactivate a customer."""
    at = _now(now)
    with database.atomic():
        before = _to_customer(_row(customer_id))
        if before.active == active:
            return before
        CustomerRow.update(active=active, updated_at=at).where(
            CustomerRow.id == customer_id
        ).execute()
        action = "reactivate" if active else "deactivate"
        audit.record(
            "customer",
            customer_id,
            action,
            actor,
            at,
            [("active", shown(not active), shown(active))],
        )
        _outbox_update(customer_id, at, {"active": active})
    return replace(before, active=active, updated_at=at)


def delete_customer(
    customer_id: str, *, actor: str, now: datetime | None = None
) -> tuple[DeleteOutcome, str]:
    """Delete a customer with no sales; one with sales is deactivated instead, and told why."""
    with database.atomic():
        row = _row(customer_id)
        sale_count = Sale.select().where(Sale.customer_id == customer_id).count()
        sale_count += remote_sales.sale_count(customer_id)  # made on other tills
        has_loyalty = database.execute_sql(
            "SELECT EXISTS (SELECT 1 FROM loyalty_card WHERE customer_id = ?)"
            " OR EXISTS (SELECT 1 FROM loyalty_entry WHERE customer_id = ?)",
            (customer_id, customer_id),
        ).fetchone()[0]
        if has_loyalty and not sale_count:
            set_active(customer_id, False, actor=actor, now=now)
            return DeleteOutcome.DEACTIVATED, (
                f"{row.code} has a loyalty card or points history, so it cannot be deleted: "
                "it is now inactive and its history is kept."
            )
        if sale_count:
            set_active(customer_id, False, actor=actor, now=now)
            plural = "sale" if sale_count == 1 else "sales"
            return DeleteOutcome.DEACTIVATED, (
                f"{row.code} has {sale_count} {plural}, so it cannot be deleted: "
                "it is now inactive and its history is kept."
            )
        at = _now(now)
        before = _to_customer(row)
        reindex(row.num, before, None)
        CustomerAddress.delete().where(CustomerAddress.customer == customer_id).execute()
        CustomerExternalCode.delete().where(CustomerExternalCode.customer == customer_id).execute()
        try:
            row.delete_instance()
        except IntegrityError:
            raise TillError(
                N_("{code} is still referred to elsewhere and cannot be deleted; deactivate it."),
                code=row.code,
            ) from None
        audit.record("customer", customer_id, "delete", actor, at, [("code", row.code, "")])
        deletion = clock.stamp()
        field_clocks.bury("customer", [customer_id], deletion)
        field_clocks.bury("customer_address", [a.id for a in before.addresses], deletion)
        outbox.append(
            "customer",
            customer_id,
            "delete",
            {"id": customer_id, "at": at, "clocks": {DELETED: deletion}},
            at,
        )
    return DeleteOutcome.DELETED, f"{row.code} is deleted."


def set_card_number(customer_id: str, number: str, *, actor: str, at: str) -> None:
    """Record the customer's current loyalty card; call inside the card operation."""
    row = _row(customer_id)
    before = _to_customer(row)
    after = replace(before, card_number=number, updated_at=at)
    CustomerRow.update(card_number=number, updated_at=at).where(
        CustomerRow.id == customer_id
    ).execute()
    reindex(row.num, before, after)
    audit.record(
        "customer", customer_id, "card", actor, at, [("card_number", before.card_number, number)]
    )
    _outbox_update(customer_id, at, {"card_number": number})


def save_address(
    customer_id: str, address: Address, *, actor: str, now: datetime | None = None
) -> Address:
    """Add an extra address (no id) or change one (its id)."""
    if not address.kind.strip():
        raise FieldErrors({"kind": Reason(SAY_WHICH_ADDRESS)})
    at = _now(now)
    with database.atomic():
        _editable_row(customer_id)
        values = {f.name: getattr(address, f.name) for f in fields(Address) if f.name != "id"}
        if address.id:
            old = CustomerAddress.get_or_none(
                (CustomerAddress.id == address.id) & (CustomerAddress.customer == customer_id)
            )
            if old is None:
                raise CustomerNotFound(N_("That address is not on this customer's file."))
            before = _format_address(_to_address(old))
            CustomerAddress.update(values).where(CustomerAddress.id == address.id).execute()
            saved = address
            old_values = {name: getattr(old, name) for name in values}
        else:
            saved = replace(address, id=new_id())
            before = ""
            CustomerAddress.insert(id=saved.id, customer=customer_id, **values).execute()
            old_values = {}
        clocks = _address_clocks(saved.id, old_values, values)
        audit.record(
            "customer",
            customer_id,
            "update",
            actor,
            at,
            [(f"address {saved.kind}", before, _format_address(saved))],
        )
        outbox.append(
            "customer_address",
            saved.id,
            "upsert",
            {"customer_id": customer_id, "at": at, **values, "id": saved.id, "clocks": clocks},
            at,
        )
    return saved


def remove_address(
    customer_id: str, address_id: str, *, actor: str, now: datetime | None = None
) -> None:
    at = _now(now)
    with database.atomic():
        old = CustomerAddress.get_or_none(
            (CustomerAddress.id == address_id) & (CustomerAddress.customer == customer_id)
        )
        if old is None:
            raise CustomerNotFound(N_("That address is not on this customer's file."))
        old.delete_instance()
        deletion = clock.stamp()
        field_clocks.bury("customer_address", [address_id], deletion)
        audit.record(
            "customer",
            customer_id,
            "update",
            actor,
            at,
            [(f"address {old.kind}", _format_address(_to_address(old)), "")],
        )
        outbox.append(
            "customer_address",
            address_id,
            "delete",
            {"id": address_id, "customer_id": customer_id, "at": at, "clocks": {DELETED: deletion}},
            at,
        )


def get_customer(customer_id: str) -> Customer:
    return _to_customer(_row(customer_id))


def get_customers(customer_ids: list[str]) -> dict[str, Customer]:
    """The customers with these ids (those that exist), by id: three queries for them all
    (an import compares a thousand rows at a time with what is stored)."""
    if not customer_ids:
        return {}
    marks = ",".join("?" * len(customer_ids))
    names = sorted(_ROW_FIELDS)
    rows = database.execute_sql(  # plain tuples: a model per row costs more than the query
        f"SELECT {', '.join(names)} FROM customer WHERE id IN ({marks})", customer_ids
    ).fetchall()
    addresses: dict[str, list[Address]] = {}
    held = database.execute_sql(
        "SELECT customer_id, kind, line1, line2, line3, postcode, city, country, id"
        f" FROM customer_address WHERE customer_id IN ({marks}) ORDER BY kind",
        customer_ids,
    )
    for customer_id, *values in held:
        addresses.setdefault(customer_id, []).append(Address(*values))
    codes: dict[str, dict[str, str]] = {}
    systems = database.execute_sql(
        "SELECT customer_id, system, code FROM customer_external_code"
        f" WHERE customer_id IN ({marks})",
        customer_ids,
    )
    for customer_id, system, code in systems:
        codes.setdefault(customer_id, {})[system] = code
    found = {}
    for row in rows:
        values = dict(zip(names, row, strict=True))
        for name in BOOLEAN_FIELDS & _ROW_FIELDS:
            values[name] = bool(values[name])
        values["kind"] = CustomerKind(values["kind"])
        values["targeting"] = tuple(json.loads(values["targeting"]))
        values["extra"] = json.loads(values["extra"])
        values["card_number"] = values["card_number"] or ""
        customer_id = values["id"]
        found[customer_id] = Customer(
            **values,
            addresses=tuple(addresses.get(customer_id, ())),
            external_codes=codes.get(customer_id, {}),
        )
    return found


def find_by_code(code: str) -> Customer | None:
    """The customer with ``code``; for a customer merged away, the one it was merged into."""
    row = CustomerRow.get_or_none(CustomerRow.code == code.strip().upper())
    return _to_customer(_followed(row)) if row else None


def find_by_card(card_number: str) -> Customer | None:
    """The customer holding the card; a merged-away customer's card finds the survivor."""
    row = CustomerRow.get_or_none(CustomerRow.card_number == card_number.strip())
    return _to_customer(_followed(row)) if row else None


def _followed(row: CustomerRow) -> CustomerRow:
    if not row.merged_into:
        return row
    return CustomerRow.get_or_none(CustomerRow.id == survivor_id(row.id)) or row


def find_by_contact(email: str, mobile: str) -> Customer | None:
    """A customer (active or not) who already has this e-mail or mobile, both as stored."""
    from till.core.text import digits, fold_email

    same = [CustomerRow.email_key == fold_email(email)] if email else []
    if mobile:
        same.append(CustomerRow.phone_key == digits(mobile))
    if not same:
        return None
    matches = CustomerRow.select().where(same[0] if len(same) == 1 else same[0] | same[1])
    row = matches.order_by(CustomerRow.code).first()
    return _to_customer(_followed(row)) if row else None


def list_values(list_name: str) -> list[str]:
    query = (
        CustomerList.select(CustomerList.value)
        .where(CustomerList.list_name == list_name)
        .order_by(CustomerList.position, CustomerList.value)
    )
    return [value for (value,) in tuples(query)]


def customer_count() -> int:
    return CustomerRow.select().count()


# --- rows <-> records -------------------------------------------------------------------


def _row(customer_id: str) -> CustomerRow:
    row = CustomerRow.get_or_none(CustomerRow.id == customer_id)
    if row is None:
        raise CustomerNotFound(N_("No such customer: it may have been deleted."))
    return row


def _editable_row(customer_id: str) -> CustomerRow:
    """The row of a customer whose fields may change: not one whose personal data was erased
    (GDPR, storage/customer_privacy.py), which no till or server would take back."""
    row = _row(customer_id)
    if row.anonymised_at:
        raise TillError(
            N_(
                "{code}'s personal data was erased on request: it cannot be filled in again. "
                "Add the person as a new customer if they ask to be one."
            ),
            code=row.code,
        )
    return row


def _to_customer(
    row: CustomerRow,
    addresses: tuple[Address, ...] | None = None,
    external_codes: dict[str, str] | None = None,
) -> Customer:
    """The record of a row; its addresses and external codes are read unless given."""
    values = {name: getattr(row, name) for name in _ROW_FIELDS}
    values["kind"] = CustomerKind(row.kind)
    values["targeting"] = tuple(json.loads(row.targeting))
    values["extra"] = json.loads(row.extra)
    values["card_number"] = row.card_number or ""
    if addresses is None:
        query = CustomerAddress.select().where(CustomerAddress.customer == row.id)
        addresses = tuple(_to_address(a) for a in query.order_by(CustomerAddress.kind))
    if external_codes is None:
        codes = CustomerExternalCode.select().where(CustomerExternalCode.customer == row.id)
        external_codes = {c.system: c.code for c in codes}
    return Customer(**values, addresses=addresses, external_codes=external_codes)


def _to_address(row: CustomerAddress) -> Address:
    return Address(
        kind=row.kind,
        line1=row.line1,
        line2=row.line2,
        line3=row.line3,
        postcode=row.postcode,
        city=row.city,
        country=row.country,
        id=row.id,
    )


def _format_address(address: Address) -> str:
    parts = (
        address.line1,
        address.line2,
        address.line3,
        address.postcode,
        address.city,
        address.country,
    )
    return ", ".join(part for part in parts if part)


_AS_WRITTEN = dumps_with(ensure_ascii=False)
_SORTED = dumps_with(ensure_ascii=False, sort_keys=True)
"""``json.dumps`` with these settings (an import writes a thousand rows a chunk)."""


def customer_row(customer: Customer) -> dict[str, Any]:
    """The customer table's columns for a record, search keys included."""
    values = dict(zip(_ROW_NAMES, _row_values(customer), strict=True))
    values["kind"] = str(customer.kind)
    values["targeting"] = _AS_WRITTEN(list(customer.targeting))
    values["extra"] = _SORTED(customer.extra)
    values["card_number"] = customer.card_number or None
    values.update(search_columns(customer))
    return values


def _payload(values: dict[str, Any]) -> dict[str, Any]:
    return {
        name: (
            list(value)
            if isinstance(value, tuple)
            else str(value)
            if isinstance(value, StrEnum)
            else value
        )
        for name, value in values.items()
    }


def reindex(num: int, before: Customer | None, after: Customer | None) -> None:
    """Keep the contentless FTS index in step: remove the old words, add the new."""
    if before is not None:
        database.execute_sql(
            "INSERT INTO customer_fts (customer_fts, rowid, body) VALUES ('delete', ?, ?)",
            (num, search_text(before)),
        )
    if after is not None:
        database.execute_sql(
            "INSERT INTO customer_fts (rowid, body) VALUES (?, ?)", (num, search_text(after))
        )


def check_external_codes(customer_id: str, codes: dict[str, str]) -> None:
    """FieldErrors if one of ``codes`` belongs to another customer than ``customer_id``."""
    for system, code in codes.items():
        owner = database.execute_sql(
            "SELECT customer_id FROM customer_external_code WHERE system = ? AND code = ?",
            (system, code),
        ).fetchone()
        if owner is not None and owner[0] != customer_id:
            taken = N_("{system} code {code} belongs to another customer.")
            raise FieldErrors({"external_codes": Reason(taken, system=system, code=code)})


def _set_external_codes(customer_id: str, codes: dict[str, str]) -> None:
    check_external_codes(customer_id, codes)
    if codes:
        CustomerExternalCode.insert_many(
            [{"customer": customer_id, "system": s, "code": c} for s, c in codes.items()]
        ).execute()


def _check_lists(clean: dict[str, Any]) -> None:
    errors = {}
    for name in LISTED_FIELDS:
        value = clean.get(name)
        if value:
            allowed = list_values(name)
            if allowed and value not in allowed:
                errors[name] = not_listed(value, allowed)
    if errors:
        raise FieldErrors(errors)


def _outbox_update(customer_id: str, at: str, fields: dict[str, Any]) -> None:
    """Queue changed fields of a customer for the back office, each stamped with a fresh
    clock (inside the change's transaction)."""
    values = _payload(fields)
    clocks = dict.fromkeys(values, clock.stamp())
    field_clocks.stamp("customer", customer_id, clocks)
    outbox.append(
        "customer",
        customer_id,
        "update",
        {"id": customer_id, "at": at, "fields": values, "clocks": clocks},
        at,
    )


def _address_clocks(
    address_id: str, old_values: dict[str, Any], values: dict[str, Any]
) -> dict[str, str]:
    """Each address field's clock: a fresh one for a field that changed (or was never
    stamped), the one it holds for the others. The payload carries them all."""
    held = field_clocks.held("customer_address", address_id)
    fresh = clock.stamp()
    clocks = {
        name: held[name][0] if name in held and old_values.get(name) == value else fresh
        for name, value in values.items()
    }
    field_clocks.stamp("customer_address", address_id, clocks)
    return clocks


def payload_values(customer: Customer, names: Any) -> dict[str, Any]:
    """Fields of ``customer`` as a change's payload carries them (JSON values)."""
    return _payload({name: getattr(customer, name) for name in names})
