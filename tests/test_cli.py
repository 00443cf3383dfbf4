"""The technician's commands, run in-process with click's runner on real database files."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from storage import catalog, migrations, sales
from storage.db import close_database, open_database
from till.cli import cli
from till.core.sale import Cart, PaymentMethod

from .conftest import ean13

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def runner():
    yield CliRunner()
    close_database()


def test_init_creates_a_database(runner, tmp_path):
    db = tmp_path / "new.db"
    result = runner.invoke(cli, ["--db", str(db), "init"])
    assert result.exit_code == 0, result.output
    newest = migrations.available()[-1][0]
    assert f"schema version {newest}" in result.output
    assert db.exists()


def test_run_refuses_a_missing_database(runner, tmp_path):
    result = runner.invoke(cli, ["--db", str(tmp_path / "absent.db")])
    assert result.exit_code == 2
    assert "no database here" in result.output and "till init" in result.output


def test_import_products_reports_bad_rows_by_line(runner, tmp_path):
    db = tmp_path / "shop.db"
    runner.invoke(cli, ["--db", str(db), "init"])
    csv = tmp_path / "products.csv"
    csv.write_text(
        "barcode,name,price,vat,category\n"
        f"{ean13(1)},Pain,1.20,5.5,Boulangerie\n"
        f"{ean13(2)[:-1]}9,Broken,1.00,20,\n"
        f"{ean13(3)},Vin,abc,20,\n"
        f"{ean13(4)},Savon,2.50,20\n",
        encoding="utf-8",
    )
    result = runner.invoke(cli, ["--db", str(db), "import", "products", str(csv)])
    assert result.exit_code == 1
    assert f"{csv}:3: " in result.output and "check digit" in result.output
    assert f"{csv}:4: " in result.output and "not an amount" in result.output
    assert "2 added, 0 updated, 2 refused." in result.output
    open_database(db)
    assert catalog.lookup(ean13(4)).name == "Savon"


def test_receipt_show_prints_the_text_receipt(runner, tmp_path):
    db = tmp_path / "shop.db"
    open_database(db)
    rows, _ = catalog.parse_product_csv(f"barcode,name,price,vat\n{ean13(7)},Thé,4.10,5.5\n", [550])
    catalog.import_products(rows)
    cart = Cart()
    cart.add(catalog.lookup(ean13(7)), 2)
    cart.pay(PaymentMethod.CARD, 820)
    sales.record_sale(cart, till_no=1, seller="Léa", currency="EUR")
    for number in ("1", "01-000001"):
        result = runner.invoke(cli, ["--db", str(db), "receipt", "show", number])
        assert result.exit_code == 0, result.output
        assert "Receipt 01-000001" in result.output
        assert "Thé" in result.output and "8,20 €" in result.output
    missing = runner.invoke(cli, ["--db", str(db), "receipt", "show", "99"])
    assert missing.exit_code == 2
    assert "No sale has the receipt number 01-000099" in missing.output
    journal = runner.invoke(cli, ["--db", str(db), "journal"])
    assert journal.exit_code == 0 and "1 sale, integrity ok, chain intact" in journal.output


def test_a_broken_config_is_one_clear_line(tmp_path):
    config = tmp_path / "till.toml"
    config.write_text("[printer]\nwidth = 'wide'\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "till", "--config", str(config), "init"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        f"till: {config}: [printer] width: must be a whole number, got 'wide'."
    ]


def test_demo_seeds_a_catalog(runner, tmp_path):
    db = tmp_path / "demo.db"
    result = runner.invoke(cli, ["--db", str(db), "demo", "--seed-only"])
    assert result.exit_code == 0, result.output
    assert catalog.product_count() >= 300
    assert len(catalog.sample_codes(500)) >= 300
    grocery = catalog.sample_codes(1)[0]  # the first products are grocery, on the PRO list
    item = catalog.lookup(grocery, "PRO")
    assert item.code_price == item.unit_price * 85 // 100
    assert 0 < item.cost < item.unit_price


def test_the_demo_people_log_in_with_the_pins_the_readme_gives(runner, tmp_path):
    from till.core.people import Permission, Role
    from till.demo import DEMO_USERS, demo_settings
    from till.people_service import PeopleService

    db = tmp_path / "demo.db"
    assert runner.invoke(cli, ["--db", str(db), "demo", "--seed-only"]).exit_code == 0
    settings = demo_settings(tmp_path).with_database(db)
    service = PeopleService(settings)
    readme = (Path(__file__).parents[1] / "README.md").read_text()
    for name, role, pin in DEMO_USERS:
        assert (service.identify(pin).name, service.identify(pin).role) == (name, Role(role))
        assert f"{name} ({role}, PIN {pin})" in readme
    assert service.approve(DEMO_USERS[1][2], Permission.REFUND).name == "Manon"


def test_import_prices_reports_bad_rows_by_line(runner, tmp_path):
    db = tmp_path / "shop.db"
    products = tmp_path / "products.csv"
    products.write_text("barcode,name,price,vat\n4006381333931,Stylo,2.00,20\n")
    runner.invoke(cli, ["--db", str(db), "init"])
    runner.invoke(cli, ["--db", str(db), "import", "products", str(products)])
    prices = tmp_path / "prices.csv"
    prices.write_text("price_code,barcode,price\nPRO,4006381333931,1.50\nPRO,4006381333932,1\n")
    result = runner.invoke(cli, ["--db", str(db), "import", "prices", str(prices)])
    assert result.exit_code == 1
    assert "1 added, 0 updated, 1 refused." in result.stdout
    assert f"{prices}:3: " in result.stderr
    assert catalog.lookup("4006381333931", "PRO").code_price == 150


def test_customers_add_search_show(runner, tmp_path):
    db = tmp_path / "shop.db"
    runner.invoke(cli, ["--db", str(db), "init"])
    added = runner.invoke(
        cli,
        [
            "--db",
            str(db),
            "customers",
            "add",
            "--last-name",
            "Dupont",
            "--first-name",
            "Jean",
            "--phone",
            "06 12 34 56 78",
            "--json",
        ],
    )
    assert added.exit_code == 0, added.output
    created = json.loads(added.output)
    assert created["code"] == "C01-000001" and created["mobile"] == "+33612345678"
    refused = runner.invoke(
        cli,
        [
            "--db",
            str(db),
            "customers",
            "add",
            "--last-name",
            "X",
            "--email",
            "x@",
            "--vat-number",
            "FR40303265046",
        ],
    )
    assert refused.exit_code == 2
    assert "E-mail:" in refused.output and "VAT number:" in refused.output
    found = runner.invoke(cli, ["--db", str(db), "customers", "search", "dupont je", "--json"])
    assert [c["code"] for c in json.loads(found.output)] == ["C01-000001"]
    by_phone = runner.invoke(cli, ["--db", str(db), "customers", "search", "06 12 34"])
    assert "C01-000001" in by_phone.output and "DUPONT Jean" in by_phone.output
    shown = runner.invoke(cli, ["--db", str(db), "customers", "show", "C01-000001", "--json"])
    document = json.loads(shown.output)
    assert document["customer"]["last_name"] == "Dupont"
    assert document["stats"]["sale_count"] == 0
    text = runner.invoke(cli, ["--db", str(db), "customers", "show", "c01-000001"])
    assert "Mobile" in text.output and "+33612345678" in text.output
    missing = runner.invoke(cli, ["--db", str(db), "customers", "show", "C09-000009"])
    assert missing.exit_code == 2 and "till: No customer" in missing.output


def test_manager_pin_and_loyalty_commands(runner, tmp_path):
    made = runner.invoke(cli, ["manager-pin"], input="4821\n4821\n")
    assert made.exit_code == 0, made.output
    line = next(li for li in made.output.splitlines() if li.startswith("manager_pin = "))
    assert "4821" not in line
    config = tmp_path / "till.toml"
    config.write_text(f'[security]\n{line}\n[database]\npath = "shop.db"\n', encoding="utf-8")
    base = ["--config", str(config)]
    runner.invoke(cli, [*base, "init"])
    runner.invoke(cli, [*base, "customers", "add", "--last-name", "Dupont", "--email", "d@x.fr"])
    card = runner.invoke(cli, [*base, "loyalty", "issue-card", "C01-000001"])
    assert card.exit_code == 0 and card.output.strip().startswith("2901")
    refused = runner.invoke(
        cli, [*base, "loyalty", "adjust", "C01-000001", "50", "--reason", "gift"], input="0000\n"
    )
    assert refused.exit_code == 2 and "till: Wrong PIN" in refused.output
    done = runner.invoke(
        cli,
        [*base, "loyalty", "adjust", card.output.strip(), "50", "--reason", "gift"],
        input="4821\n",
    )
    assert done.exit_code == 0 and "Balance: 50 points" in done.output
    shown = runner.invoke(cli, [*base, "loyalty", "balance", "C01-000001"])
    assert "Balance: 50 points" in shown.output and "gift" in shown.output


def test_wrong_manager_pins_lock_out_across_separate_runs(runner, tmp_path):
    from till.core.pin import hash_pin

    config = tmp_path / "till.toml"
    config.write_text(
        f'[security]\nmanager_pin = "{hash_pin("4821")}"\n[database]\npath = "shop.db"\n',
        encoding="utf-8",
    )
    base = ["--config", str(config)]
    runner.invoke(cli, [*base, "init"])
    runner.invoke(cli, [*base, "customers", "add", "--last-name", "Dupont", "--email", "d@x.fr"])
    adjust = [*base, "loyalty", "adjust", "C01-000001", "50", "--reason", "gift"]
    for _ in range(5):  # each a new process in real life: the count must survive
        assert "Wrong PIN" in runner.invoke(cli, adjust, input="0000\n").output
    locked = runner.invoke(cli, adjust, input="4821\n")
    assert locked.exit_code == 2 and "try again in" in locked.output
