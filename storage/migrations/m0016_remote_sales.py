"""Other tills' sales for this till's customers (storage/remote_sales.py): the recent ones
kept one by one with the lines' names and quantities, the older ones summed per customer, and
per till number the highest receipt summed so a replayed feed counts nothing twice."""

STATEMENTS = [
    """CREATE TABLE "remote_sale" ("id" TEXT NOT NULL PRIMARY KEY,
        "customer_id" TEXT NOT NULL, "till_no" INTEGER NOT NULL, "receipt_no" INTEGER NOT NULL,
        "receipt_code" TEXT NOT NULL, "created_at" TEXT NOT NULL, "store" TEXT NOT NULL,
        "seller" TEXT NOT NULL, "total" INTEGER NOT NULL, "item_count" INTEGER NOT NULL,
        "methods" TEXT NOT NULL, "refund_of" TEXT)""",
    """CREATE INDEX "remote_sale_customer_id_created_at"
        ON "remote_sale" ("customer_id", "created_at")""",
    'CREATE INDEX "remote_sale_created_at" ON "remote_sale" ("created_at")',
    """CREATE TABLE "remote_sale_line" ("sale_id" TEXT NOT NULL, "line_no" INTEGER NOT NULL,
        "name" TEXT NOT NULL, "quantity" INTEGER NOT NULL, PRIMARY KEY ("sale_id", "line_no"),
        FOREIGN KEY ("sale_id") REFERENCES "remote_sale" ("id") ON DELETE CASCADE)""",
    """CREATE TABLE "remote_sale_folded" ("customer_id" TEXT NOT NULL PRIMARY KEY,
        "sale_count" INTEGER NOT NULL, "total" INTEGER NOT NULL, "first_at" TEXT NOT NULL,
        "last_at" TEXT NOT NULL)""",
    """CREATE TABLE "remote_sale_folded_product" ("customer_id" TEXT NOT NULL,
        "name" TEXT NOT NULL, "quantity" INTEGER NOT NULL, PRIMARY KEY ("customer_id", "name"))""",
    """CREATE TABLE "remote_sale_folded_up_to" ("till_no" INTEGER NOT NULL PRIMARY KEY,
        "receipt_no" INTEGER NOT NULL)""",
]


def up(database) -> None:
    for statement in STATEMENTS:
        database.execute_sql(statement)
