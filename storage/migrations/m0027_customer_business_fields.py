"""The customer file's last fields (issue 15, docs/customers.md "Business fields"): gender,
business type, industry, payment terms, preferred channel and "invoice automatically"."""

STATEMENTS = [
    'ALTER TABLE "customer" ADD COLUMN "gender" TEXT NOT NULL DEFAULT \'\'',
    'ALTER TABLE "customer" ADD COLUMN "business_type" TEXT NOT NULL DEFAULT \'\'',
    'ALTER TABLE "customer" ADD COLUMN "industry" TEXT NOT NULL DEFAULT \'\'',
    'ALTER TABLE "customer" ADD COLUMN "payment_terms" TEXT NOT NULL DEFAULT \'\'',
    'ALTER TABLE "customer" ADD COLUMN "preferred_channel" TEXT NOT NULL DEFAULT \'\'',
    'ALTER TABLE "customer" ADD COLUMN "invoice_automatically" INTEGER NOT NULL DEFAULT 0',
]


def up(database) -> None:
    for statement in STATEMENTS:
        database.execute_sql(statement)
