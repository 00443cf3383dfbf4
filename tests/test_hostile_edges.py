"""Edges a hostile tester found after the input rules went in: digits that are not ASCII (``²``
on a French keyboard, Arabic-Indic ``٣``) where only ASCII digits can work, a full disk seen
through Peewee's failed rollback, and a points ledger already past SQLite's 64-bit integers."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from peewee import SqliteDatabase

from storage import catalog, loyalty, sales
from storage.db import close_database
from storage.errors import DiskFull, storage_errors
from storage.models import database
from till.cli import cli
from till.config import load_settings
from till.core.returns import parse_receipt_number
from till.core.sale import Cart, PaymentMethod
from till.errors import ConfigError, InvalidSale
from till.register import Register

from .conftest import PRODUCTS

HASH_TAIL = "$8$1$" + "ab" * 16 + "$" + "cd" * 32


@pytest.mark.parametrize("typed", ["1-²", "²-1", "01-00004²", "٠١-٠٠٠٠٤٢", "１-４２"])
def test_a_receipt_number_is_ascii_digits(typed):
    """``1-²`` typed on the return screen stopped the register (ValueError from int())."""
    with pytest.raises(InvalidSale, match="is not a receipt number"):
        parse_receipt_number(typed)


@pytest.mark.parametrize(
    ("toml", "key"),
    [
        ('[loyalty]\ncard_prefix = "²³"\n', "[loyalty] card_prefix: two digits"),
        ('[loyalty]\ncard_prefix = "٢٩"\n', "[loyalty] card_prefix: two digits"),
        (f'[security]\nmanager_pin = "scrypt$¹⁶³⁸⁴{HASH_TAIL}"\n', "[security] manager_pin: N"),
        ('[loyalty]\nexpiry_date = "¹²-³¹"\n', "[loyalty] expiry_date: write a day"),
    ],
)
def test_config_digits_are_ascii(tmp_path, toml, key):
    """``²³`` passed as a card prefix (issuing a card then crashed), ``٢٩`` issued unscannable
    card numbers, and a superscript N in the PIN hash crashed the config check itself."""
    path = tmp_path / "till.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError) as refused:
        load_settings(path)
    assert key in str(refused.value)
    assert "invalid literal" not in str(refused.value)


def test_receipt_show_with_a_superscript_is_one_line(stocked_db, monkeypatch):
    monkeypatch.delenv("TILL_CONFIG", raising=False)
    result = CliRunner().invoke(cli, ["--db", str(stocked_db), "receipt", "show", "²"])
    close_database()
    assert result.exit_code == 2, result.output
    assert result.stderr == "till: No sale has the receipt number ².\n"


def test_a_full_disk_behind_a_failed_rollback_says_the_disk_is_full(tmp_path: Path):
    """SQLite rolls back by itself when the disk fills; Peewee's rollback then fails with
    "cannot rollback - no transaction is active", which the cashier used to read."""
    path = tmp_path / "t.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE t (x)")
    full = SqliteDatabase(str(path), pragmas={"max_page_count": 3, "journal_mode": "wal"})
    full.connect()
    with (
        pytest.raises(DiskFull, match="The disk is full"),
        storage_errors(),
        full.atomic("IMMEDIATE"),
    ):
        full.execute_sql("INSERT INTO t VALUES (?)", ("x" * 100_000,))
    full.close()


@pytest.fixture
def register(settings):
    register = Register(settings)
    yield register
    register.close()


def test_a_ledger_past_64_bits_still_reads(register):
    """A balance stored before points were bounded (or synced from elsewhere) made every
    receipt of the customer, ``till journal``, ``till doctor`` and the overdraft list fail with
    "integer overflow", for ever: the ledger is append-only."""
    rich = register.customers.create({"last_name": "Rich"})
    poor = register.customers.create({"last_name": "Poor"})
    loyalty.issue_card(rich.id, actor="t", till_no=1)
    at = "2020-01-01T00:00:00+00:00"
    with database.atomic():
        loyalty.add_movement(rich.id, "adjust", 2**63 - 1, actor="old", at=at)
        loyalty.add_movement(poor.id, "adjust", -(2**63), actor="old", at=at)
        loyalty.add_movement(poor.id, "adjust", -1, actor="old", at=at)
    cart = Cart()
    register.attach(cart, register.customers.for_sale(register.customers.get(rich.id)))
    cart.add(catalog.lookup(PRODUCTS[0][0]))
    cart.pay(PaymentMethod.CARD, cart.total)
    sale = register.record(cart)  # earns a point: the ledger passes 2**63

    assert loyalty.balance(rich.id) >= 2**63
    assert [o.code for o in loyalty.overdrafts()] == [poor.code]
    copy = register.printer.preview(sales.get_sale(sale.receipt_code))
    assert "Points balance" in copy
    assert sales.verify_journal(1) == []


def test_a_config_that_never_ends_is_refused_without_filling_memory(tmp_path):
    """TILL_CONFIG=/dev/zero grew the process past 2 GB; a big file is read only up to 1 MiB."""
    path = tmp_path / "huge.toml"
    path.write_text("# padding\n" * 200_000, encoding="utf-8")
    with pytest.raises(ConfigError, match="more than 1 MiB"):
        load_settings(path)
    with pytest.raises(ConfigError, match="more than 1 MiB"):
        load_settings("/dev/zero")


def test_receipt_print_with_a_superscript_is_one_line(stocked_db, monkeypatch):
    monkeypatch.delenv("TILL_CONFIG", raising=False)
    args = ["--db", str(stocked_db), "receipt", "print", "²", "--printer", "none"]
    result = CliRunner().invoke(cli, args)
    close_database()
    assert result.exit_code == 2, result.output
    assert result.stderr == "till: No sale has the receipt number ².\n"
