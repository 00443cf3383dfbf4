"""A customer's sales: the history with its filters, and the figures of the 360° view."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from storage.customer_pointer import ids_counted_as
from storage.models import RemoteSale, Sale, database
from storage.rows import tuples
from till.core.customer_lookup import CustomerStats, HistoryFilter, SaleSummary
from till.core.moments import utc_text
from till.core.money import divide_half_up


def customer_sales(
    customer_id: str, filters: HistoryFilter = HistoryFilter(), limit: int = 200
) -> list[SaleSummary]:
    """The customer's sales newest first: this till's, and the other tills' it keeps
    (storage/remote_sales.py), ``filters`` applied to both."""
    ids = ids_counted_as(customer_id)  # a merged-away customer's sales are the survivor's
    local = _filtered(Sale, _LOCAL_COLUMNS, ids, filters, limit)
    methods = _methods([row[-1] for row in local])
    sales = [
        SaleSummary(
            code, at, store, till_no, seller, total, items, methods.get(sale_id, ""), True, sale_id
        )
        for code, at, store, till_no, seller, total, items, sale_id in local
    ]
    remote = _filtered(RemoteSale, _REMOTE_COLUMNS, ids, filters, limit)
    sales += [
        SaleSummary(code, at, store, till_no, seller, total, items, methods, False, sale_id)
        for code, at, store, till_no, seller, total, items, methods, sale_id in remote
    ]
    sales.sort(key=lambda sale: (sale.created_at, sale.sale_id), reverse=True)
    return sales[:limit]


_LOCAL_COLUMNS = (
    "receipt_code",
    "created_at",
    "store",
    "till_no",
    "seller",
    "total",
    "item_count",
    "id",
)
_REMOTE_COLUMNS = (*_LOCAL_COLUMNS[:-1], "methods", "id")


def _filtered(
    table: type[Sale] | type[RemoteSale],
    columns: tuple[str, ...],
    customer_ids: list[str],
    filters: HistoryFilter,
    limit: int,
) -> list[tuple[Any, ...]]:
    query = table.select(*(getattr(table, name) for name in columns)).where(
        table.customer_id.in_(customer_ids)
    )
    if filters.receipt:
        query = query.where(table.receipt_code.contains(filters.receipt.strip()))
    if filters.store:
        query = query.where(table.store.contains(filters.store.strip()))
    if filters.seller:
        query = query.where(table.seller.contains(filters.seller.strip()))
    start, end = _utc_bound(filters.date_from), _utc_bound(filters.date_to, days_after=1)
    if start:
        query = query.where(table.created_at >= start)
    if end:
        query = query.where(table.created_at < end)
    return list(tuples(query.order_by(table.created_at.desc()).limit(limit)))


def customer_stats(customer_id: str, favourites: int = 5) -> CustomerStats:
    """The figures from every sale this till knows of: its own, the other tills' it keeps,
    and the older ones it has summed. A refund is a sale with negative lines: it counts as
    one, takes its amount off the total and its quantities off the favourites."""
    ids = ids_counted_as(customer_id)  # a merged-away customer's sales are the survivor's
    marks = ",".join("?" * len(ids))
    count, total, first, last = 0, 0, "", ""
    totals = database.execute_sql(_TOTALS.format(ids=marks), ids * 3)
    for sales, amount, earliest, latest in totals:
        if sales:
            count, total = count + sales, total + amount
            first = min(first or earliest, earliest)
            last = max(last, latest)
    if not count:
        return CustomerStats()
    favourite = database.execute_sql(_FAVOURITES.format(ids=marks), [*ids * 3, favourites])
    days = None
    if count > 1:
        span = datetime.fromisoformat(last) - datetime.fromisoformat(first)
        days = span.total_seconds() / 86_400 / (count - 1)
    return CustomerStats(
        sale_count=count,
        total_spent=total,
        average_basket=divide_half_up(total, count),
        first_purchase=utc_text(first),
        last_purchase=utc_text(last),
        days_between_visits=days,
        favourite_products=tuple((name, quantity) for name, quantity in favourite),
    )


_TOTALS = """
SELECT COUNT(*), COALESCE(SUM(total), 0), MIN(created_at), MAX(created_at)
    FROM sale WHERE customer_id IN ({ids})
UNION ALL SELECT COUNT(*), COALESCE(SUM(total), 0), MIN(created_at), MAX(created_at)
    FROM remote_sale WHERE customer_id IN ({ids})
UNION ALL SELECT sale_count, total, first_at, last_at FROM remote_sale_folded
    WHERE customer_id IN ({ids})
"""
_FAVOURITES = """
SELECT name, SUM(quantity) FROM (
    SELECT l.name, l.quantity FROM sale_line l JOIN sale s ON s.id = l.sale_id
        WHERE s.customer_id IN ({ids})
    UNION ALL SELECT l.name, l.quantity FROM remote_sale_line l
        JOIN remote_sale s ON s.id = l.sale_id WHERE s.customer_id IN ({ids})
    UNION ALL SELECT name, quantity FROM remote_sale_folded_product WHERE customer_id IN ({ids})
) GROUP BY name ORDER BY SUM(quantity) DESC, name LIMIT ?
"""


def held_here(sale_ids: list[str]) -> set[str]:
    """Which of ``sale_ids`` this till made (its journal holds them)."""
    if not sale_ids:
        return set()
    return {row[0] for row in tuples(Sale.select(Sale.id).where(Sale.id.in_(sale_ids)))}


def _methods(sale_ids: list[str]) -> dict[str, str]:
    if not sale_ids:
        return {}
    rows = database.execute_sql(
        "SELECT sale_id, group_concat(DISTINCT method) FROM sale_payment WHERE sale_id IN "
        f"({','.join('?' * len(sale_ids))}) GROUP BY sale_id",
        sale_ids,
    )
    return {sale_id: methods.replace(",", "+") for sale_id, methods in rows}


def _utc_bound(day: str, days_after: int = 0) -> str:
    """Local midnight of ``day`` (YYYY-MM-DD, as the cashier means it) as the UTC text sales
    are stored with; empty while what is typed is not yet a date."""
    try:
        local = datetime.combine(date.fromisoformat(day.strip()), time()) + timedelta(days_after)
    except ValueError:
        return ""
    return local.astimezone().astimezone(UTC).isoformat()
