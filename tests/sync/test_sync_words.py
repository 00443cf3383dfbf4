"""The till's own sync failures, the server's field checks and a till's journal problem kept
by the back office are messages as data: an id and its values, worded in the language of
whoever reads them (a French till, a French technician), the network's own English text kept
for the log only."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from sync import field_refusals as ids
from sync import refusals
from sync.client import ServerRefused, ServerUnreachable, SyncClient
from sync.fields import ProtocolError
from sync.protocol import PushBatch
from sync.refusals import Refusal
from sync.server import journal_heads, store
from sync.server.app import Refused
from sync.server.models import ServerTillKey
from tests.sync.test_protocol import SALE, batch, loyalty_change, sale_change
from till.cli import cli
from till.i18n import translations, use_language

FRENCH = {"LANGUAGE": None, "LC_ALL": None, "LC_MESSAGES": None, "LANG": "fr_FR.UTF-8",
          "TILL_CONFIG": None}  # fmt: skip


def fr(message_id: str, **values: Any) -> str:
    said = translations("fr").gettext(message_id)
    assert said != message_id, f"no French for {message_id!r}"
    return said.format(**values) if values else said


def refused_in_json(document: Any) -> dict[str, Any]:
    """The body the server answers a batch with (what a till reads)."""
    with pytest.raises(ProtocolError) as caught:
        PushBatch.from_json(document)
    return Refused.of(422, "invalid", caught.value).body()


def test_a_field_refusal_carries_its_id_and_values_beside_the_english_line():
    body = refused_in_json(batch(loyalty_change(points="12")))
    entry = loyalty_change()["entity_id"]
    assert body["message"] == (
        f"change 1 (loyalty_entry {entry}), field points: must be a whole number, got text."
    )
    assert body["message_id"] == ids.FIELD
    assert body["params"] == {
        "where": {
            "message_id": ids.CHANGE,
            "params": {"seq": 1, "entity": "loyalty_entry", "entity_id": entry},
        },
        "field": "points",
        "reason": {
            "message_id": ids.NOT_WHOLE,
            "params": {"kind": {"message_id": ids.KIND_TEXT, "params": {}}},
        },
    }
    use_language("fr")
    where = fr(ids.CHANGE, seq=1, entity="loyalty_entry", entity_id=entry)
    reason = fr(ids.NOT_WHOLE, kind=fr(ids.KIND_TEXT))
    assert str(Refusal.from_json(body)) == fr(ids.FIELD, where=where, field="points", reason=reason)


def test_a_sale_line_refused_is_worded_in_french_three_levels_down():
    body = refused_in_json(batch(sale_change(lines__1__quantity=1_000)))
    assert body["message"].endswith("line 2, field quantity: 1,000 is outside -999 to 999.")
    use_language("fr")
    said = str(Refusal.from_json(body))
    change = fr(ids.CHANGE, seq=1, entity="sale", entity_id=SALE)
    line = fr(ids.LINE, where=change, n=2)
    reason = fr(ids.OUTSIDE, value=1_000, low=-999, high=999)
    assert said == fr(ids.FIELD, where=line, field="quantity", reason=reason)


def test_a_field_refusal_from_a_running_server_reaches_the_till_in_french(server):
    with server.http(server.add_till("south")) as http:
        answer = http.post("/v1/push", json=batch(loyalty_change(points=12.5), till="south"))
    assert answer.status_code == 422 and answer.json()["message_id"] == ids.FIELD
    refused = ServerRefused(422, "invalid", Refusal.from_json(answer.json()))
    use_language("fr")
    assert "champ points : doit être un nombre entier, reçu un nombre." in str(refused)


def test_a_till_offline_is_told_the_kind_of_failure_in_french_and_the_detail_is_logged(caplog):
    caplog.set_level(logging.INFO, logger="sync.client")
    with (
        SyncClient("http://127.0.0.1:9", "t", "north", attempts=1) as client,
        pytest.raises(ServerUnreachable) as caught,
    ):
        client.health()
    assert str(caught.value) == (
        "Sync failed: cannot reach the server at http://127.0.0.1:9 (connection refused)."
    )
    assert "Errno" in caplog.text  # Python's and the OS's own words: the log only
    use_language("fr")
    assert str(caught.value) == fr(
        "Sync failed: cannot reach the server at {url} ({reason}).",
        url="http://127.0.0.1:9",
        reason=fr("connection refused"),
    )


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (httpx.ConnectTimeout("timed out"), "the connection timed out"),
        (httpx.ReadTimeout("timed out"), "no answer in time"),
        (httpx.RemoteProtocolError("Server disconnected"), "the connection was cut"),
    ],
)
def test_each_network_failure_is_named_by_its_kind(error, kind):
    def fail(request: httpx.Request) -> httpx.Response:
        raise error

    with (
        SyncClient(
            "http://server", "t", "north", attempts=1, transport=httpx.MockTransport(fail)
        ) as client,
        pytest.raises(ServerUnreachable) as caught,
    ):
        client.health()
    assert str(caught.value).endswith(f"({kind}).")
    use_language("fr")
    assert str(caught.value).endswith(f"({fr(kind)}).")


def test_a_failing_server_is_named_with_its_status_in_french():
    def busy(request: httpx.Request) -> httpx.Response:
        body = {"error": "busy", "message": refusals.BUSY, "message_id": refusals.BUSY}
        return httpx.Response(503, json=body | {"params": {}})

    transport = httpx.MockTransport(busy)
    with (
        SyncClient("http://server", "t", "north", attempts=1, transport=transport) as client,
        pytest.raises(ServerUnreachable) as caught,
    ):
        client.health()
    assert str(caught.value) == (
        "Sync failed: the server failed (503: The server's database is busy; try again.)."
    )
    use_language("fr")
    assert str(caught.value) == fr(
        "Sync failed: the server failed ({status}: {said}).", status=503, said=fr(refusals.BUSY)
    )


def test_a_malformed_journal_heads_body_is_refused_with_an_id(server):
    token = server.add_till("north")
    with server.http(token) as http:
        answer = http.post("/v1/journal-heads", json={"chains": {}})
    assert answer.status_code == 422
    body = answer.json()
    assert body["message"] == "The body must hold public_key and chains only."
    assert body["message_id"] == ids.HEADS_BODY
    use_language("fr")
    assert str(Refusal.from_json(body)) == fr(ids.HEADS_BODY)


def journal_problem(tmp_path: Path, problem: str | None) -> str:
    """The server database's URL, ``north`` marked with a journal that went back (or with
    ``problem`` as an older server wrote it)."""
    url = f"sqlite:///{tmp_path / 'server.db'}"
    store.open_server_database(url)
    store.add_till("north")
    ServerTillKey.create(till="north", public_key="pem", first_seen="2026-12-01", problem="")
    went_back = journal_heads.HeadsRefused(
        "journal_went_back", refusals.WENT_BACK, till="north", chain="sales", before=9, after=7
    )
    journal_heads.mark("north", went_back)
    if problem is not None:
        ServerTillKey.update(problem=problem).execute()
    return url


def test_a_journal_problem_is_kept_as_data_and_listed_in_french(tmp_path):
    url = journal_problem(tmp_path, None)
    stored = journal_heads.problems()["north"]
    assert json.loads(stored) == {
        "message": refusals.WENT_BACK,
        "params": {"till": "north", "chain": "sales", "before": 9, "after": 7},
    }
    listed = CliRunner().invoke(cli, ["server", "tills", "--db", url], env=FRENCH)
    assert listed.exit_code == 0, listed.output
    went_back = fr(refusals.WENT_BACK, till="north", chain="sales", before=9, after=7)
    assert fr("JOURNAL: {problem}", problem=went_back) in listed.output
    english = CliRunner().invoke(cli, ["server", "tills", "--db", url], env={"LANG": "C"})
    assert "JOURNAL: Till north's sales went back from entry 9 to 7" in english.output


def test_a_journal_problem_written_before_is_listed_as_it_is(tmp_path):
    old = "Till north's sales went back from entry 9 to 7: entries were removed."
    url = journal_problem(tmp_path, old)
    listed = CliRunner().invoke(cli, ["server", "tills", "--db", url], env=FRENCH)
    assert old in listed.output


def test_the_doctors_sync_lines_are_french(tmp_path, server):
    from tests.sync.test_cli_sync import NORTH, north_with_changes, sync_lines, sync_settings

    north = north_with_changes(tmp_path, server, customers=1, points=1)
    use_language("fr")
    lines = sync_lines(sync_settings(north.path, server.url, north.token))
    assert lines == [
        ("ok", fr("{url}: reachable, protocol version matches", url=server.url)),
        ("ok", fr("till {name}: token accepted", name=NORTH)),
        ("warn", "2 modifications en attente, " + fr("last complete sync never")),
    ]


def test_the_servers_own_refusals_are_french_for_a_french_technician(tmp_path):
    url = f"sqlite:///{tmp_path / 'server.db'}"
    refused = CliRunner().invoke(cli, ["server", "revoke", "--db", url, "south"], env=FRENCH)
    assert refused.exit_code == 2
    assert refused.output.strip() == "till: " + fr("No till is named {name}.", name="south")
