"""Coupons used more than once, found when every till's uses meet in the feed (docs/campaigns.md):
a till offline cannot know another used the coupon, so it accepts it; the second use shows up
here after sync, as a points overdraft does (sync/server/overdrafts.py), for a manager to
settle. Portable SQL (Peewee): the uses are read from the feed, where each till's came."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sync.server.models import FeedEntry
from till.core.moments import utc_text

COUPON_USE = "coupon_redemption"


@dataclass(frozen=True)
class Use:
    """One use of a coupon: on which till, when, on which sale."""

    till: str
    at: str
    sale_id: str


@dataclass(frozen=True)
class UsedTwice:
    """A coupon used on more than one sale."""

    code: str
    customer_id: str
    uses: tuple[Use, ...]

    def to_json(self) -> dict[str, object]:
        return {
            "code": self.code,
            "customer_id": self.customer_id,
            "uses": [{"till": u.till, "at": u.at, "sale_id": u.sale_id} for u in self.uses],
        }


def used_twice(limit: int = 500) -> list[UsedTwice]:
    """Every coupon the feed holds more than one use of, the earliest first."""
    uses: dict[str, list[tuple[str, Use]]] = {}
    query = (
        FeedEntry.select(FeedEntry.till, FeedEntry.payload)
        .where(FeedEntry.entity == COUPON_USE)
        .order_by(FeedEntry.seq)
    )
    for till, payload in query.tuples().iterator():
        use = json.loads(payload)  # checked by sync/campaign_payloads.py when it came
        uses.setdefault(use["code"], []).append(
            (use["customer_id"], Use(till, utc_text(use["at"]), use["sale_id"]))
        )
    found = [
        UsedTwice(code, entries[0][0], tuple(sorted((u for _, u in entries), key=lambda u: u.at)))
        for code, entries in uses.items()
        if len(entries) > 1
    ]
    return sorted(found, key=lambda f: f.uses[0].at)[:limit]
