"""The server's refusals are data: a message id and its values beside the English line older
tills read, worded by the till in its own language. What the till cannot word (an id it does
not know, values that do not fit) is shown as the server said it, cleaned and bounded: the
answer is untrusted."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from sync import refusals
from sync.client import ServerRefused, SyncClient
from sync.protocol import VersionMismatch
from sync.refusals import MAX_SAID, Refusal
from sync.server import store
from tests.sync.test_protocol import loyalty_change
from tests.sync.test_server import batch
from till.i18n import translations, use_language


def french(message_id: str, **values: Any) -> str:
    said = translations("fr").gettext(message_id)
    assert said != message_id, f"no French for {message_id!r} in the catalog"
    return said.format(**values)


def test_a_revoked_till_reads_the_refusal_in_french(server, make_till):
    north = make_till("north", 1)
    store.revoke("north")
    with pytest.raises(ServerRefused) as refused:
        north.client.check_token()
    error = refused.value
    assert (error.status, error.code) == (401, "unauthorised")
    assert str(error) == f"The server refused: {refusals.UNAUTHORISED_TOKEN}"
    use_language("fr")  # the same error, shown on a French till
    assert str(error) == french(
        "The server refused: {refusal}", refusal=french(refusals.UNAUTHORISED_TOKEN)
    )


def test_a_conflict_is_worded_with_its_values_in_french(server, make_till):
    north, south = make_till("north", 1), make_till("south", 1)  # one till number, twice
    north.new_customer("Martin")
    north.sync()
    south.new_customer("Durand")
    with pytest.raises(ServerRefused) as refused:
        south.sync()
    refusal = refused.value.refusal
    assert refusal.message_id == refusals.CODE_TAKEN and refusal.params["till"] == "south"
    code = refusal.params["code"]
    assert refusal.said == refusals.CODE_TAKEN.format(code=code, till="south")
    use_language("fr")
    assert str(refusal) == french(refusals.CODE_TAKEN, code=code, till="south")
    assert french(refusals.CODE_TAKEN, code=code, till="south") in str(refused.value)


def test_the_answer_keeps_its_english_line_and_carries_the_id_and_values(server):
    token = server.add_till("north")
    fresh_id = "0193a1b2-0000-7000-8000-00000000beef"
    fresh = loyalty_change(1, id=fresh_id) | {"entity_id": fresh_id}
    with server.http(token) as http:
        wrong = http.post("/v1/push", json=batch("south")).json()
        assert http.post("/v1/push", json=batch("north", loyalty_change(1))).status_code == 200
        reused = http.post("/v1/push", json=batch("north", fresh)).json()
    assert wrong == {
        "error": "wrong_till",
        "message": "This token is till north's; it cannot push for another till.",
        "message_id": refusals.WRONG_TILL,
        "params": {"till": "north"},
    }
    assert reused["message"].startswith("Till north sent batch key k1 again with other changes")
    assert reused["params"]["what"] == {"message_id": refusals.REUSED_KEY, "params": {"key": "k1"}}
    use_language("fr")
    key = french(refusals.REUSED_KEY, key="k1")
    assert str(Refusal.from_json(reused)) == french(refusals.REUSED, till="north", what=key)


def test_a_version_refusal_is_worded_by_the_till(server, make_till):
    north = make_till("north", 1)
    with server.http(north.token) as http:
        answer = http.get("/v1/changes", headers={"Till-Sync-Version": "2"})
    assert answer.status_code == 409
    assert answer.json()["params"] == {"till_version": 2, "server_version": 1}
    use_language("fr")
    mismatch = VersionMismatch("{refusal}", refusal=Refusal.from_json(answer.json()))
    assert str(mismatch) == french(refusals.UPDATE_SERVER, till_version=2, server_version=1)


def _client(body: Any, status: int = 403) -> SyncClient:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, json=body)

    return SyncClient(
        "http://back.office", "t", "north", attempts=1, transport=httpx.MockTransport(answer)
    )


@pytest.mark.parametrize(
    "body",
    [
        {"message": "Nope.", "message_id": "A newer server's {thing}.", "params": {"thing": "x"}},
        {"message": "Nope.", "message_id": refusals.WRONG_TILL, "params": {}},
        {"message": "Nope.", "message_id": refusals.WRONG_TILL, "params": {"till": True}},
        {"message": "Nope.", "message_id": refusals.WRONG_TILL, "params": {"till": [1]}},
        {"message": "Nope.", "message_id": refusals.WRONG_TILL, "params": {"till": 1, "x": 2}},
        {"message": "Nope.", "message_id": refusals.WRONG_TILL, "params": "till"},
        {"message": "Nope.", "message_id": refusals.NO_PEPPER, "params": {"x": {"y": {}}}},
        {"message": "Nope.", "message_id": ["list"]},
        {"message": "Nope."},
    ],
)
def test_what_the_till_cannot_word_is_shown_as_it_came(body):
    use_language("fr")
    with _client(body) as client, pytest.raises(ServerRefused) as refused:
        client.check_token()
    assert str(refused.value.refusal) == "Nope."
    assert str(refused.value) == french("The server refused: {refusal}", refusal="Nope.")


def test_the_servers_line_and_values_are_cleaned_and_bounded():
    hostile = "\x1b[31mred\x1b[0m\u202e" + "x" * 1000
    with _client({"message": hostile}) as client, pytest.raises(ServerRefused) as refused:
        client.check_token()
    said = str(refused.value.refusal)
    assert said.isprintable() and len(said) == MAX_SAID and said.startswith("[31mred [0m")
    body = {"message": "", "message_id": refusals.WRONG_TILL, "params": {"till": hostile}}
    with _client(body) as client, pytest.raises(ServerRefused) as refused:
        client.check_token()
    worded = str(refused.value.refusal)
    assert worded.isprintable() and len(worded) <= MAX_SAID and "\x1b" not in worded
    with _client("not an object", status=422) as client, pytest.raises(ServerRefused) as refused:
        client.check_token()
    assert str(refused.value.refusal) == '"not an object"'  # the body, as it came
