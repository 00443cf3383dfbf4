"""Points and account entries from other tills: the union of every till's entries, inserted
if absent, by id."""

from __future__ import annotations

import logging
from typing import Any

from storage import ledger

log = logging.getLogger(__name__)

_LEDGER_VALUE = {"loyalty_entry": "points", "account_entry": "amount"}


def apply_entry(table: str, operation: str, entry: dict[str, Any], cursor: Any) -> bool | None:
    """True: inserted; False: this till had it; None: not applied (customer not here)."""
    if operation != "create":
        return None
    known = cursor.execute("SELECT 1 FROM customer WHERE id = ?", (entry["customer_id"],))
    if known.fetchone() is None:
        # Feed order brings a customer before their entries; one missing was deleted here.
        log.warning(
            "%s %s: customer %s is not on this till", table, entry["id"], entry["customer_id"]
        )
        return None
    value_column = _LEDGER_VALUE[table]
    return ledger.insert(
        table,
        {
            "id": entry["id"],
            "customer_id": entry["customer_id"],
            "kind": entry["kind"],
            value_column: entry[value_column],
            "sale_id": entry["sale_id"],
            "reason": entry["reason"],
            "actor": entry["actor"],
            "created_at": entry["at"],
        },
        cursor,
        if_absent=True,
    )
