"""Printer commands and ``till doctor`` from a shell, against a TCP printer on 127.0.0.1."""

import pytest
from click.testing import CliRunner

from storage import catalog, sales
from storage.db import close_database, open_database
from till.cli import cli
from till.core.sale import Cart, PaymentMethod

from .conftest import ean13
from .devices.printer_server import PrinterServer, free_port
from .escpos_decoder import decode


@pytest.fixture
def runner():
    yield CliRunner()
    close_database()


@pytest.fixture
def printer():
    server = PrinterServer().start()
    yield server
    server.stop()


@pytest.fixture
def shop(tmp_path):
    db = tmp_path / "shop.db"
    open_database(db)
    rows, _ = catalog.parse_product_csv(
        f"barcode,name,price,vat\n{ean13(3)},Crème,2.50,5.5\n", [550]
    )
    catalog.import_products(rows)
    cart = Cart()
    cart.add(catalog.lookup(ean13(3)))
    cart.pay(PaymentMethod.CASH, 500)
    sales.record_sale(cart, till_no=1, seller="Zoé", currency="EUR")
    close_database()
    return db


def test_print_test_page(runner, printer):
    result = runner.invoke(cli, ["print-test", "--printer", printer.url])
    assert result.exit_code == 0, result.output
    [job] = printer.wait_for(1)
    page = decode(job)
    assert "French:\n  à â ç é è ê ë î ï ô ù û ü ÿ œ æ « »" in page.text  # whole, under its label
    assert "Money: 1 234,56 €  £12.50  $9.99" in page.text
    assert page.barcodes == [("CODE128", "TILL-TEST-01")]
    assert page.qr_codes == ["till printer test"]
    assert page.cuts == 1


def test_receipt_print_and_drawer(runner, printer, shop):
    result = runner.invoke(
        cli, ["--db", str(shop), "receipt", "print", "1", "--printer", printer.url]
    )
    assert result.exit_code == 0, result.output
    drawer = ["--db", str(shop), "drawer", "--printer", printer.url]
    refused = runner.invoke(cli, drawer)  # no manager: no PIN can open it
    assert refused.exit_code != 0 and "No manager PIN is set" in refused.output
    add = ["--db", str(shop), "user", "add", "Max", "--role", "manager"]
    assert runner.invoke(cli, add, input="2222\n").exit_code == 0
    assert runner.invoke(cli, drawer, input="1111\n").output.startswith("till: Wrong PIN")
    opened = runner.invoke(cli, drawer, input="2222\n")
    assert opened.exit_code == 0, opened.output
    receipt, kick = printer.wait_for(2)
    assert "Crème" in decode(receipt).text and decode(receipt).drawer_kicks == []
    assert decode(kick).drawer_kicks == [0]


def test_printing_to_a_printer_that_is_off(runner):
    result = runner.invoke(cli, ["print-test", "--printer", f"tcp://127.0.0.1:{free_port()}"])
    assert result.exit_code == 2
    assert "connection refused" in result.output


def test_doctor(runner, printer, shop, tmp_path):
    healthy = runner.invoke(cli, ["--db", str(shop), "doctor", "--printer", printer.url])
    assert healthy.exit_code == 0, healthy.output
    lines = healthy.output.splitlines()
    assert any(line.startswith("ok") and "database" in line for line in lines)
    assert any(line.startswith("ok") and "printer" in line for line in lines)
    assert any("1 sale, hash chain intact" in line for line in lines)
    assert any("scanners" in line for line in lines)
    assert any("1 receipt waiting" in line for line in lines)  # the shop's queued receipt
    off = runner.invoke(
        cli, ["--db", str(shop), "doctor", "--printer", f"tcp://127.0.0.1:{free_port()}"]
    )
    assert off.exit_code == 1
    assert any(line.startswith("fail") and "refused" in line for line in off.output.splitlines())
    missing = runner.invoke(cli, ["--db", str(tmp_path / "none.db"), "doctor"])
    assert missing.exit_code == 1
    assert "fail  database" in missing.output
