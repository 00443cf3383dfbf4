"""Each customer's sales figures, kept as the sales happen (m0030, docs/segments.md): what a
segment's recency, visits, spend and basket read, so counting a segment over a million
customers never sums their sales.

``customer_stats`` holds all time (first and last purchase, visits, spend); ``customer_month``
the visits and spend of each calendar month (UTC). A refund is not a visit: it takes its
amount off the spend of the month it was made. Sales count under the customer they belong to
now: a merged-away customer's under the survivor. ``rebuild`` recomputes both tables from the
sales (``till customers segment --rebuild-stats``): after a restore, or to check them."""

from __future__ import annotations

from typing import Any

from storage.customer_pointer import survivor_id
from storage.models import database

_ADD_STATS = """
INSERT INTO customer_stats (customer_id, first_sale_at, last_sale_at, visits, spend)
    VALUES (?, ?, ?, ?, ?)
ON CONFLICT (customer_id) DO UPDATE SET
    first_sale_at = CASE WHEN first_sale_at = '' OR (excluded.first_sale_at != ''
        AND excluded.first_sale_at < first_sale_at) THEN excluded.first_sale_at
        ELSE first_sale_at END,
    last_sale_at = MAX(last_sale_at, excluded.last_sale_at),
    visits = visits + excluded.visits,
    spend = spend + excluded.spend"""
_ADD_MONTH = """
INSERT INTO customer_month (customer_id, month, visits, spend) VALUES (?, ?, ?, ?)
ON CONFLICT (customer_id, month) DO UPDATE SET
    visits = visits + excluded.visits, spend = spend + excluded.spend"""


def count_sale(cursor: Any, customer_id: str, created_at: str, total: int, *, refund: bool) -> None:
    """Add one sale (or refund) to its customer's figures; inside the sale's transaction."""
    owner = survivor_id(customer_id, cursor)
    at = "" if refund else created_at
    visit = 0 if refund else 1
    cursor.execute(_ADD_STATS, (owner, at, at, visit, total))
    cursor.execute(_ADD_MONTH, (owner, created_at[:7], visit, total))


def fold_into(cursor: Any, merged_id: str, survivor: str) -> None:
    """A merge: the merged-away customer's figures become the survivor's."""
    row = cursor.execute(
        "SELECT first_sale_at, last_sale_at, visits, spend FROM customer_stats"
        " WHERE customer_id = ?",
        (merged_id,),
    ).fetchone()
    if row is None:
        return
    cursor.execute(_ADD_STATS, (survivor, *row))
    months = cursor.execute(
        "SELECT month, visits, spend FROM customer_month WHERE customer_id = ?", (merged_id,)
    ).fetchall()
    cursor.executemany(_ADD_MONTH, [(survivor, *month) for month in months])
    cursor.execute("DELETE FROM customer_month WHERE customer_id = ?", (merged_id,))
    cursor.execute("DELETE FROM customer_stats WHERE customer_id = ?", (merged_id,))


def rebuild() -> int:
    """Recompute every customer's figures from the sales; the number of customers with some."""
    from storage.migrations.m0030_segments import FILL  # the same SQL: loaded only here

    with database.atomic():
        database.execute_sql("DELETE FROM customer_month")
        database.execute_sql("DELETE FROM customer_stats")
        for statement in FILL:
            database.execute_sql(statement)
        return int(database.execute_sql("SELECT COUNT(*) FROM customer_stats").fetchone()[0])


def figures(customer_id: str) -> dict[str, Any] | None:
    """One customer's row, for the tests and the CLI's checks."""
    row = database.execute_sql(
        "SELECT first_sale_at, last_sale_at, visits, spend FROM customer_stats"
        " WHERE customer_id = ?",
        (customer_id,),
    ).fetchone()
    if row is None:
        return None
    return dict(zip(("first_sale_at", "last_sale_at", "visits", "spend"), row, strict=True))
