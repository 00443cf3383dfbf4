"""``till invoice RECEIPT [-o FILE.pdf]`` issues the invoice of a sale (a credit note for a
refund of an invoiced sale) and writes its Factur-X PDF, the invoice number on the last line;
``till invoice show NUMBER`` prints one issued as text (docs/invoices.md)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from till.i18n import _

if TYPE_CHECKING:
    from till.invoice_service import InvoiceService


class InvoiceGroup(click.Group):
    """``till invoice 01-000042`` is ``till invoice issue 01-000042``: a first word that
    names no subcommand is the receipt number."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["issue", *args]
        return super().parse_args(ctx, args)


@click.group(cls=InvoiceGroup, subcommand_metavar="RECEIPT | COMMAND [ARGS]...")
def invoice() -> None:
    """Invoices for business customers: RECEIPT issues one (see 'issue'), 'show' prints one."""


def _service(ctx) -> InvoiceService:
    from till.cli_people import shell_actor
    from till.invoice_service import InvoiceService

    settings = ctx.settings()
    ctx.open_database(settings)
    return InvoiceService(settings, shell_actor(ctx).label, ctx.money())


@invoice.command(name="issue")
@click.argument("receipt")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    help="The PDF to write (default: NUMBER.pdf here).",
)
@click.option(
    "--terms",
    help="Payment terms instead of the customer's or [invoice] payment_terms: net30, eom…",
)
@click.pass_obj
def issue(ctx, receipt: str, output: str | None, terms: str | None) -> None:
    """Issue the invoice of RECEIPT (01-000042) and write its PDF, with the Factur-X XML
    embedded; asking again gives the same invoice. For a refund of an invoiced sale, a credit
    note (a manager's PIN)."""
    from till.cli_people import approval

    service = _service(ctx)
    sale = service.sale(receipt)
    needed = service.needs(sale)
    approver = None if service.session.may(needed) else approval(ctx, needed)
    issued = service.issue(receipt, approver, terms=terms)
    document = issued.invoice
    path = Path(output) if output else Path(f"{document.number}.pdf")
    service.write_pdf(document, path)
    if document.credits:
        said = (
            _("Credit note issued: {total}, PDF in {path}")
            if issued.created
            else _("Credit note issued before, written again: {total}, PDF in {path}")
        )
    else:
        said = (
            _("Invoice issued: {total}, PDF in {path}")
            if issued.created
            else _("Invoice issued before, written again: {total}, PDF in {path}")
        )
    click.echo(said.format(total=service.money(document.total), path=path))
    click.echo(document.number)


@invoice.command(name="show")
@click.argument("number")
@click.pass_obj
def show(ctx, number: str) -> None:
    """Print invoice NUMBER as text: F01-000042, or 42 for this till's."""
    from till.core.invoice import invoice_code

    service = _service(ctx)
    text = number.strip()
    if text.isascii() and text.isdigit() and len(text) <= 6:
        text = invoice_code(service.settings.till.number, int(text))
    click.echo(service.text(service.get(text).invoice), nl=False)
