"""The first schema: catalog, the append-only sales journal, and the sync outbox."""

STATEMENTS = [
    """CREATE TABLE "product" ("id" TEXT NOT NULL PRIMARY KEY, "name" TEXT NOT NULL,
        "price" INTEGER NOT NULL, "vat_rate_bp" INTEGER NOT NULL, "category" TEXT NOT NULL,
        "active" INTEGER NOT NULL, "updated_at" TEXT NOT NULL)""",
    """CREATE TABLE "barcode" ("code" TEXT NOT NULL PRIMARY KEY, "product_id" TEXT NOT NULL,
        FOREIGN KEY ("product_id") REFERENCES "product" ("id") ON DELETE CASCADE)""",
    'CREATE INDEX "barcode_product_id" ON "barcode" ("product_id")',
    """CREATE TABLE "sale" ("id" TEXT NOT NULL PRIMARY KEY, "till_no" INTEGER NOT NULL,
        "receipt_no" INTEGER NOT NULL, "receipt_code" TEXT NOT NULL, "created_at" TEXT NOT NULL,
        "seller" TEXT NOT NULL, "currency" TEXT NOT NULL, "total" INTEGER NOT NULL,
        "item_count" INTEGER NOT NULL, "change_given" INTEGER NOT NULL,
        "previous_hash" TEXT NOT NULL, "journal_hash" TEXT NOT NULL)""",
    'CREATE UNIQUE INDEX "sale_receipt_code" ON "sale" ("receipt_code")',
    'CREATE UNIQUE INDEX "sale_till_no_receipt_no" ON "sale" ("till_no", "receipt_no")',
    """CREATE TABLE "sale_line" ("sale_id" TEXT NOT NULL, "line_no" INTEGER NOT NULL,
        "product_id" TEXT NOT NULL, "code" TEXT NOT NULL, "name" TEXT NOT NULL,
        "quantity" INTEGER NOT NULL, "unit_price" INTEGER NOT NULL,
        "vat_rate_bp" INTEGER NOT NULL, "total" INTEGER NOT NULL,
        PRIMARY KEY ("sale_id", "line_no"),
        FOREIGN KEY ("sale_id") REFERENCES "sale" ("id") ON DELETE RESTRICT)""",
    """CREATE TABLE "sale_vat" ("sale_id" TEXT NOT NULL, "rate_bp" INTEGER NOT NULL,
        "gross" INTEGER NOT NULL, "net" INTEGER NOT NULL, "vat" INTEGER NOT NULL,
        PRIMARY KEY ("sale_id", "rate_bp"),
        FOREIGN KEY ("sale_id") REFERENCES "sale" ("id") ON DELETE RESTRICT)""",
    """CREATE TABLE "sale_payment" ("sale_id" TEXT NOT NULL, "position" INTEGER NOT NULL,
        "method" TEXT NOT NULL, "amount" INTEGER NOT NULL, "tendered" INTEGER NOT NULL,
        PRIMARY KEY ("sale_id", "position"),
        FOREIGN KEY ("sale_id") REFERENCES "sale" ("id") ON DELETE RESTRICT)""",
    """CREATE TABLE "outbox" ("seq" INTEGER NOT NULL PRIMARY KEY, "entity" TEXT NOT NULL,
        "entity_id" TEXT NOT NULL, "operation" TEXT NOT NULL, "payload" TEXT NOT NULL,
        "created_at" TEXT NOT NULL)""",
]

JOURNAL_TABLES = ("sale", "sale_line", "sale_vat", "sale_payment")


def append_only(table: str) -> list[str]:
    return [
        f"""CREATE TRIGGER "{table}_no_update" BEFORE UPDATE ON "{table}"
            BEGIN SELECT RAISE(ABORT, 'the sales journal is append-only'); END""",
        f"""CREATE TRIGGER "{table}_no_delete" BEFORE DELETE ON "{table}"
            BEGIN SELECT RAISE(ABORT, 'the sales journal is append-only'); END""",
    ]


def up(database) -> None:
    for statement in STATEMENTS:
        database.execute_sql(statement)
    for table in JOURNAL_TABLES:
        for statement in append_only(table):
            database.execute_sql(statement)
