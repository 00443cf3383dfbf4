"""The catalog: products, their barcodes, lookup by code and import from CSV.

Imports stream (storage/imports.py): a file of any size is read in bounded memory and
written a chunk at a time, each chunk compared with what is stored so that only the rows
that changed are written.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from operator import itemgetter
from pathlib import Path
from typing import TextIO

from storage import imports
from storage.ids import new_id
from storage.imports import ImportReport as ImportReport  # callers know it from here
from storage.imports import Record, RowError
from storage.models import Barcode, PriceListEntry, Product, database
from storage.rows import tuples
from till.core.barcodes import normalise_code
from till.core.bounds import MAX_STOCK, parse_whole
from till.core.customer import TEXT_LIMITS
from till.core.money import parse_amount, parse_rate
from till.core.sale import Item
from till.core.text import clean_line
from till.core.words import N_
from till.errors import ImportRowError, InvalidSale, UnknownProduct

IMPORT_COLUMNS = ("barcode", "name", "price", "vat")
OPTIONAL_COLUMNS = ("category", "cost", "promo_price", "discountable", "stock")
PRICE_LIST_COLUMNS = ("price_code", "barcode", "price")
MAX_NAME_LENGTH = 120
MAX_PRICE_CODE_LENGTH = TEXT_LIMITS["price_code"]
"""A longer price code could name no customer's list."""


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
        raise UnknownProduct(N_("No product has the code {code}."), code=code)
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
        raise UnknownProduct(N_("No product has the code {code}."), code=code)
    return row[0]


def product_count() -> int:
    return Product.select().where(Product.active).count()


def sample_codes(limit: int) -> list[str]:
    """Some barcodes of active products, for the simulated scanner."""
    query = Barcode.select(Barcode.code).join(Product).where(Product.active).order_by(Barcode.code)
    return [code for (code,) in tuples(query.limit(limit))]


def parse_product_csv(
    text: str, allowed_rates: Iterable[int], precision: int = 2
) -> tuple[list[tuple[int, ProductRow]], list[RowError]]:
    """Read ``barcode,name,price,vat[,category]``; return valid rows and errors, by line.
    ``precision``: the currency's decimals (amounts are read into its minor units). For text
    already in memory; a file is imported with ``import_product_file``."""
    rows: list[tuple[int, ProductRow]] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for line, row in product_rows(_text_stream(text), allowed_rates, precision):
        if isinstance(row, str):
            errors.append((line, row))
        elif row.code in seen:
            errors.append((line, _duplicate_product(row, seen[row.code])))
        else:
            seen[row.code] = line
            rows.append((line, row))
    return rows, errors


def product_rows(
    stream: TextIO, allowed_rates: Iterable[int], precision: int = 2
) -> Iterator[tuple[int, ProductRow | str]]:
    """Each record of a product CSV stream as a row, or the reason it is refused, by line."""
    rates = set(allowed_rates)
    usage = ",".join(IMPORT_COLUMNS) + "[,category,…]"
    records = imports.csv_records(stream, IMPORT_COLUMNS, usage)
    return imports.checked_rows(records, lambda record: _product_row(record, rates, precision))


def _text_stream(text: str) -> TextIO:
    return io.StringIO(text.lstrip("\ufeff"), newline="")


def _duplicate_product(row: ProductRow, line: int) -> str:
    return f"barcode {row.code} is already on line {line}."


def _product_row(record: Record, rates: set[int], precision: int) -> ProductRow:
    # Every row of a file comes here: the checks are the same, the repeated values cached.
    if None in record or None in _required(record):
        raise ImportRowError(N_("wrong number of columns."))
    code = normalise_code(record["barcode"] or "")
    name = _text(record, "name")
    if not name:
        raise ImportRowError(N_("the name is empty."))
    if len(name) > MAX_NAME_LENGTH:
        raise ImportRowError(N_("the name is longer than {most} characters."), most=MAX_NAME_LENGTH)
    price = _optional_amount(record, "price", precision)
    if price is None:
        raise ImportRowError(N_("price: Type an amount."))
    rate = _rate(record["vat"] or "")
    if rate not in rates:
        allowed = ", ".join(f"{r / 100:g}" for r in sorted(rates, reverse=True))
        raise ImportRowError(
            N_("VAT {rate} is not a configured rate ({allowed})."),
            rate=f"{record['vat']}%",
            allowed=allowed,
        )
    category = _text(record, "category", _clean_repeated)
    cost = _optional_amount(record, "cost", precision) or 0
    promo = _optional_amount(record, "promo_price", precision)
    if promo is not None and promo > price:
        raise ImportRowError(
            N_("the promotional price {promo} is above the price."), promo=record["promo_price"]
        )
    discountable = _yes_no(record.get("discountable"), "discountable")
    stock_text = (record.get("stock") or "").strip()
    try:
        stock = parse_whole(stock_text, "stock", -MAX_STOCK, MAX_STOCK) if stock_text else None
    except InvalidSale as error:
        raise ImportRowError(error.message_id, **error.params) from None
    return ProductRow(code, name, price, rate, category, cost, promo, discountable, stock)


_required = itemgetter(*IMPORT_COLUMNS)
_rate = lru_cache(maxsize=64)(parse_rate)
"""A file repeats a handful of VAT rates (a refused one raises each time: not cached)."""
_clean_repeated = lru_cache(maxsize=1024)(clean_line)
"""For columns a file repeats (categories)."""


def _text(record: Record, column: str, clean: Callable[[str], str] = clean_line) -> str:
    """A text column on one line; a control character refuses the row, naming the column."""
    try:
        return clean(record.get(column) or "")
    except ValueError as error:
        raise ImportRowError(N_("{column}: {reason}"), column=column, reason=str(error)) from None


def _optional_amount(record: Record, column: str, precision: int) -> int | None:
    text = (record.get(column) or "").strip()
    if not text:
        return None
    try:
        return parse_amount(text, precision)
    except InvalidSale as error:
        raise ImportRowError(N_("{column}: {reason}"), column=column, reason=error) from None


_YES = {"1", "yes", "y", "true", "oui"}
_NO = {"0", "no", "n", "false", "non"}


def _yes_no(text: str | None, column: str) -> bool:
    value = (text or "").strip().lower()
    if not value or value in _YES:
        return True
    if value in _NO:
        return False
    raise ImportRowError(N_("{column}: write yes or no, got {text!r}."), column=column, text=text)


def import_product_file(
    path: Path,
    allowed_rates: Iterable[int],
    precision: int = 2,
    *,
    on_error: Callable[[int, str], None],
    on_progress: Callable[[ImportReport], None] = lambda report: None,
    chunk_rows: int = imports.CHUNK_ROWS,
    target: imports.Target[ProductRow] | None = None,
) -> ImportReport:
    """Add or update products by barcode from the CSV file at ``path``, streamed: memory
    stays bounded whatever its size, each chunk of rows is its own transaction, and rows
    that match what is stored are not written. Refused rows go to ``on_error`` (line,
    reason); ``on_progress`` hears the report after each chunk. The rows go to this till's
    catalog, or to ``target`` (the back office's)."""
    target = target or imports.Target(write_products)
    with imports.open_csv(path) as stream:
        size = path.stat().st_size or 1
        return imports.import_chunked(
            product_rows(stream, allowed_rates, precision),
            key=lambda row: row.code,
            duplicate=_duplicate_product,
            write=target.write,
            on_error=on_error,
            on_progress=on_progress,
            position=lambda: min(stream.buffer.tell() / size, 1.0),
            chunk_rows=chunk_rows,
            transaction=target.transaction,
            seen_keys_in=target.seen_keys_in,
        )


def import_products(
    rows: list[tuple[int, ProductRow]], chunk_rows: int = imports.CHUNK_ROWS
) -> ImportReport:
    """Add or update products by barcode, a transaction per chunk of ``chunk_rows``."""
    report = ImportReport()
    for start in range(0, len(rows), chunk_rows):
        tally, _ = imports.write_chunk(rows[start : start + chunk_rows], write_products)
        report.add(tally)
    return report


_STORED_PRODUCTS = (
    "SELECT b.code, p.id, p.name, p.price, p.vat_rate_bp, p.category, p.cost, p.promo_price,"
    " p.discountable, p.active, p.stock FROM barcode b JOIN product p ON p.id = b.product_id"
    " WHERE b.code IN ({})"
)
_INSERT_PRODUCT = (
    "INSERT INTO product (name, price, vat_rate_bp, category, cost, promo_price, discountable,"
    " active, stock, updated_at, id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_UPDATE_PRODUCT = (
    "UPDATE product SET name = ?, price = ?, vat_rate_bp = ?, category = ?, cost = ?,"
    " promo_price = ?, discountable = ?, active = ?, stock = ?, updated_at = ? WHERE id = ?"
)


def write_products(
    chunk: list[tuple[int, ProductRow]], ids: Mapping[str, str] | None = None
) -> tuple[ImportReport, list[RowError]]:
    """Compare the chunk with the stored products in one query; insert the new ones, update
    those that differ, leave the rest (their ``updated_at`` too). A new product takes the id
    ``ids`` gives its barcode (the back office's), or a new one."""
    tally = ImportReport()
    now = datetime.now(UTC).isoformat()
    marks = ",".join("?" * len(chunk))
    codes = [row.code for _, row in chunk]
    stored = {
        found[0]: found for found in database.execute_sql(_STORED_PRODUCTS.format(marks), codes)
    }
    new_products, new_barcodes, changed = [], [], []
    for _, row in chunk:
        found = stored.get(row.code)
        if found is None:
            product_id = (ids or {}).get(row.code) or new_id()
            new_products.append((*_product_values(row, row.stock or 0), now, product_id))
            new_barcodes.append((row.code, product_id))
            tally.added += 1
            continue
        wanted = _product_values(row, found[-1] if row.stock is None else row.stock)
        if found[2:] == wanted:  # found: code, id, then the columns _product_values gives
            tally.unchanged += 1
        else:
            changed.append((*wanted, now, found[1]))
            tally.updated += 1
    cursor = database.cursor()
    cursor.executemany(_INSERT_PRODUCT, new_products)
    cursor.executemany("INSERT INTO barcode (code, product_id) VALUES (?, ?)", new_barcodes)
    cursor.executemany(_UPDATE_PRODUCT, changed)
    return tally, []


def _product_values(row: ProductRow, stock: int) -> tuple[object, ...]:
    """The stored columns of ``row``, in ``_STORED_PRODUCTS``'s order (an imported product
    is active)."""
    return (
        row.name,
        row.price,
        row.vat_rate_bp,
        row.category,
        row.cost,
        row.promo_price,
        int(row.discountable),
        1,
        stock,
    )


def parse_price_list_csv(
    text: str, precision: int = 2
) -> tuple[list[tuple[int, PriceListRow]], list[RowError]]:
    """Read ``price_code,barcode,price``; return valid rows and errors, by line. The barcode
    must name a product of the catalog (checked when importing)."""
    rows: list[tuple[int, PriceListRow]] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for line, row in price_list_rows(_text_stream(text), precision):
        if isinstance(row, str):
            errors.append((line, row))
        elif _price_key(row) in seen:
            errors.append((line, _duplicate_price(row, seen[_price_key(row)])))
        else:
            seen[_price_key(row)] = line
            rows.append((line, row))
    return rows, errors


def price_list_rows(stream: TextIO, precision: int = 2) -> Iterator[tuple[int, PriceListRow | str]]:
    """Each record of a price-list CSV stream as a row, or the reason it is refused, by line."""
    records = imports.csv_records(stream, PRICE_LIST_COLUMNS, ",".join(PRICE_LIST_COLUMNS))
    return imports.checked_rows(records, lambda record: _price_list_row(record, precision))


def _price_list_row(record: Record, precision: int) -> PriceListRow:
    if None in record or any(record.get(name) is None for name in PRICE_LIST_COLUMNS):
        raise ImportRowError(N_("wrong number of columns."))
    price_code = _text(record, "price_code")
    if not price_code:
        raise ImportRowError(N_("the price code is empty."))
    if len(price_code) > MAX_PRICE_CODE_LENGTH:
        raise ImportRowError(
            N_("price_code: is longer than {most} characters."), most=MAX_PRICE_CODE_LENGTH
        )
    price = _optional_amount(record, "price", precision)
    if price is None:
        raise ImportRowError(N_("price: Type an amount."))
    return PriceListRow(price_code, normalise_code(record["barcode"] or ""), price)


def _price_key(row: PriceListRow) -> str:
    return f"{row.price_code}\x1f{row.code}"  # a control character: in neither column


def _duplicate_price(row: PriceListRow, line: int) -> str:
    return f"{row.code} is already on line {line} for this code."


def import_price_list_file(
    path: Path,
    precision: int = 2,
    *,
    on_error: Callable[[int, str], None],
    on_progress: Callable[[ImportReport], None] = lambda report: None,
    chunk_rows: int = imports.CHUNK_ROWS,
    target: imports.Target[PriceListRow] | None = None,
) -> ImportReport:
    """Set each product's price for each price code from the CSV file at ``path``, streamed
    and written in chunks like ``import_product_file``; a row naming a barcode the catalog
    lacks is refused by line."""
    target = target or imports.Target(write_prices)
    with imports.open_csv(path) as stream:
        size = path.stat().st_size or 1
        return imports.import_chunked(
            price_list_rows(stream, precision),
            key=_price_key,
            duplicate=_duplicate_price,
            write=target.write,
            on_error=on_error,
            on_progress=on_progress,
            position=lambda: min(stream.buffer.tell() / size, 1.0),
            chunk_rows=chunk_rows,
            transaction=target.transaction,
            seen_keys_in=target.seen_keys_in,
        )


def import_price_list(
    rows: list[tuple[int, PriceListRow]], chunk_rows: int = imports.CHUNK_ROWS
) -> tuple[ImportReport, list[RowError]]:
    """Set each product's price for each price code, a transaction per chunk; rows naming a
    barcode the catalog does not have are refused by line."""
    report, unknown = ImportReport(), []
    for start in range(0, len(rows), chunk_rows):
        tally, refused = imports.write_chunk(rows[start : start + chunk_rows], write_prices)
        report.add(tally)
        unknown.extend(refused)
    return report, unknown


_LISTED = (
    "SELECT b.code, b.product_id, l.price_code, l.price FROM barcode b"
    " LEFT JOIN price_list_entry l ON l.product_id = b.product_id AND l.price_code IN ({})"
    " WHERE b.code IN ({})"
)
_UPSERT_PRICE = (
    "INSERT INTO price_list_entry (price_code, product_id, price, updated_at) VALUES (?, ?, ?, ?)"
    " ON CONFLICT (price_code, product_id) DO UPDATE"
    " SET price = excluded.price, updated_at = excluded.updated_at"
)


def write_prices(chunk: list[tuple[int, PriceListRow]]) -> tuple[ImportReport, list[RowError]]:
    """Compare the chunk with the stored prices in one query and write those that differ."""
    tally, unknown = ImportReport(), []
    now = datetime.now(UTC).isoformat()
    price_codes = list({row.price_code for _, row in chunk})
    codes = list({row.code for _, row in chunk})
    sql = _LISTED.format(",".join("?" * len(price_codes)), ",".join("?" * len(codes)))
    products: dict[str, str] = {}
    listed: dict[tuple[str, str], int] = {}
    for code, product_id, price_code, price in database.execute_sql(sql, price_codes + codes):
        products[code] = product_id
        if price_code is not None:
            listed[(price_code, product_id)] = price
    writes = []
    for line, row in chunk:
        product_id = products.get(row.code)
        if product_id is None:
            unknown.append((line, f"no product has the barcode {row.code}."))
            continue
        stored = listed.get((row.price_code, product_id))
        if stored == row.price:
            tally.unchanged += 1
            continue
        writes.append((row.price_code, product_id, row.price, now))
        if stored is None:
            tally.added += 1
        else:
            tally.updated += 1
    database.cursor().executemany(_UPSERT_PRICE, writes)
    return tally, unknown
