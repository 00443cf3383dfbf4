"""The catalog: products, their barcodes, lookup by code and import from CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from storage.ids import new_id
from storage.models import Barcode, PriceListEntry, Product, database
from storage.rows import tuples
from till.core.barcodes import normalise_code
from till.core.bounds import MAX_STOCK, parse_whole
from till.core.money import parse_amount, parse_rate
from till.core.sale import Item
from till.core.text import clean_line
from till.errors import BarcodeError, ImportRowError, InvalidSale, UnknownProduct

IMPORT_COLUMNS = ("barcode", "name", "price", "vat")
OPTIONAL_COLUMNS = ("category", "cost", "promo_price", "discountable", "stock")
PRICE_LIST_COLUMNS = ("price_code", "barcode", "price")
MAX_NAME_LENGTH = 120


@dataclass(frozen=True)
class ProductRow:
    """One valid row of a product import."""

    code: str
    name: str
    price: int
    vat_rate_bp: int
    category: str = ""
    cost: int = 0
    promo_price: int | None = None
    discountable: bool = True
    stock: int | None = None
    """Units counted on hand; None leaves the till's count as it is."""


@dataclass(frozen=True)
class PriceListRow:
    """One valid row of a price-list import."""

    price_code: str
    code: str
    price: int


@dataclass
class ImportReport:
    """What an import did: rows added, rows updated, and each refused row with its reason."""

    added: int = 0
    updated: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


_LOOKUP = (
    "SELECT p.id, p.name, p.price, p.vat_rate_bp, p.category, p.cost, p.promo_price,"
    " p.discountable, l.price FROM barcode b JOIN product p ON p.id = b.product_id"
    " LEFT JOIN price_list_entry l ON l.product_id = p.id AND l.price_code = ?"
    " WHERE b.code = ? AND p.active"
)


def lookup(code: str, price_code: str = "") -> Item:
    """The active product carrying ``code`` (already normalised), with its price on the
    ``price_code`` list if it has one; or UnknownProduct. Every scan comes here, so it is one
    prepared statement."""
    row = database.execute_sql(_LOOKUP, (price_code, code)).fetchone()
    if row is None:
        raise UnknownProduct(f"No product has the code {code}.")
    product_id, name, price, vat_rate_bp, category, cost, promo, discountable, listed = row
    return Item(
        product_id,
        code,
        name,
        price,
        vat_rate_bp,
        category,
        cost,
        promo,
        bool(discountable),
        listed if price_code else None,
    )


def code_prices(price_code: str, product_ids: Iterable[str]) -> dict[str, int]:
    """The prices on the ``price_code`` list for these products (those it has)."""
    wanted = list(dict.fromkeys(product_ids))
    if not price_code or not wanted:
        return {}
    query = PriceListEntry.select(PriceListEntry.product, PriceListEntry.price).where(
        (PriceListEntry.price_code == price_code) & PriceListEntry.product.in_(wanted)
    )
    return dict(tuples(query))


def stock_of(code: str) -> int:
    """Units on hand of the product carrying ``code``."""
    row = database.execute_sql(
        "SELECT p.stock FROM barcode b JOIN product p ON p.id = b.product_id WHERE b.code = ?",
        (code,),
    ).fetchone()
    if row is None:
        raise UnknownProduct(f"No product has the code {code}.")
    return row[0]


def product_count() -> int:
    return Product.select().where(Product.active).count()


def sample_codes(limit: int) -> list[str]:
    """Some barcodes of active products, for the simulated scanner."""
    query = Barcode.select(Barcode.code).join(Product).where(Product.active).order_by(Barcode.code)
    return [code for (code,) in tuples(query.limit(limit))]


def parse_product_csv(
    text: str, allowed_rates: Iterable[int], precision: int = 2
) -> tuple[list[tuple[int, ProductRow]], list[tuple[int, str]]]:
    """Read ``barcode,name,price,vat[,category]``; return valid rows and errors, by line.
    ``precision``: the currency's decimals (amounts are read into its minor units)."""
    rates = set(allowed_rates)
    reader = _reader(text, IMPORT_COLUMNS, ",".join(IMPORT_COLUMNS) + "[,category,…]")
    rows: list[tuple[int, ProductRow]] = []
    errors: list[tuple[int, str]] = []
    seen: dict[str, int] = {}
    for record in reader:
        line = reader.line_num
        try:
            row = _product_row(record, rates, precision)
        except (ImportRowError, BarcodeError, InvalidSale) as error:
            errors.append((line, str(error)))
            continue
        if row.code in seen:
            errors.append((line, f"barcode {row.code} is already on line {seen[row.code]}."))
            continue
        seen[row.code] = line
        rows.append((line, row))
    return rows, errors


def _reader(text: str, required: tuple[str, ...], usage: str) -> csv.DictReader:
    """A CSV reader whose header (BOM, case and spaces forgiven) names every required column."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [name.strip().lower() for name in (reader.fieldnames or [])]
    missing = [name for name in required if name not in header]
    if missing:
        raise ImportRowError(f"line 1: the header must name {usage}; missing {', '.join(missing)}.")
    reader.fieldnames = header
    return reader


def _product_row(record: dict[str, str | None], rates: set[int], precision: int) -> ProductRow:
    if None in record or any(record.get(name) is None for name in IMPORT_COLUMNS):
        raise ImportRowError("wrong number of columns.")
    code = normalise_code(record["barcode"] or "")
    name = _text(record, "name")
    if not name:
        raise ImportRowError("the name is empty.")
    if len(name) > MAX_NAME_LENGTH:
        raise ImportRowError(f"the name is longer than {MAX_NAME_LENGTH} characters.")
    price = _optional_amount(record, "price", precision)
    if price is None:
        raise ImportRowError("price: Type an amount.")
    rate = parse_rate(record["vat"] or "")
    if rate not in rates:
        allowed = ", ".join(f"{r / 100:g}" for r in sorted(rates, reverse=True))
        raise ImportRowError(f"VAT {record['vat']}% is not a configured rate ({allowed}).")
    category = _text(record, "category")
    cost = _optional_amount(record, "cost", precision) or 0
    promo = _optional_amount(record, "promo_price", precision)
    if promo is not None and promo > price:
        raise ImportRowError(f"the promotional price {record['promo_price']} is above the price.")
    discountable = _yes_no(record.get("discountable"), "discountable")
    stock_text = (record.get("stock") or "").strip()
    try:
        stock = parse_whole(stock_text, "stock", -MAX_STOCK, MAX_STOCK) if stock_text else None
    except InvalidSale as error:
        raise ImportRowError(str(error)) from None
    return ProductRow(code, name, price, rate, category, cost, promo, discountable, stock)


def _text(record: dict[str, str | None], column: str) -> str:
    """A text column on one line; a control character refuses the row, naming the column."""
    try:
        return clean_line(record.get(column) or "")
    except ValueError as error:
        raise ImportRowError(f"{column}: {error}") from None


def _optional_amount(record: dict[str, str | None], column: str, precision: int) -> int | None:
    text = (record.get(column) or "").strip()
    if not text:
        return None
    try:
        return parse_amount(text, precision)
    except InvalidSale as error:
        raise ImportRowError(f"{column}: {error}") from None


_YES = {"1", "yes", "y", "true", "oui"}
_NO = {"0", "no", "n", "false", "non"}


def _yes_no(text: str | None, column: str) -> bool:
    value = (text or "").strip().lower()
    if not value or value in _YES:
        return True
    if value in _NO:
        return False
    raise ImportRowError(f"{column}: write yes or no, got {text!r}.")


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
                "cost": row.cost,
                "promo_price": row.promo_price,
                "discountable": row.discountable,
                "active": True,
                "updated_at": now,
                **({"stock": row.stock} if row.stock is not None else {}),
            }
            product_id = existing.get(row.code)
            if product_id is None:
                product_id = new_id()
                new_products.append({"id": product_id, **values, "stock": row.stock or 0})
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
        found.update(dict(tuples(query)))
    return found


def parse_price_list_csv(
    text: str, precision: int = 2
) -> tuple[list[tuple[int, PriceListRow]], list[tuple[int, str]]]:
    """Read ``price_code,barcode,price``; return valid rows and errors, by line. The barcode
    must name a product of the catalog."""
    reader = _reader(text, PRICE_LIST_COLUMNS, ",".join(PRICE_LIST_COLUMNS))
    rows: list[tuple[int, PriceListRow]] = []
    errors: list[tuple[int, str]] = []
    seen: dict[tuple[str, str], int] = {}
    for record in reader:
        line = reader.line_num
        try:
            if None in record or any(record.get(name) is None for name in PRICE_LIST_COLUMNS):
                raise ImportRowError("wrong number of columns.")
            price_code = _text(record, "price_code")
            if not price_code:
                raise ImportRowError("the price code is empty.")
            price = _optional_amount(record, "price", precision)
            if price is None:
                raise ImportRowError("price: Type an amount.")
            row = PriceListRow(price_code, normalise_code(record["barcode"] or ""), price)
        except (ImportRowError, BarcodeError, InvalidSale) as error:
            errors.append((line, str(error)))
            continue
        key = (row.price_code, row.code)
        if key in seen:
            errors.append((line, f"{row.code} is already on line {seen[key]} for this code."))
            continue
        seen[key] = line
        rows.append((line, row))
    return rows, errors


def import_price_list(
    rows: list[tuple[int, PriceListRow]],
) -> tuple[ImportReport, list[tuple[int, str]]]:
    """Set each product's price for each price code, in one transaction; rows naming a barcode
    the catalog does not have are refused by line."""
    report, unknown = ImportReport(), []
    now = datetime.now(UTC).isoformat()
    with database.atomic():
        products = _existing_products([row.code for _, row in rows])
        codes = {row.price_code for _, row in rows}
        listed = set(
            PriceListEntry.select(PriceListEntry.price_code, PriceListEntry.product)
            .where(PriceListEntry.price_code.in_(codes))
            .tuples()
        )
        for line, row in rows:
            product_id = products.get(row.code)
            if product_id is None:
                unknown.append((line, f"no product has the barcode {row.code}."))
                continue
            PriceListEntry.insert(
                price_code=row.price_code, product=product_id, price=row.price, updated_at=now
            ).on_conflict_replace().execute()
            if (row.price_code, product_id) in listed:
                report.updated += 1
            else:
                report.added += 1
    return report, unknown
