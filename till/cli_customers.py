"""``till customers``: search, show and add customers, and their accounts, from a shell, same
rules as the screens."""

from __future__ import annotations

import dataclasses
import json
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from till.core.customer import Customer


def _service(ctx):
    from till.customer_service import CustomerService

    settings = ctx.settings()
    ctx.open_database(settings)
    return CustomerService(settings, actor=f"cli ({ctx.user})")


@click.group()
def customers() -> None:
    """Search, show and add customers."""


@customers.command()
@click.argument("query", default="")
@click.option("--status", type=click.Choice(["active", "inactive", "all"]), default="active")
@click.option("--type", "kind", type=click.Choice(["individual", "business"]), default=None)
@click.option("--segment", default="")
@click.option("--limit", type=click.IntRange(1, 1000), default=50)
@click.option("--json", "as_json", is_flag=True, help="One JSON array on stdout.")
@click.pass_obj
def search(ctx, query: str, status: str, kind: str | None, segment: str, limit: int, as_json: bool):
    """Find customers by name, code, card, phone, e-mail or company."""
    from till.core.customer_lookup import CustomerFilter

    service = _service(ctx)
    found = service.search(query, CustomerFilter(status, kind or "", segment), limit=limit)
    if as_json:
        click.echo(json.dumps([dataclasses.asdict(c) for c in found], ensure_ascii=False))
        return
    for c in found:
        flag = "" if c.active else "  (inactive)"
        contact = c.mobile or c.email
        click.echo(f"{c.code}  {c.name:<32.32} {c.company:<20.20} {contact}{flag}")
    click.echo(f"{len(found)} found.", err=True)


@customers.command()
@click.argument("code")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def show(ctx, code: str, as_json: bool):
    """The customer file of CODE (or loyalty card number), with figures and recent sales."""
    from till.core.customer import DATE_FIELDS, LABELS, shown

    service = _service(ctx)
    customer = service.by_code(code) or service.by_card(code)
    if customer is None:
        raise click.ClickException(f"No customer has the code or card {code}.")
    stats = service.stats(customer.id)
    sales = service.history(customer.id)[:10]
    if as_json:
        document = {
            "customer": _jsonable(customer),
            "stats": dataclasses.asdict(stats),
            "recent_sales": [dataclasses.asdict(s) for s in sales],
        }
        click.echo(json.dumps(document, ensure_ascii=False))
        return
    click.echo(f"{customer.code}  {customer.display_name}")
    for name, label in LABELS.items():
        value = getattr(customer, name, None)
        if value not in (None, "", (), {}, False) or name == "active":
            text = ctx.formats().date(value) if name in DATE_FIELDS else shown(value)
            click.echo(f"  {label:<28} {text}")
    for address in customer.addresses:
        parts = (address.line1, address.line2, address.postcode, address.city, address.country)
        click.echo(f"  Address ({address.kind}){'':<14} {', '.join(p for p in parts if p)}")
    money = ctx.money()
    click.echo(f"  {stats.sale_count} sales, {money(stats.total_spent)} spent in all.")
    for sale in sales:
        when = ctx.formats().date_time(sale.created_at)
        click.echo(f"  {sale.receipt_code}  {when}  {money(sale.total):>12}")


@customers.command()
@click.option("--last-name", required=True)
@click.option("--first-name", default="")
@click.option("--phone", default="", help="Mobile number, in any format.")
@click.option("--email", default="")
@click.option("--company", default="")
@click.option("--type", "kind", type=click.Choice(["individual", "business"]), default=None)
@click.option("--vat-number", default="")
@click.option("--force", is_flag=True, help="Add even if the e-mail or phone is on file.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def add(ctx, last_name, first_name, phone, email, company, kind, vat_number, force, as_json):
    """Add a customer; prints its generated code. Refuses an e-mail or phone already on file
    (the customer who has it is named) unless --force."""
    from till.core.customer import LABELS, FieldErrors
    from till.errors import TillError

    service = _service(ctx)
    changes: dict[str, Any] = {"last_name": last_name}
    for name, value in (
        ("first_name", first_name),
        ("mobile", phone),
        ("email", email),
        ("company", company),
        ("vat_number", vat_number),
    ):
        if value:
            changes[name] = value
    if kind or company:
        changes["kind"] = kind or "business"
    existing = None if force else service.on_file(changes)
    if existing is not None:
        raise TillError(
            f"{existing.code} {existing.display_name} already has this e-mail or phone: "
            "use that customer, or add --force to add another."
        )
    try:
        customer = service.create(changes)
    except FieldErrors as refused:
        for name, reason in refused.errors.items():
            click.echo(f"till: {LABELS.get(name, name)}: {reason}", err=True)
        raise SystemExit(2) from None
    if as_json:
        click.echo(json.dumps(_jsonable(customer), ensure_ascii=False))
    else:
        click.echo(f"{customer.code}  {customer.display_name}")


def _found(service, code: str) -> Customer:
    customer = service.by_code(code) or service.by_card(code)
    if customer is None:
        raise click.ClickException(f"No customer has the code or card {code}.")
    return customer


def _accounts(ctx):
    from till.account_service import AccountService

    return AccountService(ctx.settings(), actor=f"cli ({ctx.user})")


@customers.command()
@click.argument("code")
@click.option("--json", "as_json", is_flag=True, help="Amounts in minor units (cents).")
@click.pass_obj
def account(ctx, code: str, as_json: bool):
    """The account of CODE (or loyalty card number): balance and movements, newest first."""
    from till.account_words import balance_words, kind_words, local_time
    from till.core.customer import CustomerKind

    customer = _found(_service(ctx), code)
    accounts = _accounts(ctx)
    balance = accounts.balance(customer.id)
    limit = accounts.credit_limit(customer.kind is CustomerKind.BUSINESS)
    moves = accounts.movements(customer.id)
    if as_json:
        document = {
            "customer": {"id": customer.id, "code": customer.code, "name": customer.display_name},
            "currency": ctx.settings().locale.currency,
            "balance": balance,
            "credit_limit": limit,
            "available": max(balance + limit, 0),
            "movements": [dataclasses.asdict(m) for m in moves],
        }
        click.echo(json.dumps(document, ensure_ascii=False))
        return
    money = ctx.money()
    click.echo(f"{customer.code}  {customer.display_name}")
    click.echo(balance_words(balance, money, any_movement=bool(moves)))
    if limit:
        click.echo(f"Credit limit {money(limit)}: can pay {money(max(balance + limit, 0))}")
    for m in moves:
        amount = f"{'+' if m.amount > 0 else ''}{money(m.amount)}"
        detail = " ".join(part for part in (m.receipt_code, m.reason) if part)
        click.echo(
            f"  {local_time(m.at, money.locale)}  {kind_words(m.kind):<15} {amount:>12}  {detail}"
            f"  ({m.actor})"
        )


@customers.command()
@click.argument("code")
@click.argument("amount")
@click.option("--method", type=click.Choice(["cash", "card"]), required=True)
@click.pass_obj
def deposit(ctx, code: str, amount: str, method: str):
    """Money handed over for the account of CODE: AMOUNT like 20 or 12.50."""
    from till.account_words import balance_words
    from till.core.money import parse_amount

    customer = _found(_service(ctx), code)
    money = ctx.money()
    minor = parse_amount(amount, money.precision)
    balance = _accounts(ctx).deposit(customer.id, minor, method)
    click.echo(
        f"Deposit of {money(minor)} by {method} for {customer.code}."
        f" {balance_words(balance, money)}."
    )


def _jsonable(customer: Customer) -> dict[str, Any]:
    document = dataclasses.asdict(customer)
    document["kind"] = str(customer.kind)
    document["targeting"] = list(customer.targeting)
    return document
