"""Two tills, two SQLite files, one real server: points earned offline on both tills for the
same customer count on both, once, and the server agrees."""

from __future__ import annotations

import threading

import httpx

from storage import customers, loyalty, outbox
from storage.customer_search import search_customers
from storage.customers import find_by_code, get_customer
from storage.models import database as till_database
from sync.client import SyncClient
from sync.server import ledgers
from sync.server.models import LedgerEntry, ServerCustomer


def test_points_earned_offline_on_two_tills_reach_both_and_the_server(server, make_till):
    north = make_till("north", 1)
    south = make_till("south", 2)
    customer = north.new_customer("Martin")
    assert north.sync() == (1, 1)  # its own change comes back in the feed: a checkpoint
    assert south.sync() == (0, 1)
    assert south.points(customer) == []  # the customer is there, with no points yet

    # Both tills offline: each earns points for the same customer.
    on_north = north.earn(customer, 10)
    on_south = south.earn(customer, 25)

    north.sync()
    south.sync()
    north.sync()  # the north till pulls what the south till pushed after it

    expected = sorted([(on_north, 10), (on_south, 25)])
    assert north.points(customer) == expected
    assert south.points(customer) == expected
    assert ledgers.ledger_balance("loyalty_entry", customer) == 35
    assert LedgerEntry.select().count() == 2
    assert ServerCustomer.get_by_id(customer).till == "north"

    # Syncing again changes nothing anywhere.
    assert north.sync() == (0, 0)
    assert south.sync() == (0, 0)
    assert north.points(customer) == expected
    assert len(server.feed()) == 3


def test_a_pulled_customer_is_found_by_code_on_the_other_till(server, make_till):
    north = make_till("north", 1)
    south = make_till("south", 2)
    customer = north.new_customer("Ødegård")
    north.sync()
    south.sync()
    south.use()
    pulled = get_customer(customer)
    assert pulled.last_name == "Ødegård"
    assert find_by_code(pulled.code) == pulled
    assert [found.id for found in search_customers("odegard")] == [customer]
    # Applying a remote change writes no outbox row: nothing goes back to the server.
    assert outbox.pending() == []


class CashierDuringPush(httpx.HTTPTransport):
    """The network between till and server: while a push is on the wire, the cashier earns
    points for a customer (a new outbox row the push did not read)."""

    def __init__(self, during_push) -> None:
        super().__init__()
        self.during_push = during_push

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/push":
            self.during_push()
        return super().handle_request(request)


def test_a_change_made_while_a_push_is_in_flight_stays_pending(server, make_till):
    north = make_till("north", 1)
    customer = north.new_customer("Leroy")
    late: list[str] = []
    token = server.add_till("north-worker")
    client = SyncClient(
        server.url,
        token,
        "north-worker",
        transport=CashierDuringPush(lambda: late.append(north.earn(customer, 5))),
    )
    with client:
        north.use()
        assert client.push_once().sent == 1
    north.use()
    assert [row["entity_id"] for row in outbox.pending()] == late
    north.sync()
    assert [entry.entity_id for entry in server.feed()] == [customer, *late]


def test_a_till_offline_for_long_catches_up_in_batches_the_server_can_read(
    server, make_till, monkeypatch
):
    north = make_till("north", 1)
    south = make_till("south", 2)
    customer = north.new_customer("Martin")
    north.use()
    at = "2026-12-01T10:00:00+00:00"
    with till_database.atomic():
        for _ in range(1_100):
            loyalty.add_movement(customer, "earn", 1, actor="test", at=at)
    # A body limit this small forces batches far below MAX_BATCH_CHANGES: each halves to fit.
    monkeypatch.setattr("sync.client.MAX_BODY_BYTES", 20_000)
    assert north.sync() == (1_101, 1_101)
    assert outbox.pending() == []
    assert [entry.till_seq for entry in server.feed()] == list(range(1, 1_102))
    assert server.batches() > 1_101 // 60  # ~300 bytes a change: at most ~60 a batch
    assert south.sync() == (0, 1_101)
    assert len(south.points(customer)) == 1_100
    assert ledgers.ledger_balance("loyalty_entry", customer) == 1_100


def test_two_sync_workers_on_one_till_send_each_change_once(server, make_till):
    north = make_till("north", 1)
    customer = north.new_customer("Martin")
    for _ in range(40):
        north.earn(customer, 1)
    north.use()
    clients = [north.client, SyncClient(server.url, north.token, "north", backoff=0.05)]
    start = threading.Barrier(len(clients))
    failures: list[BaseException] = []

    def worker(client: SyncClient) -> None:
        try:
            with till_database.connection_context():
                start.wait()
                while client.push_once(limit=7).sent:
                    pass
        except BaseException as error:  # reported below, in the test's thread
            failures.append(error)

    threads = [threading.Thread(target=worker, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    clients[1].close()
    assert failures == []
    assert [entry.till_seq for entry in server.feed()] == list(range(1, 42))
    assert outbox.pending() == []
    assert ledgers.ledger_balance("loyalty_entry", customer) == 40


def test_a_tills_own_change_coming_back_does_not_undo_what_it_did_since(server, make_till):
    north = make_till("north", 1)
    customer = north.new_customer("Brief")
    north.client.push_all()
    north.use()
    customers.delete_customer(customer, actor="test")  # no history: really deleted
    north.client.pull_all()  # the feed still holds the customer's creation, from this till
    assert customers.find_by_code("C01-000001") is None
