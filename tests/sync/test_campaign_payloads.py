"""The campaign changes a till sends (sync/campaign_payloads.py) are bounded as the till's own
rules bound them: a campaign without an offer passes with no last day; hostile fields are
refused, naming the field."""

from __future__ import annotations

from typing import Any

import pytest

from sync.fields import Fields, ProtocolError
from sync.payloads import check_payload
from till.core.coupons import new_code

ID = "0193a2b4-c5d6-7e8f-9a0b-1c2d3e4f5a6b"
OTHER = "0193a2b4-c5d6-7e8f-9a0b-1c2d3e4f5a6c"
AT = "2026-12-01T10:00:00+00:00"
CODE = new_code()


def campaign(**changed: Any) -> dict[str, Any]:
    return {
        "id": ID,
        "name": "Noël",
        "segment": "vip",
        "channel": "email",
        "starts": "2026-12-01",
        "ends": "2026-12-24",
        "offer_kind": "amount",
        "offer_value": 500,
        "valid_until": "2026-12-31",
        "created_by": "Max",
        "at": AT,
        **changed,
    }


def recipient(**changed: Any) -> dict[str, Any]:
    return {
        "campaign_id": ID,
        "customer_id": OTHER,
        "consent_at": AT,
        "coupon_code": CODE,
        "at": AT,
        **changed,
    }


def use(**changed: Any) -> dict[str, Any]:
    return {
        "id": ID,
        "code": CODE,
        "campaign_id": OTHER,
        "customer_id": OTHER,
        "sale_id": OTHER,
        "till": "north",
        "at": AT,
        **changed,
    }


def check(entity: str, payload: dict[str, Any]) -> None:
    check_payload(entity, "create", ID, Fields(payload, "change 1"))


def test_a_campaign_without_an_offer_passes_with_no_last_day():
    check("campaign", campaign(offer_kind="", offer_value=0, valid_until=""))
    check("campaign", campaign())
    check("campaign", campaign(starts="2026-01-01", ends="2026-12-31", valid_until="2028-12-31"))
    check("campaign_recipient", recipient())
    check("campaign_recipient", recipient(consent_at="", coupon_code=None))
    check("coupon_redemption", use())


@pytest.mark.parametrize(
    ("changed", "field"),
    [
        ({"offer_kind": "", "offer_value": 0, "valid_until": "2026-12-31"}, "valid_until"),
        ({"offer_kind": "", "offer_value": 0, "valid_until": None}, "valid_until"),
        ({"offer_kind": "", "offer_value": 5}, "offer_value"),
        ({"valid_until": ""}, "valid_until"),
        ({"valid_until": "2026-11-30"}, "valid_until"),  # before the start
        ({"valid_until": "2029-01-01"}, "valid_until"),  # beyond the till's bound
        ({"valid_until": "9999-12-31"}, "valid_until"),
        ({"ends": "2026-11-30"}, "ends"),  # before the start
        ({"ends": "2027-12-02"}, "ends"),  # over a year
        ({"starts": "2026-12-01T00:00"}, "starts"),
        ({"starts": 20261201}, "starts"),
        ({"offer_kind": "gift"}, "offer_kind"),
        ({"offer_value": 100_000_01}, "offer_value"),
        ({"offer_kind": "percent", "offer_value": 10_001}, "offer_value"),
        ({"offer_value": -5}, "offer_value"),
        ({"channel": "fax"}, "channel"),
        ({"name": "x" * 10_000}, "name"),
        ({"name": ""}, "name"),
        ({"segment": "a\nb"}, "segment"),
        ({"created_by": ["Max"]}, "created_by"),
        ({"at": "yesterday"}, "at"),
        ({"id": "not-an-id"}, "id"),
    ],
)
def test_a_hostile_campaign_is_refused_naming_the_field(changed, field):
    with pytest.raises(ProtocolError, match=f"field {field}:"):
        check("campaign", campaign(**changed))


@pytest.mark.parametrize(
    ("changed", "field"),
    [
        ({"coupon_code": CODE[:-1] + ("0" if CODE[-1] != "0" else "1")}, "coupon_code"),
        ({"coupon_code": CODE.lower()}, "coupon_code"),
        ({"coupon_code": CODE + "X" * 10_000}, "coupon_code"),
        ({"coupon_code": 12}, "coupon_code"),
        ({"consent_at": "last week"}, "consent_at"),
        ({"customer_id": "../etc"}, "customer_id"),
        ({"campaign_id": None}, "campaign_id"),
    ],
)
def test_a_hostile_recipient_is_refused_naming_the_field(changed, field):
    with pytest.raises(ProtocolError, match=f"field {field}:"):
        check("campaign_recipient", recipient(**changed))


@pytest.mark.parametrize(
    ("changed", "field"),
    [
        ({"code": "CPN"}, "code"),
        ({"code": None}, "code"),
        ({"till": ""}, "till"),
        ({"till": "t" * 21}, "till"),
        ({"sale_id": ""}, "sale_id"),
        ({"at": 0}, "at"),
        ({"extra": 1}, "extra"),
    ],
)
def test_a_hostile_coupon_use_is_refused_naming_the_field(changed, field):
    with pytest.raises(ProtocolError, match=f"field {field}:|{field}"):
        check("coupon_redemption", use(**changed))
