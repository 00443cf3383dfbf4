"""A page of pulled customer creations is written together (remote_customers.apply_creations):
the same feed applied that way and one change at a time (``apply_customer`` for each, as
pulls did before) leaves the same rows, field clocks, search index, cards, codes, audit and
cursor, whatever the page mixes: new customers, ones this till holds or buried, the same
customer twice, other changes between them, legacy changes without clocks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from storage import remote_customers, sync_state
from storage.clock import adopt_node, witnessing
from storage.customer_keys import search_text
from storage.customer_search import fts_query, search_customers
from storage.customers import get_customer
from storage.db import close_database, open_database
from storage.models import database
from storage.remote_changes import RemoteChange, apply_remote
from till.core.customer import customer_code, validate_changes
from till.errors import SyncError

TILL = "north"
AT = "2026-03-01T10:00:00+00:00"
CLOCK = "0195a1b2c3d4-0000-north"
LATER = "0195a1b2c3d5-0000-north"


def _creation(
    number: int, clock: str | None = CLOCK, card_number: str = "", **person: Any
) -> RemoteChange:
    fields = validate_changes({"last_name": f"Name{number}", **person}, region="FR")
    if card_number:  # a card issued on the till that made the customer
        fields["card_number"] = card_number
    fields["targeting"] = list(fields.get("targeting", ()))
    fields.setdefault("external_codes", {})
    payload: dict[str, Any] = {
        "id": f"0195a1b2-c3d4-7000-8000-{number:012d}",
        "code": customer_code(1, number),
        "at": AT,
        "fields": fields,
    }
    if clock is not None:
        payload["clocks"] = dict.fromkeys(fields, clock)
    return RemoteChange("customer", "create", payload, TILL)


def _people() -> list[RemoteChange]:
    made = [
        _creation(
            n,
            first_name=f"Élodie{n}",
            mobile=f"06{n:08d}",
            email=f"élodie.{n}@example.org",
            city="Besançon",
            postcode="25000",
        )
        for n in range(1, 31)
    ]
    made += [
        _creation(31, last_name="O'Brien", landline="0145678901", consent_email=True),
        _creation(32, company="Crème & Co", kind="business", external_codes={"erp": "E-32"}),
        _creation(33, card_number="2900000000331", mobile="+442079460958"),
        _creation(34, clock=None, first_name="Legacy"),  # written before clocks
    ]
    return made


def _feed() -> list[RemoteChange]:
    """Creations, new and known, with other changes between them."""
    people = _people()
    known, buried = people[0].payload, people[25].payload
    again = _creation(1, clock=LATER, first_name="Élodie1", city="Dijon")
    twice = _creation(40, first_name="First")
    twice_later = _creation(40, clock=LATER, first_name="Second")
    deletion = RemoteChange(
        "customer", "delete", {"id": buried["id"], "at": AT, "clocks": {"deleted": LATER}}, TILL
    )
    update = RemoteChange(
        "customer",
        "update",
        {
            "id": people[5].payload["id"],
            "at": AT,
            "fields": {"city": "Metz"},
            "clocks": {"city": LATER},
        },
        TILL,
    )
    address = RemoteChange(
        "customer_address",
        "upsert",
        {
            "id": "0195a1b2-c3d4-7000-9000-000000000001",
            "customer_id": people[7].payload["id"],
            "at": AT,
            "kind": "delivery",
            "line1": "1 rue Haute",
            "line2": "",
            "line3": "",
            "postcode": "21000",
            "city": "Dijon",
            "country": "FR",
            "clocks": dict.fromkeys(
                ("kind", "line1", "line2", "line3", "postcode", "city", "country"), CLOCK
            ),
        },
        TILL,
    )
    return [
        deletion,  # buried before its creation arrives: not brought back
        *people[:10],
        again,  # known by then: merged, the older city lost to the audit log
        update,
        address,
        *people[10:20],
        twice,
        twice_later,  # the same customer twice in a row of creations
        *people[20:],
        RemoteChange("customer", "create", known, TILL),  # a replay: nothing changes
    ]


ONE_BY_ONE = {
    "customer": remote_customers.apply_customer,
    "customer_address": remote_customers.apply_address,
}


def _one_by_one(changes: list[RemoteChange], cursor: int) -> None:
    """What ``apply_remote`` did before creations were written together."""
    with database.atomic(), witnessing():
        adopt_node("south")
        for change in changes:
            ONE_BY_ONE[change.entity](change.operation, change.payload, change.till)
        sync_state.advance(sync_state.PULL_CURSOR, cursor)


def _state() -> dict[str, Any]:
    tables = {
        "customer": "SELECT * FROM customer ORDER BY num",
        "field_clock": "SELECT * FROM field_clock ORDER BY entity, entity_id, field",
        "loyalty_card": "SELECT * FROM loyalty_card ORDER BY number",
        "external_code": "SELECT * FROM customer_external_code ORDER BY system, code",
        "address": "SELECT * FROM customer_address ORDER BY id",
        "audit": "SELECT actor, entity, entity_id, action, field, old_value, new_value,"
        " old_clock, new_clock FROM audit_log ORDER BY rowid",
        "cursor": "SELECT name, value FROM sync_state ORDER BY name",
    }
    state: dict[str, Any] = {
        name: database.execute_sql(sql).fetchall() for name, sql in tables.items()
    }
    ids = [row[0] for row in database.execute_sql("SELECT id FROM customer ORDER BY num")]
    words = {word for id_ in ids for word in search_text(get_customer(id_)).split()}
    state["index"] = {
        word: database.execute_sql(
            "SELECT rowid FROM customer_fts WHERE customer_fts MATCH ? ORDER BY rowid",
            (fts_query(word),),
        ).fetchall()
        for word in sorted(words)
    }
    return state


def _applied(tmp_path: Path, name: str, pages: list[list[RemoteChange]], bulk: bool) -> dict:
    open_database(tmp_path / f"{name}.db")
    try:
        for number, page in enumerate(pages, 1):
            if bulk:
                apply_remote(page, number, node="south")
            else:
                _one_by_one(page, number)
        return _state()
    finally:
        close_database()


def test_bulk_and_one_by_one_leave_the_same_till(tmp_path):
    feed = _feed()
    # The first customer is known early; the buried one arrives among new ones only.
    pages = [feed[:1], [_people()[0]], feed[1:26], feed[26:-1], feed[-1:]]
    bulk = _applied(tmp_path, "bulk", pages, bulk=True)
    single = _applied(tmp_path, "single", pages, bulk=False)
    assert bulk == single
    assert len(bulk["customer"]) == 34  # 34 people, one buried, one made twice
    assert any(row[4] == "city" and row[5] == "Besançon" for row in bulk["audit"])
    assert bulk["cursor"][0] == ("pull_cursor", 5)


def test_search_finds_every_customer_written_together(tmp_path):
    open_database(tmp_path / "till.db")
    try:
        apply_remote(_people(), 1, node="south")
        for number in (3, 17, 30):
            code = customer_code(1, number)
            for query in (
                f"Name{number}",
                f"elodie{number}",
                f"06{number:08d}",  # the national form
                f"+336{number:08d}",
                f"élodie.{number}@example.org",
                code,
            ):
                assert code in {c.code for c in search_customers(query)}, query
        assert [c.code for c in search_customers("2900000000331")] == [customer_code(1, 33)]
        assert [c.code for c in search_customers("02079460958")] == [customer_code(1, 33)]
        assert [c.code for c in search_customers("O'Brien")] == [customer_code(1, 31)]
        assert [c.code for c in search_customers("E-32")] == [customer_code(1, 32)]
    finally:
        close_database()


def _clash(tmp_path: Path, name: str, bulk: bool, page: list[RemoteChange]) -> tuple[str, dict]:
    open_database(tmp_path / f"{name}.db")
    try:
        with pytest.raises(SyncError) as refused:
            if bulk:
                apply_remote(page, 9, node="south")
            else:
                _one_by_one(page, 9)
        return str(refused.value), _state()
    finally:
        close_database()


def test_a_clash_in_a_page_fails_on_the_same_customer_and_writes_nothing(tmp_path):
    people = _people()
    same_card = _creation(50, card_number="2900000000331")
    same_code = RemoteChange(
        "customer", "create", {**_creation(51).payload, "code": customer_code(1, 5)}, TILL
    )
    for number, clash in enumerate((same_card, same_code)):
        page = [*people, clash, _creation(52)]
        message, state = _clash(tmp_path, f"bulk{number}", True, page)
        expected, _ = _clash(tmp_path, f"single{number}", False, page)
        assert message == expected
        assert state["customer"] == [] and state["cursor"][0] == ("pull_cursor", 0)
