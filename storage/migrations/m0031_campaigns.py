"""Campaigns and their coupons (docs/campaigns.md): ``campaign`` (one row a campaign, its offer
bounded), ``campaign_recipient`` (who received it, their consent's date when it was made, their
coupon code) and ``coupon_redemption``, append-only: one row a coupon used on a sale. A coupon
is used once on a till (the unique index on this till's own redemptions); a use pulled from
another till is kept beside it, so a double use made offline shows up."""

APPEND_ONLY = "coupon redemptions are append-only"

STATEMENTS = [
    """CREATE TABLE "campaign" ("id" TEXT NOT NULL PRIMARY KEY, "name" TEXT NOT NULL,
        "segment" TEXT NOT NULL, "channel" TEXT NOT NULL, "starts" TEXT NOT NULL,
        "ends" TEXT NOT NULL, "offer_kind" TEXT NOT NULL, "offer_value" INTEGER NOT NULL,
        "valid_until" TEXT NOT NULL, "created_by" TEXT NOT NULL, "created_at" TEXT NOT NULL)""",
    'CREATE UNIQUE INDEX "campaign_name" ON "campaign" ("name")',
    """CREATE TABLE "campaign_recipient" ("campaign_id" TEXT NOT NULL,
        "customer_id" TEXT NOT NULL, "consent_at" TEXT NOT NULL, "coupon_code" TEXT,
        PRIMARY KEY ("campaign_id", "customer_id"))""",
    'CREATE INDEX "campaign_recipient_customer_id" ON "campaign_recipient" ("customer_id")',
    'CREATE UNIQUE INDEX "campaign_recipient_coupon_code" ON "campaign_recipient" ("coupon_code")',
    """CREATE TABLE "coupon_redemption" ("id" TEXT NOT NULL PRIMARY KEY,
        "code" TEXT NOT NULL, "campaign_id" TEXT NOT NULL, "customer_id" TEXT NOT NULL,
        "sale_id" TEXT NOT NULL, "till" TEXT NOT NULL, "at" TEXT NOT NULL,
        "from_feed" INTEGER NOT NULL)""",
    'CREATE INDEX "coupon_redemption_code" ON "coupon_redemption" ("code")',
    'CREATE INDEX "coupon_redemption_campaign_id" ON "coupon_redemption" ("campaign_id")',
    'CREATE UNIQUE INDEX "coupon_redemption_used_once" ON "coupon_redemption" ("code")'
    ' WHERE "from_feed" = 0',
    f"""CREATE TRIGGER "coupon_redemption_no_update" BEFORE UPDATE ON "coupon_redemption"
        BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END""",
    f"""CREATE TRIGGER "coupon_redemption_no_delete" BEFORE DELETE ON "coupon_redemption"
        BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END""",
]


def up(database) -> None:
    for statement in STATEMENTS:
        database.execute_sql(statement)
