"""Campaigns as the CLI and the register ask for them (docs/campaigns.md), the acting user
checked: making, exporting and reading the results of a campaign is a manager's
(``Permission.RUN_CAMPAIGNS``); checking a coupon at the register is part of selling."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

from storage import campaigns
from storage.campaigns import CampaignRow, Made, Results
from storage.ids import new_id
from till.core.coupons import (
    BONUS_POINTS,
    CHANNELS,
    MAX_CAMPAIGN_DAYS,
    NO_CARD,
    AppliedCoupon,
    Coupon,
    Offer,
    Received,
    coupon_code,
    latest_valid_until,
    refusal,
)
from till.core.people import Actor, Permission, Session, session_of
from till.core.sale import SaleCustomer
from till.core.text import printable
from till.core.words import N_
from till.errors import TillError

MAX_NAME = 60
MAX_DAYS = MAX_CAMPAIGN_DAYS
NAME_RULE = N_("A campaign's name is 1 to {most} printable characters.")
DATES_RULE = N_("A campaign ends on or after it starts, within {most} days.")


class CampaignService:
    """One till's campaigns and coupons."""

    def __init__(self, actor: str | Session, approver: Actor | None = None) -> None:
        self.session = session_of(actor)
        self.approver = approver
        """A manager who gave their PIN for this service's guarded calls (a shell's)."""

    def create(
        self,
        name: str,
        *,
        segment: str,
        channel: str,
        starts: date,
        ends: date,
        offer: Offer | None = None,
        valid_until: date | None = None,
        customer_ids: Iterable[str] | None = None,
    ) -> Made:
        """Make campaign ``name`` for the customers of saved segment ``segment`` who consented
        to ``channel``. ``customer_ids``: the segment's customers, when the caller has them."""
        created_by = self.session.described(Permission.RUN_CAMPAIGNS, self.approver)
        name = name.strip()
        if not name or len(name) > MAX_NAME or not name.isprintable():
            raise TillError(NAME_RULE, most=MAX_NAME)
        if channel not in CHANNELS:
            raise TillError(N_("A channel is one of {channels}."), channels=", ".join(CHANNELS))
        if ends < starts or (ends - starts).days >= MAX_DAYS:
            raise TillError(DATES_RULE, most=MAX_DAYS)
        until = valid_until or ends
        last = latest_valid_until(starts)
        if offer is not None and not starts <= until <= last:
            raise TillError(
                N_("A coupon is valid from the campaign's first day to {last} at the latest."),
                last=last.isoformat(),
            )
        if customer_ids is None:
            customer_ids = _segment_customers(segment)
        campaign = CampaignRow(
            id=new_id(),
            name=name,
            segment=segment,
            channel=channel,
            starts=starts.isoformat(),
            ends=ends.isoformat(),
            offer=offer,
            valid_until=until.isoformat() if offer else "",
            created_by=created_by,
            created_at=datetime.now(UTC).isoformat(),
        )
        return campaigns.create_campaign(campaign, customer_ids)

    def named(self, name: str) -> CampaignRow:
        self.session.authorise(Permission.RUN_CAMPAIGNS, self.approver)
        found = campaigns.campaign_named(name.strip())
        if found is None:
            raise TillError(
                N_("No campaign is named {name}."), name=printable(name.strip())[:MAX_NAME]
            )
        return found

    def all(self) -> list[CampaignRow]:
        self.session.authorise(Permission.RUN_CAMPAIGNS, self.approver)
        return campaigns.campaigns()

    def export(self, name: str, path: Path) -> int:
        """Write campaign ``name``'s recipients to ``path`` (CSV); how many."""
        if path.suffix.lower() != ".csv":
            raise TillError(N_("{file}: export to a .csv file."), file=path)
        return campaigns.export_recipients(self.named(name), path)

    def results(self, name: str) -> tuple[CampaignRow, Results]:
        campaign = self.named(name)
        return campaign, campaigns.results(campaign)

    def received(self, customer_id: str) -> list[Received]:
        """The campaigns on a customer's file (read off the event loop)."""
        self.session.authorise(Permission.LOOK_UP)
        return campaigns.received(customer_id)

    def check(self, text: str, customer: SaleCustomer | None, today: date) -> AppliedCoupon:
        """The coupon typed or scanned as ``text``, ready for the sale of ``customer``; a
        TillError saying in plain words why not (mistyped, unknown, used, not yet valid,
        expired, another customer's, no card for bonus points)."""
        self.session.authorise(Permission.SELL)
        code = coupon_code(text)
        found = campaigns.coupon(code)
        refused = refusal(found, code, customer.id if customer else None, today)
        if refused is not None:
            raise refused
        assert found is not None and customer is not None
        if found.offer.kind == BONUS_POINTS and not customer.enrolled:
            raise TillError(NO_CARD, code=code)
        return applied(found)

    def waiting(self, customer_id: str, today: date) -> Coupon | None:
        """An unused coupon of the customer's, valid today, to offer the cashier."""
        self.session.authorise(Permission.SELL)
        return campaigns.unused_coupon(customer_id, today)


def applied(found: Coupon) -> AppliedCoupon:
    return AppliedCoupon(
        found.code, found.campaign, found.customer_id, found.offer.kind, found.offer.value
    )


def _segment_customers(segment: str) -> Iterator[str]:
    """The saved segment's customers now (storage/segments.py, issue 15's segments)."""
    from storage import segments

    if not segments.segment_exists(segment):
        raise TillError(N_("No saved segment is named {name}."), name=printable(segment)[:MAX_NAME])
    return iter(segments.segment_customer_ids(segment))
