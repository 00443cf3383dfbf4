"""The shortcuts a new till's first sync takes (bench/sync_initial.py) change nothing a till
sees: the server sends each stored payload as it is, and a field the fast check passes is one
``clean_line`` keeps as it is."""

from __future__ import annotations

import json
from typing import Any

import pytest

from storage import sync_state
from storage.db import PRAGMAS
from storage.ids import new_id
from storage.models import database
from sync.fields import ProtocolError, _stored_line, checked_text
from sync.protocol import PullAnswer
from sync.refusals import Said
from till.core.text import clean_line

AT = "2026-12-01T10:00:00+00:00"
NAMES = ('Zoë "Zizou" Ångström', "O'Brien \\ back", "李小龍", "🙂 emoji", "Ça</script>va")


def _customer(seq: int, last_name: str) -> dict[str, Any]:
    customer_id = new_id()
    fields = {"last_name": last_name, "city": "Paris", "targeting": ["vip"], "extra": {"k": "é"}}
    return {
        "seq": seq,
        "entity": "customer",
        "entity_id": customer_id,
        "operation": "create",
        "payload": {
            "v": 1,
            "id": customer_id,
            "code": f"C01-{seq:06d}",
            "at": AT,
            "fields": fields,
        },
    }


def test_a_pull_page_is_the_feed_as_stored(server):
    token = server.add_till("north")
    reader = server.add_till("reader")
    changes = [_customer(n, name) for n, name in enumerate(NAMES, 1)]
    with server.http(token) as http:
        pushed = http.post(
            "/v1/push", json={"v": 1, "till": "north", "key": "k", "changes": changes}
        )
        assert pushed.status_code == 200, pushed.text
    expected = [
        {
            "seq": row.seq,
            "till": row.till,
            "entity": row.entity,
            "entity_id": row.entity_id,
            "operation": row.operation,
            "payload": json.loads(row.payload),
        }
        for row in server.feed()
    ]
    assert [change["payload"]["fields"]["last_name"] for change in expected] == list(NAMES)
    pages, cursor = [], 0
    with server.http(reader) as http:
        while True:
            response = http.get(
                "/v1/changes",
                params={"after": cursor, "limit": 2},
                headers={"Till-Sync-Version": "1"},
            )
            assert response.headers["content-type"] == "application/json"
            document = response.json()
            answer = PullAnswer.from_json(document, cursor)  # what the till checks
            pages.append(document)
            cursor = answer.cursor
            if not answer.more:
                break
    assert [page["changes"] for page in pages] == [expected[0:2], expected[2:4], expected[4:]]
    assert [(page["v"], page["cursor"], page["more"]) for page in pages] == [
        (1, 2, True),
        (1, 4, True),
        (1, 5, False),
    ]


def test_text_the_fast_check_passes_is_text_clean_line_keeps():
    for code in range(0x110000):
        char = chr(code)
        for value in (char, f"a{char}b", char * 2):
            if _stored_line(value):
                assert clean_line(value) == value, f"U+{code:04X}"


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (" Paris", "no spaces at the ends"),
        ("Paris ", "no spaces at the ends"),
        ("Pa  ris", "no spaces at the ends"),
        ("Pa\tris", "no spaces at the ends"),
        ("Pa\u200bris", "no spaces at the ends"),
        ("Pa\x1bris", r"control character \(U\+001B\)"),
        ("Pa\u202eris", r"control character \(U\+202E\)"),
        ("", "must not be empty"),
    ],
)
def test_text_the_fast_check_does_not_pass_is_still_refused(value, reason):
    def fail(reason: Said) -> ProtocolError:
        return ProtocolError(reason.message_id, **reason.params)

    assert checked_text("Paris", 10, empty=False, fail=fail) == "Paris"
    with pytest.raises(ProtocolError, match=reason):
        checked_text(value, 10, empty=False, fail=fail)


def test_a_pull_has_a_larger_cache_and_fewer_checkpoints_and_gives_them_back(db_path):
    def pragmas() -> tuple[int, int, int]:
        return tuple(  # type: ignore[return-value]
            database.execute_sql(f"PRAGMA {name}").fetchone()[0]
            for name in ("synchronous", "cache_size", "wal_autocheckpoint")
        )

    before = pragmas()
    assert before == (2, PRAGMAS["cache_size"], 1_000)
    with sync_state.pulling():
        assert pragmas() == (1, -sync_state.PULL_CACHE_KB, sync_state.PULL_CHECKPOINT_PAGES)
    assert pragmas() == before
