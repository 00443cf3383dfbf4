"""Subscription purchases and cancellations from other tills (storage/subscriptions.py),
inserted if absent, by id: a card bought in one shop holds in every other."""

from __future__ import annotations

import logging
from typing import Any

from storage import subscriptions

log = logging.getLogger(__name__)


def apply_entry(entity: str, operation: str, entry: dict[str, Any], cursor: Any) -> bool | None:
    """True: inserted; False: this till had it; None: not applied (customer not here)."""
    if operation != "create":
        return None
    known = cursor.execute("SELECT 1 FROM customer WHERE id = ?", (entry["customer_id"],))
    if known.fetchone() is None:
        log.warning(
            "%s %s: customer %s is not on this till", entity, entry["id"], entry["customer_id"]
        )
        return None
    return subscriptions.insert(entry, cursor, if_absent=True)
