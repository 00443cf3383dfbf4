"""A duplicate merged on one till (storage/customer_merge.py) is followed on the server and on
every till: the merged-away code and card find the survivor, balances are the same
everywhere, and what a till made offline for the merged-away customer after the merge goes
to the survivor on arrival. Replaying the merge changes nothing. Real server, SQLite and
PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

from storage import accounts, customers, loyalty
from storage.customer_merge import merge_customers
from storage.models import AuditLog
from storage.models import database as till_database
from storage.remote_changes import RemoteChange, apply_remote, pull_cursor
from sync.protocol import Change
from sync.server import customer_index, ledgers, merges, web_customers
from sync.server.models import (
    LedgerEntry,
    ServerCustomer,
    ServerCustomerAddress,
    ServerCustomerMerge,
)
from sync.server.models import database as server_database
from till.core.customer import Address


def sync_all(*tills: Any) -> None:
    for till in (*tills, *tills):  # the second round pulls what the others pushed after
        till.sync()


def duplicates(till: Any) -> dict[str, Any]:
    """On ``till``: Jean with a card and points, and his quick-add duplicate with a card, an
    e-mail, an external code, a delivery address, points and money on account."""
    till.use()
    keep = customers.create_customer(
        {"last_name": "Dupont", "first_name": "Jean", "city": "Lyon"},
        actor="test",
        till_no=till.till_no,
        region="FR",
    )
    other = customers.create_customer(
        {
            "last_name": "Dupont",
            "email": "jd@example.fr",
            "address1": "9 quai Bas",
            "external_codes": {"erp": "E-77"},
        },
        actor="test",
        till_no=till.till_no,
        region="FR",
    )
    cards = [loyalty.issue_card(c.id, actor="test", till_no=till.till_no) for c in (keep, other)]
    customers.save_address(other.id, Address(kind="delivery", line1="Dock 4"), actor="test")
    till.earn(keep.id, 100)
    till.earn(other.id, 40)
    accounts.deposit(other.id, 250, "cash", actor="test")
    return {"keep": keep, "other": other, "keep_card": cards[0], "other_card": cards[1]}


def seen_from(till: Any, found: dict[str, Any]) -> dict[str, Any]:
    """What ``till`` makes of the merged pair."""
    till.use()
    survivor = customers.get_customer(found["keep"].id)
    return {
        "by code": customers.find_by_code(found["other"].code).id,
        "by card": customers.find_by_card(found["other_card"]).id,
        "points": loyalty.balance(survivor.id),
        "account": accounts.balance(survivor.id),
        "email": survivor.email,
        "codes": survivor.external_codes,
        "addresses": sorted((a.kind, a.line1) for a in survivor.addresses),
        "other active": customers.get_customer(found["other"].id).active,
    }


def test_a_merge_on_one_till_reaches_the_server_and_the_other_till(server, make_till):
    north, south = make_till("north", 1), make_till("south", 2)
    found = duplicates(north)
    sync_all(north, south)
    north.use()
    merge_customers(found["keep"].id, found["other"].id, actor="test", approved_by="Marie")
    sync_all(north, south)

    expected = {
        "by code": found["keep"].id,
        "by card": found["keep"].id,
        "points": 140,
        "account": 250,
        "email": "jd@example.fr",
        "codes": {"erp": "E-77"},
        "addresses": [("delivery", "Dock 4"), (f"from {found['other'].code}", "9 quai Bas")],
        "other active": False,
    }
    assert seen_from(north, found) == seen_from(south, found) == expected
    south.use()
    approved = AuditLog.select().where(
        (AuditLog.entity_id == found["other"].id) & (AuditLog.action == "merged")
    )
    assert ["approved by Marie" in row.actor for row in approved] == [True]

    keep_id, other_id = found["keep"].id, found["other"].id
    assert ServerCustomerMerge.get_by_id(other_id).keep_id == keep_id
    assert ledgers.ledger_balance("loyalty_entry", keep_id) == 140
    assert ledgers.ledger_balance("account_entry", keep_id) == 250
    assert LedgerEntry.select().where(LedgerEntry.customer_id == other_id).count() == 0
    assert {a.customer_id for a in ServerCustomerAddress.select()} == {keep_id}
    assert json.loads(ServerCustomer.get_by_id(keep_id).fields)["email"] == "jd@example.fr"
    assert json.loads(ServerCustomer.get_by_id(other_id).fields)["active"] is False
    assert [c.id for c in customer_index.search("Dupont", region="FR", limit=10, offset=0)] == [
        keep_id
    ]
    assert web_customers.get(found["other"].code).id == keep_id  # the web service's lookup

    # Replays: the till pulling the whole feed again, and the server given the merge again.
    south.use()
    merged_rows = AuditLog.select().where(AuditLog.action == "merged").count()
    with till_database.atomic():
        till_database.execute_sql("UPDATE sync_state SET value = 0 WHERE name = 'pull_cursor'")
    assert pull_cursor() == 0
    south.sync()
    assert seen_from(south, found) == expected
    assert customers.get_customer(found["other"].id).external_codes == {}
    merged = AuditLog.select().where(AuditLog.action == "merged")
    assert merged.count() == merged_rows  # replayed creations only lose to the merge's clock
    feed_merge = next(e for e in server.feed() if e.operation == "merge")
    again = Change(
        feed_merge.till_seq, "customer", keep_id, "merge", json.loads(feed_merge.payload)
    )
    before = json.loads(ServerCustomer.get_by_id(keep_id).fields)
    with server_database.atomic():
        merges.apply_merge("north", again)
    assert json.loads(ServerCustomer.get_by_id(keep_id).fields) == before
    assert ServerCustomerMerge.select().count() == 1
    assert (
        apply_remote(
            [RemoteChange("customer", "merge", json.loads(feed_merge.payload), "north")],
            pull_cursor(),
        ).inserted
        == 0
    )


def test_what_a_till_made_offline_for_the_merged_away_goes_to_the_survivor(server, make_till):
    north, south = make_till("north", 1), make_till("south", 2)
    found = duplicates(north)
    sync_all(north, south)
    keep_id, other_id = found["keep"].id, found["other"].id
    north.use()
    merge_customers(keep_id, other_id, actor="test", approved_by="Marie")
    north.sync()  # the merge is on the server; south has not pulled it
    late_entry = south.earn(other_id, 7)
    south.use()
    customers.update_customer(other_id, {"mobile": "06 12 34 56 78"}, actor="test", region="FR")
    sync_all(south, north)

    for till in (north, south):
        till.use()
        owner = till_database.execute_sql(
            "SELECT customer_id FROM loyalty_entry WHERE id = ?", (late_entry,)
        ).fetchone()[0]
        assert owner == keep_id
        assert loyalty.balance(keep_id) == 147
        # the edit of the merged-away customer fills the survivor's empty mobile
        assert customers.get_customer(keep_id).mobile == "+33612345678"
    assert LedgerEntry.get_by_id(late_entry).customer_id == keep_id
    assert ledgers.ledger_balance("loyalty_entry", keep_id) == 147
    assert json.loads(ServerCustomer.get_by_id(keep_id).fields)["mobile"] == "+33612345678"


def test_the_protocol_checks_a_merge_field_by_field(db_path):
    """The merge change the till writes passes; broken ones are refused naming the field."""
    import pytest

    from storage.models import Outbox
    from sync.fields import Fields, ProtocolError
    from sync.payloads import check_payload

    keep = customers.create_customer({"last_name": "A"}, actor="t", till_no=1, region="FR")
    other = customers.create_customer(
        {"last_name": "A", "city": "Lyon", "email": "a@example.fr"},
        actor="t",
        till_no=1,
        region="FR",
    )
    customers.update_customer(keep.id, {"postcode": "69001"}, actor="t", region="FR")
    merge_customers(keep.id, other.id, actor="t", approved_by="Marie")
    row = Outbox.select().where(Outbox.operation == "merge").get()
    good = json.loads(row.payload)
    assert "address" in good  # the other's main address became an extra one

    def check(payload: dict[str, Any], entity_id: str = keep.id) -> None:
        fields = Fields(payload, "change 1")
        fields.raw("v")  # the protocol's version: checked by the caller
        check_payload("customer", "merge", entity_id, fields)

    check(dict(good))
    broken = [
        ({**good, "other": keep.id}, "other"),
        ({**good, "other": "not-an-id"}, "other"),
        ({**good, "clock": "yesterday"}, "clock"),
        ({**good, "fields": {**good["fields"], "shoe_size": "44"}}, "fields.shoe_size"),
        ({**good, "clocks": {}}, "clocks.email"),
        ({**good, "address": {**good["address"], "kind": ""}}, "kind"),
        ({**good, "address": {**good["address"], "line1": "x\x1b[31m"}}, "line1"),
        ({**good, "actor": "a" * 500}, "actor"),
        ({**good, "surprise": 1}, "surprise"),
    ]
    for payload, field in broken:
        with pytest.raises(ProtocolError, match=f"field {field}"):
            check(payload)
    with pytest.raises(ProtocolError, match="field keep: differs from the change's entity_id"):
        check(dict(good), entity_id=other.id)
