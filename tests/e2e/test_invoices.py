"""A customer invoiced automatically, at cashier speed on the Linux console: the sale paid on
account with the keys typed ahead, the invoice issued once the sale is saved, the receipt
screen saying so, the Account tab showing it due, and the History tab's key (F6) giving the same
invoice again (80x24, TERM=linux)."""

from __future__ import annotations

from pathlib import Path

from storage.db import close_database, open_database
from till.config import Settings
from till.customer_service import CustomerService

from .conftest import WINE, Shop
from .steps import scan
from .terminal import ENTER, ESCAPE, F2, F4, F5, F6, F7, F10, LEFT, RIGHT

SHOP_FOR_INVOICES = """
[store]
name = "E2E Shop"
address = ["12 rue des Halles", "75001 Paris"]
vat_number = "FR40303265045"
siret = "30326504500011"

[accounts]
credit_limit = 100
"""


def invoiced_automatically(shop: Shop) -> None:
    """The shop's invoice mentions, and a business customer flagged to be invoiced."""
    config = shop.config.read_text(encoding="utf-8")
    shop.config.write_text(
        config.replace('[store]\nname = "E2E Shop"\n', SHOP_FOR_INVOICES), encoding="utf-8"
    )
    open_database(shop.database)
    try:
        CustomerService(Settings().with_database(shop.database), actor="e2e").create(
            {
                "kind": "business",
                "last_name": "Roux",
                "company": "Roux SARL",
                "address1": "3 rue du Dépôt",
                "postcode": "69001",
                "city": "Lyon",
                "registration_number": "73282932000074",
                "invoice_automatically": True,
            }
        )
    finally:
        close_database()


def test_the_invoice_is_issued_after_a_sale_paid_on_account_at_cashier_speed(shop, start_register):
    invoiced_automatically(shop)
    till = start_register("linux")
    scan(till, WINE)
    till.send(F2, "Roux", ENTER)
    till.wait_for("attached.")
    till.send(F10, F5)  # on account, typed ahead of the payment screen

    till.wait_for(" saved.")
    said = till.wait_for("Invoice F01-000001 issued", "No invoice for")  # a toast, 2 lines
    assert said == "Invoice F01-000001 issued", till.text()
    pdf = Path(shop.directory) / "invoices" / "F01-000001.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    [sale] = shop.sales()
    [invoice] = shop.rows("SELECT code, sale_id, due FROM invoice")
    assert (invoice["code"], invoice["sale_id"], invoice["due"]) == ("F01-000001", sale["id"], 790)

    till.send(F7)
    till.wait_for("issued automatically")
    till.send(ESCAPE, F2, "Roux")
    till.wait_for("Roux SARL")
    till.send(F4)
    till.wait_for("Addresses")
    till.send(*[RIGHT] * 5)
    till.wait_for("Invoices due 7,90 €")
    screen = till.text()
    assert "F01-000001  of " in screen, screen
    assert max(len(line) for line in till.display()) <= 80

    till.send(LEFT, F6)  # the History tab, the sale highlighted: its invoice again
    till.wait_for("F01-000001 issued before")
    assert shop.rows("SELECT count(*) AS n FROM invoice")[0]["n"] == 1
    assert max(len(line) for line in till.display()) <= 80
