"""Dates, rates, amounts and counts follow the configured locale on screen, on the CLI and in
the PIN prompt: one formatter for each kind of value."""

from datetime import datetime

import pytest
from click.testing import CliRunner
from textual.widgets import Input

from storage import customers, loyalty
from storage.db import close_database
from till.app import make_app
from till.cli import cli
from till.core.pin import wrong_pin
from till.errors import worded
from till.screens.payment import PaymentScreen

from ..conftest import PRODUCTS
from .conftest import scan

BAGUETTE = PRODUCTS[0][0]  # 1.20 at 5.5 %


async def test_the_sale_and_payment_screens_write_as_the_locale_does(settings):
    app = make_app(settings)  # fr_FR, EUR
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, BAGUETTE)
        vat = str(app.screen.query_one("#vat").render())
        assert vat.startswith("1 item ") and "VAT 5,5\xa0% 0,06\xa0€" in vat
        await scan(pilot, BAGUETTE)
        assert str(app.screen.query_one("#vat").render()).startswith("2 items ")
        await pilot.press("f10")
        assert isinstance(app.screen, PaymentScreen)
        assert app.screen.query_one("#amount", Input).value == "2,40"


def test_the_pin_prompt_counts_its_tries():
    assert worded(*wrong_pin(2, 0)) == "Wrong PIN (2 tries left)."
    assert worded(*wrong_pin(1, 0)) == "Wrong PIN (1 try left)."


@pytest.fixture
def runner():
    yield CliRunner()
    close_database()


def test_the_cli_writes_dates_as_the_locale_does(runner, settings, stocked_db, monkeypatch):
    monkeypatch.delenv("TILL_CONFIG", raising=False)
    zoe = customers.create_customer({"last_name": "Martin"}, actor="t", till_no=1, region="FR")
    loyalty.adjust_points(zoe.id, 1, "gift", actor="manager")
    at = loyalty.history(zoe.id)[0].at
    result = runner.invoke(cli, ["--db", str(stocked_db), "loyalty", "balance", zoe.code])
    assert result.exit_code == 0, result.output
    local = datetime.fromisoformat(at).astimezone()
    assert f"{local:%d/%m/%Y %H:%M}" in result.output and at[:10] not in result.output
    assert "Balance: 1 point\n" in result.output


def test_a_customer_s_days_are_written_as_the_locale_does(runner, settings, stocked_db):
    customers.create_customer(
        {"last_name": "Martin", "birth_date": "1980-12-31", "discount_until": "2027-01-05"},
        actor="t",
        till_no=1,
        region="FR",
    )
    result = runner.invoke(cli, ["--db", str(stocked_db), "customers", "show", "C01-000001"])
    assert result.exit_code == 0, result.output
    assert "31/12/1980" in result.output and "05/01/2027" in result.output
    assert "1980-12-31" not in result.output


async def test_the_customer_file_writes_its_days_as_the_locale_does(settings):
    from till.screens.customer_view import CustomerViewScreen

    customers.create_customer(
        {"last_name": "Martin", "discount_percent": "5", "discount_until": "2027-01-05"},
        actor="t",
        till_no=1,
        region="FR",
    )
    app = make_app(settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f2", *"martin", "f4")
        assert isinstance(app.screen, CustomerViewScreen)
        details = str(app.screen.query_one("#customer-details").render())
        assert "05/01/2027" in details and "2027-01-05" not in details
