"""A customer's sales: the history with its filters, and the figures of the 360° view."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from peewee import fn

from storage.models import Sale, SaleLine, database
from storage.rows import tuples
from till.core.customer_lookup import CustomerStats, HistoryFilter, SaleSummary
from till.core.money import divide_half_up


def customer_sales(
    customer_id: str, filters: HistoryFilter = HistoryFilter(), limit: int = 200
) -> list[SaleSummary]:
    query = Sale.select(
        Sale.receipt_code,
        Sale.created_at,
        Sale.store,
        Sale.till_no,
        Sale.seller,
        Sale.total,
        Sale.item_count,
        Sale.id,
    ).where(Sale.customer_id == customer_id)
    if filters.receipt:
        query = query.where(Sale.receipt_code.contains(filters.receipt.strip()))
    if filters.store:
        query = query.where(Sale.store.contains(filters.store.strip()))
    if filters.seller:
        query = query.where(Sale.seller.contains(filters.seller.strip()))
    start, end = _utc_bound(filters.date_from), _utc_bound(filters.date_to, days_after=1)
    if start:
        query = query.where(Sale.created_at >= start)
    if end:
        query = query.where(Sale.created_at < end)
    rows = list(tuples(query.order_by(Sale.created_at.desc()).limit(limit)))
    methods = _methods([row[-1] for row in rows])
    return [
        SaleSummary(code, at, store, till_no, seller, total, item_count, methods.get(sale_id, ""))
        for code, at, store, till_no, seller, total, item_count, sale_id in rows
    ]


def customer_stats(customer_id: str, favourites: int = 5) -> CustomerStats:
    count, total, first, last = next(
        tuples(
            Sale.select(
                fn.COUNT(Sale.id),
                fn.COALESCE(fn.SUM(Sale.total), 0),
                fn.MIN(Sale.created_at),
                fn.MAX(Sale.created_at),
            ).where(Sale.customer_id == customer_id)
        )
    )
    if not count:
        return CustomerStats()
    favourite = (
        SaleLine.select(SaleLine.name, fn.SUM(SaleLine.quantity).alias("quantity"))
        .join(Sale)
        .where(Sale.customer_id == customer_id)
        .group_by(SaleLine.name)
        .order_by(fn.SUM(SaleLine.quantity).desc(), SaleLine.name)
        .limit(favourites)
    )
    days = None
    if count > 1:
        span = datetime.fromisoformat(last) - datetime.fromisoformat(first)
        days = span.total_seconds() / 86_400 / (count - 1)
    return CustomerStats(
        sale_count=count,
        total_spent=total,
        average_basket=divide_half_up(total, count),
        first_purchase=first,
        last_purchase=last,
        days_between_visits=days,
        favourite_products=tuple(tuples(favourite)),
    )


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
