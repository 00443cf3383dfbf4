"""The till's clock is kept in its database: it survives a restart and ticks forward when the
wall clock goes back. Every local customer change stamps the fields it changes, and the
outbox payload carries those clocks. Migration m0015 stamps what the audit log knows and
sends the pull cursor back to 0."""

from __future__ import annotations

from datetime import UTC, datetime

from storage import clock, customers, field_clocks, outbox, sync_state
from storage.db import close_database, migrate, open_database
from storage.migrations import numbered
from storage.models import database
from till.core.customer import Address
from till.core.hlc import MAX_AHEAD_MS, MAX_COUNTER, MAX_WALL_MS, Hlc
from till.core.merge import DELETED


def test_the_clock_survives_a_restart_and_a_wall_clock_set_back(tmp_path):
    path = tmp_path / "till.db"
    open_database(path)
    first = Hlc.parse(clock.stamp(now=1_800_000_000_000))
    close_database()
    open_database(path)
    second = Hlc.parse(clock.stamp(now=1_000))  # the wall clock went back decades
    close_database()
    assert second > first
    assert (second.wall_ms, second.counter) == (first.wall_ms, first.counter + 1)
    assert second.node == first.node


def test_a_till_that_learns_its_name_stamps_in_it_and_still_moves_forward(db_path):
    before = Hlc.parse(clock.stamp(now=5_000))
    with database.atomic():
        clock.adopt_node("north")
    after = Hlc.parse(clock.stamp(now=5_000))
    assert after.node == "north" and before.node.startswith("till-")
    assert (after.wall_ms, after.counter) > (before.wall_ms, before.counter)


def test_a_node_is_made_once_per_database(tmp_path):
    nodes = set()
    for name in ("a.db", "b.db"):
        open_database(tmp_path / name)
        nodes.add(clock.current().node)
        close_database()
    assert len(nodes) == 2


def _payloads(entity: str) -> list[dict]:
    return [row["payload"] for row in outbox.pending(1_000) if row["entity"] == entity]


def test_each_change_stamps_its_fields_and_the_payload_carries_the_clocks(db_path):
    made = customers.create_customer(
        {"last_name": "Martin", "city": "Lyon"}, actor="t", till_no=1, region="FR"
    )
    customers.update_customer(made.id, {"mobile": "0612345678"}, actor="t", region="FR")
    customers.set_active(made.id, False, actor="t")
    create, update, deactivate = _payloads("customer")
    assert set(create["clocks"]) == set(create["fields"])
    assert set(update["clocks"]) == {"mobile"}
    assert set(deactivate["clocks"]) == {"active"}
    stamps = [create["clocks"]["city"], update["clocks"]["mobile"], deactivate["clocks"]["active"]]
    assert stamps == sorted(stamps) and len(set(stamps)) == 3
    held = field_clocks.held("customer", made.id)
    assert held["mobile"] == (update["clocks"]["mobile"], "")
    assert held["city"] == (create["clocks"]["city"], "")


def test_an_address_edit_restamps_only_what_changed(db_path):
    made = customers.create_customer({"last_name": "Martin"}, actor="t", till_no=1, region="FR")
    saved = customers.save_address(
        made.id, Address(kind="delivery", line1="1 rue Haute", city="Lyon"), actor="t"
    )
    customers.save_address(
        made.id, Address(kind="delivery", line1="1 rue Haute", city="Nice", id=saved.id), actor="t"
    )
    customers.remove_address(made.id, saved.id, actor="t")
    first, second, deletion = _payloads("customer_address")
    assert first["clocks"]["line1"] == second["clocks"]["line1"]
    assert second["clocks"]["city"] > first["clocks"]["city"]
    assert deletion["id"] == saved.id
    assert set(deletion["clocks"]) == {DELETED}
    assert field_clocks.held("customer_address", saved.id) == {
        DELETED: (deletion["clocks"][DELETED], "")
    }


def test_a_delete_leaves_a_tombstone(db_path):
    made = customers.create_customer({"last_name": "Martin"}, actor="t", till_no=1, region="FR")
    customers.delete_customer(made.id, actor="t")
    (payload,) = [p for p in _payloads("customer") if "fields" not in p]
    assert field_clocks.deleted("customer", made.id) == (payload["clocks"][DELETED], "")
    assert set(field_clocks.held("customer", made.id)) == {DELETED}


def test_m0015_stamps_the_audit_log_and_replays_the_feed(tmp_path, monkeypatch):
    before = [(n, name) for n, name in numbered() if n < 15]
    monkeypatch.setattr("storage.migrations.numbered", lambda: before)
    open_database(tmp_path / "till.db")
    at = "2026-11-30T09:00:00+00:00"
    database.execute_sql(
        "INSERT INTO audit_log (id, at, actor, entity, entity_id, action, field, old_value,"
        " new_value) VALUES ('a1', ?, 't', 'customer', 'c1', 'update', 'mobile', '', 'x'),"
        " ('a2', ?, 't', 'customer', 'c1', 'update', 'address delivery', '', 'x'),"
        " ('a3', ?, 't', 'customer', 'c2', 'create', 'last_name', '', 'x'),"
        " ('a4', ?, 't', 'customer', 'c2', 'delete', 'code', 'C01', '')",
        (at, at, at, "2026-11-30T10:00:00+00:00"),
    )
    with database.atomic():
        sync_state.advance(sync_state.PULL_CURSOR, 57)
    monkeypatch.undo()
    migrate()
    assert sync_state.get(sync_state.PULL_CURSOR) == 0
    node = clock.current().node
    wall = int(datetime(2026, 11, 30, 9, tzinfo=UTC).timestamp() * 1000)
    assert field_clocks.held("customer", "c1") == {"mobile": (str(Hlc(wall, 0, node)), "")}
    assert field_clocks.held("customer", "c2") == {
        DELETED: (str(Hlc(wall + 3_600_000, 0, node)), "")
    }
    assert clock.current().wall_ms == wall + 3_600_000
    close_database()


def test_a_pulled_clock_far_ahead_moves_this_till_at_most_a_day(db_path):
    with database.atomic():
        clock.witness([str(Hlc(MAX_WALL_MS, MAX_COUNTER, "evil"))], now=1_000)
    stamped = Hlc.parse(clock.stamp(now=2_000))
    assert stamped.wall_ms == 1_000 + MAX_AHEAD_MS
