"""A copy of a receipt reproduces it as it was issued (store, address, VAT number, footer, the
customer's name), whatever the configuration says today; the name is the one display name."""

from dataclasses import replace

import pytest
from click.testing import CliRunner

from storage import catalog, customers, sales
from storage.db import close_database
from storage.models import database
from till.cli import cli
from till.config import ReceiptSettings, StoreSettings
from till.core.sale import Cart, PaymentMethod
from till.register import Register

from .conftest import PRODUCTS


def _paid_cart(register: Register, customer=None) -> Cart:
    cart = Cart()
    if customer is not None:
        register.attach(cart, customer)
    cart.add(catalog.lookup(PRODUCTS[0][0]))
    cart.pay(PaymentMethod.CASH, cart.total)
    return cart


@pytest.fixture
def register(settings):
    register = Register(settings)
    yield register
    register.close()


def _business(register: Register):
    return register.customers.create(
        {"last_name": "Dupont", "first_name": "Jean", "company": "Dupont SARL", "kind": "business"}
    )


def test_a_copy_shows_the_store_as_it_was_when_the_sale_was_recorded(
    register, settings, stocked_db, monkeypatch
):
    sale = register.record(_paid_cart(register))
    monkeypatch.delenv("TILL_CONFIG", raising=False)
    result = CliRunner().invoke(cli, ["--db", str(stocked_db), "receipt", "show", "1"])
    close_database()
    assert result.exit_code == 0, result.output
    for printed in ("Test Shop", "1 Main Street", "VAT FR123", "Merci !", sale.receipt_code):
        assert printed in result.output
    assert "My Shop" not in result.output

    changed = replace(
        settings,
        store=StoreSettings(name="New Name", address=("2 Other Road",), vat_number="FR999"),
        receipt=ReceiptSettings(footer=("Bye",)),
    )
    later = Register(changed)
    try:
        copy = later.printer.preview(sales.get_sale(sale.receipt_code))
    finally:
        later.close()
    assert "Test Shop" in copy and "1 Main Street" in copy and "Merci !" in copy
    assert "New Name" not in copy and "FR999" not in copy and "Bye" not in copy


def test_the_header_is_in_the_journal_and_older_sales_still_verify(register, stocked_db):
    cart = Cart()
    cart.add(catalog.lookup(PRODUCTS[1][0]))
    cart.pay(PaymentMethod.CASH, cart.total)
    old = sales.record_sale(cart, till_no=1, seller="x", currency="EUR")  # as before: no header
    assert old.header is None
    assert "receipt_header" not in sales.sale_payload(old, ["p"])
    new = register.record(_paid_cart(register))
    assert sales.sale_payload(new, ["p"])["receipt_header"]["store_name"] == "Test Shop"
    assert sales.verify_journal(1) == []
    database.execute_sql("DROP TRIGGER sale_no_update")
    database.execute_sql(
        "UPDATE sale SET receipt_header = replace(receipt_header, 'Test Shop', 'Forged')"
        " WHERE id = ?",
        (new.id,),
    )
    assert sales.verify_journal(1) == [new.receipt_code]


def test_a_business_goes_by_one_name_on_screen_and_on_paper(register):
    dupont = _business(register)
    assert dupont.display_name == "Dupont SARL (DUPONT Jean)"
    attached = register.customers.for_sale(dupont)
    assert attached.name == "Dupont SARL (DUPONT Jean)"
    sale = register.record(_paid_cart(register, attached))
    receipt = register.printer.preview(sales.get_sale(sale.receipt_code))
    assert f"Customer {dupont.code}\nDupont SARL (DUPONT Jean)\n" in receipt

    register.customers.update(dupont.id, {"company": "Dupont & Fils"})  # renamed since
    copy = register.printer.preview(sales.get_sale(sale.receipt_code))
    assert "Dupont SARL (DUPONT Jean)" in copy and "Fils" not in copy


def test_an_older_sale_names_a_business_as_the_screen_does(register):
    dupont = _business(register)
    cart = _paid_cart(register, register.customers.for_sale(dupont))
    old = sales.record_sale(cart, till_no=1, seller="x", currency="EUR")  # no header kept
    assert sales.get_sale(old.receipt_code).customer.name == "Dupont SARL (DUPONT Jean)"
    assert customers.get_customer(dupont.id).display_name == "Dupont SARL (DUPONT Jean)"
