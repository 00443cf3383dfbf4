"""The till's side of sync in its own database: confirmed outbox rows stop being pending but
stay; pulled changes and the cursor move in one transaction; a remote change writes no
outbox row."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from storage import loyalty, outbox, sync_state
from storage.customers import create_customer
from storage.ids import new_id
from storage.models import LoyaltyEntry, Outbox, database
from storage.remote_changes import RemoteChange, apply_remote, pull_cursor
from till.errors import SyncError

AT = datetime.now(UTC).isoformat()


def _customer(name: str = "Martin") -> str:
    return create_customer({"last_name": name}, actor="t", till_no=1, region="FR").id


def _entry(customer_id: str, points: int, entry_id: str | None = None) -> RemoteChange:
    return RemoteChange(
        "loyalty_entry",
        "create",
        {
            "v": 1,
            "id": entry_id or new_id(),
            "customer_id": customer_id,
            "kind": "earn",
            "points": points,
            "sale_id": None,
            "reason": "",
            "actor": "south",
            "at": AT,
        },
    )


def test_acknowledged_rows_stop_being_pending_but_stay(db_path):
    customer = _customer()
    with database.atomic():
        loyalty.add_movement(customer, "earn", 5, actor="t", at=AT)
    first, second = (row["seq"] for row in outbox.pending())
    outbox.acknowledge(first)
    assert [row["seq"] for row in outbox.pending()] == [second]
    outbox.acknowledge(first - 1)  # a late answer to an older push changes nothing
    assert [row["seq"] for row in outbox.pending()] == [second]
    outbox.acknowledge(second)
    assert outbox.pending() == []
    assert Outbox.select().count() == 2  # nothing deleted


def test_pulled_entries_and_the_cursor_move_together(db_path):
    customer = _customer()
    kept = _entry(customer, 7)
    applied = apply_remote([kept, kept], 12)
    assert (applied.inserted, applied.already_here) == (1, 1)
    assert pull_cursor() == 12
    assert LoyaltyEntry.get_by_id(kept.payload["id"]).points == 7
    assert outbox.pending()[-1]["entity"] == "customer"  # the pull wrote no outbox row


def test_a_pull_that_fails_part_way_applies_nothing_and_keeps_the_cursor(db_path):
    customer = _customer()
    own_code = outbox.pending()[0]["payload"]["code"]
    clash = RemoteChange(
        "customer",
        "create",
        {"v": 1, "id": new_id(), "code": own_code, "at": AT, "fields": {"last_name": "X"}},
    )
    before = _entry(customer, 3)
    with pytest.raises(SyncError, match="share a till number"):
        apply_remote([before, clash], 40)
    assert pull_cursor() == 0
    assert LoyaltyEntry.get_or_none(LoyaltyEntry.id == before.payload["id"]) is None


def test_an_entry_for_a_customer_not_on_this_till_is_passed_over(db_path):
    applied = apply_remote([_entry(new_id(), 4)], 3)
    assert (applied.inserted, applied.passed_over) == (0, 1)
    assert LoyaltyEntry.select().count() == 0 and pull_cursor() == 3


def test_the_cursor_never_moves_back(db_path):
    apply_remote([], 9)
    apply_remote([], 4)
    assert sync_state.get(sync_state.PULL_CURSOR) == 9


def test_a_complete_sync_records_when_it_finished(server, make_till):
    till = make_till("north", 1)
    before = int(time.time())
    assert sync_state.synced_at() == 0
    till.sync()
    assert sync_state.synced_at() >= before
