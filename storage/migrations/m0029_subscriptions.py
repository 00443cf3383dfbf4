"""Subscriptions (docs/subscriptions.md): the plans a till sells, keyed by their product, and
the append-only history of each customer's purchases of them (a refund appends a
cancellation, nothing is changed nor removed)."""

STATEMENTS = [
    """CREATE TABLE "subscription_plan" ("product_id" TEXT NOT NULL PRIMARY KEY,
        "name" TEXT NOT NULL, "duration" INTEGER NOT NULL, "unit" TEXT NOT NULL,
        "discount_bp" INTEGER NOT NULL, "categories" TEXT NOT NULL,
        "active" INTEGER NOT NULL, "updated_at" TEXT NOT NULL)""",
    """CREATE TABLE "subscription_entry" ("id" TEXT NOT NULL PRIMARY KEY,
        "customer_id" TEXT NOT NULL, "kind" TEXT NOT NULL, "plan" TEXT NOT NULL,
        "plan_name" TEXT NOT NULL, "discount_bp" INTEGER NOT NULL,
        "categories" TEXT NOT NULL, "starts" TEXT NOT NULL, "ends" TEXT NOT NULL,
        "sale_id" TEXT, "cancels" TEXT, "till_no" INTEGER NOT NULL, "actor" TEXT NOT NULL,
        "created_at" TEXT NOT NULL)""",
    """CREATE INDEX "subscription_entry_customer_id_created_at"
        ON "subscription_entry" ("customer_id", "created_at")""",
    'CREATE INDEX "subscription_entry_sale_id" ON "subscription_entry" ("sale_id")',
]
APPEND_ONLY = "subscription entries are append-only"


def up(database) -> None:
    for statement in STATEMENTS:
        database.execute_sql(statement)
    for event in ("UPDATE", "DELETE"):
        database.execute_sql(
            f"""CREATE TRIGGER "subscription_entry_no_{event.lower()}" BEFORE {event}
                ON "subscription_entry" BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END"""
        )
