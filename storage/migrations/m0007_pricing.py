"""Pricing by customer: product cost, promotions and fixed-price products; price lists per
price code; personal discounts; and what each sale line got off."""

_COLUMNS = (
    ("product", '"cost" INTEGER NOT NULL DEFAULT 0'),
    ("product", '"promo_price" INTEGER'),
    ("product", '"discountable" INTEGER NOT NULL DEFAULT 1'),
    ("sale", '"tax_free" INTEGER NOT NULL DEFAULT 0'),
    ("sale_line", '"discount" INTEGER NOT NULL DEFAULT 0'),
    ("sale_line", "\"note\" TEXT NOT NULL DEFAULT ''"),
    ("customer", "\"discount_percent\" TEXT NOT NULL DEFAULT ''"),
    ("customer", "\"discount_until\" TEXT NOT NULL DEFAULT ''"),
)


def up(database) -> None:
    for table, column in _COLUMNS:
        database.execute_sql(f'ALTER TABLE "{table}" ADD COLUMN {column}')
    database.execute_sql(
        """CREATE TABLE "price_list_entry" ("price_code" TEXT NOT NULL,
            "product_id" TEXT NOT NULL REFERENCES "product" ("id") ON DELETE CASCADE,
            "price" INTEGER NOT NULL, "updated_at" TEXT NOT NULL,
            PRIMARY KEY ("price_code", "product_id"))"""
    )
