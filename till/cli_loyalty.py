"""``till loyalty`` (cards, balances, adjustments) and ``till manager-pin``."""

from __future__ import annotations

import click

from till.cli_people import read_pin, shell_actor
from till.core.people import Permission
from till.i18n import _, plural


def shell_register(ctx):
    """The register as the shell's user acts on it."""
    from till.register import Register

    settings = ctx.settings()
    ctx.open_database(settings)
    register = Register(settings)
    register.session.user = shell_actor(ctx)
    return register


def customer_by_code_or_card(register, code: str):
    customer = register.customers.by_code(code) or register.customers.by_card(code)
    if customer is None:
        raise click.ClickException(_("No customer has the code or card {code}.").format(code=code))
    return customer


@click.group()
def loyalty() -> None:
    """Loyalty cards and points."""


@loyalty.command()
@click.argument("code")
@click.pass_obj
def balance(ctx, code: str) -> None:
    """The points of customer CODE (or card number) and their history."""
    from till.record_words import reason_words

    register = shell_register(ctx)
    customer = customer_by_code_or_card(register, code)
    summary = register.loyalty.summary(customer.id)
    card = _("card {card}").format(card=customer.card_number or "-")
    click.echo(f"{customer.code}  {customer.display_name}  {card}")
    click.echo(plural(summary.balance, "Balance: {n} point", "Balance: {n} points"))
    if summary.next_expiry_points:
        expiry = ctx.formats().date(summary.next_expiry)
        expiring = plural(
            summary.next_expiry_points,
            "{n} point expire on {date}",
            "{n} points expire on {date}",
            date=expiry,
        )
        click.echo(expiring)
    for move in register.loyalty.history(customer.id):
        click.echo(
            f"  {ctx.formats().date_time(move.at)}  {move.kind:<7} {move.points:+6d}"
            f"  {move.receipt_code:<10}"
            f" {reason_words(move.reason)}  ({move.actor})"
        )


@loyalty.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def overdrafts(ctx, as_json: bool) -> None:
    """Customers whose points balance is below zero, most overdrawn first."""
    register = shell_register(ctx)
    found = register.loyalty.overdrafts()
    if as_json:
        import json
        from dataclasses import asdict

        click.echo(json.dumps([asdict(o) for o in found], ensure_ascii=False, indent=2))
        return
    if not found:
        click.echo(_("No customer is overdrawn."))
    for overdraft in found:
        click.echo(f"{overdraft.code}  {overdraft.balance:+6d}  {overdraft.name}")


@loyalty.command(name="issue-card")
@click.argument("code")
@click.pass_obj
def issue_card(ctx, code: str) -> None:
    """Give customer CODE a new card; a card they had is blocked."""
    register = shell_register(ctx)
    customer = customer_by_code_or_card(register, code)
    click.echo(register.loyalty.issue_card(customer.id))


@loyalty.command()
@click.argument("code")
@click.argument("points")
@click.option("--reason", required=True)
@click.pass_obj
def adjust(ctx, code: str, points: str, reason: str) -> None:
    """Add (or, negative, remove) POINTS for CODE; asks for the manager PIN."""
    from till.core.bounds import MAX_POINTS, POINTS, check_points_adjustment, parse_whole

    change = check_points_adjustment(parse_whole(points, POINTS, -MAX_POINTS, MAX_POINTS))
    register = shell_register(ctx)
    customer = customer_by_code_or_card(register, code)
    approver = register.people.approve(read_pin(_("Manager PIN")), Permission.ADJUST_POINTS)
    balance = register.loyalty.adjust(customer.id, change, reason, approver)
    click.echo(plural(balance, "Balance: {n} point", "Balance: {n} points"))


@click.command(name="manager-pin")
def manager_pin() -> None:
    """Choose the manager PIN; prints the line to put in the config (only its hash)."""
    from till.core.pin import hash_pin

    pin = click.prompt(_("New manager PIN"), hide_input=True, confirmation_prompt=True)
    try:
        hashed = hash_pin(pin)
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    click.echo(_("Put this in the [security] table of the config:"))
    click.echo(f'manager_pin = "{hashed}"')
