"""Two tills change the same customer offline, then sync in either order: both tills and the
server converge to the same customer file, field by field, the later clock wins, and the
value that lost is in the audit log (and the server's) with both clocks. Cards, addresses
and deletions reach the other till. A till that passed over updates replays the feed."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest

from storage import clock, customers, loyalty
from storage.customer_search import search_customers
from storage.migrations import m0015_field_clocks
from storage.models import AuditLog
from storage.models import database as till_database
from sync.server import customers as server_customers
from sync.server.models import ServerCustomer, ServerCustomerAddress
from till.core.customer import Address

T0 = 1_796_115_600_000
"""A wall time for the tests (2026-12-01): each edit is given its own, so "later" is exact."""


class Wall:
    """The wall clock both tills read (they share this process)."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> int:
        return self.now


@pytest.fixture
def wall(monkeypatch: pytest.MonkeyPatch) -> Wall:
    fake = Wall()
    monkeypatch.setattr(clock, "now_ms", fake)
    return fake


def edit(till: Any, customer_id: str, at: int, wall: Wall, **changes: Any) -> dict[str, str]:
    """Change fields on ``till`` at wall time ``at``; the clocks the outbox carries."""
    wall.now = at
    till.use()
    customers.update_customer(customer_id, changes, actor="test", region="FR")
    row = till_database.execute_sql("SELECT payload FROM outbox ORDER BY seq DESC LIMIT 1")
    return json.loads(row.fetchone()[0])["clocks"]


def sync_all(*tills: Any) -> None:
    for till in (*tills, *tills):  # the second round pulls what the others pushed after
        till.sync()


def on(till: Any, customer_id: str) -> dict[str, Any]:
    till.use()
    found = customers.get_customer(customer_id)
    return {"mobile": found.mobile, "city": found.city, "email": found.email}


def merges(till: Any, customer_id: str) -> list[tuple[str, str, str, str, str]]:
    till.use()
    rows = (
        AuditLog.select()
        .where((AuditLog.entity_id == customer_id) & (AuditLog.action == "merge"))
        .order_by(AuditLog.at, AuditLog.field)
    )
    return [(r.field, r.old_value, r.new_value, r.old_clock, r.new_clock) for r in rows]


def server_fields(customer_id: str) -> dict[str, Any]:
    fields: dict[str, Any] = json.loads(ServerCustomer.get_by_id(customer_id).fields)
    return fields


@pytest.mark.parametrize("first", ["north", "south"])
def test_the_same_phone_changed_offline_on_two_tills_converges_to_the_later_clock(
    server, make_till, wall, first
):
    north, south = make_till("north", 1), make_till("south", 2)
    customer = north.new_customer("Martin")
    sync_all(north, south)

    early = edit(north, customer, T0 + 1_000, wall, mobile="0611111111")["mobile"]
    late = edit(south, customer, T0 + 2_000, wall, mobile="0622222222")["mobile"]
    assert late > early
    # Once a till has synced, it stamps in its own name: ties go by till name.
    assert early.endswith("-north") and late.endswith("-south")
    sync_all(*((north, south) if first == "north" else (south, north)))

    assert on(north, customer)["mobile"] == on(south, customer)["mobile"] == "+33622222222"
    assert server_fields(customer)["mobile"] == "+33622222222"
    loss = ("mobile", "+33611111111", "+33622222222", early, late)
    assert merges(north, customer) == [loss]  # north's value was replaced
    assert merges(south, customer) == [loss]  # north's value arrived, and lost
    (kept,) = server_customers.losses(customer)
    assert (kept.lost_value, kept.lost_clock, kept.lost_till) == ('"+33611111111"', early, "north")
    assert (kept.kept_value, kept.kept_clock, kept.kept_till) == ('"+33622222222"', late, "south")

    # Nothing moves on a further sync, and the next local edit stamps past what was seen.
    sync_all(north, south)
    assert on(north, customer) == on(south, customer)
    assert edit(north, customer, T0, wall, mobile="0633333333")["mobile"] > late


@pytest.mark.parametrize("first", ["north", "south"])
def test_different_fields_changed_on_two_tills_both_stay(server, make_till, wall, first):
    north, south = make_till("north", 1), make_till("south", 2)
    customer = north.new_customer("Martin")
    sync_all(north, south)

    edit(north, customer, T0 + 2_000, wall, city="Lyon", email="a@example.org")
    edit(south, customer, T0 + 1_000, wall, mobile="0622222222", email="b@example.org")
    sync_all(*((north, south) if first == "north" else (south, north)))

    expected = {"mobile": "+33622222222", "city": "Lyon", "email": "a@example.org"}
    assert on(north, customer) == on(south, customer) == expected
    assert {k: server_fields(customer)[k] for k in expected} == expected
    # Every value replaced is audited (the city's empty value here); the conflict is the
    # e-mail, changed on both: south's lost to north's later clock.
    assert [loss[:3] for loss in merges(south, customer)] == [
        ("city", "", "Lyon"),
        ("email", "b@example.org", "a@example.org"),
    ]
    south.use()
    assert [found.id for found in search_customers("lyon")] == [customer]


def test_a_card_issued_on_one_till_scans_on_the_other(server, make_till, wall):
    north, south = make_till("north", 1), make_till("south", 2)
    customer = north.new_customer("Martin")
    north.use()
    first_card = loyalty.issue_card(customer, actor="test", till_no=1)
    sync_all(north, south)

    south.use()
    found = customers.find_by_card(first_card)
    assert found is not None and found.id == customer
    assert [c.id for c in search_customers(first_card)] == [customer]

    wall.now = T0 + 1_000
    north.use()
    second_card = loyalty.issue_card(customer, actor="test", till_no=1)
    sync_all(north, south)
    south.use()
    assert customers.find_by_card(second_card).id == customer  # type: ignore[union-attr]
    assert customers.find_by_card(first_card) is None
    with pytest.raises(loyalty.BlockedCard):
        loyalty.check_card(first_card)
    assert json.loads(ServerCustomer.get_by_id(customer).fields)["card_number"] == second_card


def test_an_address_added_changed_and_removed_follows_on_the_other_till(server, make_till, wall):
    north, south = make_till("north", 1), make_till("south", 2)
    customer = north.new_customer("Martin")
    north.use()
    saved = customers.save_address(
        customer, Address(kind="delivery", line1="1 rue Haute", city="Lyon"), actor="test"
    )
    sync_all(north, south)
    south.use()
    assert customers.get_customer(customer).addresses == (saved,)

    wall.now = T0 + 1_000
    customers.save_address(customer, replace(saved, city="Nice"), actor="test")
    sync_all(south, north)
    north.use()
    assert [a.city for a in customers.get_customer(customer).addresses] == ["Nice"]
    assert json.loads(ServerCustomerAddress.get_by_id(saved.id).fields)["city"] == "Nice"

    customers.remove_address(customer, saved.id, actor="test")
    sync_all(north, south)
    south.use()
    assert customers.get_customer(customer).addresses == ()
    assert ServerCustomerAddress.get_by_id(saved.id).deleted


def test_a_delete_on_one_till_wins_over_an_edit_made_offline_on_the_other(server, make_till, wall):
    north, south = make_till("north", 1), make_till("south", 2)
    customer = north.new_customer("Martin")
    sync_all(north, south)

    edited = edit(south, customer, T0 + 2_000, wall, city="Lyon")["city"]  # after the delete
    wall.now = T0 + 1_000
    north.use()
    assert customers.delete_customer(customer, actor="test")[0] == customers.DeleteOutcome.DELETED
    sync_all(north, south)

    for till in (north, south):
        till.use()
        with pytest.raises(customers.CustomerNotFound):
            customers.get_customer(customer)
        assert search_customers("martin") == []
    assert ServerCustomer.get_by_id(customer).deleted
    north_lost = merges(north, customer)
    assert [(f, old, clock) for f, old, _, clock, _ in north_lost] == [("city", "Lyon", edited)]
    (kept,) = server_customers.losses(customer)
    assert (kept.field, kept.lost_value, kept.lost_clock) == ("city", '"Lyon"', edited)
    assert kept.kept_clock == north_lost[0][4]  # the deletion's clock


def test_a_till_that_passed_over_updates_replays_the_feed_from_the_start(
    server, make_till, wall, monkeypatch
):
    north, south = make_till("north", 1), make_till("south", 2)
    customer = north.new_customer("Martin")
    gone = north.new_customer("Leroy")
    sync_all(north, south)
    south.use()
    customers.delete_customer(gone, actor="test")

    # The south till runs a version that applies no customer change: it passes them over.
    monkeypatch.setattr("storage.remote_changes.MERGERS", {})
    edit(north, customer, T0 + 1_000, wall, mobile="0611111111")
    entry = north.earn(customer, 10)
    sync_all(north, south)
    assert on(south, customer)["mobile"] == ""
    monkeypatch.undo()
    monkeypatch.setattr(clock, "now_ms", wall)

    south.use()
    with till_database.atomic():
        m0015_field_clocks.replay_feed(till_database)
    south.sync()
    assert on(south, customer)["mobile"] == "+33611111111"
    assert south.points(customer) == [(entry, 10)]  # replayed, not doubled
    with pytest.raises(customers.CustomerNotFound):
        customers.get_customer(gone)  # deleted here: the replayed create does not bring it back
    assert customers.customer_count() == 1
    assert south.sync() == (0, 0)


def test_a_till_holding_points_of_a_customer_deleted_elsewhere_keeps_it_inactive(
    server, make_till, wall
):
    north, south = make_till("north", 1), make_till("south", 2)
    customer = north.new_customer("Martin")
    sync_all(north, south)
    south.earn(customer, 10)  # offline: north does not know
    north.use()
    assert customers.delete_customer(customer, actor="test")[0] == customers.DeleteOutcome.DELETED
    sync_all(north, south)

    south.use()
    kept = customers.get_customer(customer)
    assert not kept.active  # its history stays here, as a delete made here would keep it
    assert south.points(customer) != []
    assert ServerCustomer.get_by_id(customer).deleted
