"""Names stored before the input rule, full of control characters, never reach a printer or a
terminal as commands: the receipt decodes back to the same commands as a clean one, and
``till receipt show`` prints no escape sequence."""

from __future__ import annotations

from dataclasses import replace

import pytest
from click.testing import CliRunner

from devices.printer.escpos import render_escpos
from devices.printer.receipt import ReceiptLayout, build_receipt, render_text
from devices.printer.slip import BalanceSlip, build_balance_slip
from devices.printer.test_page import build_test_page
from storage import catalog, sales
from storage.catalog import ProductRow
from storage.db import close_database, open_database
from till.cli import cli
from till.core.money import MoneyFormat
from till.core.sale import Cart, PaymentMethod
from till.core.text import printable

from ..conftest import ean13
from ..escpos_decoder import decode

EVERY_CONTROL = "".join(chr(c) for c in range(0x00, 0x20)) + "".join(
    chr(c) for c in range(0x7F, 0xA0)
)
HOSTILE = (
    "Drawer\x1bp0ddKick",
    "\x1b[2J\x1b]0;pwned\x07",
    f"All{EVERY_CONTROL}Controls",
    "Cut\x1dV\x00Here\x1d(k\x03\x001P0",
    "Spoof\u202eNAME",
)
LAYOUT = ReceiptLayout(
    store_name="Shop",
    address=("1 Main Street",),
    vat_number="",
    footer=("Thanks",),
    width=42,
    money=MoneyFormat("EUR", "fr_FR"),
)


def _store_and_sell(names: tuple[str, ...]) -> str:
    """Store the products as they are (no import rule) and sell one of each by card."""
    rows = [(n, ProductRow(ean13(900 + n), name, 100 + n, 2000)) for n, name in enumerate(names, 1)]
    catalog.import_products(rows)
    cart = Cart()
    for _, row in rows:
        cart.add(catalog.lookup(row.code))
    cart.pay(PaymentMethod.CARD, cart.total)
    return sales.record_sale(cart, till_no=1, seller="Ann", currency="EUR").receipt_code


def _no_control(text: str) -> bool:
    return not any((ord(c) < 0x20 and c != "\n") or 0x7F <= ord(c) < 0xA0 for c in text)


@pytest.fixture
def hostile_sale(db_path):
    return sales.get_sale(_store_and_sell(HOSTILE))


@pytest.mark.parametrize("profile", ["TM-T88V", "default"])
def test_a_receipt_of_hostile_names_carries_the_commands_of_a_clean_one(hostile_sale, profile):
    clean_lines = tuple(
        replace(line, name="N" * len(printable(line.name)))
        for line in hostile_sale.lines  # same layout
    )
    clean = decode(
        render_escpos(build_receipt(replace(hostile_sale, lines=clean_lines), LAYOUT), profile)
    )

    printout = decode(render_escpos(build_receipt(hostile_sale, LAYOUT), profile))

    assert printout.drawer_kicks == []  # a card sale: the drawer stays shut
    assert printout.commands == clean.commands
    assert printout.cuts == 1 and printout.barcodes == clean.barcodes
    assert all(_no_control(line) for line in printout.lines)
    text = printout.text
    assert "Drawerp0ddKick" in text and "pwned" in text and "All      Controls" in text
    assert "SpoofNAME" in text


def test_the_text_preview_holds_no_control_character(hostile_sale):
    preview = render_text(build_receipt(hostile_sale, LAYOUT))
    assert _no_control(preview) and "\u202e" not in preview
    assert "Drawerp0ddKick" in preview


def test_a_slip_and_a_test_page_of_hostile_text_add_no_command():
    slip = BalanceSlip("Shop\x1bp0dd", HOSTILE[1], "2901\x1bp0dd", 120, "1,20 €")
    clean_slip = BalanceSlip("Shop", "Name", "2901", 120, "1,20 €")
    printout = decode(render_escpos(build_balance_slip(slip, 42), "TM-T88V"))
    clean = decode(render_escpos(build_balance_slip(clean_slip, 42), "TM-T88V"))
    assert printout.commands == clean.commands and printout.drawer_kicks == []

    page = decode(render_escpos(build_test_page("tcp://x\x1bp0dd", "TM-T88V", 42), "TM-T88V"))
    clean_page = decode(render_escpos(build_test_page("tcp://x", "TM-T88V", 42), "TM-T88V"))
    assert page.commands == clean_page.commands and page.drawer_kicks == []


def test_the_decoder_sees_an_unescaped_drawer_pulse():
    """The check above can fail: raw text with ESC p in it decodes as a drawer kick."""
    from escpos.printer import Dummy

    printer = Dummy(profile="TM-T88V")
    printer._raw(b"Drawer\x1bp0ddKick\n")
    assert decode(printer.output).drawer_kicks == [0x30]


def test_till_receipt_show_prints_no_escape_sequence(tmp_path):
    db = tmp_path / "shop.db"
    open_database(db)
    try:
        code = _store_and_sell(HOSTILE)
    finally:
        close_database()
    result = CliRunner().invoke(cli, ["--db", str(db), "receipt", "show", code])
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and _no_control(result.output)
    assert "Drawerp0ddKick" in result.output
