"""A subscription card sold at a cashier's pace on the Linux console: the customer attached,
the card scanned and paid, then the next sale of theirs discounted and saying why."""

from __future__ import annotations

from storage import catalog, subscriptions
from storage.db import close_database, open_database
from till.config import Settings
from till.core.subscriptions import DurationUnit, Plan

from .conftest import WINE, Shop, ean13
from .steps import pay_exact_in_cash, scan
from .terminal import ENTER, F2

GOLD = (ean13("376012345009"), "Carte Gold", "30.00", "20")


def _sell_gold_cards(shop: Shop) -> None:
    open_database(shop.database)
    try:
        code, name, price, vat = GOLD
        rows, errors = catalog.parse_product_csv(
            f"barcode,name,price,vat,discountable\n{code},{name},{price},{vat},no\n",
            Settings().vat.rates,
        )
        assert errors == []
        catalog.import_products(rows)
        product_id = catalog.lookup(code).product_id
        subscriptions.save_plan(Plan(product_id, "Gold", 12, DurationUnit.MONTHS, 1000))
    finally:
        close_database()


def test_a_card_sold_to_the_attached_customer_discounts_their_next_sale(shop, start_register):
    _sell_gold_cards(shop)
    till = start_register(term="linux")
    till.send(GOLD[0], ENTER)  # no customer yet: refused as scanned, said plainly
    till.wait_for("Gold is a subscription: attach its customer first.")
    till.type(F2, "Durand", ENTER, gap_ms=(60, 140))
    till.wait_for("DURAND Claire attached.")
    scan(till, GOLD)
    pay_exact_in_cash(till)
    till.wait_for("Gold until")  # the card sold, said with the sale
    (sale,) = shop.sales()
    (card,) = shop.rows("SELECT * FROM subscription_entry")
    assert (card["kind"], card["plan_name"], card["sale_id"]) == ("start", "Gold", sale["id"])
    till.type(F2, "Durand", ENTER, gap_ms=(60, 140))
    till.wait_for("DURAND Claire attached.")
    scan(till, WINE)
    till.wait_for("Subscription Gold 10")
    assert "TOTAL 7,11" in till.text(), till.text()
