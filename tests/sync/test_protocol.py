"""The protocol's documents: every field checked, a refusal names the record and the field,
and a version mismatch either way is one line saying which side to update."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from storage import outbox
from sync.fields import ProtocolError
from sync.protocol import (
    MAX_BATCH_CHANGES,
    MAX_PULL_LIMIT,
    PROTOCOL_VERSION,
    PullAnswer,
    PullRequest,
    PushAnswer,
    PushBatch,
    VersionMismatch,
    version_line,
)

ENTRY = "0193a1b2-0000-7000-8000-000000000001"
CUSTOMER = "0193a1b2-0000-7000-8000-0000000000c1"
AT = "2026-12-01T10:00:00+00:00"


def loyalty_change(seq: int = 1, **payload: Any) -> dict[str, Any]:
    return {
        "seq": seq,
        "entity": "loyalty_entry",
        "entity_id": ENTRY,
        "operation": "create",
        "payload": {
            "v": PROTOCOL_VERSION,
            "id": ENTRY,
            "customer_id": CUSTOMER,
            "kind": "earn",
            "points": 12,
            "sale_id": None,
            "reason": "",
            "actor": "Zoé",
            "at": AT,
            **payload,
        },
    }


def batch(*changes: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"v": PROTOCOL_VERSION, "till": "north", "key": "north:1-1:1",
            "changes": list(changes) or [loyalty_change()], **fields}  # fmt: skip


def refusal(document: Any) -> str:
    with pytest.raises(ProtocolError) as caught:
        PushBatch.from_json(document)
    return str(caught.value)


def test_the_till_and_the_protocol_agree_on_the_version():
    assert outbox.PROTOCOL_VERSION == PROTOCOL_VERSION


def test_a_valid_batch_reads_back_as_it_was_written():
    read = PushBatch.from_json(batch())
    assert read.till == "north" and read.key == "north:1-1:1"
    assert read.changes[0].payload["points"] == 12
    assert PushBatch.from_json(read.to_json()) == read


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (loyalty_change(points="12"), "field points: must be a whole number, got text."),
        (loyalty_change(points=12.0), "field points: must be a whole number, got a number."),
        (loyalty_change(points=True), "field points: must be a whole number, got true or false."),
        (loyalty_change(points=10**30), "field points: a number that large is outside"),
        (loyalty_change(actor="Zo\x1b[2Jé"), "field actor: has a control character (U+001B)"),
        (loyalty_change(reason="a\u202eb"), "field reason: has a control character (U+202E)"),
        (loyalty_change(reason="x" * 201), "field reason: is longer than 200 characters."),
        (loyalty_change(customer_id="C01-000001"), "field customer_id: must be an id"),
        (loyalty_change(at="yesterday"), "field at: must be an ISO 8601 time"),
        (loyalty_change(at="2026-12-01T10:00:00"), "field at: must say its time zone"),
        (loyalty_change(colour="red"), "field colour: is not part of this protocol version."),
        (loyalty_change(id=CUSTOMER), "field id: differs from the change's entity_id."),
    ],
)
def test_a_bad_field_is_refused_naming_the_record_and_the_field(change, expected):
    message = refusal(batch(change))
    assert message.startswith(f"change 1 (loyalty_entry {ENTRY}), field ")
    assert expected in message


def test_the_envelope_is_checked_too():
    assert "batch, field till: must be text, got a number." in refusal(batch(till=7))
    assert "batch, field changes: is empty" in refusal(batch(changes=[]))
    assert "field changes: must be in increasing seq order." in refusal(
        batch(loyalty_change(2), loyalty_change(1))
    )
    assert "batch: must be a JSON object, got a list." in refusal([1, 2])
    change = loyalty_change()
    change["entity"] = "Sale; DROP TABLE"
    assert "change 1, field entity: must be a lower-case word" in refusal(batch(change))
    change = loyalty_change()
    change["entity"] = "stock_count"
    assert "stock_count create is not a change this server takes" in refusal(batch(change))
    too_many = [loyalty_change(n) for n in range(1, MAX_BATCH_CHANGES + 2)]
    assert f"at most {MAX_BATCH_CHANGES} allowed" in refusal(batch(*too_many))


def test_customer_fields_follow_the_tills_rules():
    def customer(**fields: Any) -> dict[str, Any]:
        return {
            "seq": 1,
            "entity": "customer",
            "entity_id": CUSTOMER,
            "operation": "create",
            "payload": {"v": 1, "id": CUSTOMER, "code": "C01-000001", "at": AT, "fields": fields},
        }

    PushBatch.from_json(batch(customer(last_name="Martin", consent_sms=True, targeting=["vip"])))
    assert "field fields.password: is not a customer field." in refusal(
        batch(customer(password="x"))
    )
    assert "field fields.last_name: is longer than 80 characters." in refusal(
        batch(customer(last_name="M" * 81))
    )
    assert "field fields.consent_sms: must be true or false." in refusal(
        batch(customer(consent_sms="yes"))
    )
    assert "field fields.city: has a control character (U+0007)" in refusal(
        batch(customer(city="Paris\x07"))
    )
    assert "fields.kind: must be one of individual, business." in refusal(
        batch(customer(kind="robot"))
    )


@pytest.mark.parametrize("sent", [0, 2, "1", None, True])
def test_another_version_is_one_line_saying_which_side_to_update(sent):
    with pytest.raises(VersionMismatch) as caught:
        PushBatch.from_json(batch(v=sent))
    message = str(caught.value)
    assert "\n" not in message
    if sent == 2:
        assert message == (
            "The till speaks sync protocol 2 and the server protocol 1: update the server."
        )
    elif sent == 0:
        assert message == (
            "The till speaks sync protocol 0 and the server protocol 1: update the till."
        )
    else:
        assert message.endswith("update the till.")


def test_a_newer_server_tells_the_till_to_update():
    answer = {"v": 2, "key": "k", "up_to_seq": 1, "accepted": 1, "duplicates": 0, "feed_seq": 1}
    with pytest.raises(VersionMismatch, match=r"^The till speaks sync protocol 1 and the server "
                       r"protocol 2: update the till\.$"):  # fmt: skip
        PushAnswer.from_json(answer)
    assert version_line(1, 2) == (
        "The till speaks sync protocol 1 and the server protocol 2: update the till."
    )


def test_a_change_inside_a_batch_carries_its_own_version():
    change = loyalty_change()
    change["payload"]["v"] = 3
    with pytest.raises(VersionMismatch, match="protocol 3"):
        PushBatch.from_json(batch(change))


def test_pull_parameters_are_bounded():
    assert PullRequest.from_params({"after": "5"}) == PullRequest(after=5)
    assert PullRequest.from_params({"after": "0", "limit": "999999"}).limit == MAX_PULL_LIMIT
    assert PullRequest.from_params({"after": "0", "limit": "0"}).limit == 1
    for bad in ({}, {"after": "-1"}, {"after": "1e3"}, {"after": "٣"}, {"after": "9" * 30}):
        with pytest.raises(ProtocolError, match="pull request, field after"):
            PullRequest.from_params(bad)


def pull_answer(*seqs: int, cursor: int) -> dict[str, Any]:
    changes = []
    for seq in seqs:
        change = copy.deepcopy(loyalty_change(seq))
        change["till"] = "south"
        changes.append(change)
    return {"v": 1, "changes": changes, "cursor": cursor, "more": False}


def test_a_pull_answer_must_move_forward():
    assert PullAnswer.from_json(pull_answer(4, 6, cursor=6), after=3).cursor == 6
    with pytest.raises(ProtocolError, match="feed change 1, field seq: 3 is outside"):
        PullAnswer.from_json(pull_answer(3, cursor=3), after=3)
    with pytest.raises(ProtocolError, match="feed change 2, field seq"):
        PullAnswer.from_json(pull_answer(5, 5, cursor=5), after=3)
    with pytest.raises(ProtocolError, match="field cursor: 4 is behind"):
        PullAnswer.from_json(pull_answer(5, cursor=4), after=3)
    bad = pull_answer(5, cursor=5)
    bad["changes"][0]["payload"]["reason"] = "\x1b]0;pwned\x07"
    with pytest.raises(ProtocolError, match="field reason: has a control character"):
        PullAnswer.from_json(bad, after=3)


SALE = "0193a1b2-0000-7000-8000-0000000005a1"


def sale_change(**changes: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "v": 1,
        "id": SALE,
        "till_no": 1,
        "receipt_no": 7,
        "receipt_code": "01-000007",
        "created_at": AT,
        "seller": "Ann",
        "currency": "EUR",
        "total": 610,
        "item_count": 4,
        "change_given": 1_390,
        "store": "",
        "customer_id": None,
        "prices_excl_tax": False,
        "lines": [
            {
                "line_no": 1,
                "product_id": "p1",
                "code": "2000000000015",
                "name": "Baguette",
                "quantity": 3,
                "unit_price": 120,
                "vat_rate_bp": 550,
                "total": 360,
            },
            {
                "line_no": 2,
                "product_id": "p3",
                "code": "2000000000039",
                "name": "Savon",
                "quantity": 1,
                "unit_price": 250,
                "vat_rate_bp": 2000,
                "total": 250,
            },
        ],
        "vat": [
            {"rate_bp": 550, "gross": 360, "net": 341, "vat": 19},
            {"rate_bp": 2000, "gross": 250, "net": 208, "vat": 42},
        ],
        "payments": [{"method": "cash", "amount": 610, "tendered": 2_000}],
    }
    for path, value in changes.items():
        *parents, name = path.split("__")
        target = payload
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        target[name] = value
    return {
        "seq": 1,
        "entity": "sale",
        "entity_id": SALE,
        "operation": "create",
        "payload": payload,
    }


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"total": 600}, "field total: the lines come to 610, but the sale says 600."),
        ({"lines__0__total": 350}, "field total: the lines come to 600, but the sale says 610."),
        ({"item_count": 5}, "field item_count: the lines hold 4, but the sale says 5."),
        ({"vat__1__gross": 240}, "field vat: the bands' gross comes to 600, but the sale"),
        ({"vat__0__vat": 20}, "field vat: band 1: net and VAT do not make the gross."),
        ({"payments__0__amount": 500}, "field payments: the amounts come to 500, but the sale"),
        ({"change_given": 0}, "field change_given: the payments leave 1,390, but the sale says 0."),
        ({"lines__1__quantity": 1_000}, "line 2, field quantity: 1,000 is outside -999 to 999."),
        ({"lines__1__name": "Savon\x1b"}, "line 2, field name: has a control character"),
        ({"payments__0__method": 7}, "payment 1, field method: must be a lower-case word"),
    ],
)
def test_a_sale_that_does_not_add_up_is_refused(changes, expected):
    PushBatch.from_json(batch(sale_change()))  # as written, it adds up
    message = refusal(batch(sale_change(**changes)))
    assert message.startswith(f"change 1 (sale {SALE}), ")
    assert expected in message
