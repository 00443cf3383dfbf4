"""What the campaign changes may carry (docs/campaigns.md): a campaign, one recipient of it,
one coupon used. Bounded as the till's own rules bound them (till/core/coupons.py)."""

from __future__ import annotations

from collections.abc import Callable

from sync import field_refusals as ids
from sync.fields import MAX_TEXT, Fields, why
from till.core.coupons import (
    CHANNELS,
    MAX_AMOUNT_OFF,
    MAX_BONUS_POINTS,
    MAX_CAMPAIGN_DAYS,
    MAX_PERCENT_BP,
    OFFER_KINDS,
    coupon_code,
    latest_valid_until,
)
from till.errors import TillError

MAX_NAME = 60
MAX_VALUE = {"amount": MAX_AMOUNT_OFF, "percent": MAX_PERCENT_BP, "points": MAX_BONUS_POINTS}


def _campaign(f: Fields) -> None:
    f.identifier("id")
    f.text("name", MAX_NAME, empty=False)
    f.text("segment", MAX_NAME)
    if f.token("channel") not in CHANNELS:
        raise f.error("channel", why(ids.ONE_OF, choices=", ".join(CHANNELS)))
    starts, ends = f.day("starts"), f.day("ends")
    if not 0 <= (ends - starts).days < MAX_CAMPAIGN_DAYS:
        raise f.error("ends", why(ids.PERIOD_BOUNDS, most=MAX_CAMPAIGN_DAYS - 1))
    kind = f.raw("offer_kind")
    if kind not in ("", *OFFER_KINDS):
        raise f.error("offer_kind", why(ids.ONE_OF, choices=", ".join(OFFER_KINDS)))
    f.integer("offer_value", 0 if kind == "" else 1, MAX_VALUE.get(kind, 0))
    if kind == "":  # no offer, no coupon: no last day
        if f.raw("valid_until") != "":
            raise f.error("valid_until", why(ids.NO_OFFER_NO_DAY))
    elif not starts <= f.day("valid_until") <= latest_valid_until(starts):
        last = latest_valid_until(starts).isoformat()
        raise f.error("valid_until", why(ids.COUPON_DAYS, last=last))
    f.text("created_by", MAX_TEXT)
    f.timestamp("at")


def _recipient(f: Fields) -> None:
    f.identifier("campaign_id")
    f.identifier("customer_id")
    consent = f.raw("consent_at")
    if consent != "":
        f.timestamp("consent_at")
    if f.raw("coupon_code") is not None:
        _code(f)
    f.timestamp("at")


def _redemption(f: Fields) -> None:
    f.identifier("id")
    _code(f, "code")
    f.identifier("campaign_id")
    f.identifier("customer_id")
    f.identifier("sale_id")
    f.text("till", 20, empty=False)
    f.timestamp("at")


def _code(f: Fields, name: str = "coupon_code") -> None:
    value = f.raw(name)
    try:
        if not isinstance(value, str) or coupon_code(value) != value:
            raise TillError()
    except TillError:
        raise f.error(name, why(ids.NOT_COUPON, value=repr(value)[:40])) from None


CHECKERS: dict[tuple[str, str], Callable[[Fields], None]] = {
    ("campaign", "create"): _campaign,
    ("campaign_recipient", "create"): _recipient,
    ("coupon_redemption", "create"): _redemption,
}
