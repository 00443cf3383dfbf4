"""The business fields travel till → server → till with their field clocks, and the server
checks them as the till does: a hostile value is refused, naming the field."""

from __future__ import annotations

from typing import Any

import pytest

from storage import customers
from sync.fields import Fields, ProtocolError
from sync.payloads import check_payload

ID = "0193a2b4-c5d6-7e8f-9a0b-1c2d3e4f5a6b"
AT = "2026-12-01T10:00:00+00:00"
CLOCK = "019385e0b800-0003-north"
VALUES = {
    "gender": "female",
    "business_type": "SAS",
    "industry": "Boulangerie",
    "payment_terms": "net30eom",
    "preferred_channel": "post",
    "invoice_automatically": True,
}


def _update(fields: dict[str, Any]) -> dict[str, Any]:
    return {"id": ID, "at": AT, "fields": fields, "clocks": dict.fromkeys(fields, CLOCK)}


def test_the_fields_as_a_till_stores_them_pass():
    check_payload("customer", "update", ID, Fields(_update(VALUES), "change 1"))
    empty = {name: False if name == "invoice_automatically" else "" for name in VALUES}
    check_payload("customer", "update", ID, Fields(_update(empty), "change 1"))


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("gender", "Mme", "must be one of '', 'female', 'male', 'other'"),
        ("gender", 1, "must be one of"),
        ("preferred_channel", "fax", "must be one of '', 'email', 'sms', 'post'"),
        ("payment_terms", "net90", "must be one of receipt, eom, netN, netNeom"),
        ("payment_terms", "Net 30", "must be stored as net30"),
        ("payment_terms", ["net30"], "must be text"),
        ("invoice_automatically", "yes", "must be true or false"),
        ("business_type", "SAS\x1b]0;owned\x07", "control character"),
        ("industry", "x" * 100_000, "longer than 80 characters"),
    ],
)
def test_a_hostile_value_is_refused_naming_the_field(name, value, expected):
    with pytest.raises(ProtocolError) as refused:
        check_payload("customer", "update", ID, Fields(_update({name: value}), "change 1"))
    assert f"fields.{name}" in str(refused.value) and expected in str(refused.value)


@pytest.mark.parametrize("server_db_url", ["sqlite"], indirect=True)
def test_the_fields_set_on_one_till_arrive_on_the_other_and_back(server, make_till):
    north = make_till("north", 1)
    south = make_till("south", 2)
    customer = north.new_customer("Durand")
    north.use()
    customers.update_customer(customer, dict(VALUES), actor="test", region="FR")
    north.sync()
    south.sync()
    south.use()
    pulled = customers.get_customer(customer)
    assert {name: getattr(pulled, name) for name in VALUES} == VALUES
    customers.update_customer(customer, {"payment_terms": "receipt"}, actor="t", region="FR")
    south.sync()
    north.sync()
    north.use()
    back = customers.get_customer(customer)
    assert (back.payment_terms, back.gender, back.invoice_automatically) == (
        "receipt",
        "female",
        True,
    )

    with server.http(north.token) as http:
        answer = http.post(
            "/v1/push",
            json={
                "v": 1,
                "till": "north",
                "key": "north:hostile",
                "changes": [
                    {
                        "seq": 99,
                        "entity": "customer",
                        "entity_id": customer,
                        "operation": "update",
                        "payload": {"v": 1, **_update({"gender": "\x1b[2J"}), "id": customer},
                    }
                ],
            },
        )
    assert answer.status_code == 422
    assert "fields.gender" in answer.json()["message"]
