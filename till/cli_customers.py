"""``till customers``: search, show and add customers, and their accounts, from a shell, same
rules as the screens."""

from __future__ import annotations

import dataclasses
import json
from typing import TYPE_CHECKING, Any

import click

from till.cli_people import approval
from till.core.people import Permission
from till.i18n import N_, _, pgettext, plural

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
        flag = "" if c.active else "  " + _("(inactive)")
        contact = c.mobile or c.email
        click.echo(f"{c.code}  {c.name:<32.32} {c.company:<20.20} {contact}{flag}")
    click.echo(plural(len(found), "{n} found.", "{n} found."), err=True)


@customers.command()
@click.argument("code")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def show(ctx, code: str, as_json: bool):
    """The customer file of CODE (or loyalty card number), with figures and recent sales."""
    from till.core.customer import DATE_FIELDS, LABELS

    service = _service(ctx)
    customer = service.by_code(code) or service.by_card(code)
    if customer is None:
        raise click.ClickException(_("No customer has the code or card {code}.").format(code=code))
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
            text = ctx.formats().date(value) if name in DATE_FIELDS else _shown(value, name)
            click.echo(f"  {_(label):<28} {text}")
    for address in customer.addresses:
        parts = (address.line1, address.line2, address.postcode, address.city, address.country)
        label = _("Address ({kind})").format(kind=address.kind)
        click.echo(f"  {label}{'':<14} {', '.join(p for p in parts if p)}")
    money = ctx.money()
    spent = plural(
        stats.sale_count,
        "{n} sales, {spent} spent in all.",
        "{n} sales, {spent} spent in all.",
        spent=money(stats.total_spent),
    )
    click.echo(f"  {spent}")
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
@click.option("--siret", default="", help="SIRET or SIREN ([customers] vat_from_siret).")
@click.option("--force", is_flag=True, help="Add even if the e-mail or phone is on file.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def add(ctx, last_name, first_name, phone, email, company, kind, vat_number, siret, force, as_json):
    """Add a customer; prints its generated code. Refuses an e-mail or phone already on file
    (the customer who has it is named) unless --force."""
    from till.core.customer import FieldErrors, refused
    from till.errors import TillError

    service = _service(ctx)
    changes: dict[str, Any] = {"last_name": last_name}
    for name, value in (
        ("first_name", first_name),
        ("mobile", phone),
        ("email", email),
        ("company", company),
        ("vat_number", vat_number),
        ("registration_number", siret),
    ):
        if value:
            changes[name] = value
    if kind or company:
        changes["kind"] = kind or "business"
    existing = None if force else service.on_file(changes)
    if existing is not None:
        raise TillError(
            N_(
                "{code} {name} already has this e-mail or phone: use that customer, or add"
                " --force to add another."
            ),
            code=existing.code,
            name=existing.display_name,
        )
    try:
        customer = service.create(changes)
    except FieldErrors as error:
        for name, reason in error.errors.items():
            click.echo(f"till: {refused(name, reason)}", err=True)
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
    click.echo(plural(len(pairs), "{n} possible duplicates.", "{n} possible duplicates."), err=True)


def _found(service, code: str) -> Customer:
    customer = service.by_code(code) or service.by_card(code)
    if customer is None:
        raise click.ClickException(_("No customer has the code or card {code}.").format(code=code))
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
    from till.record_words import reason_words

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
        click.echo(
            _("Credit limit {limit}: can pay {available}").format(
                limit=money(limit), available=money(max(balance + limit, 0))
            )
        )
    for m in moves:
        amount = f"{'+' if m.amount > 0 else ''}{money(m.amount)}"
        detail = " ".join(part for part in (m.receipt_code, reason_words(m.reason)) if part)
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
        _("Deposit of {amount} by {method} for {code}. {balance}.").format(
            amount=money(minor),
            method=method,
            code=customer.code,
            balance=balance_words(balance, money),
        )
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
        raise click.ClickException(
            _("{other} is {code} already (merged before, or the same).").format(
                other=other, code=kept.code
            )
        )
    plan = service.plan_merge(kept.id, merged.id)
    for line in _plan_lines(plan, ctx.money()):
        click.echo(line)
    if not yes and not click.confirm(_("Merge?"), default=False):
        click.echo(_("Nothing merged."))
        return
    survivor = service.merge(kept.id, merged.id, approval(ctx, Permission.MERGE_CUSTOMERS))
    click.echo(
        _("{other} is merged into {code}  {name}.").format(
            other=plan.other_code, code=survivor.code, name=survivor.display_name
        )
    )


def _plan_lines(plan, money) -> list[str]:
    """The merge plan as a manager reads it before saying yes."""
    from till.core.customer import LABELS

    keep, other = plan.keep_code, plan.other_code
    lines = [
        _("Keep   {code}  {name}").format(code=keep, name=plan.keep_name),
        _("Merge  {code}  {name}  (made inactive; its code finds the kept)").format(
            code=other, name=plan.other_name
        ),
    ]
    for n, v in plan.filled.items():
        value = _shown(v)
        lines.append(
            "  " + _("fills {field}: {value}").format(field=_(LABELS.get(n, n)), value=value)
        )
    if plan.main_address == "extra":
        moved = _("its main address becomes an extra address of {code}").format(code=keep)
        lines.append(f"  {moved}")
    for kind in plan.addresses_moved:
        lines.append("  " + _("moves the {kind} address").format(kind=kind))
    for number in plan.cards_moved:
        card = (
            _("moves card {card} (becomes the kept customer's card)")
            if number == plan.card_taken
            else _("moves card {card}")
        )
        lines.append("  " + card.format(card=number))
    for system, code in plan.codes_moved.items():
        lines.append("  " + _("moves the {system} code {code}").format(system=system, code=code))
    for system, code in plan.codes_kept.items():
        kept = _("keeps the {system} code {code} on {other} (the kept has one)")
        lines.append("  " + kept.format(system=system, code=code, other=other))
    points_moved = _("moves {entries}: balance after {points}").format(
        entries=plural(plan.loyalty_entries, "{n} points movement", "{n} points movements"),
        points=plural(plan.points_after, "{n} point", "{n} points"),
    )
    lines.append(f"  {points_moved}")
    account_moved = _("moves {entries}: account after {amount}").format(
        entries=plural(plan.account_entries, "{n} account movement", "{n} account movements"),
        amount=money(plan.account_after),
    )
    lines.append(f"  {account_moved}")
    following = _("sales as recorded, counted for the kept from now on: {sales}")
    lines.append("  " + following.format(sales=plan.sales_following))
    if plan.chain:
        chain = _("{codes}, merged into {other} before, follow")
        lines.append("  " + chain.format(codes=", ".join(plan.chain), other=other))
    return lines


def _shown(value: Any, name: str = "") -> str:
    """A field's value as the customer file shows it, yes and no and the coded choices
    (gender, preferred channel) in the till's language."""
    from till.core.customer import shown
    from till.core.customer_business import worded_choice

    if (words := worded_choice(name, value)) is not None:
        return _(words)
    if isinstance(value, bool):
        return pgettext("field value", "yes") if value else pgettext("field value", "no")
    return shown(value)


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
    click.echo(
        _("{code}: written to {output}.").format(code=customer.code, output=output), err=True
    )


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
        raise TillError(
            N_("{code} was anonymised already ({day})."),
            code=plan.code,
            day=plan.anonymised_at[:10],
        )
    for line in _erasure_lines(plan):
        click.echo(line)
    if not yes and not click.confirm(_("Erase this person's data for good?"), default=False):
        click.echo(_("Nothing erased."))
        return
    done = service.anonymise(customer.id, approval(ctx, Permission.ERASE_PERSONAL_DATA))
    anonymised = _(
        "{code} is anonymised: {fields} ({files}); the other tills erase it at their next sync."
    )
    click.echo(
        anonymised.format(
            code=plan.code,
            fields=plural(len(done.fields), "{n} fields erased", "{n} fields erased"),
            files=plural(len(done.customer_ids), "{n} customer file", "{n} customer files"),
        )
    )


def _erasure_lines(plan) -> list[str]:
    """The erasure plan as a manager reads it before saying yes."""
    from till.core.customer import LABELS
    from till.core.privacy import ANONYMOUS_NAME

    fields = ", ".join(_(LABELS.get(name, name)) for name in plan.fields) or _("none")
    lines = [f"{plan.code}  {plan.name}", _("Erases: {fields}").format(fields=fields)]
    lines += [f"  {count} {what}" for what, count in plan.erased if count]
    keeps = _("Keeps, under {code} ({name}):")
    lines.append(keeps.format(code=plan.code, name=ANONYMOUS_NAME))
    lines += [f"  {count} {what}" for what, count in plan.kept]
    return lines
