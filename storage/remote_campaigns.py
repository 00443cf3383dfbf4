"""Campaigns, their recipients and coupon uses from other tills (docs/campaigns.md), inserted
if absent. A coupon use from another till is kept even when this till used the same coupon:
that is how a double use made offline shows up."""

from __future__ import annotations

from typing import Any

from storage.campaigns import insert_redemption


def apply_campaign(table: str, operation: str, entry: dict[str, Any], cursor: Any) -> bool | None:
    if operation != "create":
        return None
    offer_kind, offer_value = entry["offer_kind"], entry["offer_value"]
    cursor.execute(
        "INSERT INTO campaign (id, name, segment, channel, starts, ends, offer_kind, offer_value,"
        " valid_until, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT DO NOTHING",
        (
            entry["id"],
            entry["name"],
            entry["segment"],
            entry["channel"],
            entry["starts"],
            entry["ends"],
            offer_kind,
            offer_value,
            entry["valid_until"],
            entry["created_by"],
            entry["at"],
        ),
    )
    return bool(cursor.rowcount == 1)


def apply_recipient(table: str, operation: str, entry: dict[str, Any], cursor: Any) -> bool | None:
    if operation != "create":
        return None
    cursor.execute(
        "INSERT INTO campaign_recipient (campaign_id, customer_id, consent_at, coupon_code)"
        " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
        (entry["campaign_id"], entry["customer_id"], entry["consent_at"], entry["coupon_code"]),
    )
    return bool(cursor.rowcount == 1)


def apply_redemption(table: str, operation: str, entry: dict[str, Any], cursor: Any) -> bool | None:
    if operation != "create":
        return None
    return insert_redemption(entry, cursor, from_feed=True)
