"""Segments (docs/segments.md): each customer's sales figures kept as they happen, and the
saved filters.

``customer_stats``: one row per customer who has bought, all time: first and last purchase,
visits (sales that are not refunds), spend (sales less refunds, minor units).
``customer_month``: the same visits and spend per calendar month (UTC), for the figures over
a period. Both count this till's sales and the other tills' it keeps, under the customer
they belong to now (a merged-away customer's under the survivor); the sales journal writes
them in the sale's own transaction (storage/customer_stats.py), and they are filled here from
the sales already there. ``saved_segment``: a named filter (``till customers segment``), with
the currency's decimals its amounts were typed in."""

STATEMENTS = [
    """CREATE TABLE "customer_stats" ("customer_id" TEXT NOT NULL PRIMARY KEY,
        "first_sale_at" TEXT NOT NULL DEFAULT '', "last_sale_at" TEXT NOT NULL DEFAULT '',
        "visits" INTEGER NOT NULL DEFAULT 0, "spend" INTEGER NOT NULL DEFAULT 0)
        WITHOUT ROWID""",
    """CREATE TABLE "customer_month" ("customer_id" TEXT NOT NULL, "month" TEXT NOT NULL,
        "visits" INTEGER NOT NULL DEFAULT 0, "spend" INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY ("customer_id", "month")) WITHOUT ROWID""",
    """CREATE TABLE "saved_segment" ("name" TEXT NOT NULL PRIMARY KEY COLLATE NOCASE,
        "where_text" TEXT NOT NULL, "money_decimals" INTEGER NOT NULL,
        "created_by" TEXT NOT NULL, "created_at" TEXT NOT NULL, "updated_at" TEXT NOT NULL)""",
    # a segment by city reads its customers, not the whole file (docs/segments.md: 0.6 s to
    # 0.1 s at a million customers)
    'CREATE INDEX "customer_city" ON "customer" ("city" COLLATE NOCASE)',
]

OWNED_SALES = """
WITH every_sale(customer_id, created_at, total, refund) AS (
    SELECT customer_id, created_at, total, refund_of IS NOT NULL FROM sale
        WHERE customer_id IS NOT NULL
    UNION ALL SELECT customer_id, created_at, total, refund_of IS NOT NULL FROM remote_sale
), owned(customer_id, created_at, total, refund) AS (
    SELECT COALESCE(c.merged_into, e.customer_id), e.created_at, e.total, e.refund
        FROM every_sale e LEFT JOIN customer c ON c.id = e.customer_id
)"""

FILL = [
    OWNED_SALES
    + """
INSERT INTO customer_month (customer_id, month, visits, spend)
    SELECT customer_id, substr(created_at, 1, 7), SUM(NOT refund), SUM(total)
    FROM owned GROUP BY 1, 2""",
    OWNED_SALES
    + """, folded(customer_id, first_at, last_at, visits, spend) AS (
    SELECT customer_id, MIN(CASE WHEN NOT refund THEN created_at END),
        MAX(CASE WHEN NOT refund THEN created_at END), SUM(NOT refund), SUM(total)
        FROM owned GROUP BY customer_id
    UNION ALL SELECT COALESCE(c.merged_into, f.customer_id), f.first_at, f.last_at,
        f.sale_count, f.total
        FROM remote_sale_folded f LEFT JOIN customer c ON c.id = f.customer_id
)
INSERT INTO customer_stats (customer_id, first_sale_at, last_sale_at, visits, spend)
    SELECT customer_id, COALESCE(MIN(first_at), ''), COALESCE(MAX(last_at), ''), SUM(visits),
        SUM(spend)
    FROM folded GROUP BY customer_id""",
]


def up(database) -> None:
    for statement in [*STATEMENTS, *FILL]:
        database.execute_sql(statement)
