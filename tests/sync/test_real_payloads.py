"""What the till's outbox really writes passes the protocol's checks: every kind of change,
made by the storage functions the register calls. A payload the server would refuse would
block that till's push for good, so the two must never drift apart."""

from __future__ import annotations

from datetime import UTC, datetime

from storage import accounts, catalog, customer_privacy, customers, loyalty, outbox, returns, sales
from storage.customer_merge import merge_customers
from sync.payloads import CHECKERS, MASTER_DATA
from sync.protocol import PushBatch
from till.core.customer import Address, Customer
from till.core.loyalty import LoyaltyProgram
from till.core.pricing import NO_TERMS, PriceTerms
from till.core.sale import Cart, PaymentMethod, ReceiptHeader, SaleCustomer

from ..conftest import PRODUCTS
from .test_invoice_sync import issue_directly

PROGRAM = LoyaltyProgram(points_per_unit=1, threshold=0)


def _make_every_kind_of_change() -> None:
    record = customers.create_customer(
        {
            "kind": "business",
            "last_name": "Ødegård",
            "first_name": "Zoé",
            "company": "Boulangerie [bold]du Coin[/]",
            "email": "zoe@example.org",
            "mobile": "06 12 34 56 78",
            "city": "Paris",
            "country": "FR",
            "notes": "Allergic to nuts.\nPrefers mornings.",
            "targeting": "vip, wine",
            "extra": {"shoe size": "42"},
            "external_codes": {"erp": "E-1"},
            "consent_email": True,
        },
        actor="Ann",
        till_no=1,
        region="FR",
    )
    customers.update_customer(record.id, {"first_name": "Zoe"}, actor="Ann", region="FR")
    customers.set_active(record.id, False, actor="Ann")
    customers.set_active(record.id, True, actor="Ann")
    loyalty.issue_card(record.id, actor="Ann", till_no=1)
    loyalty.adjust_points(record.id, 50, "goodwill", actor="Boss")
    accounts.deposit(record.id, 20_000, "cash", actor="Ann")
    address = customers.save_address(
        record.id, Address(kind="delivery", line1="1 rue Neuve", city="Lyon"), actor="Ann"
    )
    customers.remove_address(record.id, address.id, actor="Ann")
    gone = customers.create_customer({"last_name": "Brief"}, actor="Ann", till_no=1, region="FR")
    customers.delete_customer(gone.id, actor="Ann")
    twin = customers.create_customer(
        {"last_name": "Ødegård", "landline": "01 23 45 67 89", "address1": "2 rue Haute"},
        actor="Ann",
        till_no=1,
        region="FR",
    )
    loyalty.issue_card(twin.id, actor="Ann", till_no=1)
    merge_customers(record.id, twin.id, actor="Ann", approved_by="Boss")  # a duplicate

    _sell_every_way(record)
    _subscribe_then_refund(record)
    _campaign_with_a_coupon_used(record)
    # erases the payloads above that name them: they must still pass, as they are sent
    customer_privacy.anonymise(record.id, actor="Ann", approved_by="Boss")


def _campaign_with_a_coupon_used(record: Customer) -> None:
    """A campaign, its recipient and their coupon used on a sale (storage/campaigns.py)."""
    from datetime import date, timedelta

    from storage.models import database
    from till.campaign_service import CampaignService
    from till.core.coupons import Offer
    from till.core.people import Role, Session, acting_as

    today = date.today()
    CampaignService(Session(acting_as("Boss", Role.MANAGER))).create(
        "Noël", segment="vip", channel="email", starts=today, ends=today + timedelta(days=3),
        offer=Offer("percent", 1000), customer_ids=[record.id],
    )  # fmt: skip
    code = database.execute_sql("SELECT coupon_code FROM campaign_recipient").fetchone()[0]
    customer = SaleCustomer(record.id, record.code, "Zoé")
    cart = Cart(customer=customer)
    cart.add(catalog.lookup(PRODUCTS[0][0]))
    cart.take_coupon(CampaignService(Session(acting_as("Ann"))).check(code, customer, today))
    cart.pay(PaymentMethod.CASH, cart.total)
    sales.record_sale(cart, till_no=1, seller="Ann", currency="EUR")


def _subscribe_then_refund(record: Customer) -> None:
    """A subscription card bought, renewed, then one cancelled (storage/subscriptions.py)."""
    from datetime import date

    from storage import subscriptions
    from till.core.subscriptions import DurationUnit, Plan

    plan = Plan("p-club", "Club des vins", 3, DurationUnit.MONTHS, 1_500, ("Cave", "Épicerie"))
    made = subscriptions.activate(
        [subscriptions.Purchase(plan, 2)],
        customer_id=record.id,
        sale_id=None,
        today=date(2026, 12, 2),
        till_no=1,
        actor="Ann",
    )
    subscriptions.cancel(made[-1], record.id, None, till_no=1, actor="Ann", at=made[-1].created_at)


def _sell_every_way(record: Customer) -> None:
    """Sales of every kind the register makes, and refunds of them: their sums must add up."""
    codes = [product[0] for product in PRODUCTS]
    header = ReceiptHeader("Test Shop", ("1 Main Street",), "FR123", ("Thank you!",))

    def sell(terms: PriceTerms | None, business: bool, lines, payments):
        customer = None
        if terms is not None:
            customer = SaleCustomer(
                record.id, record.code, "ODEGARD", enrolled=True, business=business, terms=terms
            )
        cart = Cart(customer=customer)
        for code, quantity in lines:
            cart.add(catalog.lookup(code), quantity)
        for method, tendered in payments:
            cart.pay(method, tendered or cart.remaining)
        return sales.record_sale(
            cart,
            till_no=1,
            seller="Ann",
            currency="EUR",
            loyalty_program=PROGRAM,
            account_credit=100_000,
            header=header,
            now=datetime.now(UTC),
        )

    cash = sell(None, False, [(codes[0], 3), (codes[2], 1)], [(PaymentMethod.CASH, 2_000)])
    sell(NO_TERMS, True, [(codes[3], 2), (codes[1], 1)], [(PaymentMethod.CARD, 0)])
    sell(
        PriceTerms(tax_free=True), False, [(codes[3], 2), (codes[1], 1)], [(PaymentMethod.CARD, 0)]
    )
    mixed = sell(
        PriceTerms(discount_bp=1_250, discount_reason="VIP"),
        False,
        [(codes[3], 3), (codes[4], 1)],
        [(PaymentMethod.POINTS, 30), (PaymentMethod.ACCOUNT, 500), (PaymentMethod.CASH, 5_000)],
    )
    business = sell(
        PriceTerms(discount_bp=333, discount_reason="Trade"),
        True,
        [(codes[3], 7), (codes[1], 3), (codes[0], 1)],
        [(PaymentMethod.CARD, 0)],
    )
    for sale, lines, method in (
        (cash, {1: 1}, PaymentMethod.CASH),
        (mixed, {1: 1}, PaymentMethod.CASH),
        (mixed, {2: 1}, PaymentMethod.ACCOUNT),
        (business, {1: 2}, PaymentMethod.CARD),
    ):
        returns.record_return(
            sale.receipt_code,
            lines,
            method,
            till_no=1,
            seller="Ann",
            currency="EUR",
            approved_by="Boss",
            loyalty_program=PROGRAM,
        )
    issue_directly(business, record.id)


def test_every_change_the_outbox_writes_passes_the_protocol(stocked_db):
    _make_every_kind_of_change()
    rows = outbox.pending(1_000)
    changes = [
        {key: row[key] for key in ("seq", "entity", "entity_id", "operation", "payload")}
        for row in rows
    ]
    batch = PushBatch.from_json({"v": 1, "till": "north", "key": "k", "changes": changes})
    assert len(batch.changes) == len(rows)
    made = {(row["entity"], row["operation"]) for row in rows}
    # Every checker met a real payload, and nothing went unchecked (the catalog comes from
    # the back office, never from a till's outbox: tests/sync/test_catalog_sync.py).
    assert made == {key for key in CHECKERS if key[0] not in MASTER_DATA}
    sold = [row["payload"] for row in rows if row["entity"] == "sale"]
    assert len(sold) == 10 and sum(1 for sale in sold if sale.get("refund_of")) == 4
    assert any(sale.get("tax_free") for sale in sold)
    assert any(sale["prices_excl_tax"] for sale in sold)
