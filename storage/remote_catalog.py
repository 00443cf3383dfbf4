"""Products and price-list prices from the back office's catalog: written as a local import
writes them (storage/catalog.py, by barcode, only what differs), with the back office's
product id for a product new to this till. The stock on hand stays this till's count."""

from __future__ import annotations

import logging
from typing import Any

from storage import catalog
from storage.catalog import PriceListRow, ProductRow

log = logging.getLogger(__name__)


def apply_product(entity: str, operation: str, product: dict[str, Any], cursor: Any) -> bool | None:
    """True: added or changed; False: this till had it as it is; None: not applied."""
    if operation != "upsert":
        return None
    row = ProductRow(
        code=product["barcode"],
        name=product["name"],
        price=product["price"],
        vat_rate_bp=product["vat_rate_bp"],
        category=product["category"],
        cost=product["cost"],
        promo_price=product["promo_price"],
        discountable=product["discountable"],
        stock=None,
    )
    # A product id is the back office's everywhere, unless this till has it on another
    # product (a local import gave that product a new id: never the same).
    taken = cursor.execute("SELECT 1 FROM product WHERE id = ?", (product["id"],)).fetchone()
    tally, _ = catalog.write_products([(0, row)], ids={} if taken else {row.code: product["id"]})
    return bool(tally.added or tally.updated)


def apply_price(entity: str, operation: str, price: dict[str, Any], cursor: Any) -> bool | None:
    """True: set; False: this till had that price; None: not applied (no such product)."""
    if operation != "upsert":
        return None
    row = PriceListRow(price["price_code"], price["barcode"], price["price"])
    tally, unknown = catalog.write_prices([(0, row)])
    if unknown:
        # The feed brings a product before its prices: one missing here was never imported.
        log.warning("price %s for %s: no product has this barcode here", row.price_code, row.code)
        return None
    return bool(tally.added or tally.updated)
