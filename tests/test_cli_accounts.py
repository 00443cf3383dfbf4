"""``till customers account`` and ``till customers deposit`` on a real database file."""

import json

import pytest
from click.testing import CliRunner

from storage import accounts, catalog, customers, sales
from storage.db import close_database, open_database
from till.cli import cli
from till.core.sale import Cart, PaymentMethod, SaleCustomer

from .conftest import ean13


@pytest.fixture
def runner():
    yield CliRunner()
    close_database()


@pytest.fixture
def base(runner, tmp_path):
    db = tmp_path / "shop.db"
    config = tmp_path / "till.toml"
    config.write_text("[accounts]\ncredit_limit = 50\n", encoding="utf-8")
    base = ["--config", str(config), "--db", str(db)]
    runner.invoke(cli, [*base, "init"])
    for name, kind in (("Dupont", "individual"), ("Durand", "business")):
        added = runner.invoke(
            cli,
            [*base, "customers", "add", "--last-name", name, "--email", f"{name}@x.fr"]
            + (["--type", kind] if kind == "business" else []),
        )
        assert added.exit_code == 0, added.output
    return base


def plain(text: str) -> str:
    return text.replace("\xa0", " ").replace("\u202f", " ")


def test_deposit_then_the_account(runner, base):
    done = runner.invoke(
        cli, [*base, "customers", "deposit", "C01-000001", "20", "--method", "cash"]
    )
    assert done.exit_code == 0, done.output
    assert "Deposit of 20,00 € by cash for C01-000001. Credit 20,00 €." in plain(done.output)
    runner.invoke(cli, [*base, "customers", "deposit", "C01-000001", "2.5", "--method", "card"])

    shown = runner.invoke(cli, [*base, "customers", "account", "C01-000001"])
    assert shown.exit_code == 0, shown.output
    lines = plain(shown.output).splitlines()
    assert lines[1] == "Credit 22,50 €"
    assert "Credit limit" not in shown.output  # an individual gets no credit
    assert "Deposit" in lines[2] and "+2,50 €" in lines[2] and "paid by card" in lines[2]
    assert "+20,00 €" in lines[3] and "paid by cash" in lines[3] and "cli (" in lines[3]

    document = json.loads(
        runner.invoke(cli, [*base, "customers", "account", "C01-000001", "--json"]).output
    )
    assert (document["balance"], document["credit_limit"], document["available"]) == (2250, 0, 2250)
    assert [(m["kind"], m["amount"]) for m in document["movements"]] == [
        ("deposit", 250),
        ("deposit", 2000),
    ]


def test_a_business_account_shows_its_credit_and_its_sales(runner, base, tmp_path):
    open_database(tmp_path / "shop.db")
    rows, _ = catalog.parse_product_csv(f"barcode,name,price,vat\n{ean13(7)},Thé,4.10,5.5\n", [550])
    catalog.import_products(rows)
    firm = customers.find_by_code("C01-000002")
    cart = Cart()
    cart.customer = SaleCustomer(firm.id, firm.code, firm.display_name, business=True)
    cart.add(catalog.lookup(ean13(7)), 3)
    cart.pay(PaymentMethod.ACCOUNT, 1230)
    sales.record_sale(cart, till_no=1, seller="Léa", currency="EUR", account_credit=5000)
    close_database()

    shown = runner.invoke(cli, [*base, "customers", "account", "C01-000002"])
    assert shown.exit_code == 0, shown.output
    text = plain(shown.output)
    assert "Owes 12,30 €" in text
    assert "Credit limit 50,00 €: can pay 37,70 €" in text
    assert "Sale on account" in text and "-12,30 €" in text and "01-000001" in text
    document = json.loads(
        runner.invoke(cli, [*base, "customers", "account", "C01-000002", "--json"]).output
    )
    assert (document["balance"], document["credit_limit"], document["available"]) == (
        -1230,
        5000,
        3770,
    )
    assert document["movements"][0]["receipt_code"] == "01-000001"


def test_bad_deposits_are_refused(runner, base, tmp_path):
    deposit = [*base, "customers", "deposit"]
    for amount, reason in (
        ("0", "more than zero"),
        ("1,234", "more than 2 decimals"),
        ("abc", "not an amount"),
    ):
        refused = runner.invoke(cli, [*deposit, "C01-000001", amount, "--method", "cash"])
        assert refused.exit_code == 2 and reason in refused.output, refused.output
    no_method = runner.invoke(cli, [*deposit, "C01-000001", "10"])
    assert no_method.exit_code == 2 and "--method" in no_method.output
    cheque = runner.invoke(cli, [*deposit, "C01-000001", "10", "--method", "cheque"])
    assert cheque.exit_code == 2
    missing = runner.invoke(cli, [*deposit, "C09-000009", "10", "--method", "cash"])
    assert missing.exit_code == 2 and "till: No customer has the code" in missing.output
    assert (
        "No account movements"
        in runner.invoke(cli, [*base, "customers", "account", "C01-000001"]).output
    )
    open_database(tmp_path / "shop.db")
    assert accounts.balance(customers.find_by_code("C01-000001").id) == 0


def test_loyalty_overdrafts_lists_customers_below_zero(tmp_path):
    from click.testing import CliRunner

    from storage import customers, loyalty
    from till.cli import cli

    db = tmp_path / "shop.db"
    runner = CliRunner()
    runner.invoke(cli, ["--db", str(db), "init"])
    assert (
        "No customer is overdrawn."
        in runner.invoke(cli, ["--db", str(db), "loyalty", "overdrafts"]).output
    )
    lee = customers.create_customer({"last_name": "Lee"}, actor="t", till_no=1, region="FR")
    loyalty.add_movement(lee.id, "spend", -12, actor="t", at="2026-01-01T00:00:00+00:00")
    result = runner.invoke(cli, ["--db", str(db), "loyalty", "overdrafts", "--json"])
    assert result.exit_code == 0, result.output
    assert '"balance": -12' in result.output and lee.code in result.output
