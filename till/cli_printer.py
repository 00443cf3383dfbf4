"""Printing from a shell: ``till print-test``, ``till receipt print``, ``till drawer``.
Each takes ``--printer URL`` to use another printer than the configured one."""

from __future__ import annotations

from dataclasses import replace

import click

from till.errors import TillError
from till.i18n import N_, _

printer_option = click.option(
    "--printer",
    "printer_url",
    metavar="URL",
    help="tcp://HOST:9100, usb://VID:PID, serial:///dev/ttyUSB0?baudrate=19200, file:///PATH",
)


def settings_for(ctx, printer_url: str | None):
    from till.config import check_settings

    settings = ctx.settings()
    if printer_url:
        settings = replace(settings, printer=replace(settings.printer, url=printer_url))
        check_settings(settings)  # the URL given is checked as the config's would be
    return settings


def receipt_printer(settings):
    from till.register import Register

    return Register(settings).printer


def delivered(what: str, url: str, delivery) -> str:
    """What the technician reads once a job went out: printed if the printer confirmed it,
    else sent (the printer cannot say). An unconfirmed job raised a PrinterError before."""
    from devices.printer.transport import Delivery

    if delivery is Delivery.CONFIRMED:
        said = _("{what} printed on {url} (the printer confirmed it).")
    elif delivery is Delivery.NO_PRINTER:
        said = _("{what} not printed: no printer is configured.")
    else:
        said = _("{what} sent to {url}; this printer cannot confirm it: check that it came out.")
    return said.format(what=what, url=url)


@click.command(name="print-test")
@printer_option
@click.pass_obj
def print_test(ctx, printer_url: str | None) -> None:
    """Print a test page: code-page samples, the paper width, a barcode and a QR code."""
    from devices.printer.escpos import render_escpos
    from devices.printer.test_page import build_test_page
    from devices.printer.transport import open_transport

    printer = settings_for(ctx, printer_url).printer
    if printer.url in ("", "none"):
        raise TillError(
            N_("No printer is configured: set [printer] url in the config, or give --printer URL.")
        )
    page = build_test_page(printer.url, printer.profile, printer.width)
    delivery = open_transport(printer.url, printer.timeout).send(
        render_escpos(page, printer.profile)
    )
    click.echo(delivered(_("Test page"), printer.url, delivery))


@click.command()
@printer_option
@click.pass_obj
def drawer(ctx, printer_url: str | None) -> None:
    """Open the cash drawer wired to the printer: outside a sale, so it asks for a manager's
    PIN, and the opening is journaled."""
    from till.cli_people import approval, shell_actor
    from till.core.people import Permission
    from till.register import Register

    settings = settings_for(ctx, printer_url)
    ctx.open_database(settings)
    approver = approval(ctx, Permission.OPEN_DRAWER)
    register = Register(settings)
    register.session.user = shell_actor(ctx)
    try:
        register.open_drawer(approver)
    finally:
        register.close()
    click.echo(_("Drawer opened."))


@click.command(name="print")
@click.argument("number")
@printer_option
@click.pass_obj
def receipt_print(ctx, number: str, printer_url: str | None) -> None:
    """Print receipt NUMBER again (42 on this till, or 01-000042), without opening the drawer.
    A receipt listed as not confirmed by the printer leaves that list."""
    from storage import print_jobs, sales

    settings = settings_for(ctx, printer_url)
    ctx.open_database(settings)
    if number.isascii() and number.isdigit():
        sale = sales.get_sale_by_number(settings.till.number, int(number))
    else:
        sale = sales.get_sale(number)
    delivery = receipt_printer(settings).print_sale(sale, kick_drawer=False, duplicate=True)
    if delivery.value != print_jobs.NO_PRINTER:
        print_jobs.reprinted(sale.id)
    receipt = _("Receipt {code}").format(code=sale.receipt_code)
    click.echo(delivered(receipt, settings.printer.url, delivery))
