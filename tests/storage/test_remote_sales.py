"""Other tills' sales applied on this till: kept apart from its journal, once each, only for
customers on file, with their times as UTC text so they sort with this till's own."""

from __future__ import annotations

from typing import Any

from storage import sales
from storage.customer_history import customer_sales, customer_stats
from storage.customers import create_customer
from storage.ids import new_id
from storage.models import RemoteSale, RemoteSaleLine
from storage.remote_changes import RemoteChange, apply_remote, pull_cursor


def payload(customer_id: str | None, receipt_no: int, at: str, **extra: Any) -> dict[str, Any]:
    return {
        "v": 1,
        "id": new_id(),
        "till_no": 2,
        "receipt_no": receipt_no,
        "receipt_code": f"02-{receipt_no:06d}",
        "created_at": at,
        "seller": "Bob",
        "currency": "EUR",
        "total": 790,
        "item_count": 1,
        "change_given": 0,
        "store": "Paris",
        "customer_id": customer_id,
        "prices_excl_tax": False,
        "lines": [
            {
                "line_no": 1,
                "product_id": "p",
                "code": "c",
                "name": "Vin rouge",
                "quantity": 1,
                "unit_price": 790,
                "vat_rate_bp": 2000,
                "total": 790,
            }
        ],
        "vat": [{"rate_bp": 2000, "gross": 790, "net": 658, "vat": 132}],
        "payments": [
            {"method": "card", "amount": 500, "tendered": 500},
            {"method": "cash", "amount": 290, "tendered": 290},
        ],
        **extra,
    }


def apply(*payloads: dict[str, Any]):
    changes = [RemoteChange("sale", "create", p, "south") for p in payloads]
    return apply_remote(changes, pull_cursor() + len(changes))


def test_a_customers_sale_from_another_till_is_kept_once_apart_from_the_journal(db_path):
    customer = create_customer({"last_name": "Martin"}, actor="t", till_no=1, region="FR").id
    sale = payload(customer, 7, "2026-12-01T12:00:00+02:00")
    assert apply(sale).inserted == 1
    assert apply(sale).already_here == 1  # the feed again: nothing doubles
    assert sales.sale_count() == 0  # this till's journal holds only its own sales
    row = RemoteSale.get_by_id(sale["id"])
    assert row.created_at == "2026-12-01T10:00:00.000000+00:00"  # UTC, one width: sortable
    assert row.methods == "card+cash"
    assert [(line.name, line.quantity) for line in RemoteSaleLine.select()] == [("Vin rouge", 1)]
    [listed] = customer_sales(customer)
    assert (listed.receipt_code, listed.on_this_till, listed.store) == ("02-000007", False, "Paris")
    assert customer_stats(customer).favourite_products == (("Vin rouge", 1),)


def test_walk_in_sales_and_sales_for_customers_not_here_are_passed_over(db_path):
    applied = apply(
        payload(None, 1, "2026-12-01T10:00:00+00:00"),
        payload(new_id(), 2, "2026-12-01T10:00:00+00:00"),
    )
    assert (applied.inserted, applied.passed_over) == (0, 2)
    assert RemoteSale.select().count() == 0
