"""A yen receipt prints its currency sign. ja_JP writes yen amounts with the fullwidth sign
(U+FFE5), which no receipt code page holds: the paper showed ``?4,650`` (found in a JPY shop).
The printer gets the yen sign the code pages have (U+00A5); the screen keeps the locale's."""

from dataclasses import replace

from devices.printer.escpos import render_escpos
from devices.printer.receipt import build_receipt, render_text
from till.core.money import MoneyFormat
from till.core.sale import Payment, PaymentMethod, RecordedLine, RecordedSale
from till.core.tax import vat_breakdown

from ..escpos_decoder import decode
from .test_receipt import LAYOUT

YEN = MoneyFormat("JPY", "ja_JP")
SALE = RecordedSale(
    id="id",
    till_no=1,
    receipt_no=1,
    receipt_code="01-000001",
    created_at="2026-11-23T10:00:00+00:00",
    seller="Till",
    currency="JPY",
    total=4650,
    item_count=1,
    change_given=350,
    lines=(RecordedLine(1, "4006381333931", "Rice", 1, 4650, 800, 4650),),
    vat=tuple(vat_breakdown([(800, 4650)])),
    payments=(Payment(PaymentMethod.CASH, 4650, 5000),),
)


def test_yen_amounts_print_with_a_yen_sign_the_printer_has():
    assert "\uffe5" in YEN(4650)  # the screen: the locale's own sign
    document = build_receipt(SALE, replace(LAYOUT, money=YEN))
    printout = decode(render_escpos(document, "TM-T88V", kick_drawer=False))
    total = next(line for line in printout.lines if "TOTAL" in line)
    assert total.split()[-1] == "¥4,650", printout.text
    assert "?" not in printout.text, printout.text
    assert "¥5,000" in render_text(document)  # the text copy matches the paper
