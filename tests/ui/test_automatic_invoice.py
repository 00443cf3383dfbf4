"""Invoices at the register (docs/invoices.md): a customer invoiced automatically gets the
invoice once the sale is saved, off the event loop; one that cannot be issued leaves the sale
saved and the cashier told on the receipt screen; the receipt screen reads the sale's invoice
off the event loop; the Account tab lists the invoices left to pay, due and overdue."""

# ruff: noqa: F811  (the fixtures imported from test_invoices)
from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from storage import customers, invoices, sales
from tests.test_invoices import DUPONT, sell, shop  # noqa: F401  (fixtures)
from till.app import make_app
from till.config import AccountSettings
from till.invoice_service import InvoiceService

from ..conftest import PRODUCTS
from .conftest import message, scan, settle
from .test_accounts import open_account_tab, plain, text_of

VIN = PRODUCTS[3][0]  # 7.90


@pytest.fixture
def dupont(shop):
    made = customers.create_customer(
        {**DUPONT, "invoice_automatically": True}, actor="test", till_no=1, region="FR"
    )
    return customers.get_customer(made.id)


def toasts(app) -> list[str]:
    return [plain(str(n.message)) for n in app._notifications]


async def sell_on_account(pilot) -> None:
    await scan(pilot, VIN)
    await pilot.press("f2", *"dupont", "enter", "f10", "f5")  # all of it on account
    await settle(pilot)
    await settle(pilot)  # the sale's write, then the invoice's


async def test_the_invoice_is_issued_after_the_sale_and_shown_due_on_the_account(shop, dupont):
    earlier = sell(dupont, 0, 0, 0, 2, account=790)  # invoiced 90 days ago, half unpaid
    old = InvoiceService(shop, "Ann").issue(
        earlier.receipt_code, now=datetime.now(UTC) - timedelta(days=90)
    )
    app = make_app(replace(shop, accounts=AccountSettings(credit_limit=100)))
    async with app.run_test(size=(80, 24)) as pilot:
        await sell_on_account(pilot)
        assert "Sale 01-000002 saved" in plain(message(app))
        sale = sales.get_sale("01-000002")
        issued = invoices.for_sale(sale.id)
        assert issued is not None and issued.invoice.number == "F01-000002"
        assert "Invoice F01-000002 issued for 01-000002." in toasts(app)

        await pilot.press("f7")  # the last receipt
        await settle(pilot)
        said = plain(str(app.screen.query_one("#receipt-invoice").render())).replace("\n", "")
        assert "Invoice F01-000002 issued automatically, PDF in" in said
        assert said.endswith("F01-000002.pdf")

        await pilot.press("escape")
        view = await open_account_tab(pilot, "dupont")
        await settle(pilot)
        due = text_of(view, "#customer-invoices-due").splitlines()
    assert due[0].startswith(f"{old.invoice.number}  of ") and due[0].endswith("OVERDUE")
    assert "7,90 €" in due[0]
    assert due[1].startswith("F01-000002  of ") and "OVERDUE" not in due[1]
    assert due[2] == "Invoices due 15,80 €, overdue 7,90 €"


async def test_an_invoice_that_cannot_be_issued_leaves_the_sale_saved_and_says_why(shop, dupont):
    no_siret = replace(shop, store=replace(shop.store, siret=""))
    app = make_app(replace(no_siret, accounts=AccountSettings(credit_limit=100)))
    async with app.run_test(size=(80, 24)) as pilot:
        await sell_on_account(pilot)
        assert "Sale 01-000001 saved" in plain(message(app))
        assert any(t.startswith("No invoice for 01-000001: Set [store] siret") for t in toasts(app))
        await pilot.press("f7")
        await settle(pilot)
        said = plain(str(app.screen.query_one("#receipt-invoice").render())).replace("\n", " ")
        assert said.startswith("No invoice was issued automatically: Set [store] siret")
        assert said.endswith("Once that is fixed, F8 issues it.")
    assert sales.get_sale("01-000001").total == 790 and invoices.numbers(1) == []


async def test_the_receipt_screen_reads_the_sales_invoice_off_the_event_loop(
    shop, dupont, monkeypatch
):
    sale = sell(dupont, 0, 0, 0, 1)
    asked_on: list[bool] = []
    standing = InvoiceService.standing

    def noting_the_thread(self, sale):
        asked_on.append(threading.current_thread() is threading.main_thread())
        return standing(self, sale)

    monkeypatch.setattr(InvoiceService, "standing", noting_the_thread)
    app = make_app(shop)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f7")  # the last receipt: its invoice is read
        await settle(pilot)
        assert "has no invoice yet" in plain(str(app.screen.query_one("#receipt-invoice").render()))
        await pilot.press("f8")
        await settle(pilot)
        await settle(pilot)
    assert asked_on and not any(asked_on)
    assert invoices.for_sale(sale.id) is not None
