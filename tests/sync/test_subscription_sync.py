"""A subscription card bought on one till holds on another through the real server, the plan
unknown there; its cancellation follows; a payload out of bounds is refused by the server."""

from __future__ import annotations

import json
from datetime import date

from storage import subscriptions
from storage.models import database as till_database
from sync import field_refusals as ids
from sync.fields import Fields, ProtocolError, why
from sync.payloads import check_payload
from till.core.subscriptions import Benefit, DurationUnit, Plan

WINE_CLUB = Plan("p-club", "Club des vins", 3, DurationUnit.MONTHS, 1_500, ("Cave",))


def test_a_card_bought_on_one_till_holds_on_the_other_and_its_cancellation_follows(
    server, make_till
):
    north, south = make_till("north", 1), make_till("south", 2)
    customer = north.new_customer("Martin")
    north.sync()
    south.sync()
    north.use()
    today = date.today()
    with till_database.atomic():
        (bought,) = subscriptions.activate(
            [subscriptions.Purchase(WINE_CLUB, 1)],
            customer_id=customer,
            sale_id=None,
            today=today,
            till_no=1,
            actor="Ann",
        )
    north.sync()
    south.sync()
    south.use()
    assert subscriptions.plans() == []  # south does not sell the plan, yet applies it
    assert subscriptions.standing(customer).benefits(today) == (
        Benefit("Club des vins", 1_500, ("Cave",)),
    )
    with till_database.atomic():
        subscriptions.cancel(bought, customer, None, till_no=2, actor="Bob", at=bought.created_at)
    south.sync()
    north.sync()
    north.use()
    assert subscriptions.standing(customer).benefits(today) == ()
    feed = [json.loads(e.payload) for e in server.feed() if e.entity == "subscription_entry"]
    assert sorted(payload["kind"] for payload in feed) == ["cancel", "start"]


def _entry(**changes) -> dict:
    entry = {
        "v": 1,
        "id": "0193a0b0-0000-7000-8000-000000000001",
        "customer_id": "0193a0b0-0000-7000-8000-000000000002",
        "kind": "start",
        "plan": "p-club",
        "plan_name": "Club des vins",
        "discount_bp": 1_500,
        "categories": ["Cave"],
        "starts": "2026-12-02",
        "ends": "2027-03-01",
        "sale_id": None,
        "cancels": None,
        "till_no": 1,
        "actor": "Ann",
        "at": "2026-12-02T10:00:00+00:00",
    }
    return entry | changes


def _refusal(**changes) -> str:
    payload = _entry(**changes)
    payload.pop("v")
    try:
        check_payload(
            "subscription_entry",
            "create",
            payload["id"],
            Fields(payload, why(ids.CHANGE_AT, n=1)),
        )
    except ProtocolError as error:
        return error.english()
    return ""


def test_the_server_bounds_what_a_card_carries():
    assert _refusal() == ""
    assert "discount_bp" in _refusal(discount_bp=10_000)
    assert "ends" in _refusal(ends="2026-12-01")  # before it starts
    assert "ends" in _refusal(ends="2037-12-01")  # longer than a card lasts
    assert "starts" in _refusal(starts="2026-13-01")
    assert "categories" in _refusal(categories=["Cave\x1b[31m"])
    assert "kind" in _refusal(kind="extend")
    assert "cancels" in _refusal(kind="cancel")  # a cancellation names what it cancels
    assert "plan_name" in _refusal(plan_name="x" * 41)
