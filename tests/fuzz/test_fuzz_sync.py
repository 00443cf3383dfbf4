"""The sync protocol on hostile documents, on both sides. The server reads any push body
(any bytes, any JSON, a valid batch with one value changed, nested thousands deep, 100 kB
texts) as a batch it applies whole or as a refusal with its status (never a 500) that
writes nothing, not even the good changes before a bad one. The till reads any answer of a
server (broken, hostile, or not one at all) as pages it applies whole or as a SyncError
that leaves its database as it was.

tests/sync/test_protocol.py and test_server.py name the refusals one by one; this tries
everything around them."""

from __future__ import annotations

import contextlib
import copy
import itertools
import json
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from storage import customers
from sync.client import SyncClient
from sync.protocol import PullAnswer, PushAnswer, PushBatch
from sync.server import store
from sync.server.app import create_app
from till.core.text import first_control
from till.errors import SyncError, TillError

from ..sync.test_protocol import AT, loyalty_change, pull_answer, sale_change
from .budget import fuzz
from .state import table_digests

with warnings.catch_warnings():  # "install httpx2": the project pins httpx
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(),
    st.text(max_size=20),
    st.sampled_from(["", "\x1b[2J", "a\u202eb", "0193a1b2-0000-7000-8000-000000000001", AT]),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=20,
)


def paths(document: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every place in a JSON document, the document itself first."""
    yield prefix
    if isinstance(document, dict):
        for name, value in document.items():
            yield from paths(value, (*prefix, name))
    elif isinstance(document, list):
        for n, value in enumerate(document):
            yield from paths(value, (*prefix, n))


@st.composite
def mutated(draw: st.DrawFn, document: Any) -> Any:
    """``document`` with one to three places replaced, removed, or given a field more."""
    document = copy.deepcopy(document)
    for _ in range(draw(st.integers(1, 3))):
        places = list(paths(document))
        place = draw(st.sampled_from(places[1:] or places))
        if not place:
            return draw(json_values)
        parent = document
        for step in place[:-1]:
            parent = parent[step]
        action = draw(st.sampled_from(["replace", "replace", "remove", "add"]))
        if action == "replace":
            parent[place[-1]] = draw(json_values)
        elif action == "remove":
            del parent[place[-1]]
        elif isinstance(parent, dict):
            parent[draw(st.text(max_size=8))] = draw(json_values)
        else:
            parent.append(draw(json_values))
    return document


def deeply(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return value


def nested_in(document: dict[str, Any], depth: int) -> bytes:
    """``document`` as JSON with a value nested ``depth`` deep for its first change."""
    text = json.dumps({**document, "changes": ["deep"]})
    return text.replace('"deep"', "[" * depth + "1" + "]" * depth).encode()


def customer_change(seq: int, customer_id: str, code: str) -> dict[str, Any]:
    return {
        "seq": seq,
        "entity": "customer",
        "entity_id": customer_id,
        "operation": "create",
        "payload": {
            "v": 1,
            "id": customer_id,
            "code": code,
            "at": AT,
            "fields": {"last_name": "M"},
        },
    }


CUSTOMER_ID = "0193a1b2-0000-7000-8000-0000000000c1"
VALID_BATCH = {
    "v": 1,
    "till": "north",
    "key": "north:1-3:3",
    "changes": [
        loyalty_change(1),
        customer_change(2, CUSTOMER_ID, "C01-000001"),
        {**sale_change(), "seq": 3},
    ],
}
VALID_PULL = pull_answer(4, 6, cursor=6)
VALID_PUSH_ANSWER = {
    "v": 1, "key": "north:1-1:1", "up_to_seq": 1, "accepted": 1, "duplicates": 0, "feed_seq": 1
}  # fmt: skip

push_documents = st.one_of(json_values, mutated(VALID_BATCH))


def texts_in(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for name, item in value.items():
            yield name
            yield from texts_in(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from texts_in(item)


@fuzz(150)
@given(push_documents)
@example(VALID_BATCH)
@example({**VALID_BATCH, "changes": [deeply(200)]})
@example({**VALID_BATCH, "\x1b[2J\nnext line": None})  # was echoed raw in the refusal
def test_any_push_document_is_a_batch_or_a_protocol_refusal(document):
    try:
        batch = PushBatch.from_json(document)
    except SyncError as refused:
        assert "\n" not in str(refused)
        return
    assert PushBatch.from_json(batch.to_json()) == batch
    for text in texts_in(batch.to_json()):
        assert first_control(text, "\n") is None, text  # a note may keep its line breaks


@fuzz(150)
@given(st.one_of(json_values, mutated(VALID_PULL)), st.integers(-5, 10))
@example(VALID_PULL, 3)
def test_any_pull_answer_is_pages_in_order_or_a_protocol_refusal(document, after):
    try:
        answer = PullAnswer.from_json(document, after)
    except SyncError:
        return
    seqs = [change.seq for change in answer.changes]
    assert seqs == sorted(set(seqs)) and all(seq > after for seq in seqs)
    assert answer.cursor >= (seqs[-1] if seqs else 0)


@fuzz(100)
@given(st.one_of(json_values, mutated(VALID_PUSH_ANSWER)))
def test_any_push_answer_is_read_or_refused(document):
    with contextlib.suppress(SyncError):
        PushAnswer.from_json(document)


# --- the server, over HTTP in this process --------------------------------------------


class Server:
    """The back office on a SQLite file, its Starlette app driven in this process."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / "server.db"
        self.client = TestClient(create_app(f"sqlite:///{self.path}"))
        self.tokens = {name: store.add_till(name) for name in ("north", "south")}
        self.seqs = itertools.count(1_000)
        holder = customer_change(1, "0193a1b2-0000-7000-8000-00000000aaaa", "C09-000001")
        held = {"v": 1, "till": "south", "key": "south:1", "changes": [holder]}
        assert self.push(held, "south").status_code == 200

    def push(self, document: Any, till: str = "north") -> httpx.Response:
        body = document if isinstance(document, bytes) else json.dumps(document).encode()
        headers = {"Authorization": f"Bearer {self.tokens[till]}"}
        return self.client.post("/v1/push", content=body, headers=headers)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = Server(tmp_path_factory.mktemp("server"))
    with running.client:
        yield running


REFUSALS = {400, 403, 409, 413, 422}

push_bodies = st.one_of(
    st.binary(max_size=300),
    json_values.map(lambda value: json.dumps(value).encode()),
    mutated(VALID_BATCH).map(lambda value: json.dumps(value).encode()),
    st.integers(100, 100_000).map(lambda n: b"[" * n + b"1" + b"]" * n),
    st.integers(10_000, 100_000).map(
        lambda n: json.dumps({**VALID_BATCH, "till": "x" * n}).encode()
    ),
)


@fuzz(80)
@given(body=push_bodies)
@example(body=b"[" * 100_000)
@example(body=nested_in(VALID_BATCH, 990))  # json.loads takes it; does the rest?
def test_any_push_body_is_applied_whole_or_refused_writing_nothing(server, body):
    before = table_digests(server.path)
    response = server.push(body)
    if response.status_code == 200:
        return
    assert response.status_code in REFUSALS, response.text
    message = response.json()["message"]
    assert "\n" not in message and first_control(message) is None
    assert table_digests(server.path) == before


def entry(seq: int, n: int, points: int) -> dict[str, Any]:
    entry_id = f"0193a1b2-0000-7000-8000-{seq:012x}"
    return loyalty_change(seq, id=entry_id, points=points, reason=f"fuzz {n}") | {
        "entity_id": entry_id
    }


@fuzz(25)
@given(
    points=st.lists(st.integers(-1_000, 1_000), min_size=1, max_size=12),
    at=st.integers(0, 12),
)
def test_a_batch_with_a_conflict_anywhere_applies_none_of_its_changes(server, points, at):
    """A customer code another till's customer holds refuses the batch: the good changes
    before it are not applied either."""
    seqs = [next(server.seqs) for _ in range(len(points) + 1)]
    changes = [entry(seq, n, p) for n, (seq, p) in enumerate(zip(seqs, points, strict=False))]
    clash = customer_change(0, f"0193a1b2-0000-7000-8000-{seqs[-1]:012x}", "C09-000001")
    changes.insert(min(at, len(changes)), clash)
    for change, seq in zip(changes, seqs, strict=True):
        change["seq"] = seq
    document = {"v": 1, "till": "north", "key": f"north:{seqs[0]}", "changes": changes}
    before = table_digests(server.path)
    response = server.push(document)
    assert response.status_code == 422, response.text
    assert table_digests(server.path) == before


@fuzz(60)
@given(st.dictionaries(st.sampled_from(["after", "limit", "x"]), st.text(max_size=25)))
@example({"after": "9" * 30})
@example({"after": "0", "limit": "-1"})
def test_any_pull_request_is_answered_or_refused(server, params):
    headers = {"Authorization": f"Bearer {server.tokens['north']}", "Till-Sync-Version": "1"}
    response = server.client.get("/v1/changes", params=params, headers=headers)
    assert response.status_code in {200, 422}, response.text
    if response.status_code == 200:
        PullAnswer.from_json(response.json(), int(params["after"]))


# --- the till, against any server -------------------------------------------------------


@pytest.fixture
def till(db_path: Path) -> Path:
    """A till with one change waiting to be pushed."""
    customers.create_customer({"last_name": "Martin"}, actor="test", till_no=1, region="FR")
    return db_path


answers = st.one_of(
    st.binary(max_size=300),
    json_values.map(lambda value: json.dumps(value).encode()),
    mutated(VALID_PULL).map(lambda value: json.dumps(value).encode()),
    mutated(VALID_PUSH_ANSWER).map(lambda value: json.dumps(value).encode()),
    st.integers(100, 100_000).map(lambda n: b"[" * n + b"1" + b"]" * n),
    st.builds(
        lambda message: json.dumps({"error": "invalid", "message": message}).encode(),
        st.one_of(st.text(max_size=50), json_values),
    ),
)


@fuzz(80)
@given(
    status=st.sampled_from([200, 200, 400, 401, 409, 413, 422, 500, 503]),
    body=answers,
    push=st.booleans(),
)
@example(status=200, body=b"[" * 100_000, push=False)  # was a RecursionError out of the client
@example(status=422, body=b'{"error": ' + b"[" * 100_000, push=True)
def test_any_server_answer_is_applied_whole_or_a_sync_error_changing_nothing(
    till, status, body, push
):
    before = table_digests(till)
    transport = httpx.MockTransport(lambda request: httpx.Response(status, content=body))
    client = SyncClient("http://back-office", "token", "north", transport=transport, attempts=1)
    try:
        client.push_once() if push else client.pull_once()
    except TillError as refused:
        assert isinstance(refused, SyncError), type(refused)
        assert first_control(str(refused)) is None and "\n" not in str(refused)
        assert table_digests(till) == before
    finally:
        client.close()
