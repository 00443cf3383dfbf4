"""The invoice from the receipt screen (F8): a business customer's sale gets its invoice, its
Factur-X PDF written beside the database, the number shown; asked again, the same number; a
sale without a customer is told why, nothing numbered."""

from __future__ import annotations

from pathlib import Path

import facturx

from storage import invoices
from tests.test_invoices import business, sell, shop  # noqa: F401  (fixtures)
from till.app import make_app
from till.screens.receipt import ReceiptScreen

from .conftest import settle


async def _show_receipt(app, pilot, receipt_code: str) -> None:
    await pilot.pause()
    app.push_screen(ReceiptScreen(app.register.sale(receipt_code)))
    await pilot.pause()


def _said(app) -> str:
    return str(app.screen.query_one("#receipt-delivery").render())


async def test_f8_issues_the_invoice_and_writes_its_pdf(shop, business):  # noqa: F811
    sale = sell(business, 2, 1)
    app = make_app(shop)
    async with app.run_test(size=(80, 24)) as pilot:
        await _show_receipt(app, pilot, sale.receipt_code)
        await pilot.press("f8")
        await settle(pilot)
        stored = invoices.for_sale(sale.id)
        assert stored is not None
        number = stored.invoice.number
        pdf = Path(shop.database.path).parent / "invoices" / f"{number}.pdf"
        assert f"{number} issued" in _said(app) and pdf.name in _said(app).replace("\n", "")
        xml = facturx.get_xml_from_pdf(pdf.read_bytes(), check_xsd=True)[1]
        assert number.encode() in xml

        await pilot.press("f8")  # again: the same invoice
        await settle(pilot)
        assert "issued before" in _said(app)
        assert invoices.for_sale(sale.id).invoice.number == number


async def test_a_sale_without_a_customer_is_told_why(shop):  # noqa: F811
    sale = sell(None, 1)
    app = make_app(shop)
    async with app.run_test(size=(80, 24)) as pilot:
        await _show_receipt(app, pilot, sale.receipt_code)
        await pilot.press("f8")
        await settle(pilot)
        assert "no customer" in _said(app)
        assert invoices.for_sale(sale.id) is None
