"""A customer's sales as the server keeps them, for a till to read the history it no longer
holds: ``GET /v1/customers/{id}/history?before=TIME&before_id=ID&limit=N``.

The answer, newest first: ``{"v", "sales": [{"id", "till", "till_no", "receipt_no",
"receipt_code", "created_at", "store", "seller", "total", "item_count", "methods",
"refund_of"}], "more"}``. ``before``/``before_id`` ask for the sales older than the last one
received (the time, then the id for sales made at the same instant)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from sync import field_refusals as ids
from sync.fields import Fields, why
from sync.protocol import MAX_TILL_NAME, PROTOCOL_VERSION, check_version
from sync.refusals import Said

DEFAULT_HISTORY_LIMIT = 50
MAX_HISTORY_LIMIT = 200
_AMOUNT = 10**15
"""Far beyond any sale the payload checks let in (sync/payloads.py)."""
_COUNT = 10**9


@dataclass(frozen=True)
class HistoryRequest:
    """Sales of ``customer_id`` older than (``before``, ``before_id``), at most ``limit``."""

    customer_id: str
    before: str | None = None
    before_id: str | None = None
    limit: int = DEFAULT_HISTORY_LIMIT

    def to_params(self) -> dict[str, str | int]:
        params: dict[str, str | int] = {"limit": self.limit}
        if self.before is not None:
            params["before"] = self.before
        if self.before_id is not None:
            params["before_id"] = self.before_id
        return params

    @classmethod
    def from_params(cls, customer_id: str, params: Any) -> HistoryRequest:
        """From the path and the query string, every value checked."""
        values = {name: params.get(name) for name in ("before", "before_id")}
        f = Fields({"customer_id": customer_id, **values}, why(ids.HISTORY_REQUEST))
        f.identifier("customer_id")
        before = f.timestamp("before", required=values["before"] is not None)
        before_id = f.identifier("before_id", required=values["before_id"] is not None)
        if before_id is not None and before is None:
            raise f.error("before_id", why(ids.NEEDS_BEFORE))
        text = params.get("limit")
        limit = DEFAULT_HISTORY_LIMIT
        if text is not None:
            if not (text.isascii() and text.isdigit() and len(text) <= 6):
                raise f.error("limit", why(ids.WHOLE))
            limit = max(1, min(int(text), MAX_HISTORY_LIMIT))
        return cls(customer_id, before, before_id, limit)


@dataclass(frozen=True)
class HistorySale:
    """One sale in the server's history of a customer."""

    id: str
    till: str
    """The server's name for the till that made it."""
    till_no: int
    receipt_no: int
    receipt_code: str
    created_at: str
    store: str
    seller: str
    total: int
    item_count: int
    methods: str
    refund_of: str | None = None

    @classmethod
    def from_json(cls, value: Any, where: Said) -> HistorySale:
        f = Fields(value, where)
        sale = cls(
            id=f.identifier("id") or "",
            till=f.text("till", MAX_TILL_NAME, empty=False) or "",
            till_no=f.integer("till_no", 0, 99) or 0,
            receipt_no=f.integer("receipt_no", 1, _COUNT) or 0,
            receipt_code=f.text("receipt_code", 40, empty=False) or "",
            created_at=f.timestamp("created_at") or "",
            store=f.text("store", 200) or "",
            seller=f.text("seller", 200) or "",
            total=_integer(f, "total", _AMOUNT),
            item_count=_integer(f, "item_count", _COUNT),
            methods=f.text("methods", 200) or "",
            refund_of=f.identifier("refund_of", required=False),
        )
        f.done()
        return sale


def _integer(f: Fields, name: str, bound: int) -> int:
    value = f.integer(name, -bound, bound)
    assert value is not None
    return value


@dataclass(frozen=True)
class HistoryPage:
    """Sales newest first, and whether older ones remain."""

    sales: tuple[HistorySale, ...]
    more: bool
    v: int = PROTOCOL_VERSION

    def to_json(self) -> dict[str, Any]:
        return {"v": self.v, "sales": [asdict(sale) for sale in self.sales], "more": self.more}

    @classmethod
    def from_json(cls, document: Any) -> HistoryPage:
        """The server's answer, every field checked as the till checks a change."""
        f = Fields(document, why(ids.HISTORY_ANSWER))
        check_version(f.raw("v"), local_is_server=False)
        items = f.array("sales", MAX_HISTORY_LIMIT)
        more = bool(f.boolean("more"))
        f.done()
        sales = tuple(
            HistorySale.from_json(item, why(ids.HISTORY_SALE, n=n))
            for n, item in enumerate(items, 1)
        )
        return cls(sales, more)
