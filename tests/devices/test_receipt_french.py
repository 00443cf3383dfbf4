"""What the printer receives in French (``[locale] language = "fr"``): the receipt, the loyalty
slip and the Z report, read back from the ESC/POS bytes, within the paper's 42 columns."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from devices.printer.escpos import render_escpos
from devices.printer.receipt import build_receipt
from devices.printer.slip import BalanceSlip, build_balance_slip
from storage import catalog, sales
from till.config import LocaleSettings, Settings
from till.core.people import Actor, Role
from till.core.sale import Cart, Payment, PaymentMethod
from till.i18n import use_language
from till.register import Register

from ..conftest import PRODUCTS
from ..escpos_decoder import Printout, decode
from .test_receipt import LAYOUT, SALE

MANAGER = Actor("u-bob", "Bob", Role.MANAGER, till_no=1)


@pytest.fixture
def french() -> Iterator[None]:
    use_language("fr")
    yield
    use_language("en")  # the default every other test expects


def printed(document) -> Printout:
    printout = decode(render_escpos(document, "TM-T88V"))
    too_wide = [line for line in printout.lines if len(line) > 42]
    assert not too_wide, too_wide
    return printout


def test_a_receipt_in_french_from_its_escpos_bytes(french):
    text = printed(build_receipt(SALE, LAYOUT)).text
    for expected in [
        "Ticket 01-000007",
        "Caisse 1  Vendeur Zoé",
        "TVA FR40303265045",
        "Espèces",
        "Rendu",
        "10,50 €",
        "3 articles",
        "Taux",
        "HT",
        "TTC",
    ]:
        assert expected in text, (expected, text)
    for english in ["Receipt", "Seller", "Cash", "Change", "items", "Gross"]:
        assert english not in text, (english, text)


def test_a_refund_and_a_duplicate_in_french(french):
    refund = replace(
        SALE,
        refund_of="01-000003",
        item_count=-1,
        change_given=0,
        payments=(Payment(PaymentMethod.CASH, -950, -950),),
    )
    text = printed(build_receipt(refund, LAYOUT, duplicate=True)).text
    assert "*** DUPLICATA ***" in text
    assert "REMBOURSEMENT du ticket 01-000003" in text
    assert "Remb. Espèces" in text
    assert "1 article repris" in text


def test_the_english_receipt_is_unchanged_by_default():
    text = printed(build_receipt(SALE, LAYOUT)).text
    assert "Receipt 01-000007" in text and "3 items" in text and "Change" in text


def test_a_loyalty_slip_in_french(french):
    slip = BalanceSlip("Épicerie", "Zoé M.", "2990000000019", 1, "0,01 €", "31/12/2026", 1)
    text = printed(build_balance_slip(slip, 42)).text
    assert "Points de fidélité" in text
    assert "Solde : 1 point (0,01 €)" in text  # French: one point, singular
    assert "1 point expire le 31/12/2026" in text


def test_the_z_report_in_french(settings: Settings):
    french_settings = replace(settings, locale=LocaleSettings(language="fr"))
    register = Register(french_settings)
    try:
        cart = Cart()
        cart.add(catalog.lookup(PRODUCTS[0][0]))
        cart.pay(PaymentMethod.CASH, cart.total)
        sales.record_sale(cart, till_no=1, seller="Ann", currency="EUR", print_receipt=False)
        z = register.closures.close_day(MANAGER, counted=cart.total)
        text = printed(register.closures.document(z)).text
    finally:
        register.close()
        use_language("en")
    for expected in [
        "RAPPORT Z N° 1",
        "Caisse 1",
        "Ventes (1)",
        "TOTAL NET",
        "Paiements",
        "Espèces",
        "Tiroir-caisse",
        "Fond de caisse",
        "Grand total",
        "Sceau",
    ]:
        assert expected in text, (expected, text)
    assert "Z REPORT" not in text and "Payments" not in text
