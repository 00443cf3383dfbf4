"""The invoice from the customer's History tab (F6): the highlighted sale's invoice issued and
its PDF written where the receipt screen's key puts it, the number said; asked again, the same
number; a refund's credit note after a manager's PIN; a shop without its SIRET told why, no
number taken (docs/invoices.md)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from textual.widgets import DataTable, TabbedContent

from storage import invoices
from tests.test_invoices import (  # noqa: F401  (fixtures)
    business,
    refund_lines,
    sell,
    service,
    shop,
)
from till.app import make_app
from till.config import SecuritySettings
from till.core.pin import hash_pin
from till.core.sale import PaymentMethod
from till.screens.customer_view import CustomerViewScreen
from till.screens.manager import ManagerPinScreen

from .conftest import footer_text, settle


async def _history(app, pilot, customer_id: str, receipt: str) -> CustomerViewScreen:
    """The customer's History tab, the sale of ``receipt`` highlighted."""
    await pilot.pause()
    view = CustomerViewScreen(customer_id)
    app.push_screen(view)
    await pilot.pause()
    view.query_one(TabbedContent).active = "tab-history"
    await pilot.pause()
    row = [sale.receipt_code for sale in view.shown_sales].index(receipt)
    view.query_one("#customer-sales", DataTable).move_cursor(row=row)
    await pilot.pause()
    return view


def _said(view: CustomerViewScreen) -> str:
    return " ".join(str(view.query_one("#customer-message").render()).split())


async def test_f6_issues_the_highlighted_sales_invoice_and_shows_it_again(shop, business):  # noqa: F811
    sale = sell(business, 2, 1)
    app = make_app(shop)
    async with app.run_test(size=(80, 24)) as pilot:
        view = await _history(app, pilot, business.id, sale.receipt_code)
        assert "Invoice" in footer_text(app)
        await pilot.press("f6")
        await settle(pilot)
        stored = invoices.for_sale(sale.id)
        assert stored is not None
        number = stored.invoice.number
        pdf = Path(shop.database.path).parent / "invoices" / f"{number}.pdf"
        assert f"{number} issued:" in _said(view) and pdf.read_bytes().startswith(b"%PDF")
        assert str(pdf) in _said(view).replace(" ", "")  # the whole path, wrapped
        assert service(shop).get(number).invoice.sale_id == sale.id

        await pilot.press("ctrl+p")  # again: the same invoice
        await settle(pilot)
        assert f"{number} issued before" in _said(view)
        assert invoices.numbers(1) == [1]

        view.query_one(TabbedContent).active = "tab-main"
        await pilot.pause()
        assert "Invoice" not in footer_text(app)  # the History tab's key only


async def test_a_refunds_credit_note_takes_a_managers_pin(shop, business):  # noqa: F811
    sale = sell(business, 3)
    invoice = service(shop).issue(sale.receipt_code).invoice
    refund = refund_lines(sale.receipt_code, {1: 1}, PaymentMethod.CARD)
    app = make_app(replace(shop, security=SecuritySettings(manager_pin=hash_pin("4821"))))
    async with app.run_test(size=(80, 24)) as pilot:
        view = await _history(app, pilot, business.id, refund.receipt_code)
        await pilot.press("f6")
        await settle(pilot)
        assert isinstance(app.screen, ManagerPinScreen)
        await pilot.press(*"4821", "enter")
        await settle(pilot)
        note = invoices.for_sale(refund.id)
        assert note is not None and note.invoice.credits == invoice.number
        assert f"{note.invoice.number} issued:" in _said(view)


async def test_a_shop_without_its_siret_is_told_why_and_takes_no_number(shop, business):  # noqa: F811
    sale = sell(business, 1)
    app = make_app(replace(shop, store=replace(shop.store, siret="")))
    async with app.run_test(size=(80, 24)) as pilot:
        view = await _history(app, pilot, business.id, sale.receipt_code)
        await pilot.press("f6")
        await settle(pilot)
        assert "[store] siret" in _said(view)
        assert invoices.for_sale(sale.id) is None and invoices.numbers(1) == []


async def test_every_tab_s_keys_fit_80_columns_in_french_with_sync_when_attaching(
    shop,  # noqa: F811
    business,  # noqa: F811
):
    """The most keys a tab offers (attaching, older sales from the server, a sale to invoice),
    in French, the longest of the two languages: each footer key inside the screen."""
    sell(business, 2, 1)
    french = replace(
        shop,
        locale=replace(shop.locale, language="fr"),
        sync=replace(shop.sync, url="http://127.0.0.1:9", token="t", name="till-1"),
    )
    app = make_app(french)
    async with app.run_test(size=(80, 24)) as pilot:
        view = CustomerViewScreen(business.id, attaching=True)
        app.push_screen(view)
        await settle(pilot)
        for tab in [pane.id for pane in view.query("TabPane")]:
            view.query_one(TabbedContent).active = tab
            await pilot.pause()
            keys = list(app.screen.query("FooterKey"))
            assert keys, tab
            past = [
                str(key.render()) for key in keys if key.region.right > 80 or not key.region.width
            ]
            assert not past, (tab, footer_text(app))
