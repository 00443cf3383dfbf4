"""Shared fixtures: a real SQLite database in tmp_path, a small catalog, settings for a till."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import settings as hypothesis_settings
from stdnum import ean

from storage import catalog
from storage.db import close_database, open_database
from till.config import PrinterSettings, ReceiptSettings, Settings, StoreSettings

hypothesis_settings.register_profile("till", deadline=None)
hypothesis_settings.load_profile("till")
"""No time limit per example: tests assert behaviour, never timing (benchmarks are in bench/),
and a first example that loads data (babel's locales) would fail a loaded machine at random."""


def ean13(serial: int, prefix: str = "200") -> str:
    """A valid EAN-13 built from a serial number."""
    body = f"{prefix}{serial:0{12 - len(prefix)}d}"
    return body + ean.calc_check_digit(body)


# (barcode, name, price, vat)
PRODUCTS = [
    (ean13(1), "Baguette", "1.20", "5.5"),
    (ean13(2), "Café moulu 250 g", "3.85", "5.5"),
    (ean13(3), "Savon de Marseille", "2.50", "20"),
    (ean13(4), "Vin rouge", "7.90", "20"),
    (ean13(5), "Quiche [bold]lorraine[/]", "4.60", "10"),
]


@pytest.fixture(autouse=True)
def english_unless_a_test_says_otherwise() -> Iterator[None]:
    """The language is chosen once per process (a Register chooses it); a test in French
    must not leave the next test of its worker in French."""
    from till.i18n import use_language

    use_language("en")
    yield
    use_language("en")


@pytest.fixture(autouse=True)
def english_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The commands that read no till config (``till server``, ``install-systemd``, ``--help``)
    speak the environment's language: a developer's French shell must not turn the English
    tests French. A test wanting French says so in the environment it passes."""
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")


@pytest.fixture
def db_path(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "till.db"
    open_database(path)
    yield path
    close_database()


@pytest.fixture
def stocked_db(db_path: Path) -> Path:
    """A database holding PRODUCTS."""
    text = "barcode,name,price,vat\n" + "".join(
        f'{code},"{name}",{price},{vat}\n' for code, name, price, vat in PRODUCTS
    )
    rows, errors = catalog.parse_product_csv(text, Settings().vat.rates)
    assert errors == []
    catalog.import_products(rows)
    return db_path


@pytest.fixture
def printer_file(tmp_path: Path) -> Path:
    return tmp_path / "printer.escpos"


@pytest.fixture
def settings(stocked_db: Path, printer_file: Path) -> Settings:
    return Settings(
        store=StoreSettings(name="Test Shop", address=("1 Main Street",), vat_number="FR123"),
        printer=PrinterSettings(url=f"file://{printer_file}", width=42),
        receipt=ReceiptSettings(footer=("Merci !",)),
    ).with_database(stocked_db)


@pytest.fixture
def french_till(tmp_path: Path) -> Iterator[Callable[..., Result]]:
    """``till`` on a French shop's config (its database made by the first command)."""
    from till.cli import cli

    config = tmp_path / "till.toml"
    config.write_text('[database]\npath = "shop.db"\n[locale]\nlanguage = "fr"\n', "utf-8")
    runner = CliRunner()

    def invoke(*args: str, stdin: str | None = None) -> Result:
        return runner.invoke(cli, ["--config", str(config), *args], input=stdin)

    yield invoke
    close_database()
