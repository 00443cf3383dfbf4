"""``till customers segment``: save a segment (a filter over the customers and their sales
figures), show a saved one with its count now, list them, rebuild the figures. Saving and
rebuilding ask a manager's PIN."""

from __future__ import annotations

import click

from till.i18n import _, plural

MAX_PREVIEW = 100


def _service(ctx, changing: bool):
    """The segments for whoever runs the command: looking is anyone's in a shell (as
    ``till customers`` is); saving a segment or rebuilding the figures asks a manager's PIN,
    as ``till campaign`` does (refused while the till has no manager PIN)."""
    from till.cli_people import approval, shell_actor
    from till.core.people import Permission, Session
    from till.segment_service import SegmentService

    ctx.open_database(ctx.settings())
    session = Session(shell_actor(ctx))
    approver = None
    if changing and not session.may(Permission.RUN_CAMPAIGNS):
        approver = approval(ctx, Permission.RUN_CAMPAIGNS)
    return SegmentService(ctx.money().precision, session, approver)


@click.command()
@click.argument("name", required=False)
@click.option("--where", "where", default=None, help="The filter, e.g. 'city=Lyon spend_12m>=100'.")
@click.option(
    "--preview",
    type=click.IntRange(0, MAX_PREVIEW),
    default=0,
    help="Also list the first N customers (at most 100).",
)
@click.option("--list", "listing", is_flag=True, help="List the saved segments.")
@click.option(
    "--rebuild-stats",
    is_flag=True,
    help="Recompute every customer's sales figures from the sales.",
)
@click.pass_obj
def segment(ctx, name, where, preview, listing, rebuild_stats):
    """Save NAME with --where FILTER and print how many customers it holds, or show the
    saved NAME counted now. Fields: city, postcode, segment, family, status, tag,
    birth_month, consent_email/sms/post, recency (days), visits, spend and basket (all time,
    or over N months: spend_12m), points. Saving and --rebuild-stats ask a manager's PIN.
    See docs/segments.md."""
    service = _service(
        ctx, changing=rebuild_stats or bool(name and where is not None and not listing)
    )
    if rebuild_stats:
        found = service.rebuild_figures()
        click.echo(
            plural(found, "Figures rebuilt for {n} customer.", "Figures rebuilt for {n} customers.")
        )
        return
    if listing:
        for saved in service.every_saved():
            click.echo(f"{saved.name:<24}  {saved.where}")
        return
    if not name:
        raise click.UsageError(_("Name a segment, or give --list or --rebuild-stats."))
    if where is not None:
        saved = service.save(name, where)
        click.echo(_("Segment {name} saved.").format(name=saved.name))
    else:
        saved = service.saved(name)
    answer = service.answer_saved(saved, preview)
    click.echo(f"{saved.name}: {saved.where}")
    click.echo(plural(answer.count, "{n} customer.", "{n} customers."))
    money = ctx.money()
    for row in answer.preview:
        click.echo(
            f"  {row.code}  {row.name:<28.28} {row.city:<16.16} {row.last_sale_at:<10}"
            f" {row.visits:>4} {money(row.spend):>12}"
        )
