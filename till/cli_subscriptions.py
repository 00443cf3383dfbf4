"""``till subscriptions``: the plans the register sells (``plan add``, ``plan list``,
``plan withdraw``) and a customer's cards (``show``), docs/subscriptions.md."""

from __future__ import annotations

import click

from till.cli_loyalty import customer_by_code_or_card, shell_register
from till.i18n import _, plural


@click.group()
def subscriptions() -> None:
    """Subscription cards: the plans sold at the register and each customer's cards."""


@subscriptions.group()
def plan() -> None:
    """The subscription plans the register sells, each under its own product."""


@plan.command("add")
@click.argument("product")
@click.argument("name")
@click.option("--duration", required=True, help="How long a card lasts: 12m (months) or 30d.")
@click.option("--discount", required=True, help="Percentage off while it is valid, e.g. 10.")
@click.option(
    "--category",
    "categories",
    multiple=True,
    help="A category it discounts (repeat for several); none: everything.",
)
@click.pass_obj
def plan_add(ctx, product: str, name: str, duration: str, discount: str, categories) -> None:
    """Sell plan NAME under PRODUCT (its barcode), or change it; asks for the manager PIN."""
    from till.cli_people import approval
    from till.core.money import parse_rate
    from till.core.people import Permission
    from till.core.subscriptions import Plan, parse_duration

    length, unit = parse_duration(duration)
    wanted = Plan(product, name, length, unit, parse_rate(discount), tuple(categories))
    register = shell_register(ctx)
    approver = approval(ctx, Permission.MANAGER_FUNCTIONS)
    saved = register.subscriptions.add_plan(wanted, approver)
    click.echo(_plan_line(ctx, saved))


@plan.command("list")
@click.pass_obj
def plan_list(ctx) -> None:
    """The plans on sale."""
    plans = shell_register(ctx).subscriptions.plans()
    if not plans:
        click.echo(_("No subscription plan is on sale."))
    for each in plans:
        click.echo(_plan_line(ctx, each))


@plan.command("withdraw")
@click.argument("product")
@click.pass_obj
def plan_withdraw(ctx, product: str) -> None:
    """Stop selling the plan of PRODUCT (cards sold keep their benefit); asks for the PIN."""
    from till.cli_people import approval
    from till.core.people import Permission

    register = shell_register(ctx)
    approver = approval(ctx, Permission.MANAGER_FUNCTIONS)
    if not register.subscriptions.withdraw_plan(product, approver):
        raise click.ClickException(_("No plan is sold under {product}.").format(product=product))
    click.echo(_("Withdrawn."))


@subscriptions.command("show")
@click.argument("code")
@click.pass_obj
def show(ctx, code: str) -> None:
    """The subscription cards of customer CODE (or card number), newest first."""
    from till.subscription_words import period_words

    register = shell_register(ctx)
    customer = customer_by_code_or_card(register, code)
    click.echo(f"{customer.code}  {customer.display_name}")
    periods = register.subscriptions.standing(customer.id).periods
    if not periods:
        click.echo(_("No subscription."))
    for period in periods:
        click.echo("  " + period_words(period, ctx.formats()))


def _plan_line(ctx, each) -> str:
    from till.core.subscriptions import DurationUnit

    formats = ctx.formats()
    lasts = (
        plural(each.duration, "{n} month", "{n} months")
        if each.unit is DurationUnit.MONTHS
        else plural(each.duration, "{n} day", "{n} days")
    )
    covers = ", ".join(each.categories) if each.categories else _("everything")
    return f"{each.name}  {lasts}  {formats.rate(each.discount_bp)}  {covers}"
