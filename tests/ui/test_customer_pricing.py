"""A customer's prices apply as soon as they are attached: discounts, price lists, export."""

from dataclasses import replace

import pytest

from storage import catalog, customers, sales
from till.app import make_app
from till.config import PricingSettings
from till.widgets.cart import CartTable

from ..conftest import PRODUCTS
from ..escpos_decoder import decode
from .conftest import scan

VIN, SAVON = PRODUCTS[3][0], PRODUCTS[2][0]  # 7.90 and 2.50, both at 20%


@pytest.fixture
def shop(settings):
    return replace(settings, pricing=PricingSettings(segment_discounts={"VIP": 1000}))


def _customer(**fields):
    return customers.create_customer(fields, actor="t", till_no=1, region="FR")


def _screen_text(app) -> str:
    return str(app.screen.query_one("#vat").render()) + str(app.screen.query_one("#total").render())


async def _pay_by_card(app, pilot):
    await pilot.press("f10", "f3")
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_a_vip_discount_applies_on_attach_and_is_printed(shop, printer_file):
    _customer(last_name="Vidal", segment="VIP")
    app = make_app(shop)
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, VIN)
        assert "TOTAL 7,90" in _screen_text(app)
        await pilot.press("f2", *"vidal", "enter")
        assert "TOTAL 7,11" in _screen_text(app) and "Saved 0,79" in _screen_text(app)
        cart = app.screen.query_one(CartTable)
        why = "Vin rouge (VIP 10 % -0,79\xa0€)"
        assert str(cart.get_cell_at((0, 0))) == why  # the reason, on the line
        await scan(pilot, SAVON)  # scanned after attaching: discounted too
        assert "TOTAL 9,36" in _screen_text(app)
        await _pay_by_card(app, pilot)
    sale = sales.get_sale("01-000001")
    notes = [(line.discount, line.note) for line in sale.lines]
    assert notes == [(79, "segment:1000:VIP"), (25, "segment:1000:VIP")]  # codes, worded on paper
    text = decode(printer_file.read_bytes()).text
    assert "VIP 10 %" in text and "-0,79 €" in text and "You saved" in text
    assert "TOTAL" in text and "9,36 €" in text


async def test_a_price_list_customer_pays_list_prices_even_for_lines_already_scanned(shop):
    rows, _ = catalog.parse_price_list_csv(f"price_code,barcode,price\nPRO,{VIN},6.00\n")
    catalog.import_price_list(rows)
    _customer(last_name="Perrin", price_code="PRO")
    app = make_app(shop)
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, VIN)
        await pilot.press("f2", *"perrin", "enter")
        assert "TOTAL 6,00" in _screen_text(app)
        await scan(pilot, VIN)
        assert "TOTAL 12,00" in _screen_text(app)
        await pilot.press("f2", "f9")  # back to walk-in: shelf prices again
        assert "TOTAL 15,80" in _screen_text(app)


async def test_promotions_skip_an_excluded_customer(shop, stocked_db):
    text = f"barcode,name,price,vat,category,cost,promo_price\n{VIN},Vin rouge,7.90,20,,,5.90\n"
    rows, _ = catalog.parse_product_csv(text, shop.vat.rates)
    catalog.import_products(rows)
    _customer(last_name="Roux", excluded_from_promotions=True)
    app = make_app(shop)
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, VIN)
        assert "TOTAL 5,90" in _screen_text(app)
        await pilot.press("f2", *"roux", "enter")
        assert "TOTAL 7,90" in _screen_text(app)


async def test_an_export_customer_is_sold_tax_free_with_the_mention(shop, printer_file):
    _customer(last_name="Smith", export_sale=True)
    app = make_app(shop)
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, VIN)
        await pilot.press("f2", *"smith", "enter")
        assert "Export, no VAT  TOTAL 6,58" in _screen_text(app)
        await _pay_by_card(app, pilot)
    sale = sales.get_sale("01-000001")
    assert sale.tax_free and sale.total == 658
    text = decode(printer_file.read_bytes()).text
    assert "Export sale: VAT exempt." in text
    assert "6,58 €" in text


async def test_changing_a_customers_discount_needs_the_manager_pin(settings):
    from textual.widgets import Input

    from till.config import SecuritySettings
    from till.core.pin import hash_pin
    from till.screens.customer_form import CustomerFormScreen
    from till.screens.manager import ManagerPinScreen

    martin = _customer(last_name="Martin")
    app = make_app(replace(settings, security=SecuritySettings(manager_pin=hash_pin("4821"))))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f2", *"martin", "f4", "f4")
        form = app.screen
        assert isinstance(form, CustomerFormScreen)
        form.query_one("#field-discount_percent", Input).value = "15"
        form.query_one("#field-discount_until", Input).value = "31/12/2026"
        form.query_one("#field-city", Input).value = "Lyon"
        await pilot.press("f10")
        assert isinstance(app.screen, ManagerPinScreen)
        await pilot.press(*"1111", "enter", "escape")  # wrong, then given up: nothing saved
        assert app.screen is form
        assert customers.get_customer(martin.id).discount_percent == ""
        await pilot.press("f10", *"4821", "enter")
        assert not isinstance(app.screen, CustomerFormScreen | ManagerPinScreen)
    saved = customers.get_customer(martin.id)
    assert (saved.discount_percent, saved.discount_until, saved.city) == (
        "15",
        "2026-12-31",
        "Lyon",
    )


async def test_a_city_change_alone_needs_no_manager(app):
    from textual.widgets import Input

    from till.screens.customer_form import CustomerFormScreen

    martin = _customer(last_name="Martin")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f2", *"martin", "f4", "f4")
        form = app.screen
        assert isinstance(form, CustomerFormScreen)
        form.query_one("#field-city", Input).value = "Lyon"
        await pilot.press("f10")
        await app.workers.wait_for_complete()  # the save runs off the event loop
        await pilot.pause()
        assert not isinstance(app.screen, CustomerFormScreen)
    assert customers.get_customer(martin.id).city == "Lyon"
