"""The back office's catalog: products and price lists imported on the server (``till server
import products|prices``) by the till's own row rules (storage/catalog.py: the same checks,
the same refusals by line and field), each new or changed row numbered in the change feed for
every till to pull. A chunk of rows is one transaction holding the feed's lock, as a push
does, so an import and the tills' pushes number their changes one after the other.

A product's stock is not master data: the column is checked as on the till but not sent
(each till counts what it sells)."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from peewee import SqliteDatabase

from storage import catalog as rows
from storage.catalog import PriceListRow, ProductRow
from storage.ids import new_id
from storage.imports import CHUNK_ROWS, ImportReport, RowError, Target
from storage.rows import tuples
from sync.protocol import PROTOCOL_VERSION, SERVER_ORIGIN
from sync.server.models import CatalogPrice, CatalogProduct, FeedCounter, database
from sync.server.store import lock_feed

Progress = Callable[[ImportReport], None]
OnError = Callable[[int, str], None]


def import_products(
    path: Path,
    allowed_rates: tuple[int, ...],
    precision: int,
    *,
    on_error: OnError,
    on_progress: Progress = lambda report: None,
    chunk_rows: int = CHUNK_ROWS,
) -> ImportReport:
    """Add or update the catalog's products by barcode from the CSV file at ``path``; each
    product added or changed becomes a ``product`` ``upsert`` in the feed."""
    with _feed_writer() as feed:
        return rows.import_product_file(
            path,
            allowed_rates,
            precision,
            on_error=on_error,
            on_progress=on_progress,
            chunk_rows=chunk_rows,
            target=Target(feed.products, feed.transaction, feed.seen_keys),
        )


def import_prices(
    path: Path,
    precision: int,
    *,
    on_error: OnError,
    on_progress: Progress = lambda report: None,
    chunk_rows: int = CHUNK_ROWS,
) -> ImportReport:
    """Set price-list prices from the CSV file at ``path``; a row naming a barcode the
    catalog lacks is refused by line; each price added or changed becomes a ``price``
    ``upsert`` in the feed."""
    with _feed_writer() as feed:
        return rows.import_price_list_file(
            path,
            precision,
            on_error=on_error,
            on_progress=on_progress,
            chunk_rows=chunk_rows,
            target=Target(feed.prices, feed.transaction, feed.seen_keys),
        )


def feed_position() -> int:
    """The feed's last number."""
    return int(FeedCounter.get_by_id(1).value)


@contextmanager
def _feed_writer() -> Iterator[_FeedWriter]:
    # The rows seen so far are kept in a scratch SQLite file, as the till keeps them beside
    # its catalog: bounded memory whatever the file's size, whatever the server's database.
    with tempfile.TemporaryDirectory(prefix="till-import-") as scratch:
        seen_keys = SqliteDatabase(str(Path(scratch) / "seen.db"))
        try:
            yield _FeedWriter(seen_keys)
        finally:
            seen_keys.close()


@dataclass
class _FeedWriter:
    """Writes chunks of checked rows to the catalog's tables and the feed."""

    seen_keys: SqliteDatabase
    last: int = 0
    """The feed's last number, read under its lock when a chunk's transaction begins."""
    entries: list[tuple[Any, ...]] = field(default_factory=list)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with database.atomic():
            self.last = lock_feed()
            self.entries = []
            yield
            if self.entries:
                _execute_many(_INSERT_FEED, self.entries)
                FeedCounter.update(value=self.last).where(FeedCounter.id == 1).execute()

    def products(self, chunk: list[tuple[int, ProductRow]]) -> tuple[ImportReport, list[RowError]]:
        tally = ImportReport()
        now = _now()
        codes = [row.code for _, row in chunk]
        query = CatalogProduct.select(CatalogProduct.id, CatalogProduct.code, *_COMPARED)
        stored = {found[1]: found for found in tuples(query.where(CatalogProduct.code.in_(codes)))}
        added, changed = [], []
        for _, row in chunk:
            values = _product_values(row)
            found = stored.get(row.code)
            if found is None:
                product_id = new_id()
                added.append((product_id, row.code, *values, now))
                tally.added += 1
            elif tuple(found[2:]) == values:
                tally.unchanged += 1
                continue
            else:
                product_id = found[0]
                changed.append((*values, now, product_id))
                tally.updated += 1
            payload = {
                "v": PROTOCOL_VERSION,
                "id": product_id,
                "barcode": row.code,
                **dict(zip(_PRODUCT_FIELDS, values, strict=True)),
                "at": now,
            }
            self._number("product", product_id, payload, now)
        _execute_many(_INSERT_PRODUCT, added)
        _execute_many(_UPDATE_PRODUCT, changed)
        return tally, []

    def prices(self, chunk: list[tuple[int, PriceListRow]]) -> tuple[ImportReport, list[RowError]]:
        tally, unknown = ImportReport(), []
        now = _now()
        codes = list({row.code for _, row in chunk})
        price_codes = list({row.price_code for _, row in chunk})
        products = CatalogProduct.select(CatalogProduct.code)
        known = {code for (code,) in tuples(products.where(CatalogProduct.code.in_(codes)))}
        prices = CatalogPrice.select(CatalogPrice.price_code, CatalogPrice.code, CatalogPrice.price)
        wanted = CatalogPrice.price_code.in_(price_codes) & CatalogPrice.code.in_(codes)
        listed = {
            (price_code, code): price for price_code, code, price in tuples(prices.where(wanted))
        }
        added, changed = [], []
        for line, row in chunk:
            if row.code not in known:
                unknown.append((line, f"no product has the barcode {row.code}."))
                continue
            stored = listed.get((row.price_code, row.code))
            if stored == row.price:
                tally.unchanged += 1
                continue
            if stored is None:
                added.append((row.price_code, row.code, row.price, now))
                tally.added += 1
            else:
                changed.append((row.price, now, row.price_code, row.code))
                tally.updated += 1
            payload = {
                "v": PROTOCOL_VERSION,
                "price_code": row.price_code,
                "barcode": row.code,
                "price": row.price,
                "at": now,
            }
            self._number("price", row.code, payload, now)
        _execute_many(_INSERT_PRICE, added)
        _execute_many(_UPDATE_PRICE, changed)
        return tally, unknown

    def _number(self, entity: str, entity_id: str, payload: dict[str, Any], now: str) -> None:
        """The change, numbered next in the feed; a server change is its own till's
        ``till_seq`` (the feed number: unique, as the feed's index wants)."""
        self.last += 1
        body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
        self.entries.append(
            (self.last, SERVER_ORIGIN, self.last, entity, entity_id, "upsert", body, now)
        )


_PRODUCT_FIELDS = (
    "name",
    "price",
    "vat_rate_bp",
    "category",
    "cost",
    "promo_price",
    "discountable",
)
"""What a product change carries besides its id and barcode, in the table's column order."""
_COMPARED = tuple(getattr(CatalogProduct, name) for name in _PRODUCT_FIELDS)


def _product_values(row: ProductRow) -> tuple[Any, ...]:
    return tuple(getattr(row, name) for name in _PRODUCT_FIELDS)


# Plain statements run with executemany: building each row's SQL through the query builder
# cost ~2 ms a row (70 s for 50,000 products). Portable SQL; the placeholder is the driver's.
_INSERT_PRODUCT = (
    "INSERT INTO catalog_product (id, code, name, price, vat_rate_bp, category, cost,"
    " promo_price, discountable, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_UPDATE_PRODUCT = (
    "UPDATE catalog_product SET name = ?, price = ?, vat_rate_bp = ?, category = ?, cost = ?,"
    " promo_price = ?, discountable = ?, updated_at = ? WHERE id = ?"
)
_INSERT_PRICE = (
    "INSERT INTO catalog_price (price_code, code, price, updated_at) VALUES (?, ?, ?, ?)"
)
_UPDATE_PRICE = (
    "UPDATE catalog_price SET price = ?, updated_at = ? WHERE price_code = ? AND code = ?"
)
_INSERT_FEED = (
    "INSERT INTO feed_entry (seq, till, till_seq, entity, entity_id, operation, payload,"
    " received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)


def _execute_many(sql: str, rows: list[tuple[Any, ...]]) -> None:
    if rows:
        cursor = database.cursor()
        cursor.executemany(sql.replace("?", database.param), rows)


def _now() -> str:
    return datetime.now(UTC).isoformat()
