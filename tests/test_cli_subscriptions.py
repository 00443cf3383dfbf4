"""``till subscriptions``: a manager adds, lists and withdraws plans; a customer's cards."""

from datetime import date

import pytest
from click.testing import CliRunner

from storage import catalog, customers, subscriptions
from storage.db import close_database, open_database
from storage.models import database
from till.cli import cli
from till.config import Settings
from till.core.subscriptions import DurationUnit, Plan

from .cli_shop import MANAGER_PIN, shop_with_manager_pin
from .conftest import ean13

GOLD = ean13(900)


@pytest.fixture
def shop(tmp_path):
    base = shop_with_manager_pin(tmp_path)
    open_database(tmp_path / "shop.db")
    rows, _ = catalog.parse_product_csv(
        f"barcode,name,price,vat\n{GOLD},Carte Gold,30.00,20\n", Settings().vat.rates
    )
    catalog.import_products(rows)
    close_database()
    yield base, tmp_path / "shop.db"
    close_database()


def test_a_manager_adds_lists_and_withdraws_a_plan(shop):
    base, _ = shop
    runner = CliRunner()
    add = [*base, "subscriptions", "plan", "add", GOLD, "Gold", "--duration", "12m"]
    added = runner.invoke(cli, [*add, "--discount", "10", "--category", "Cave"], input="0000\n")
    assert added.exit_code != 0 and "Wrong PIN" in added.output
    added = runner.invoke(
        cli, [*add, "--discount", "10", "--category", "Cave"], input=f"{MANAGER_PIN}\n"
    )
    assert added.exit_code == 0, added.output
    listed = runner.invoke(cli, [*base, "subscriptions", "plan", "list"])
    assert "Gold  12 months  10" in listed.output and "Cave" in listed.output
    for bad, said in (
        (["--duration", "12y", "--discount", "10"], "12m, 30d"),
        (["--duration", "121m", "--discount", "10"], "1 to 120 months"),
        (["--duration", "1m", "--discount", "100"], "percentage"),
    ):
        refused = runner.invoke(
            cli,
            [*base, "subscriptions", "plan", "add", GOLD, "Gold", *bad],
            input=f"{MANAGER_PIN}\n",
        )
        assert refused.exit_code != 0 and said in refused.output, refused.output
    gone = runner.invoke(
        cli, [*base, "subscriptions", "plan", "withdraw", GOLD], input=f"{MANAGER_PIN}\n"
    )
    assert gone.exit_code == 0, gone.output
    listed = runner.invoke(cli, [*base, "subscriptions", "plan", "list"])
    assert "No subscription plan is on sale." in listed.output


def test_show_lists_a_customers_cards(shop):
    base, path = shop
    open_database(path)
    zoe = customers.create_customer({"last_name": "Martin"}, actor="t", till_no=1, region="FR")
    plan = subscriptions.save_plan(
        Plan(catalog.lookup(GOLD).product_id, "Gold", 12, DurationUnit.MONTHS, 1000)
    )
    with database.atomic():
        subscriptions.activate(
            [subscriptions.Purchase(plan, 1)],
            customer_id=zoe.id,
            sale_id=None,
            today=date(2026, 12, 2),
            till_no=1,
            actor="t",
        )
    close_database()
    shown = CliRunner().invoke(cli, [*base, "subscriptions", "show", zoe.code])
    assert shown.exit_code == 0, shown.output
    assert "Gold 10" in shown.output and "on everything" in shown.output
    assert "12/2/26 to 12/1/27" in shown.output or "02/12/2026 to 01/12/2027" in shown.output
