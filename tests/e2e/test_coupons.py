"""A coupon typed by hand at the real register, at a cashier's pace, in lower case with the
dashes people add: taken once, the sale saved with it (docs/campaigns.md)."""

from __future__ import annotations

from datetime import date, timedelta

from storage.db import close_database, open_database
from storage.models import database
from till.campaign_service import CampaignService
from till.core.coupons import Offer
from till.core.people import Role, Session, acting_as

from .conftest import WINE, Shop
from .steps import SCAN_ERRORS, pay_exact_in_cash, scan
from .terminal import ENTER, F2


def _campaign(shop: Shop) -> str:
    open_database(shop.database)
    try:
        database.execute_sql("UPDATE customer SET consent_email = 1 WHERE last_name = 'Durand'")
        [durand] = [
            r[0] for r in database.execute_sql("SELECT id FROM customer WHERE last_name = 'Durand'")
        ]
        CampaignService(Session(acting_as("Max", Role.MANAGER))).create(
            "Noel",
            segment="vip",
            channel="email",
            starts=date.today(),
            ends=date.today() + timedelta(days=7),
            offer=Offer("amount", 500),
            customer_ids=[durand],
        )
        return database.execute_sql("SELECT coupon_code FROM campaign_recipient").fetchone()[0]
    finally:
        close_database()


def test_a_coupon_typed_at_cashier_speed_is_taken_once(shop, start_register):
    code = _campaign(shop)
    till = start_register()
    scan(till, WINE)
    till.send(F2, "Durand", ENTER)
    assert till.wait_for("DURAND Claire attached.", timeout=10), till.text()
    typed = f"{code[:3]}-{code[3:8]}-{code[8:]}".lower()
    till.type(typed, ENTER, gap_ms=(60, 140))
    assert till.wait_for("Coupon Noel taken", *SCAN_ERRORS, "mistyped") == "Coupon Noel taken"
    pay_exact_in_cash(till)
    [sale] = shop.sales()
    assert sale["total"] == 290
    [use] = shop.rows("SELECT code, sale_id FROM coupon_redemption")
    assert (use["code"], use["sale_id"]) == (code, sale["id"])
