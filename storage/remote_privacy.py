"""A person erased on another till (``customer`` ``anonymise`` from the feed), erased here the
same way (storage/customer_privacy.py ``erase``), and what comes after it.

Applying it twice changes nothing. A later change that would bring their personal values
back (an edit another till made offline, before it heard of the erasure: a customer create
or update, an address, a merge) is not applied: the back office keeps it erased in the feed
already, and this till records that it ignored it (which till, which fields, never the
values) in the audit log. Sales and ledger entries for them apply as usual: they carry no
personal value."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from storage import audit
from storage.customer_privacy import erase
from storage.models import database

log = logging.getLogger(__name__)

REFUSED = {
    ("customer", "create"),
    ("customer", "update"),
    ("customer", "merge"),
    ("customer_address", "upsert"),
}
"""The changes that carry a customer's personal values."""


def anonymised_ids(cursor: Any = None) -> set[str]:
    """The customers erased on this till (few; an index holds only them)."""
    rows = (cursor or database.cursor()).execute(
        "SELECT id FROM customer WHERE anonymised_at != ''"
    )
    return {customer_id for (customer_id,) in rows.fetchall()}


def apply_anonymise(operation: str, payload: dict[str, Any], till: str) -> bool | None:
    """True: erased here; False: erased already; None: the customer is not on this till."""
    customer_id = payload["id"]
    row = database.execute_sql(
        "SELECT anonymised_at FROM customer WHERE id = ?", (customer_id,)
    ).fetchone()
    if row is None:
        return None
    if row[0]:
        return False
    merged = database.execute_sql(
        "SELECT id FROM customer WHERE merged_into = ?", (customer_id,)
    ).fetchall()
    erase(
        [customer_id, *(other for (other,) in merged)],
        actor=f"till {till}: {payload.get('actor', '')}",
        approved_by=payload.get("approved_by", ""),
        at=payload["at"],
        strict=False,
    )
    return True


def refused(
    entity: str, operation: str, payload: dict[str, Any], till: str, erased: set[str]
) -> bool:
    """Whether a pulled change is an edit of a customer erased here (``erased``): if so, it is
    recorded as ignored, and not applied."""
    if (entity, operation) not in REFUSED or not erased:
        return False
    named = _named(entity, payload)
    hit = next((cid for cid in named if cid in erased), None)
    if hit is None:
        return False
    fields = payload.get("fields")
    what = sorted(fields) if isinstance(fields, dict) and fields else [entity]
    audit.record(
        "customer",
        hit,
        "ignored",
        f"till {till}",
        datetime.now(UTC).isoformat(),
        [(f"{entity} {operation}: {name}", "", "") for name in what],
    )
    log.info(
        "%s %s from till %s: the customer is anonymised here, ignored", entity, operation, till
    )
    return True


def _named(entity: str, payload: dict[str, Any]) -> list[str]:
    if entity == "customer":
        return [v for v in (payload.get("id"), payload.get("keep"), payload.get("other")) if v]
    customer_id = payload.get("customer_id")
    return [customer_id] if customer_id else []
