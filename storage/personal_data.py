"""What this till holds about one person (GDPR, article 15): ``personal_data`` gathers the
customer file (every field, consents with their dates, extra addresses, external codes), the
cards, the points and account ledgers, the sales made here (with lines and the name each
receipt printed), other tills' sales known here, parked and open sales naming them, and the
audit entries; the same for every customer merged into theirs. ``erasure_plan`` says what
anonymising them would erase and keep (storage/customer_privacy.py does it)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from storage.customer_pointer import ids_counted_as
from storage.customers import get_customer
from storage.models import database
from storage.sales import get_sale_by_id
from till.core.customer import Customer, display_name
from till.core.privacy import ERASED_DATES, ERASED_FIELDS


def personal_data(customer_id: str, now: datetime | None = None) -> dict[str, Any]:
    """Everything held about the person ``customer_id`` is, as JSON-ready data: their file,
    and the files merged into it, with what each has."""
    customer = get_customer(customer_id)
    ids = ids_counted_as(customer.id)
    return {
        "exported_at": (now or datetime.now(UTC)).isoformat(),
        "customer": _held(customer),
        "merged_into_this_one": [_held(get_customer(other)) for other in ids[1:]],
        "sales": [_sale(sale_id) for sale_id in _own_sale_ids(ids)],
        "sales_on_other_tills": _remote_sales(ids),
        "parked_sales": [p for p in _parked(ids)],
        "open_sales": [o for o in _open(ids)],
    }


def _held(customer: Customer) -> dict[str, Any]:
    """One customer file with its cards, ledgers and audit entries."""
    cid = customer.id
    file = asdict(customer)
    file["anonymised_at"] = _scalar("SELECT anonymised_at FROM customer WHERE id = ?", cid)
    return {
        "file": file,
        "cards": _rows(
            "SELECT number, status, issued_at, blocked_at FROM loyalty_card"
            " WHERE customer_id = ? ORDER BY issued_at",
            cid,
        ),
        "loyalty": _ledger("loyalty_entry", "points", cid),
        "account": _ledger("account_entry", "amount", cid),
        "invoices": _rows(  # kept as issued (docs/invoices.md): `till invoice show` prints one
            "SELECT code, kind, issue_date, due_date, total, due FROM invoice"
            " WHERE customer_id = ? ORDER BY till_no, number",
            cid,
        ),
        "subscriptions": _rows(
            "SELECT created_at AS at, kind, plan_name, discount_bp, categories, starts, ends,"
            " sale_id, actor FROM subscription_entry WHERE customer_id = ? ORDER BY created_at, id",
            cid,
        ),
        "audit": _rows(
            "SELECT at, actor, action, field, old_value, new_value FROM audit_log"
            " WHERE entity = 'customer' AND entity_id = ? ORDER BY at, id",
            cid,
        ),
    }


def _ledger(table: str, column: str, customer_id: str) -> dict[str, Any]:
    entries = _rows(
        f"SELECT e.created_at AS at, e.kind, e.{column}, s.receipt_code, e.reason, e.actor"
        f" FROM {table} e LEFT JOIN sale s ON s.id = e.sale_id"
        " WHERE e.customer_id = ? ORDER BY e.created_at, e.id",
        customer_id,
    )
    return {"balance": sum(entry[column] for entry in entries), "entries": entries}


def _own_sale_ids(ids: list[str]) -> list[str]:
    marks = ", ".join("?" * len(ids))
    rows = database.execute_sql(
        f"SELECT id FROM sale WHERE customer_id IN ({marks}) ORDER BY created_at, id", ids
    )
    return [row[0] for row in rows]


def _sale(sale_id: str) -> dict[str, Any]:
    sale = get_sale_by_id(sale_id)
    return {
        "receipt": sale.receipt_code,
        "at": sale.created_at,
        "store": sale.store,
        "seller": sale.seller,
        "customer_id": sale.customer.id if sale.customer else None,
        "name_on_receipt": sale.header.customer_name if sale.header else "",
        "currency": sale.currency,
        "total": sale.total,
        "items": sale.item_count,
        "refund_of": sale.refund_of,
        "lines": [
            {
                "code": line.code,
                "name": line.name,
                "quantity": line.quantity,
                "unit_price": line.unit_price,
                "discount": line.discount,
                "total": line.total,
            }
            for line in sale.lines
        ],
        "payments": [{"method": str(p.method), "amount": p.amount} for p in sale.payments],
        "points_earned": sale.points_earned,
        "points_spent": sale.points_spent,
    }


def _remote_sales(ids: list[str]) -> dict[str, Any]:
    marks = ", ".join("?" * len(ids))
    kept = _rows(
        "SELECT id, receipt_code AS receipt, created_at AS at, store, seller, total,"
        f" item_count AS items, methods FROM remote_sale WHERE customer_id IN ({marks})"
        " ORDER BY created_at, id",
        *ids,
    )
    for sale in kept:
        sale["lines"] = _rows(
            "SELECT name, quantity FROM remote_sale_line WHERE sale_id = ? ORDER BY line_no",
            sale.pop("id"),
        )
    older = _rows(
        "SELECT sale_count, total, first_at, last_at FROM remote_sale_folded"
        f" WHERE customer_id IN ({marks})",
        *ids,
    )
    products = _rows(
        "SELECT name, quantity FROM remote_sale_folded_product"
        f" WHERE customer_id IN ({marks}) ORDER BY name",
        *ids,
    )
    return {"kept": kept, "older_summed": older, "older_products": products}


def _parked(ids: list[str]):
    for row in database.execute_sql(
        "SELECT id, name, till_no, created_at, total, item_count, cart FROM parked_sale"
    ).fetchall():
        cart = read_cart(row[6])
        if names_them(cart, ids):
            yield {
                "name": row[1],
                "till": row[2],
                "at": row[3],
                "total": row[4],
                "items": row[5],
                "cart": cart,
            }


def _open(ids: list[str]):
    for till_no, cart_text, saved_at in database.execute_sql(
        "SELECT till_no, cart, saved_at FROM open_sale WHERE cart IS NOT NULL"
    ).fetchall():
        cart = read_cart(cart_text)
        if names_them(cart, ids):
            yield {"till": till_no, "saved_at": saved_at, "cart": cart}


def read_cart(text: str | None) -> dict[str, Any]:
    try:
        document = json.loads(text or "{}")
    except ValueError:
        return {}
    return document if isinstance(document, dict) else {}


def names_them(cart: dict[str, Any], ids: list[str]) -> bool:
    customer = cart.get("customer")
    return isinstance(customer, dict) and customer.get("id") in ids


def _rows(sql: str, *params: Any) -> list[dict[str, Any]]:
    cursor = database.execute_sql(sql, params)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _scalar(sql: str, *params: Any) -> Any:
    row = database.execute_sql(sql, params).fetchone()
    return row[0] if row else None


@dataclass(frozen=True)
class ErasurePlan:
    """What anonymising would erase, and what it keeps under the anonymous code."""

    code: str
    name: str
    anonymised_at: str
    """When it was done already ("": not yet)."""
    fields: tuple[str, ...]
    erased: tuple[tuple[str, int], ...]
    """(what, how many): addresses, external codes, cards, audit entries, receipts, …"""
    kept: tuple[tuple[str, int], ...]
    """(what, how many): sales here, sales on other tills, ledger entries."""


def erasure_plan(customer_id: str) -> ErasurePlan:
    """What ``anonymise`` would do to ``customer_id`` (and those merged into it); changes
    nothing."""
    data = personal_data(customer_id)
    files = [data["customer"], *data["merged_into_this_one"]]
    held = sorted(
        {
            name
            for held_file in files
            for name, value in held_file["file"].items()
            if (name in ERASED_FIELDS or name in ERASED_DATES)
            and name not in ("active",)
            and value not in ("", (), [], {}, None, False)
        }
    )
    count = lambda key: sum(len(f["file"][key]) for f in files)  # noqa: E731
    sales_named = sum(1 for sale in data["sales"] if sale["name_on_receipt"])
    audit_values = sum(
        1 for f in files for entry in f["audit"] if entry["old_value"] or entry["new_value"]
    )
    remote = data["sales_on_other_tills"]
    customer = data["customer"]["file"]
    return ErasurePlan(
        code=customer["code"],
        name=display_name(
            customer["kind"], customer["last_name"], customer["first_name"], customer["company"]
        ),
        anonymised_at=customer["anonymised_at"],
        fields=tuple(held),
        erased=(
            ("extra addresses", count("addresses")),
            ("external codes", count("external_codes")),
            ("loyalty cards", sum(len(f["cards"]) for f in files)),
            ("audit entries with values", audit_values),
            ("receipts naming them", sales_named),
            ("parked sales", len(data["parked_sales"])),
            ("open sales", len(data["open_sales"])),
        ),
        kept=(
            ("sales on this till", len(data["sales"])),
            (
                "sales on other tills",
                len(remote["kept"]) + sum(row["sale_count"] for row in remote["older_summed"]),
            ),
            ("points movements", sum(len(f["loyalty"]["entries"]) for f in files)),
            ("account movements", sum(len(f["account"]["entries"]) for f in files)),
        ),
    )
