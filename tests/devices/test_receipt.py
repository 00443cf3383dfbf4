from dataclasses import replace
from pathlib import Path

import pytest

from devices.printer.escpos import render_escpos
from devices.printer.receipt import ReceiptLayout, build_receipt, render_text
from devices.printer.transport import FileTransport, NullTransport, open_transport
from till.core.money import MoneyFormat
from till.core.sale import Payment, PaymentMethod, RecordedLine, RecordedSale
from till.core.tax import vat_breakdown
from till.errors import ConfigError, PrinterError

from ..escpos_decoder import decode

LINES = (
    RecordedLine(1, "2000000000015", "Crème brûlée à l'œuf", 2, 350, 550, 700),
    RecordedLine(2, "2000000000022", "Savon de Marseille", 1, 250, 2000, 250),
)
SALE = RecordedSale(
    id="id",
    till_no=1,
    receipt_no=7,
    receipt_code="01-000007",
    created_at="2026-11-23T10:00:00+00:00",
    seller="Zoé",
    currency="EUR",
    total=950,
    item_count=3,
    change_given=1050,
    lines=LINES,
    vat=tuple(vat_breakdown([(550, 700), (2000, 250)])),
    payments=(Payment(PaymentMethod.CASH, 950, 2000),),
)
LAYOUT = ReceiptLayout(
    store_name="Épicerie",
    address=("12 rue des Halles",),
    vat_number="FR40303265045",
    footer=("Merci !",),
    width=42,
    money=MoneyFormat("EUR", "fr_FR"),
)


def test_text_receipt_has_everything_a_customer_reads():
    text = render_text(build_receipt(SALE, LAYOUT))
    assert all(len(line) <= 42 for line in text.splitlines())
    for expected in [
        "Épicerie",
        "Receipt 01-000007",
        "Crème brûlée à l'œuf",
        "  2 x 3,50 €",
        "TOTAL",
        "9,50 €",
        "Change",
        "10,50 €",
        "5,5 %",  # the fr_FR percentage, its no-break space made printable
        "20 %",
        "3 items",
        "01-000007",
        "Merci !",
    ]:
        assert expected in text, expected


def test_escpos_bytes_decode_back_to_the_text_receipt():
    document = build_receipt(SALE, LAYOUT)
    printout = decode(render_escpos(document, "TM-T88V", kick_drawer=True))
    text_lines = render_text(document).splitlines()
    printed = [line.strip() for line in printout.lines if line.strip()]
    expected = [line.strip() for line in text_lines if line.strip() and "|||" not in line]
    assert printed == expected
    assert "€" in printout.text and "œ" in printout.text and "é" in printout.text
    assert printout.barcodes == [("CODE128", "01-000007")]
    assert printout.cuts == 1
    assert printout.drawer_kicks == [0]  # ESC p 0: the drawer on pin 2
    assert any("TOTAL" in line for line in printout.bold_lines)


def test_no_drawer_kick_unless_asked():
    document = build_receipt(SALE, LAYOUT)
    assert decode(render_escpos(document, "TM-T88V")).drawer_kicks == []


def test_long_names_are_cut_to_the_paper_width():
    long_line = RecordedLine(1, "1", "x" * 80, 1, 100, 2000, 100)
    sale = RecordedSale(**{**SALE.__dict__, "lines": (long_line,)})
    for line in render_text(build_receipt(sale, LAYOUT)).splitlines():
        assert len(line) <= 42


def test_transports(tmp_path: Path):
    assert isinstance(open_transport("none"), NullTransport)
    target = tmp_path / "lp0"
    transport = open_transport(f"file://{target}")
    assert isinstance(transport, FileTransport)
    transport.send(b"abc")
    transport.send(b"def")
    assert target.read_bytes() == b"abcdef"
    with pytest.raises(ConfigError, match="not supported"):
        open_transport("carrier-pigeon://x")


def test_a_missing_printer_device_is_a_plain_error(tmp_path: Path):
    transport = open_transport(f"file://{tmp_path}/no/such/dir/lp0")
    with pytest.raises(PrinterError, match="no such device"):
        transport.send(b"x")


@pytest.mark.parametrize("profile", ["TM-T88V", "TM-T88IV", "TM-T20II", "TM-P80", "RP326"])
def test_latin_text_decodes_back_on_each_profile(profile):
    line = RecordedLine(1, "1", "Crème brûlée, œuf, Straße, niño", 1, 1250, 550, 1250)
    sale = RecordedSale(**{**SALE.__dict__, "lines": (line,)})
    printout = decode(render_escpos(build_receipt(sale, LAYOUT), profile))
    assert any(text.startswith("Crème brûlée, œuf, Straße, niño") for text in printout.lines)
    assert any("12,50 €" in text for text in printout.lines)


def test_an_unknown_profile_is_a_printer_error_not_a_crash():
    with pytest.raises(PrinterError, match="not a python-escpos profile"):
        render_escpos(build_receipt(SALE, LAYOUT), "NO-SUCH-PRINTER")


def test_a_qr_code_when_the_shop_wants_one():
    layout = replace(LAYOUT, qr="https://shop.example/r/{receipt}")
    printout = decode(render_escpos(build_receipt(SALE, layout), "TM-T88V"))
    assert printout.qr_codes == ["https://shop.example/r/01-000007"]
    assert decode(render_escpos(build_receipt(SALE, LAYOUT), "TM-T88V")).qr_codes == []
