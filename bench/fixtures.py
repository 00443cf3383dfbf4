"""The databases the benchmarks run on: the demo shop, and a large generated catalog."""

from __future__ import annotations

import random
from pathlib import Path

from stdnum import ean

from storage import catalog
from storage.catalog import ProductRow
from storage.db import open_database
from till.config import Settings
from till.demo import demo_products_csv, demo_settings

CATEGORIES = ("Épicerie", "Boissons", "Frais", "Droguerie", "Papeterie", "Traiteur")


def ean13(serial: int, prefix: str = "21") -> str:
    """A valid EAN-13 built from a serial number."""
    body = f"{prefix}{serial:0{12 - len(prefix)}d}"
    return body + ean.calc_check_digit(body)


def demo_shop(data_dir: Path) -> Settings:
    """Open (creating if needed) the demo shop's database in ``data_dir``, catalog loaded."""
    settings = demo_settings(data_dir)
    open_database(settings.database.path)
    if catalog.product_count() == 0:
        rows, errors = catalog.parse_product_csv(demo_products_csv(), settings.vat.rates)
        if errors:
            raise RuntimeError(f"the demo catalog has errors: {errors[:3]}")
        catalog.import_products(rows)
    return settings


def large_catalog(data_dir: Path, count: int, seed: int = 2026) -> tuple[Settings, list[str]]:
    """Open a new database in ``data_dir`` holding ``count`` products; return their codes."""
    settings = demo_settings(data_dir)
    open_database(settings.database.path)
    rng = random.Random(seed)
    rates = settings.vat.rates
    rows = []
    for serial in range(1, count + 1):
        category = CATEGORIES[serial % len(CATEGORIES)]
        row = ProductRow(
            code=ean13(serial),
            name=f"{category} article {serial:06d}",
            price=rng.randint(50, 5_000),
            vat_rate_bp=rng.choice(rates),
            category=category,
        )
        rows.append((serial + 1, row))
    catalog.import_products(rows)
    return settings, [row.code for _, row in rows]
