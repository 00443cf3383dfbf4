"""``till close day|month|year``, ``till report x`` and ``till closures``: the day's Z and the
period closures from a shell, shown as text and printed on the receipt printer
(docs/closures.md). Closing and the X report take a manager's PIN (till/cli_people.py)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import click

from till.core.closures import Closure, ClosureKind, closure_payload, parse_day, parse_month
from till.core.closures import parse_year as parse_year_text
from till.i18n import N_, _

if TYPE_CHECKING:
    from till.closure_service import ClosureService
    from till.core.people import Actor

KINDS = click.Choice([kind.value for kind in ClosureKind])
no_print = click.option("--no-print", is_flag=True, help="Show it here only, print nothing.")


def _acting(ctx) -> tuple[Actor, Actor | None]:
    """Who closes from a shell: the shell's user, approved by the PIN of someone who may close
    (a manager's own PIN, or the shop's manager PIN). The one place the CLI learns who acts."""
    from till.cli_people import approval, shell_actor
    from till.core.people import Permission

    return shell_actor(ctx), approval(ctx, Permission.CLOSE_PERIOD)


def _looking(ctx) -> Actor:
    from till.cli_people import shell_actor

    return shell_actor(ctx)


def _service(ctx) -> ClosureService:
    from till.cli_printer import receipt_printer
    from till.closure_service import ClosureService

    settings = ctx.settings()
    ctx.open_database(settings)
    return ClosureService(settings, receipt_printer(settings))


def _amount(ctx, text: str | None, option: str) -> int | None:
    from till.core.money import parse_amount
    from till.errors import TillError

    if text is None:
        return None
    try:
        return parse_amount(text, ctx.money().precision)
    except TillError as error:
        raise TillError(N_("{option}: {error}"), option=option, error=error) from None


@click.group()
def close() -> None:
    """Close the day (Z), a month or a year: once, for good, numbered and signed."""


@close.command(name="day")
@click.option("--counted", metavar="AMOUNT", help="The cash counted in the drawer.")
@click.option("--float", "opening", metavar="AMOUNT", help="The drawer's float (default 0).")
@click.option("--date", "day", metavar="YYYY-MM-DD", help="A day before today left open.")
@no_print
@click.pass_obj
def close_day(
    ctx, counted: str | None, opening: str | None, day: str | None, no_print: bool
) -> None:
    """Take the Z of today (or --date): every receipt since the last Z, up to now."""
    service = _service(ctx)
    amounts = _amount(ctx, counted, "--counted"), _amount(ctx, opening, "--float") or 0
    actor, approver = _acting(ctx)
    closure = service.close_day(
        actor,
        approver,
        day=parse_day(day) if day else None,
        counted=amounts[0],
        opening=amounts[1],
    )
    _issued(ctx, service, closure, no_print)


@close.command(name="month")
@click.argument("month", metavar="YYYY-MM")
@no_print
@click.pass_obj
def close_month(ctx, month: str, no_print: bool) -> None:
    """Close MONTH once it is over: the sum of its days' Z."""
    year, number = parse_month(month)
    service = _service(ctx)
    actor, approver = _acting(ctx)
    _issued(ctx, service, service.close_month(actor, year, number, approver), no_print)


@close.command(name="year")
@click.argument("year", metavar="YYYY")
@no_print
@click.pass_obj
def close_year(ctx, year: str, no_print: bool) -> None:
    """Close YEAR once it is over: the sum of its months."""
    number = parse_year_text(year)
    service = _service(ctx)
    actor, approver = _acting(ctx)
    _issued(ctx, service, service.close_year(actor, number, approver), no_print)


def _issued(ctx, service: ClosureService, closure: Closure, no_print: bool) -> None:
    click.echo(service.preview(closure), nl=False)
    net = ctx.money()(closure.totals.net_total)
    taken = _("{name} taken: {period}, net total {net}.")
    click.echo(taken.format(name=closure.name, period=closure.period, net=net))
    if not no_print:
        _printed(service, closure)


def _printed(service: ClosureService, closure: Closure) -> None:
    """Print it if a printer is configured; a failure is told, never undoes the closure."""
    from till.errors import PrinterError

    if service.settings.printer.url in ("", "none"):
        return
    try:
        service.print_report(closure)
    except PrinterError as error:
        unprinted = (
            _("{name} is kept but did not print: {error}")
            if closure.is_x
            else _(
                "{name} is kept but did not print: {error} (till closures show {number} --print)"
            )
        )
        said = unprinted.format(name=closure.name, error=error, number=closure.number)
        click.echo(f"till: {said}", err=True)


@click.group(name="report")
def report() -> None:
    """Reports that close nothing."""


@report.command(name="x")
@click.option("--float", "opening", metavar="AMOUNT", help="The drawer's float (default 0).")
@click.option("--print", "to_printer", is_flag=True, help="Print it too.")
@click.pass_obj
def report_x(ctx, opening: str | None, to_printer: bool) -> None:
    """The running day as its Z would close it now, without closing it."""
    service = _service(ctx)
    float_amount = _amount(ctx, opening, "--float") or 0
    actor, approver = _acting(ctx)
    closure = service.x_report(actor, approver, opening=float_amount)
    click.echo(service.preview(closure), nl=False)
    if to_printer:
        _printed(service, closure)


@click.group(name="closures", invoke_without_command=True)
@click.option("--kind", type=KINDS, help="Only closures of this kind.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def closures(click_ctx: click.Context, kind: str | None, as_json: bool) -> None:
    """The closures taken on this till, oldest first; `till closures show N` shows one."""
    if click_ctx.invoked_subcommand is not None:
        return
    ctx = click_ctx.obj
    taken = _service(ctx).closures(_looking(ctx), ClosureKind(kind) if kind else None)
    if as_json:
        click.echo(json.dumps([_as_json(c) for c in taken], ensure_ascii=False, indent=1))
        return
    money = ctx.money()
    for closure in taken:
        row = _(
            "{name:<10} {period:<10}  {receipts:>6} receipts  net {net:>14}  grand total {grand}"
        )
        click.echo(
            row.format(
                name=closure.name,
                period=closure.period,
                receipts=closure.receipt_count,
                net=money(closure.totals.net_total),
                grand=money(closure.grand.total),
            )
        )
    if not taken:
        click.echo(_("No closure yet: `till close day` takes the first Z."))


@closures.command(name="show")
@click.argument("number", type=click.IntRange(1, 10**9))
@click.option("--kind", type=KINDS, default="day", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--print", "to_printer", is_flag=True, help="Print it again.")
@click.pass_obj
def show(ctx, number: int, kind: str, as_json: bool, to_printer: bool) -> None:
    """Show closure NUMBER (a Z unless --kind says otherwise)."""
    service = _service(ctx)
    closure = service.closure(_looking(ctx), ClosureKind(kind), number)
    if as_json:
        click.echo(json.dumps(_as_json(closure), ensure_ascii=False, indent=1))
    else:
        click.echo(service.preview(closure), nl=False)
    if to_printer:
        _printed(service, closure)


def _as_json(closure: Closure) -> dict[str, Any]:
    cash = closure.cash
    return {
        **closure_payload(closure),
        "cash_difference": cash.difference if cash else None,
        "previous_hash": closure.previous_hash,
        "hash": closure.hash,
        "signature": closure.signature,
    }
