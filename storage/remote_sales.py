"""Other tills' sales for this till's customers, applied from the feed: what the customer's
figures and History tab need, apart from this till's own journal (which stays its signed
chain of the sales it made).

What is kept: each remote sale of the last ``KEEP_DAYS`` days, one compact row (receipt,
time, store, seller, total, items, payment methods) with its lines' names and quantities for
the favourite products. Older ones are folded into per-customer sums (count, total, first and
last purchase, quantity per product), so the figures still count every sale while the rows
stay bounded; the History tab fetches those older sales from the server when it can.

Folding is idempotent under a replayed feed: a till's sales reach the feed in receipt order,
so the highest receipt number folded per till number tells a sale counted already."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from storage import customer_stats
from storage.models import database
from till.core.moments import utc_text

log = logging.getLogger(__name__)

KEEP_DAYS = 730
"""Remote sales kept one by one: two years, enough for the counter's questions ("what did I
buy last spring?"); older ones are summed (the figures) and read from the server (the list)."""


def kept_since(now: datetime | None = None) -> str:
    """The time from which remote sales are kept one by one (UTC text)."""
    return ((now or datetime.now(UTC)) - timedelta(days=KEEP_DAYS)).astimezone(UTC).isoformat()


def apply_sale(
    entity: str, operation: str, payload: dict[str, Any], cursor: Any, now: datetime | None = None
) -> bool | None:
    """True: kept (or folded); False: this till had it; None: nothing to keep (a sale with no
    customer, or for a customer not on this till). Called inside the pull's transaction."""
    customer_id = payload.get("customer_id")
    if operation != "create" or not customer_id:
        return None
    if cursor.execute("SELECT 1 FROM customer WHERE id = ?", (customer_id,)).fetchone() is None:
        log.warning("sale %s: customer %s is not on this till", payload["id"], customer_id)
        return None
    if _known(payload, cursor):
        return False
    cursor.execute(
        "INSERT INTO remote_sale (id, customer_id, till_no, receipt_no, receipt_code, created_at,"
        " store, seller, total, item_count, methods, refund_of)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            payload["id"],
            customer_id,
            payload["till_no"],
            payload["receipt_no"],
            payload["receipt_code"],
            utc_text(payload["created_at"]),
            payload["store"],
            payload["seller"],
            payload["total"],
            payload["item_count"],
            _methods(payload["payments"]),
            payload.get("refund_of"),
        ),
    )
    cursor.executemany(
        "INSERT INTO remote_sale_line (sale_id, line_no, name, quantity) VALUES (?, ?, ?, ?)",
        [
            (payload["id"], n, line["name"], line["quantity"])
            for n, line in enumerate(payload["lines"], 1)
        ],
    )
    customer_stats.count_sale(
        cursor,
        customer_id,
        utc_text(payload["created_at"]),
        payload["total"],
        refund=payload.get("refund_of") is not None,
    )
    fold_older(kept_since(now), cursor)
    return True


def sale_count(customer_id: str) -> int:
    """How many of the customer's sales from other tills this till counts (kept and summed)."""
    row = database.execute_sql(
        "SELECT (SELECT COUNT(*) FROM remote_sale WHERE customer_id = ?)"
        " + COALESCE((SELECT sale_count FROM remote_sale_folded WHERE customer_id = ?), 0)",
        (customer_id, customer_id),
    ).fetchone()
    return int(row[0])


def _known(payload: dict[str, Any], cursor: Any) -> bool:
    if cursor.execute("SELECT 1 FROM remote_sale WHERE id = ?", (payload["id"],)).fetchone():
        return True
    folded = cursor.execute(
        "SELECT receipt_no FROM remote_sale_folded_up_to WHERE till_no = ?", (payload["till_no"],)
    ).fetchone()
    return folded is not None and payload["receipt_no"] <= folded[0]


def _methods(payments: list[dict[str, Any]]) -> str:
    return "+".join(dict.fromkeys(str(payment["method"]) for payment in payments))


_FOLD = [
    """INSERT INTO remote_sale_folded (customer_id, sale_count, total, first_at, last_at)
    SELECT customer_id, COUNT(*), SUM(total), MIN(created_at), MAX(created_at)
    FROM remote_sale WHERE created_at < :since GROUP BY customer_id
    ON CONFLICT (customer_id) DO UPDATE SET sale_count = sale_count + excluded.sale_count,
        total = total + excluded.total, first_at = MIN(first_at, excluded.first_at),
        last_at = MAX(last_at, excluded.last_at)""",
    """INSERT INTO remote_sale_folded_product (customer_id, name, quantity)
    SELECT s.customer_id, l.name, SUM(l.quantity)
    FROM remote_sale_line l JOIN remote_sale s ON s.id = l.sale_id
    WHERE s.created_at < :since GROUP BY s.customer_id, l.name
    ON CONFLICT (customer_id, name) DO UPDATE SET quantity = quantity + excluded.quantity""",
    """INSERT INTO remote_sale_folded_up_to (till_no, receipt_no)
    SELECT till_no, MAX(receipt_no) FROM remote_sale WHERE created_at < :since GROUP BY till_no
    ON CONFLICT (till_no) DO UPDATE SET receipt_no = MAX(receipt_no, excluded.receipt_no)""",
    """DELETE FROM remote_sale_line
    WHERE sale_id IN (SELECT id FROM remote_sale WHERE created_at < :since)""",
    "DELETE FROM remote_sale WHERE created_at < :since",
]


def fold_older(since: str, cursor: Any = None) -> int:
    """Fold the remote sales older than ``since`` into their customers' sums; how many.
    Costs one index probe when there is none (each applied sale calls it)."""
    cursor = cursor or database.cursor()
    older = cursor.execute(
        "SELECT COUNT(*) FROM remote_sale WHERE created_at < ?", (since,)
    ).fetchone()[0]
    if older:
        for statement in _FOLD:
            cursor.execute(statement, {"since": since})
        log.info("%d remote sales older than %s folded into their customers' figures", older, since)
    return older
