"""``till campaign create|export|results|list`` (docs/campaigns.md): a manager's, or with a
manager's PIN."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from till.core.coupons import CHANNELS
from till.i18n import _, plural

if TYPE_CHECKING:
    from till.campaign_service import CampaignService
    from till.core.coupons import Offer


def _service(ctx) -> CampaignService:
    from till.campaign_service import CampaignService
    from till.cli_people import approval, shell_actor
    from till.core.people import Permission, Session

    ctx.open_database(ctx.settings())
    session = Session(shell_actor(ctx))
    if session.may(Permission.RUN_CAMPAIGNS):
        return CampaignService(session)
    return CampaignService(session, approval(ctx, Permission.RUN_CAMPAIGNS))


def _day(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise click.BadParameter(
            _("{text!r} is not a date: write it as 2026-12-24.").format(text=text[:24]),
            param_hint=option,
        ) from None


@click.group()
def campaign() -> None:
    """Campaigns to a segment's customers, with an optional coupon."""


@campaign.command(name="create")
@click.argument("name")
@click.option("--segment", required=True, help="The saved segment it goes to.")
@click.option("--channel", required=True, type=click.Choice(CHANNELS), help="email, sms, post")
@click.option("--from", "starts", required=True, help="First day (2026-12-01).")
@click.option("--to", "ends", required=True, help="Last day (2026-12-24).")
@click.option("--coupon", "offer", help="The offer: 5.00 off, 10% off or 200pts.")
@click.option("--valid-until", help="The coupon's last day (default: the campaign's last).")
@click.pass_obj
def create(
    ctx,
    name: str,
    segment: str,
    channel: str,
    starts: str,
    ends: str,
    offer: str | None,
    valid_until: str | None,
) -> None:
    """Make campaign NAME for the customers of SEGMENT who accept CHANNEL; with --coupon,
    each recipient gets their own coupon code."""
    from till.core.coupons import parse_offer

    if valid_until is not None and offer is None:
        raise click.UsageError(_("--valid-until is the coupon's last day: give --coupon too."))
    parsed: Offer | None = None
    if offer is not None:
        parsed = parse_offer(offer, ctx.money().minor_per_unit)
    until = _day(valid_until, "--valid-until") if valid_until else None
    made = _service(ctx).create(
        name,
        segment=segment,
        channel=channel,
        starts=_day(starts, "--from"),
        ends=_day(ends, "--to"),
        offer=parsed,
        valid_until=until,
    )
    click.echo(
        _("Campaign {name}: {recipients}; {left_out} without consent to {channel}.").format(
            name=made.campaign.name,
            recipients=plural(made.recipients, "{n} recipient", "{n} recipients"),
            left_out=made.without_consent,
            channel=channel,
        )
    )


@campaign.command(name="export")
@click.argument("name")
@click.argument("file", type=click.Path(dir_okay=False))
@click.pass_obj
def export(ctx, name: str, file: str) -> None:
    """Write campaign NAME's recipients to FILE.csv for a mailing tool, with their coupons."""
    count = _service(ctx).export(name, Path(file))
    click.echo(
        _("{recipients} written to {file}.").format(
            recipients=plural(count, "{n} recipient", "{n} recipients"), file=file
        )
    )


@campaign.command(name="results")
@click.argument("name")
@click.pass_obj
def results(ctx, name: str) -> None:
    """Recipients, coupons used, and what recipients spent during the campaign against the
    same number of days just before."""
    campaign_row, figures = _service(ctx).results(name)
    money = ctx.money()
    click.echo(f"{campaign_row.name}  {campaign_row.starts} – {campaign_row.ends}")
    click.echo(_("Recipients: {n}").format(n=figures.recipients))
    click.echo(_("Coupons used: {n}").format(n=figures.coupons_used))
    if figures.used_twice:
        click.echo(
            _("Coupons used twice (tills offline): {n}: see docs/campaigns.md.").format(
                n=figures.used_twice
            )
        )
    click.echo(
        _("Spent during the campaign: {during}; the {days} days before: {before}").format(
            during=money(figures.spent_during),
            days=figures.days,
            before=money(figures.spent_before),
        )
    )


@campaign.command(name="list")
@click.pass_obj
def list_campaigns(ctx) -> None:
    """Every campaign: name, dates, channel, segment, offer."""
    from till.campaign_words import channel_words, offer_words

    money = ctx.money()
    found = _service(ctx).all()
    if not found:
        click.echo(_("No campaign yet."))
    for row in found:
        offer = offer_words(row.offer, money) or "-"
        channel = channel_words(row.channel)
        click.echo(f"{row.name}  {row.starts} – {row.ends}  {channel}  {row.segment}  {offer}")
