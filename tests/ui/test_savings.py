"""A promotion and a customer discount are shown the same way, on screen and on paper: the
regular price, what was taken off and why; "Saved" and "You saved" count both."""

from dataclasses import replace

import pytest

from storage import catalog, customers, sales
from till.app import make_app
from till.config import PricingSettings
from till.core.money import MoneyFormat
from till.core.pricing import PROMOTION, PriceTerms, price_line
from till.core.sale import Item
from till.price_words import reduction_label
from till.widgets.cart import CartTable

from ..conftest import ean13
from ..escpos_decoder import decode
from .conftest import scan

TEA, SOAP = ean13(90), ean13(91)
EUR = MoneyFormat("EUR", "fr_FR")


def plain(text: str) -> str:
    return text.replace("\xa0", " ").replace("\u202f", " ")


def test_a_promotion_and_a_discount_are_priced_in_the_same_shape():
    tea = Item("p1", TEA, "Thé", 300, 550, promo_price=250)
    promo = price_line(tea, 2)
    assert (promo.unit_price, promo.discount, promo.total, promo.note) == (300, 100, 500, PROMOTION)
    soap = Item("p2", SOAP, "Savon", 658, 2000)
    vip = price_line(soap, 1, PriceTerms(discount_bp=500, discount_reason="VIP 5%"))
    assert (vip.unit_price, vip.discount, vip.total) == (658, 33, 625)
    assert plain(reduction_label(promo, EUR)) == "Promotion -1,00 €"
    assert plain(reduction_label(vip, EUR)) == "VIP 5% -0,33 €"
    assert reduction_label(price_line(soap, 1), EUR) == ""


@pytest.fixture
def shop(settings):
    text = (
        "barcode,name,price,vat,promo_price\n"
        f"{TEA},Thé vert,3.00,5.5,2.50\n"
        f"{SOAP},Savon doux,6.58,20,\n"
    )
    rows, errors = catalog.parse_product_csv(text, settings.vat.rates)
    assert errors == []
    catalog.import_products(rows)
    customers.create_customer(
        {"last_name": "Vidal", "segment": "VIP"}, actor="t", till_no=1, region="FR"
    )
    return replace(settings, pricing=PricingSettings(segment_discounts={"VIP": 500}))


async def test_screen_and_receipt_show_every_saving_alike(shop, printer_file):
    app = make_app(shop)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f2", *"vidal", "enter")
        await scan(pilot, TEA)
        await scan(pilot, TEA)
        await scan(pilot, SOAP)
        cart = app.screen.query_one(CartTable)
        tea_row = [plain(str(cart.get_cell_at((0, column)))) for column in range(4)]
        soap_row = [plain(str(cart.get_cell_at((1, column)))) for column in range(4)]
        assert tea_row == ["Thé vert (Promotion -1,00 €)", "2", "3,00 €", "5,00 €"]
        assert soap_row == ["Savon doux (VIP 5 % -0,33 €)", "1", "6,58 €", "6,25 €"]
        assert "Saved 1,33 €" in plain(str(app.screen.query_one("#vat").render()))
        await pilot.press("f10", "f3")
        await app.workers.wait_for_complete()
        await pilot.pause()
    sale = sales.get_sale("01-000001")
    assert [(line.unit_price, line.discount) for line in sale.lines] == [(300, 100), (658, 33)]
    text = plain(decode(printer_file.read_bytes()).text)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    tea_at = lines.index("Thé vert 6,00 €")
    assert lines[tea_at + 1 : tea_at + 3] == ["2 x 3,00 €", "Promotion -1,00 €"]
    soap_at = lines.index("Savon doux 6,58 €")
    assert lines[soap_at + 1] == "VIP 5 % -0,33 €"  # the shop's locale writes its rates
    assert "You saved 1,33 €" in lines
