"""The web service's documents as typed models: FastAPI reads them and the OpenAPI document
is written from them. The customer's fields, their types, labels and length limits come from
the till's own list (till/core/customer.py), never from a copy; the rules behind them run in
``validate_changes`` (sync/server/web_customers.py)."""

from __future__ import annotations

from dataclasses import fields
from typing import Any, get_type_hints

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictStr, create_model

from till.core.customer import EDITABLE, LABELS, Customer, CustomerKind, text_limit

_TYPES: dict[Any, Any] = {
    str: StrictStr,
    bool: StrictBool,
    CustomerKind: StrictStr,
    tuple[str, ...]: list[StrictStr],
    dict[str, str]: dict[StrictStr, StrictStr],
}


def _field(name: str) -> tuple[Any, Any]:
    hint = get_type_hints(Customer)[name]
    extra: dict[str, Any] = {}
    if hint is str:
        extra["maxLength"] = text_limit(name)
    if hint is CustomerKind:
        extra["enum"] = [str(kind) for kind in CustomerKind]
    return _TYPES[hint], Field(
        default=None, description=LABELS.get(name, name), json_schema_extra=extra or None
    )


CREATE_EXAMPLE: dict[str, Any] = {
    "last_name": "Martin",
    "first_name": "Zoé",
    "email": "zoe.martin@example.com",
    "mobile": "06 12 34 56 78",
    "consent_email": True,
    "external_codes": {"webshop": "WS-1001"},
}
UPDATE_EXAMPLE: dict[str, Any] = {"city": "Lyon", "postcode": "69002", "consent_sms": True}

CustomerFields = create_model(  # type: ignore[call-overload]
    "CustomerFields",
    __config__=ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [CREATE_EXAMPLE, UPDATE_EXAMPLE]},
    ),
    __doc__=(
        "Customer fields as the till's form takes them: only those given are set. Text is "
        "cleaned and checked as the till checks it (phone numbers to E.164, e-mail addresses, "
        "dates as 31/12/1980 or 1980-12-31, VAT and SIRET numbers, length limits)."
    ),
    **{name: _field(name) for name in EDITABLE},
)

_OUTPUT_TYPES: dict[Any, Any] = {
    str: str,
    bool: bool,
    CustomerKind: str,
    tuple[str, ...]: list[str],
    dict[str, str]: dict[str, str],
}
_OUTPUT_FIELDS = [f.name for f in fields(Customer) if f.name != "addresses"]

CUSTOMER_EXAMPLE: dict[str, Any] = {
    "id": "0193a2b4-5c6d-7e8f-9a0b-1c2d3e4f5a6b",
    "code": "S-0000042",
    "kind": "individual",
    "last_name": "Martin",
    "first_name": "Zoé",
    "email": "zoe.martin@example.com",
    "mobile": "+33612345678",
    "consent_email": True,
    "external_codes": {"webshop": "WS-1001"},
    "active": True,
    "card_number": "",
    "created_at": "2026-12-01T10:00:00+00:00",
    "updated_at": "2026-12-01T10:00:00+00:00",
}

CustomerOut = create_model(  # type: ignore[call-overload]
    "Customer",
    __config__=ConfigDict(json_schema_extra={"examples": [CUSTOMER_EXAMPLE]}),
    __doc__="The customer file as the server holds it: every field, with its default if unset.",
    **{name: (_OUTPUT_TYPES[get_type_hints(Customer)[name]], ...) for name in _OUTPUT_FIELDS},
)


class CustomerPage(BaseModel):
    """One page of a search, by name then code."""

    customers: list[CustomerOut]  # type: ignore[valid-type]
    next_offset: int | None = Field(description="The offset of the next page; null at the end.")

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"customers": [CUSTOMER_EXAMPLE], "next_offset": None}]}
    )


class Balances(BaseModel):
    """A customer's balances from every till's entries the server holds."""

    code: str
    points: int = Field(description="Loyalty points.")
    account: int = Field(description="Account credit in minor units (cents): 1250 is 12.50.")

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"code": "C01-000042", "points": 340, "account": 1250}]}
    )


SALE_EXAMPLE: dict[str, Any] = {
    "id": "0193a2b4-0000-7000-8000-000000000001",
    "till": "shop1-till1",
    "till_no": 1,
    "receipt_no": 123,
    "receipt_code": "01-000123",
    "created_at": "2026-12-01T09:05:00+00:00",
    "store": "My Shop",
    "seller": "Zoé",
    "total": 1290,
    "item_count": 2,
    "methods": "card",
    "refund_of": None,
}


class Sale(BaseModel):
    """A sale or refund (negative total) from any till, as the server holds it."""

    id: str
    till: str = Field(description="The till it came from (the server's name for it).")
    till_no: int
    receipt_no: int
    receipt_code: str
    created_at: str = Field(description="UTC, ISO 8601.")
    store: str
    seller: str
    total: int = Field(description="Minor units (cents); negative for a refund.")
    item_count: int
    methods: str = Field(description="How it was paid: methods joined by '+'.")
    refund_of: str | None = Field(description="The sale a refund gives back; null for a sale.")


class History(BaseModel):
    """One page of a customer's sales, newest first. For the next page, ask again with
    ``before`` and ``before_id`` set to the last sale's ``created_at`` and ``id``."""

    code: str
    sales: list[Sale]
    more: bool = Field(description="Whether older sales remain.")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"code": "C01-000042", "sales": [SALE_EXAMPLE], "more": False}]
        }
    )


class Problem(BaseModel):
    """A refusal: a code, one line saying why, and for a refused field its name."""

    error: str = Field(description="invalid, unauthorised, forbidden, not_found, too_large, busy")
    message: str
    field: str | None = None

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "error": "invalid",
                    "message": "field mobile: 12 is not a phone number.",
                    "field": "mobile",
                }
            ]
        }
    )
