"""Amounts follow the currency's own exponent, never an assumed 100 minor units per unit: a
0-decimal currency (JPY) and a 3-decimal one (KWD) for account credit, points and imports."""

from dataclasses import replace

import pytest
from click.testing import CliRunner

from storage import catalog, customers, loyalty
from storage.db import close_database
from till.account_service import AccountService
from till.cli import cli
from till.config import AccountSettings, LocaleSettings
from till.core.money import MoneyFormat
from till.core.sale import Cart, PaymentMethod
from till.register import Register

from .conftest import PRODUCTS, ean13

YEN = LocaleSettings(currency="JPY", locale="ja_JP")
DINAR = LocaleSettings(currency="KWD", locale="ar_KW")


@pytest.mark.parametrize(("locale", "minor"), [(YEN, 1), (DINAR, 1000)])
def test_minor_units_per_unit_come_from_the_currency(locale, minor):
    assert MoneyFormat(locale.currency, locale.locale).minor_per_unit == minor


@pytest.mark.parametrize(("locale", "owed"), [(YEN, 200), (DINAR, 200_000)])
def test_account_credit_is_in_whole_units_of_the_currency(settings, locale, owed):
    local = replace(settings, locale=locale, accounts=AccountSettings(credit_limit=200))
    assert AccountService(local, "t").credit_limit(business=True) == owed
    register = Register(local)
    try:
        assert register.account_credit(_business_customer(register)) == owed
    finally:
        register.close()


def _business_customer(register: Register):
    dupont = register.customers.create(
        {"last_name": "Dupont", "company": "Dupont SARL", "kind": "business"}
    )
    return register.customers.for_sale(dupont)


@pytest.mark.parametrize(("locale", "earned"), [(YEN, 1200), (DINAR, 1)])
def test_points_are_earned_per_whole_unit_of_the_currency(settings, locale, earned):
    """Ten baguettes are 1200 minor units: ¥1200 earns 1200 points, 1.200 KWD one point."""
    register = Register(replace(settings, locale=locale))
    try:
        zoe = customers.create_customer({"last_name": "Martin"}, actor="t", till_no=1, region="FR")
        loyalty.issue_card(zoe.id, actor="t", till_no=1)
        cart = Cart()
        register.attach(cart, register.customers.for_sale(customers.get_customer(zoe.id)))
        for _ in range(10):
            cart.add(catalog.lookup(PRODUCTS[0][0]))
        cart.pay(PaymentMethod.CARD, cart.total)
        sale = register.record(cart)
    finally:
        register.close()
    assert cart.total == 1200  # ¥1200, or 1.200 KWD
    assert sale.points_earned == earned
    assert loyalty.balance(zoe.id) == sale.points_earned


@pytest.fixture
def runner():
    yield CliRunner()
    close_database()


@pytest.mark.parametrize(
    ("currency", "locale", "typed", "minor"),
    [("JPY", "ja_JP", "120", 120), ("KWD", "ar_KW", "1.250", 1250), ("EUR", "fr_FR", "1.25", 125)],
)
def test_imported_prices_are_read_in_the_currency_s_minor_units(
    runner, tmp_path, currency, locale, typed, minor
):
    config = tmp_path / "till.toml"
    config.write_text(
        f'[database]\npath = "{tmp_path / "shop.db"}"\n'
        f'[locale]\ncurrency = "{currency}"\nlocale = "{locale}"\n',
        encoding="utf-8",
    )
    csv = tmp_path / "products.csv"
    csv.write_text(f"barcode,name,price,vat\n{ean13(9)},Tea,{typed},20\n", encoding="utf-8")
    prices = tmp_path / "prices.csv"
    prices.write_text(f"price_code,barcode,price\nPRO,{ean13(9)},{typed}\n", encoding="utf-8")
    assert runner.invoke(cli, ["--config", str(config), "init"]).exit_code == 0
    result = runner.invoke(cli, ["--config", str(config), "import", "products", str(csv)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["--config", str(config), "import", "prices", str(prices)])
    assert result.exit_code == 0, result.output
    assert catalog.lookup(ean13(9)).unit_price == minor
    assert catalog.lookup(ean13(9), "PRO").unit_price == minor
