"""The server's customer search keys (``customer_search_key``): the till's own folded keys
(storage/customer_keys.py) for every customer the server holds, kept in step with each
customer change, and the searches the web service runs on them. Portable SQL only: prefix
ranges by ``LIKE 'x%'`` on folded keys, no full-text engine."""

from __future__ import annotations

import json
import re
from dataclasses import fields

from peewee import JOIN, Expression, Field, SqliteDatabase

from storage.customer_keys import search_columns
from storage.customer_search import phone_prefix
from sync.server.models import CustomerSearchKey, ServerCustomer, ServerCustomerMerge, database
from till.core.customer import Customer, CustomerKind
from till.core.text import digits, fold, fold_email

MAX_QUERY_LENGTH = 100
_CODE = re.compile(r"^[a-z]\d{0,2}-?\d*$", re.IGNORECASE)
_PHONE_CHARS = re.compile(r"^[0-9+ .()/-]+$")
_RECORD_FIELDS = {f.name for f in fields(Customer)} - {
    "id",
    "code",
    "addresses",
    "created_at",
    "updated_at",
}


def to_customer(row: ServerCustomer) -> Customer:
    """The server's row as the till's customer record (the fields it has; defaults for the
    rest)."""
    values = {k: v for k, v in json.loads(row.fields).items() if k in _RECORD_FIELDS}
    values["kind"] = CustomerKind(values.get("kind", CustomerKind.INDIVIDUAL))
    values["targeting"] = tuple(values.get("targeting", ()))
    return Customer(
        id=row.id, code=row.code, created_at=row.created_at, updated_at=row.updated_at, **values
    )


def refresh(customer_id: str) -> None:
    """Bring ``customer_id``'s keys in line with its row (inside the change's transaction)."""
    CustomerSearchKey.delete().where(CustomerSearchKey.customer_id == customer_id).execute()
    row = ServerCustomer.get_or_none(ServerCustomer.id == customer_id)
    merged_away = ServerCustomerMerge.get_or_none(ServerCustomerMerge.other_id == customer_id)
    if row is not None and not row.deleted and merged_away is None:
        CustomerSearchKey.insert(_keys(row)).execute()


def backfill() -> None:
    """Keys for the customers that have none (pushed before the index existed)."""
    missing = (
        ServerCustomer.select()
        .join(
            CustomerSearchKey,
            JOIN.LEFT_OUTER,
            on=(CustomerSearchKey.customer_id == ServerCustomer.id),
        )
        .where(CustomerSearchKey.customer_id.is_null() & (ServerCustomer.deleted == False))  # noqa: E712
    )
    for row in missing:
        CustomerSearchKey.insert(_keys(row)).on_conflict_ignore().execute()


def _keys(row: ServerCustomer) -> dict[str, str]:
    customer = to_customer(row)
    return {
        "customer_id": row.id,
        "code": row.code,
        "card_number": customer.card_number,
        **search_columns(customer),
    }


def _starts(column: Field, prefix: str) -> Expression:
    """``column`` starts with ``prefix``. On SQLite a range, which its index answers (text
    compares byte by byte there); elsewhere ``LIKE 'prefix%'``, whatever the collation."""
    if isinstance(database.obj, SqliteDatabase):
        return (column >= prefix) & (column < prefix + "\U0010ffff")
    return column.startswith(prefix)


def search(query: str, *, region: str, limit: int, offset: int) -> list[ServerCustomer]:
    """Live customers matching ``query`` as the till's search reads it: an e-mail prefix
    (``@``), a card or phone (digits: ``06 12``, ``+33 6 12``), a code prefix, or a name or
    company prefix; everyone when ``query`` is empty. By name, then code."""
    text = query.strip()[:MAX_QUERY_LENGTH]
    key = CustomerSearchKey
    if not text:
        match = _starts(key.name_key, "")
    elif "@" in text:
        match = _starts(key.email_key, fold_email(text))
    elif _PHONE_CHARS.match(text) and digits(text):
        phone = phone_prefix(text, region)
        match = (
            (key.card_number == digits(text))
            | _starts(key.phone_key, phone)
            | _starts(key.landline_key, phone)
        )
    else:
        words = fold(text)
        match = (
            _starts(key.name_key, words)
            | _starts(key.alt_key, words)
            | _starts(key.company_key, words)
            | _starts(key.email_key, fold_email(text))
        )
        if _CODE.match(text):
            match |= _starts(key.code, text.upper())
        if not words:
            match = key.code == text.upper()
    rows = (
        ServerCustomer.select()
        .join(key, on=(key.customer_id == ServerCustomer.id))
        .where(match & (ServerCustomer.deleted == False))  # noqa: E712
        .order_by(key.name_key, ServerCustomer.code)
        .limit(limit)
        .offset(offset)
    )
    return list(rows)
