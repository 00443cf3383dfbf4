"""``till close day``, ``till report x`` and ``till closures`` on a real shop, behind the
manager PIN."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from storage import catalog, sales
from till.cli import cli
from till.core.pin import hash_pin
from till.core.sale import Cart, PaymentMethod

from .cli_shop import MANAGER_PIN
from .conftest import PRODUCTS
from .escpos_decoder import decode


@pytest.fixture
def shop(stocked_db: Path, tmp_path: Path) -> list[str]:
    """The stocked database behind a config with a manager PIN and a file printer."""
    config = tmp_path / "till.toml"
    config.write_text(
        f'[security]\nmanager_pin = "{hash_pin(MANAGER_PIN)}"\n'
        f'[database]\npath = "{stocked_db.name}"\n'
        f'[printer]\nurl = "file://{tmp_path / "printer.bin"}"\n',
        encoding="utf-8",
    )
    return ["--config", str(config)]


def _sell(code: str, extra: int = 0) -> None:
    cart = Cart()
    cart.add(catalog.lookup(code))
    cart.pay(PaymentMethod.CASH, cart.total + extra)
    sales.record_sale(cart, till_no=1, seller="Ann", currency="EUR", print_receipt=False)


def run(shop: list[str], *args: str, pin: str | None = None):
    given = f"{pin}\n" if pin is not None else None
    return CliRunner().invoke(cli, [*shop, *args], input=given)


def test_close_day_shows_prints_and_keeps_the_z(shop, tmp_path):
    _sell(PRODUCTS[3][0], extra=210)  # 7.90 in cash
    _sell(PRODUCTS[0][0])  # 1.20

    result = run(shop, "close", "day", "--counted", "19,10", "--float", "10", pin=MANAGER_PIN)

    assert result.exit_code == 0, result.output
    assert "Z REPORT No 1" in result.output
    assert "Z 1 taken" in result.output and "net total 9,10" in result.output
    printed = decode((tmp_path / "printer.bin").read_bytes()).text
    assert "Z REPORT No 1" in printed and "19,10 €" in printed  # expected 10 + 9.10
    listed = json.loads(run(shop, "closures", "--json").output)
    assert [(c["kind"], c["number"], c["cash_difference"]) for c in listed] == [("day", 1, 0)]
    assert "Z REPORT No 1" in run(shop, "closures", "show", "1").output

    again = run(shop, "close", "day", pin=MANAGER_PIN)
    assert again.exit_code == 2
    assert "already closed (Z 1" in again.output and "Traceback" not in again.output


def test_a_wrong_pin_closes_nothing(shop):
    _sell(PRODUCTS[0][0])
    result = run(shop, "close", "day", pin="0000")
    assert result.exit_code != 0
    assert json.loads(run(shop, "closures", "--json").output) == []


def test_report_x_closes_nothing(shop):
    _sell(PRODUCTS[0][0])
    result = run(shop, "report", "x", pin=MANAGER_PIN)
    assert result.exit_code == 0, result.output
    assert "X REPORT" in result.output and "Sales (1)" in result.output
    assert "No closure yet" in run(shop, "closures").output


def test_bad_periods_are_one_line(shop):
    for args in (("close", "month", "2026-13"), ("close", "year", "26")):
        result = run(shop, *args, pin=MANAGER_PIN)
        assert result.exit_code == 2 and "not a" in result.output
    future = run(shop, "close", "month", "2999-01", pin=MANAGER_PIN)
    assert future.exit_code == 2 and "is not over" in future.output
