"""A customer's whole story on any till: sales made on two tills for the same customer count in
the figures and the history on both once they sync, refunds included; the server keeps a
summary of every sale and answers a till asking for the older ones."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from storage import catalog, remote_sales, returns, sales
from storage.customer_history import customer_sales, customer_stats
from storage.customers import DeleteOutcome, delete_customer, get_customer
from storage.models import database as till_database
from sync.client import SyncClient
from sync.history import HistoryPage, HistoryRequest
from sync.server.models import ServerSale
from tests.sync.sync_till import stock
from till.config import Settings, SyncSettings
from till.core.moments import utc_text
from till.core.sale import Cart, PaymentMethod, RecordedSale, SaleCustomer
from till.customer_service import CustomerService
from till.errors import SyncError

from ..conftest import PRODUCTS

BAGUETTE, CAFE, SAVON, VIN = (product[0] for product in PRODUCTS[:4])


def sell(till, customer_id: str, lines, *, store: str, at: datetime | None = None) -> RecordedSale:
    till.use()
    record = get_customer(customer_id)
    cart = Cart(customer=SaleCustomer(record.id, record.code, record.display_name))
    for code, quantity in lines:
        cart.add(catalog.lookup(code), quantity)
    cart.pay(PaymentMethod.CARD, cart.remaining)
    return sales.record_sale(
        cart,
        till_no=till.till_no,
        seller="Ann",
        currency="EUR",
        store=store,
        now=at or datetime.now(UTC),
    )


def refund(till, sale: RecordedSale, lines: dict[int, int], *, store: str) -> RecordedSale:
    till.use()
    return returns.record_return(
        sale.receipt_code,
        lines,
        PaymentMethod.CARD,
        till_no=till.till_no,
        seller="Ann",
        currency="EUR",
        store=store,
    )


@pytest.fixture
def two_tills(server, make_till):
    north, south = make_till("north", 1), make_till("south", 2)
    stock(north)
    stock(south)
    customer = north.new_customer("Martin")
    north.sync()
    south.sync()
    return north, south, customer


def test_both_tills_count_both_tills_sales_and_refunds_after_sync(two_tills):
    north, south, customer = two_tills
    day = datetime.now(UTC) - timedelta(days=3)
    bread = sell(north, customer, [(BAGUETTE, 3), (VIN, 1)], store="Lyon", at=day)
    sell(south, customer, [(CAFE, 2)], store="Paris", at=day + timedelta(days=1))
    wine = sell(south, customer, [(VIN, 2), (BAGUETTE, 1)], store="Paris")
    refund(south, wine, {1: 1}, store="Paris")  # one bottle back, on the till that sold it
    refund(north, bread, {1: 2}, store="Lyon")

    north.use()
    alone = customer_stats(customer)
    assert alone.sale_count == 2  # before syncing, north knows its own sales only

    for till in (north, south, north):
        till.sync()

    north.use()
    on_north = customer_stats(customer)
    north_history = customer_sales(customer)
    south.use()
    on_south = customer_stats(customer)
    south_history = customer_sales(customer)

    # Today's rule for refunds, kept for remote ones: a refund counts as a sale, takes its
    # amount off the total and its quantities off the favourites.
    every = _journal(north) + _journal(south)
    expected_total = sum(sale.total for sale in every)
    assert on_north == on_south
    assert on_north.sale_count == 5
    assert on_north.total_spent == expected_total
    assert on_north.average_basket == round(expected_total / 5)
    assert dict(on_north.favourite_products) == {
        "Café moulu 250 g": 2,
        "Baguette": 3 - 2 + 1,
        "Vin rouge": 1 + 2 - 1,
    }
    assert on_north.first_purchase == utc_text(bread.created_at)
    assert on_north.last_purchase == utc_text(max(sale.created_at for sale in every))

    # Each history lists all five, newest first, each marked with where it was made.
    assert [s.receipt_code for s in north_history] == [s.receipt_code for s in south_history]
    assert len(north_history) == 5
    assert {(s.receipt_code[:2], s.on_this_till) for s in north_history} == {
        ("01", True),
        ("02", False),
    }
    assert {(s.receipt_code[:2], s.on_this_till) for s in south_history} == {
        ("01", False),
        ("02", True),
    }
    assert {s.store for s in north_history if not s.on_this_till} == {"Paris"}

    # The journals hold only each till's own sales: the remote ones live apart.
    assert len(_journal(north)) == 2 and len(_journal(south)) == 3


def _journal(till) -> list[RecordedSale]:
    till.use()
    codes = [row[0] for row in till_database.execute_sql("SELECT receipt_code FROM sale")]
    return [sales.get_sale(code) for code in codes]


def test_remote_sales_older_than_kept_are_summed_and_a_replayed_feed_counts_nothing_twice(
    two_tills,
):
    north, south, customer = two_tills
    long_ago = datetime.now(UTC) - timedelta(days=remote_sales.KEEP_DAYS + 40)
    old = sell(south, customer, [(SAVON, 4)], store="Paris", at=long_ago)
    recent = sell(south, customer, [(SAVON, 1)], store="Paris")
    south.sync()
    north.sync()

    north.use()
    listed = [sale.receipt_code for sale in customer_sales(customer)]
    assert listed == [recent.receipt_code]  # the old one is no longer listed here…
    stats = customer_stats(customer)
    assert stats.sale_count == 2  # …but still counts
    assert stats.total_spent == old.total + recent.total
    assert stats.first_purchase == utc_text(old.created_at)
    assert stats.favourite_products == (("Savon de Marseille", 5),)

    # The feed again from the start (as a cursor reset would replay it): nothing doubles.
    with till_database.atomic():
        till_database.execute_sql("UPDATE sync_state SET value = 0 WHERE name = 'pull_cursor'")
    north.client.pull_all()
    assert customer_stats(customer) == stats

    # Time passes: the recent one ages out too, and is summed rather than lost.
    later = datetime.now(UTC) + timedelta(days=remote_sales.KEEP_DAYS + 1)
    with till_database.atomic():
        assert remote_sales.fold_older(remote_sales.kept_since(later)) == 1
    assert customer_sales(customer) == []
    assert customer_stats(customer) == stats

    # Sales made on other tills keep the customer from being deleted here, as this till's do.
    outcome, message = delete_customer(customer, actor="test")
    assert outcome is DeleteOutcome.DEACTIVATED
    assert "has 2 sales" in message


def test_the_server_keeps_every_sale_and_answers_a_till_for_older_history(server, two_tills):
    north, south, customer = two_tills
    start = datetime.now(UTC) - timedelta(days=remote_sales.KEEP_DAYS + 2.5)
    made = [
        sell(
            north if n % 2 else south,
            customer,
            [(BAGUETTE, 1)],
            store="S",
            at=start + timedelta(days=n),
        )
        for n in range(5)
    ]
    north.sync()
    south.sync()
    assert ServerSale.select().count() == 5

    client = SyncClient(server.url, north.token, "north", attempts=1)
    with client:
        first = client.customer_history(HistoryRequest(customer, limit=3))
        assert [sale.id for sale in first.sales] == [sale.id for sale in made[::-1][:3]]
        assert first.more
        last = first.sales[-1]
        rest = client.customer_history(HistoryRequest(customer, last.created_at, last.id, limit=3))
    assert [sale.id for sale in rest.sales] == [made[1].id, made[0].id]
    assert not rest.more
    assert {sale.till for sale in first.sales + rest.sales} == {"north", "south"}
    assert rest.sales[-1].total == made[0].total

    # The till's service asks from where its own list ends (what it keeps of other tills).
    settings = replace(Settings(), sync=SyncSettings(url=server.url, token=north.token))
    service = CustomerService(settings)
    north.use()
    older = service.older_history(customer)
    assert {sale.sale_id for sale in older.sales} == {made[0].id, made[1].id, made[2].id}
    assert older.next is None
    assert {(s.sale_id, s.on_this_till) for s in older.sales} == {
        (made[0].id, False),
        (made[1].id, True),
        (made[2].id, False),
    }


def test_the_history_endpoint_wants_a_till_token_and_a_customer_id(server, two_tills):
    north, _, customer = two_tills
    path = f"/v1/customers/{customer}/history"
    headers = {"Till-Sync-Version": "1"}
    with server.http() as anonymous:
        answer = anonymous.get(path, headers=headers)
        assert answer.status_code == 401
        assert answer.json()["error"] == "unauthorised"
    with server.http("not-a-token-of-any-till-at-all") as stranger:
        assert stranger.get(path, headers=headers).status_code == 401
    with server.http(north.token) as till:
        good = till.get(path, headers=headers)
        assert good.status_code == 200
        assert HistoryPage.from_json(good.json()).sales == ()
        assert till.get("/v1/customers/NOT-AN-ID/history", headers=headers).status_code == 422
        assert till.get(path, params={"before": "yesterday"}, headers=headers).status_code == 422
        assert till.get(path, params={"before_id": customer}, headers=headers).status_code == 422
        assert till.get(path).status_code == 409  # no protocol version


def test_a_history_answer_that_breaks_the_protocol_is_refused():
    document = {"v": 1, "more": False, "sales": [{"id": "x"}]}
    with pytest.raises(SyncError, match="history sale 1, field id"):
        HistoryPage.from_json(document)
