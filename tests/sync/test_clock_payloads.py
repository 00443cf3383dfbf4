"""The clocks a customer or address change carries are checked like every other field: one
for exactly each field the change carries, each a clock in its text form, bounded. A change
queued before clocks existed carries none and still passes."""

from __future__ import annotations

from typing import Any

import pytest

from sync.fields import Fields, ProtocolError
from sync.payloads import check_payload

ID = "0193a2b4-c5d6-7e8f-9a0b-1c2d3e4f5a6b"
CUSTOMER = "0193a2b4-c5d6-7e8f-9a0b-1c2d3e4f5a6c"
AT = "2026-12-01T10:00:00+00:00"
CLOCK = "019385e0b800-0003-north"
ADDRESS = {
    "kind": "delivery",
    "line1": "1 rue Haute",
    "line2": "",
    "line3": "",
    "postcode": "69001",
    "city": "Lyon",
    "country": "FR",
}


def check(entity: str, operation: str, payload: dict[str, Any]) -> None:
    check_payload(entity, operation, ID, Fields(payload, "change 1"))


def update(clocks: Any) -> dict[str, Any]:
    return {"id": ID, "at": AT, "fields": {"mobile": "+33611111111"}, "clocks": clocks}


def test_clocks_for_each_field_pass():
    check("customer", "update", update({"mobile": CLOCK}))
    check(
        "customer",
        "create",
        {
            "id": ID,
            "code": "C01-000001",
            "at": AT,
            "fields": {"last_name": "Martin"},
            "clocks": {"last_name": CLOCK},
        },
    )
    check("customer", "delete", {"id": ID, "at": AT, "clocks": {"deleted": CLOCK}})
    check(
        "customer_address",
        "upsert",
        {
            "id": ID,
            "customer_id": CUSTOMER,
            "at": AT,
            **ADDRESS,
            "clocks": dict.fromkeys(ADDRESS, CLOCK),
        },
    )
    check(
        "customer_address",
        "delete",
        {"id": ID, "customer_id": CUSTOMER, "at": AT, "clocks": {"deleted": CLOCK}},
    )


def test_a_change_from_before_clocks_passes():
    payload = update(None)
    del payload["clocks"]
    check("customer", "update", payload)
    check("customer_address", "delete", {"customer_id": CUSTOMER, "at": AT})


@pytest.mark.parametrize(
    ("clocks", "expected"),
    [
        ({"mobile": CLOCK, "city": CLOCK}, "clocks.city: is not a field this change carries"),
        ({}, "clocks.mobile: is missing"),
        ({"mobile": "yesterday"}, "clocks.mobile: must be a clock"),
        ({"mobile": 17}, "clocks.mobile: must be a clock"),
        ({"mobile": CLOCK + "x" * 10_000}, "clocks.mobile: must be a clock"),
        ({"mobile": CLOCK.upper()}, "clocks.mobile: must be a clock"),
        ({"x" * 10_000: CLOCK}, "clocks." + "x" * 40 + ": is not a field"),
        ([CLOCK], "clocks: must be a JSON object"),
        ("019385e0b800-0003-north", "clocks: must be a JSON object"),
    ],
)
def test_bad_clocks_are_refused_naming_the_field(clocks, expected):
    with pytest.raises(ProtocolError) as refused:
        check("customer", "update", update(clocks))
    assert expected in str(refused.value)


def test_a_deletion_carries_only_its_own_clock():
    with pytest.raises(ProtocolError, match=r"clocks\.mobile: is not a field"):
        check("customer", "delete", {"id": ID, "at": AT, "clocks": {"mobile": CLOCK}})
    with pytest.raises(ProtocolError, match=r"clocks\.city: is missing"):
        clocks = dict.fromkeys(ADDRESS, CLOCK)
        del clocks["city"]
        check(
            "customer_address",
            "upsert",
            {"id": ID, "customer_id": CUSTOMER, "at": AT, **ADDRESS, "clocks": clocks},
        )
