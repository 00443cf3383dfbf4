"""``till customers``: search, show and add customers, and their accounts, from a shell, same
rules as the screens."""

from __future__ import annotations

import dataclasses
import json
from typing import TYPE_CHECKING, Any

import click

from till.cli_people import approval
from till.core.people import Permission

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


@customers.command()
@click.option(
    "--min-score",
    type=click.IntRange(0, 100),
    default=None,
    help="Lowest score to list, 0-100 (default: the probable duplicates, 70).",
)
@click.option("--json", "as_json", is_flag=True, help="One JSON array on stdout.")
@click.pass_obj
def duplicates(ctx, min_score: int | None, as_json: bool):
    """Customers who may be the same person, best first: the score (0-100) and why (same
    phone, e-mail or card, a similar name with the same postcode, date of birth or company).
    Merge a pair with `till customers merge KEEP OTHER`."""
    from till.core.text import printable

    pairs = _service(ctx).duplicates(min_score)
    if as_json:
        document = [
            {
                "first": p.first.code,
                "second": p.second.code,
                "score": p.score,
                "reasons": list(p.reasons),
            }
            for p in pairs
        ]
        click.echo(json.dumps(document, ensure_ascii=False))
        return
    for p in pairs:
        first, second = printable(p.first.display_name), printable(p.second.display_name)
        click.echo(
            f"{p.score:>3}  {p.first.code}  {first:<24.24}  {p.second.code}  {second:<24.24}"
            f"  {p.words}"
        )
    click.echo(f"{len(pairs)} possible duplicates.", err=True)


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


@customers.command()
@click.argument("keep")
@click.argument("other")
@click.option("--yes", is_flag=True, help="Merge without asking (the manager PIN still is).")
@click.pass_obj
def merge(ctx, keep: str, other: str, yes: bool):
    """Merge the duplicate OTHER into KEEP (codes or card numbers): KEEP takes OTHER's cards,
    addresses, external codes, points and account, and its empty fields; OTHER's sales stay as
    they are and count for KEEP. Shows what it will do, asks, then asks for the manager PIN."""

    service = _service(ctx)
    kept, merged = _found(service, keep), _found(service, other)
    if kept.id == merged.id:
        raise click.ClickException(f"{other} is {kept.code} already (merged before, or the same).")
    plan = service.plan_merge(kept.id, merged.id)
    for line in _plan_lines(plan, ctx.money()):
        click.echo(line)
    if not yes and not click.confirm("Merge?", default=False):
        click.echo("Nothing merged.")
        return
    survivor = service.merge(kept.id, merged.id, approval(ctx, Permission.MERGE_CUSTOMERS))
    click.echo(f"{plan.other_code} is merged into {survivor.code}  {survivor.display_name}.")


def _plan_lines(plan, money) -> list[str]:
    """The merge plan as a manager reads it before saying yes."""
    from till.core.customer import LABELS, shown
    from till.core.formats import count

    lines = [
        f"Keep   {plan.keep_code}  {plan.keep_name}",
        f"Merge  {plan.other_code}  {plan.other_name}  (made inactive; its code finds the kept)",
    ]
    lines += [f"  fills {LABELS.get(n, n)}: {shown(v)}" for n, v in plan.filled.items()]
    if plan.main_address == "extra":
        lines.append(f"  its main address becomes an extra address of {plan.keep_code}")
    for kind in plan.addresses_moved:
        lines.append(f"  moves the {kind} address")
    for number in plan.cards_moved:
        taken = " (becomes the kept customer's card)" if number == plan.card_taken else ""
        lines.append(f"  moves card {number}{taken}")
    for system, code in plan.codes_moved.items():
        lines.append(f"  moves the {system} code {code}")
    for system, code in plan.codes_kept.items():
        lines.append(f"  keeps the {system} code {code} on {plan.other_code} (the kept has one)")
    lines.append(
        f"  moves {count(plan.loyalty_entries, 'points movement')}: "
        f"balance after {count(plan.points_after, 'point')}"
    )
    lines.append(
        f"  moves {count(plan.account_entries, 'account movement')}: "
        f"account after {money(plan.account_after)}"
    )
    lines.append(f"  sales as recorded, counted for the kept from now on: {plan.sales_following}")
    if plan.chain:
        lines.append(f"  {', '.join(plan.chain)}, merged into {plan.other_code} before, follow")
    return lines


def _jsonable(customer: Customer) -> dict[str, Any]:
    document = dataclasses.asdict(customer)
    document["kind"] = str(customer.kind)
    document["targeting"] = list(customer.targeting)
    return document


@customers.command(name="gdpr-export")
@click.argument("code")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to FILE (made 0600).")
@click.pass_obj
def gdpr_export(ctx, code: str, output: str | None):
    """Everything this till holds about the person CODE (or card number) as JSON: the file,
    addresses, consents with dates, cards, points and account, sales, audit entries."""
    service = _service(ctx)
    customer = _found(service, code)
    text = json.dumps(service.personal_data(customer.id), ensure_ascii=False, indent=2) + "\n"
    if output is None:
        click.echo(text, nl=False)
        return
    _write_private(output, text)
    click.echo(f"{customer.code}: written to {output}.", err=True)


def _write_private(path: str, text: str) -> None:
    """Write ``text`` to ``path``, readable by its owner only (personal data), even when the
    file was there before with wider permissions."""
    import os

    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        os.fchmod(descriptor, 0o600)
        file.write(text)


@customers.command()
@click.argument("code")
@click.option("--yes", is_flag=True, help="Erase without asking (the manager PIN still is).")
@click.pass_obj
def anonymise(ctx, code: str, yes: bool):
    """Erase the personal data of CODE (or card number) here and, by sync, everywhere: shows
    what it will erase, asks, then asks for the manager PIN. Sales, points and account stay
    under the code, named ANONYMISED."""
    from till.errors import TillError

    service = _service(ctx)
    customer = _found(service, code)
    plan = service.erasure_plan(customer.id)
    if plan.anonymised_at:
        raise TillError(f"{plan.code} was anonymised already ({plan.anonymised_at[:10]}).")
    for line in _erasure_lines(plan):
        click.echo(line)
    if not yes and not click.confirm("Erase this person's data for good?", default=False):
        click.echo("Nothing erased.")
        return
    done = service.anonymise(customer.id, approval(ctx, Permission.ERASE_PERSONAL_DATA))
    click.echo(
        f"{plan.code} is anonymised: {len(done.fields)} fields erased"
        f" ({len(done.customer_ids)} customer file{'s' if len(done.customer_ids) > 1 else ''});"
        " the other tills erase it at their next sync."
    )


def _erasure_lines(plan) -> list[str]:
    """The erasure plan as a manager reads it before saying yes."""
    from till.core.customer import LABELS
    from till.core.privacy import ANONYMOUS_NAME

    fields = ", ".join(LABELS.get(name, name) for name in plan.fields) or "none"
    lines = [f"{plan.code}  {plan.name}", f"Erases: {fields}"]
    lines += [f"  {count} {what}" for what, count in plan.erased if count]
    lines.append(f"Keeps, under {plan.code} ({ANONYMOUS_NAME}):")
    lines += [f"  {count} {what}" for what, count in plan.kept]
    return lines
