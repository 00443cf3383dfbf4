"""Customers from other tills, applied on this one."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from storage.customer_keys import search_text
from storage.customers import customer_row
from storage.models import Customer as CustomerRow
from storage.models import CustomerExternalCode, database
from till.core.customer import CONSENTS, Customer, CustomerKind
from till.errors import SyncError

_CUSTOMER_FIELDS = {f.name for f in fields(Customer)} - {
    "id",
    "code",
    "addresses",
    "external_codes",
    "created_at",
    "updated_at",
}


def apply_customer(
    entity: str, operation: str, payload: dict[str, Any], cursor: Any
) -> bool | None:
    """True: inserted; False: this till had it; None: not applied by this version."""
    if operation == "create":
        return _insert_customer(payload)
    return None


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
