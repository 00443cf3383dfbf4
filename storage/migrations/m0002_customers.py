"""The customer file: customers, extra addresses, external codes, shop lists, the audit log,
the search index, and the link from a sale to its customer."""

from storage.migrations.m0001_initial import append_only

STATEMENTS = [
    'CREATE TABLE "sequence" ("name" TEXT NOT NULL PRIMARY KEY, "value" INTEGER NOT NULL)',
    """CREATE TABLE "customer" ("num" INTEGER NOT NULL PRIMARY KEY, "id" TEXT NOT NULL,
        "code" TEXT NOT NULL, "kind" TEXT NOT NULL, "title" TEXT NOT NULL,
        "last_name" TEXT NOT NULL, "first_name" TEXT NOT NULL, "nickname" TEXT NOT NULL,
        "company" TEXT NOT NULL, "job_title" TEXT NOT NULL, "vat_number" TEXT NOT NULL,
        "registration_number" TEXT NOT NULL, "activity_code" TEXT NOT NULL,
        "email" TEXT NOT NULL, "mobile" TEXT NOT NULL, "landline" TEXT NOT NULL,
        "birth_date" TEXT NOT NULL, "language" TEXT NOT NULL, "address1" TEXT NOT NULL,
        "address2" TEXT NOT NULL, "address3" TEXT NOT NULL, "postcode" TEXT NOT NULL,
        "city" TEXT NOT NULL, "country" TEXT NOT NULL, "id_document_number" TEXT NOT NULL,
        "id_document_region" TEXT NOT NULL, "id_document_expiry" TEXT NOT NULL,
        "notes" TEXT NOT NULL, "status" TEXT NOT NULL, "family" TEXT NOT NULL,
        "segment" TEXT NOT NULL, "price_code" TEXT NOT NULL, "tax_zone" TEXT NOT NULL,
        "excluded_from_promotions" INTEGER NOT NULL, "export_sale" INTEGER NOT NULL,
        "targeting" TEXT NOT NULL, "extra" TEXT NOT NULL, "consent_post" INTEGER NOT NULL,
        "consent_post_at" TEXT NOT NULL, "consent_email" INTEGER NOT NULL,
        "consent_email_at" TEXT NOT NULL, "consent_sms" INTEGER NOT NULL,
        "consent_sms_at" TEXT NOT NULL, "reconfirm" INTEGER NOT NULL, "active" INTEGER NOT NULL,
        "card_number" TEXT, "name_key" TEXT NOT NULL, "alt_key" TEXT NOT NULL,
        "company_key" TEXT NOT NULL, "email_key" TEXT NOT NULL, "phone_key" TEXT NOT NULL,
        "landline_key" TEXT NOT NULL, "created_at" TEXT NOT NULL, "updated_at" TEXT NOT NULL)""",
    'CREATE UNIQUE INDEX "customer_id" ON "customer" ("id")',
    'CREATE UNIQUE INDEX "customer_code" ON "customer" ("code")',
    'CREATE UNIQUE INDEX "customer_card_number" ON "customer" ("card_number")',
    'CREATE INDEX "customer_name_key" ON "customer" ("name_key")',
    'CREATE INDEX "customer_alt_key" ON "customer" ("alt_key")',
    'CREATE INDEX "customer_company_key" ON "customer" ("company_key")',
    'CREATE INDEX "customer_email_key" ON "customer" ("email_key")',
    'CREATE INDEX "customer_phone_key" ON "customer" ("phone_key")',
    'CREATE INDEX "customer_landline_key" ON "customer" ("landline_key")',
    """CREATE TABLE "customer_address" ("id" TEXT NOT NULL PRIMARY KEY,
        "customer_id" TEXT NOT NULL, "kind" TEXT NOT NULL, "line1" TEXT NOT NULL,
        "line2" TEXT NOT NULL, "line3" TEXT NOT NULL, "postcode" TEXT NOT NULL,
        "city" TEXT NOT NULL, "country" TEXT NOT NULL,
        FOREIGN KEY ("customer_id") REFERENCES "customer" ("id"))""",
    'CREATE INDEX "customer_address_customer_id" ON "customer_address" ("customer_id")',
    """CREATE TABLE "customer_external_code" ("customer_id" TEXT NOT NULL,
        "system" TEXT NOT NULL, "code" TEXT NOT NULL, PRIMARY KEY ("system", "code"),
        FOREIGN KEY ("customer_id") REFERENCES "customer" ("id"))""",
    """CREATE INDEX "customer_external_code_customer_id"
        ON "customer_external_code" ("customer_id")""",
    """CREATE TABLE "customer_list" ("list_name" TEXT NOT NULL, "value" TEXT NOT NULL,
        "position" INTEGER NOT NULL, PRIMARY KEY ("list_name", "value"))""",
    """CREATE TABLE "audit_log" ("id" TEXT NOT NULL PRIMARY KEY, "at" TEXT NOT NULL,
        "actor" TEXT NOT NULL, "entity" TEXT NOT NULL, "entity_id" TEXT NOT NULL,
        "action" TEXT NOT NULL, "field" TEXT NOT NULL, "old_value" TEXT NOT NULL,
        "new_value" TEXT NOT NULL)""",
    """CREATE INDEX "audit_log_entity_entity_id_at"
        ON "audit_log" ("entity", "entity_id", "at")""",
    # Contentless: the words live in the customer row; deleting needs the old words back.
    """CREATE VIRTUAL TABLE "customer_fts" USING fts5(body, content='',
        tokenize='unicode61 remove_diacritics 2', prefix='2 3')""",
    'ALTER TABLE "sale" ADD COLUMN "customer_id" TEXT',
    'ALTER TABLE "sale" ADD COLUMN "store" TEXT NOT NULL DEFAULT \'\'',
    'CREATE INDEX "sale_customer_id_created_at" ON "sale" ("customer_id", "created_at")',
]

DEFAULT_LISTS = {
    "segment": ["Regular", "VIP", "Wholesale", "Corporate"],
    "status": ["Customer", "Prospect"],
    "family": ["Local", "Tourist", "Staff"],
    "tax_zone": ["Domestic", "EU", "Export"],
}


def up(database) -> None:
    for statement in STATEMENTS:
        database.execute_sql(statement)
    for statement in append_only("audit_log"):
        database.execute_sql(statement)
    for list_name, values in DEFAULT_LISTS.items():
        for position, value in enumerate(values):
            database.execute_sql(
                'INSERT INTO "customer_list" VALUES (?, ?, ?)', (list_name, value, position)
            )
