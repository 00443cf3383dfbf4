"""The server over real HTTP: a push is applied once however often it arrives, a lost answer is
retried safely, and hostile requests are refused without writing anything."""

from __future__ import annotations

import json
from typing import Any

import pytest

from sync.protocol import MAX_BATCH_CHANGES, MAX_BODY_BYTES
from sync.server import ledgers, store
from sync.server.models import SERVER_MODELS, LedgerEntry
from tests.sync.conftest import LosingProxy
from tests.sync.test_protocol import loyalty_change, sale_change


def batch(till: str, *changes: dict[str, Any], key: str = "k1") -> dict[str, Any]:
    return {"v": 1, "till": till, "key": key, "changes": list(changes) or [loyalty_change()]}


def test_the_same_batch_sent_twice_is_applied_once_and_answered_the_same(server):
    token = server.add_till("north")
    with server.http(token) as http:
        first = http.post("/v1/push", json=batch("north"))
        again = http.post("/v1/push", json=batch("north"))
    assert first.status_code == again.status_code == 200
    assert (
        first.json()
        == again.json()
        == {
            "v": 1,
            "key": "k1",
            "up_to_seq": 1,
            "accepted": 1,
            "duplicates": 0,
            "feed_seq": 1,
        }
    )
    assert len(server.feed()) == 1 and server.batches() == 1
    assert ledgers.ledger_balance("loyalty_entry", loyalty_change()["payload"]["customer_id"]) == 12


def test_a_change_sent_again_under_another_key_is_not_doubled(server):
    token = server.add_till("north")
    with server.http(token) as http:
        http.post("/v1/push", json=batch("north", loyalty_change(1), key="a"))
        answer = http.post("/v1/push", json=batch("north", loyalty_change(1), key="b")).json()
    assert (answer["accepted"], answer["duplicates"]) == (0, 1)
    assert len(server.feed()) == 1 and LedgerEntry.select().count() == 1


def test_a_push_whose_answer_is_lost_is_retried_and_applied_once(server, make_till):
    port = int(server.url.rsplit(":", 1)[1])
    proxy = LosingProxy(port, lose=1)
    try:
        north = make_till("north", 1, url=proxy.url)
        customer = north.new_customer("Martin")
        north.earn(customer, 10)
        north.use()
        result = north.client.push_once()
    finally:
        proxy.close()
    assert proxy.lost == 1  # the first answer never reached the till
    # The retry was answered with what the first push answered: both changes new, once.
    assert result.sent == 2 and result.answer is not None
    assert (result.answer.accepted, result.answer.duplicates) == (2, 0)
    assert [entry.till_seq for entry in server.feed()] == [1, 2]
    assert server.batches() == 1
    from storage import outbox

    north.use()
    assert outbox.pending() == []


def test_an_unreachable_server_leaves_the_outbox_as_it_was(server, make_till):
    north = make_till("north", 1, url="http://127.0.0.1:9")  # discard port: nothing listens
    north.new_customer("Martin")
    north.use()
    from storage import outbox
    from till.errors import SyncError

    before = outbox.pending()
    with pytest.raises(SyncError, match="Sync failed: cannot reach the server"):
        north.client.push_once()
    assert outbox.pending() == before and len(before) == 1
    assert server.feed() == []


def _hostile_requests(server) -> list[tuple[str, dict[str, Any], int, str]]:
    """(what, request, status, words of the message)"""
    north = server.add_till("north")
    south = server.add_till("south")
    gone = server.add_till("gone")
    store.revoke("gone")
    valid = json.dumps(batch("north")).encode()
    huge_change = loyalty_change(reason="x" * 200)
    huge = [loyalty_change(n) for n in range(1, MAX_BATCH_CHANGES + 2)]
    control = loyalty_change(actor="\x1b[31mred")
    return [
        ("no token", {"content": valid}, 401, "No till token"),
        ("not bearer", {"content": valid, "token": None, "auth": f"Basic {north}"}, 401, "No"),
        ("wrong token", {"content": valid, "token": "x" * 43}, 401, "unknown or was revoked"),
        ("long token", {"content": valid, "token": "x" * 5000}, 401, "unknown or was revoked"),
        ("another till's", {"content": valid, "token": south}, 403, "till south's"),
        ("revoked token", {"content": valid, "token": gone}, 401, "unknown or was revoked"),
        ("malformed JSON", {"content": b'{"v": 1,', "token": north}, 400, "Malformed JSON"),
        ("not UTF-8", {"content": b'{"v": "\xff"}', "token": north}, 400, "not UTF-8"),
        (
            "huge body",
            {"content": b" " * (MAX_BODY_BYTES + 1) + valid, "token": north},
            413,
            "at most",
        ),
        (
            "too many changes",
            {"content": json.dumps(batch("north", *huge)).encode(), "token": north},
            413,
            f"at most {MAX_BATCH_CHANGES} changes",
        ),
        (
            "wrong type",
            {"content": json.dumps(batch("north", loyalty_change(points="9"))), "token": north},
            422,
            "field points: must be a whole number",
        ),
        (
            "control characters",
            {"content": json.dumps(batch("north", control)), "token": north},
            422,
            "field actor: has a control character (U+001B)",
        ),
        (
            "one bad change among good ones",
            {
                "content": json.dumps(
                    batch("north", loyalty_change(1), huge_change, loyalty_change(3, kind="X"))
                ),
                "token": north,
            },
            422,
            "change 3",
        ),
        (
            "a sale whose lines do not add up",
            {"content": json.dumps(batch("north", sale_change(total=1))), "token": north},
            422,
            "field total: the lines come to 610, but the sale says 1.",
        ),
        (
            "nested too deeply",
            {"content": b"[" * 200_000 + b"]" * 200_000, "token": north},
            400,
            "Malformed JSON",
        ),
        (
            "newer protocol",
            {"content": json.dumps({**batch("north"), "v": 2}), "token": north},
            409,
            "update the server",
        ),
    ]


def test_hostile_pushes_are_refused_and_write_nothing(server):
    for what, request, status, words in _hostile_requests(server):
        headers = {}
        if request.get("token"):
            headers["Authorization"] = f"Bearer {request['token']}"
        if request.get("auth"):
            headers["Authorization"] = request["auth"]
        with server.http() as http:
            response = http.post("/v1/push", content=request["content"], headers=headers)
        assert response.status_code == status, what
        assert words in response.json()["message"], what
        assert "\n" not in response.json()["message"]
        assert server.feed() == [] and server.batches() == 0, what
        assert LedgerEntry.select().count() == 0, what


def test_pulling_needs_a_valid_token_and_a_version(server):
    token = server.add_till("north")
    with server.http() as http:
        assert http.get("/v1/changes", params={"after": 0}).status_code == 401
        refused = http.get(
            "/v1/changes",
            params={"after": 0},
            headers={"Authorization": f"Bearer {token}", "Till-Sync-Version": "2"},
        )
        assert refused.status_code == 409
        assert refused.json()["message"].endswith("update the server.")
        bad = http.get(
            "/v1/changes",
            params={"after": "x"},
            headers={"Authorization": f"Bearer {token}", "Till-Sync-Version": "1"},
        )
        assert bad.status_code == 422 and "field after" in bad.json()["message"]


def test_tokens_are_stored_only_as_hashes(server):
    token = server.add_till("north")
    dump = "\n".join(repr(row) for model in SERVER_MODELS for row in model.select().tuples())
    assert token not in dump
    assert store.token_hash(token) in dump
    assert len(token) >= 43  # 32 random bytes, URL-safe base64


def _customer_create(customer_id: str, code: str) -> dict[str, Any]:
    return {
        "seq": 1,
        "entity": "customer",
        "entity_id": customer_id,
        "operation": "create",
        "payload": {
            "v": 1,
            "id": customer_id,
            "code": code,
            "at": "2026-12-01T10:00:00+00:00",
            "fields": {"last_name": "Martin"},
        },
    }


def test_a_customer_code_another_customer_holds_refuses_the_batch(server):
    north, south = server.add_till("north"), server.add_till("south")
    first = "0193a1b2-0000-7000-8000-00000000aaaa"
    second = "0193a1b2-0000-7000-8000-00000000bbbb"
    with server.http(north) as http:
        assert http.post("/v1/push", json=batch("north", _customer_create(first, "C01-000001")))
    with server.http(south) as http:
        refused = http.post(
            "/v1/push",
            json=batch(
                "south", loyalty_change(1), _customer_create(second, "C01-000001") | {"seq": 2}
            ),
        )
    assert refused.status_code == 422
    assert "C01-000001 from till south belongs to another customer" in refused.json()["message"]
    assert len(server.feed()) == 1 and server.batches() == 1
    assert LedgerEntry.select().count() == 0  # the good change in the batch went nowhere either


def test_a_till_whose_database_was_replaced_is_refused_not_mistaken_for_old(server):
    token = server.add_till("north")
    other_entry = "0193a1b2-0000-7000-8000-00000000beef"
    fresh = loyalty_change(1, id=other_entry) | {"entity_id": other_entry}
    with server.http(token) as http:
        assert http.post("/v1/push", json=batch("north", loyalty_change(1))).status_code == 200
        same_key = http.post("/v1/push", json=batch("north", fresh))
        same_seq = http.post("/v1/push", json=batch("north", fresh, key="k2"))
    for refused, what in ((same_key, "batch key k1"), (same_seq, "outbox number 1")):
        assert refused.status_code == 422
        assert refused.json()["message"].startswith(
            f"Till north sent {what} again with other changes: was its database replaced?"
        )
    assert len(server.feed()) == 1 and server.batches() == 1
    assert LedgerEntry.select().count() == 1
