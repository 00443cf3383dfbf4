"""The catalog: products, their barcodes, lookup by code and import from CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from storage.ids import new_id
from storage.models import Barcode, Product, database
from till.core.barcodes import normalise_code
from till.core.money import parse_amount, parse_rate
from till.core.sale import Item
from till.errors import BarcodeError, ImportRowError, InvalidSale, UnknownProduct

IMPORT_COLUMNS = ("barcode", "name", "price", "vat")
OPTIONAL_COLUMNS = ("category",)
MAX_NAME_LENGTH = 120


@dataclass(frozen=True)
class ProductRow:
    """One valid row of a product import."""

    code: str
    name: str
    price: int
    vat_rate_bp: int
    category: str = ""


@dataclass
class ImportReport:
    """What an import did: rows added, rows updated, and each refused row with its reason."""

    added: int = 0
    updated: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


_LOOKUP = (
    "SELECT p.id, p.name, p.price, p.vat_rate_bp, p.category FROM barcode b"
    " JOIN product p ON p.id = b.product_id WHERE b.code = ? AND p.active"
)


def lookup(code: str) -> Item:
    """The active product carrying ``code`` (already normalised), or UnknownProduct.
    Every scan comes here, so it is one prepared statement."""
    row = database.execute_sql(_LOOKUP, (code,)).fetchone()
    if row is None:
        raise UnknownProduct(f"No product has the code {code}.")
    product_id, name, price, vat_rate_bp, category = row
    return Item(product_id, code, name, price, vat_rate_bp, category)


def product_count() -> int:
    return Product.select().where(Product.active).count()


def sample_codes(limit: int) -> list[str]:
    """Some barcodes of active products, for the simulated scanner."""
    query = Barcode.select(Barcode.code).join(Product).where(Product.active).order_by(Barcode.code)
    return [code for (code,) in query.limit(limit).tuples()]


def parse_product_csv(
    text: str, allowed_rates: Iterable[int]
) -> tuple[list[tuple[int, ProductRow]], list[tuple[int, str]]]:
    """Read ``barcode,name,price,vat[,category]``; return valid rows and errors, by line."""
    rates = set(allowed_rates)
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [name.strip().lower() for name in (reader.fieldnames or [])]
    missing = [name for name in IMPORT_COLUMNS if name not in header]
    if missing:
        raise ImportRowError(
            f"line 1: the header must name {','.join(IMPORT_COLUMNS)}[,category]; "
            f"missing {', '.join(missing)}."
        )
    reader.fieldnames = header
    rows: list[tuple[int, ProductRow]] = []
    errors: list[tuple[int, str]] = []
    seen: dict[str, int] = {}
    for record in reader:
        line = reader.line_num
        try:
            row = _product_row(record, rates)
        except (ImportRowError, BarcodeError, InvalidSale) as error:
            errors.append((line, str(error)))
            continue
        if row.code in seen:
            errors.append((line, f"barcode {row.code} is already on line {seen[row.code]}."))
            continue
        seen[row.code] = line
        rows.append((line, row))
    return rows, errors


def _product_row(record: dict[str, str | None], rates: set[int]) -> ProductRow:
    if None in record or any(record.get(name) is None for name in IMPORT_COLUMNS):
        raise ImportRowError("wrong number of columns.")
    code = normalise_code(record["barcode"] or "")
    name = " ".join((record["name"] or "").split())
    if not name:
        raise ImportRowError("the name is empty.")
    if len(name) > MAX_NAME_LENGTH:
        raise ImportRowError(f"the name is longer than {MAX_NAME_LENGTH} characters.")
    price = parse_amount(record["price"] or "")
    rate = parse_rate(record["vat"] or "")
    if rate not in rates:
        allowed = ", ".join(f"{r / 100:g}" for r in sorted(rates, reverse=True))
        raise ImportRowError(f"VAT {record['vat']}% is not a configured rate ({allowed}).")
    category = " ".join((record.get("category") or "").split())
    return ProductRow(code, name, price, rate, category)


def import_products(rows: list[tuple[int, ProductRow]]) -> ImportReport:
    """Add or update products by barcode, all in one transaction."""
    report = ImportReport()
    now = datetime.now(UTC).isoformat()
    with database.atomic():
        existing = _existing_products([row.code for _, row in rows])
        new_products, new_barcodes = [], []
        for _, row in rows:
            values = {
                "name": row.name,
                "price": row.price,
                "vat_rate_bp": row.vat_rate_bp,
                "category": row.category,
                "active": True,
                "updated_at": now,
            }
            product_id = existing.get(row.code)
            if product_id is None:
                product_id = new_id()
                new_products.append({"id": product_id, **values})
                new_barcodes.append({"code": row.code, "product": product_id})
                report.added += 1
            else:
                Product.update(**values).where(Product.id == product_id).execute()
                report.updated += 1
        for start in range(0, len(new_products), 500):
            Product.insert_many(new_products[start : start + 500]).execute()
            Barcode.insert_many(new_barcodes[start : start + 500]).execute()
    return report


def _existing_products(codes: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for start in range(0, len(codes), 500):
        chunk = codes[start : start + 500]
        query = Barcode.select(Barcode.code, Barcode.product).where(Barcode.code.in_(chunk))
        found.update(dict(query.tuples()))
    return found
