"""The server's summary of every till's sales, and a customer's history read from it."""

from __future__ import annotations

from sync.history import HistoryPage, HistoryRequest, HistorySale
from sync.protocol import Change
from sync.server.merges import ids_counted_as
from sync.server.models import ServerSale
from till.core.moments import utc_text


def apply_sale(till: str, change: Change) -> None:
    payload = change.payload
    ServerSale.insert(
        id=payload["id"],
        customer_id=payload.get("customer_id"),
        till=till,
        till_no=payload["till_no"],
        receipt_no=payload["receipt_no"],
        receipt_code=payload["receipt_code"],
        created_at=utc_text(payload["created_at"]),
        store=payload["store"],
        seller=payload["seller"],
        total=payload["total"],
        item_count=payload["item_count"],
        methods="+".join(dict.fromkeys(str(p["method"]) for p in payload["payments"])),
        refund_of=payload.get("refund_of"),
    ).on_conflict_ignore().execute()


def customer_history(request: HistoryRequest) -> HistoryPage:
    """The customer's sales from every till, newest first, older than the request's place."""
    customer_ids = ids_counted_as(request.customer_id)  # a merged-away customer's sales too
    query = ServerSale.select().where(ServerSale.customer_id.in_(customer_ids))
    if request.before is not None:
        before = utc_text(request.before)
        older = ServerSale.created_at < before
        if request.before_id is not None:
            older |= (ServerSale.created_at == before) & (ServerSale.id < request.before_id)
        query = query.where(older)
    rows = list(
        query.order_by(ServerSale.created_at.desc(), ServerSale.id.desc()).limit(request.limit + 1)
    )
    sales = tuple(
        HistorySale(
            id=row.id,
            till=row.till,
            till_no=row.till_no,
            receipt_no=row.receipt_no,
            receipt_code=row.receipt_code,
            created_at=row.created_at,
            store=row.store,
            seller=row.seller,
            total=row.total,
            item_count=row.item_count,
            methods=row.methods,
            refund_of=row.refund_of,
        )
        for row in rows[: request.limit]
    )
    return HistoryPage(sales, more=len(rows) > request.limit)
