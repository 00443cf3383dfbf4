"""A shop on disk (database, config file, file printer) and the real register started on it."""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from storage import catalog
from storage.db import close_database, open_database
from till.config import Settings
from till.core.barcodes import gtin_check_digit
from till.core.pin import hash_pin
from till.customer_service import CustomerService

from .terminal import Terminal


def ean13(body: str) -> str:
    return body + gtin_check_digit(body)


# (barcode, name, price, VAT %): real-looking EAN-13 codes, as the reproductions use
BAGUETTE = (ean13("376012345000"), "Baguette tradition", "1.20", "5.5")
COFFEE = (ean13("376012345003"), "Café moulu 250 g", "3.85", "5.5")
SOAP = (ean13("376012345001"), "Savon de Marseille", "2.50", "20")
WINE = (ean13("376012345002"), "Vin rouge", "7.90", "20")
PRODUCTS = [BAGUETTE, COFFEE, SOAP, WINE]

# (last name, first name, mobile): "Du" finds both, "Durand" only the second
CUSTOMERS = [("Dupont", "Jean", "0611111111"), ("Durand", "Claire", "0622222222")]

MANAGER_PIN = "4821"
READY = "New sale: scan the first item."
"""On the sale screen once the register is up (and after every sale)."""


@dataclass(frozen=True)
class Shop:
    """The files one register runs on; the test reads the database back read-only."""

    directory: Path
    config: Path
    database: Path
    printer: Path

    def rows(self, sql: str, *params: Any) -> list[sqlite3.Row]:
        """Rows of a query on the database as the register left it (read-only)."""
        connection = sqlite3.connect(f"file:{self.database}?mode=ro", uri=True)
        try:
            connection.row_factory = sqlite3.Row
            return connection.execute(sql, params).fetchall()
        finally:
            connection.close()

    def sales(self) -> list[sqlite3.Row]:
        return self.rows("SELECT * FROM sale ORDER BY receipt_no")

    def lines(self, sale_id: str) -> list[sqlite3.Row]:
        return self.rows("SELECT * FROM sale_line WHERE sale_id = ? ORDER BY line_no", sale_id)

    def payments(self, sale_id: str) -> list[sqlite3.Row]:
        return self.rows("SELECT * FROM sale_payment WHERE sale_id = ? ORDER BY position", sale_id)

    def customers(self) -> list[sqlite3.Row]:
        return self.rows("SELECT * FROM customer ORDER BY num")


@pytest.fixture
def shop(tmp_path: Path) -> Shop:
    """A fresh database with PRODUCTS and CUSTOMERS, a config naming it, a file printer."""
    database = tmp_path / "till.db"
    printer = tmp_path / "printer.escpos"
    settings = Settings().with_database(database)
    open_database(database)
    try:
        text = "barcode,name,price,vat\n" + "".join(
            f'{code},"{name}",{price},{vat}\n' for code, name, price, vat in PRODUCTS
        )
        rows, errors = catalog.parse_product_csv(text, settings.vat.rates)
        assert errors == []
        catalog.import_products(rows)
        people = CustomerService(settings, actor="e2e")
        for last, first, mobile in CUSTOMERS:
            people.create({"last_name": last, "first_name": first, "mobile": mobile})
    finally:
        close_database()
    config = tmp_path / "till.toml"
    config.write_text(
        f"""
[store]
name = "E2E Shop"

[printer]
url = "file://{printer}"
width = 42

[database]
path = "{database.name}"

[security]
manager_pin = "{hash_pin(MANAGER_PIN)}"
""",
        encoding="utf-8",
    )
    return Shop(tmp_path, config, database, printer)


def add_users(shop: Shop, *users: tuple[str, str, str]) -> Shop:
    """Give the shop users, ``(name, role, PIN)``: the register then starts on its login."""
    from till.core.people import Role
    from till.people_service import PeopleService

    settings = Settings().with_database(shop.database)
    open_database(shop.database)
    try:
        people = PeopleService(settings)
        for name, role, pin in users:
            people.add_user(name, Role(role), pin)
    finally:
        close_database()
    return shop


@pytest.fixture
def start_register(shop: Shop) -> Iterator[Callable[..., Terminal]]:
    """Start the real ``till`` on ``shop`` in a pseudo-terminal and wait for the sale screen;
    every register started is killed when the test ends, passed or failed. A register that
    ended by itself (a crash) fails the test."""
    started: list[Terminal] = []

    def start(term: str = "xterm-256color", ready: str = READY) -> Terminal:
        terminal = Terminal(
            [sys.executable, "-m", "till", "--config", str(shop.config)],
            term=term,
            cwd=shop.directory,
        )
        started.append(terminal)
        terminal.wait_for(ready, timeout=30)  # start-up on a loaded machine
        return terminal

    yield start
    ended = [
        (t, t.process.poll()) for t in started if not t.closed and t.process.poll() is not None
    ]
    for terminal in started:
        terminal.close()
    for terminal, status in ended:  # no test here expects the register to end by itself
        pytest.fail(f"the register ended during the test, status {status}:\n{terminal.tail()}")
