"""What the till's outbox really writes passes the protocol's checks: every kind of change,
made by the storage functions the register calls. A payload the server would refuse would
block that till's push for good, so the two must never drift apart."""

from __future__ import annotations

from datetime import UTC, datetime

from storage import accounts, catalog, customers, loyalty, outbox, returns, sales
from sync.payloads import CHECKERS
from sync.protocol import PushBatch
from till.core.customer import Address
from till.core.loyalty import LoyaltyProgram
from till.core.sale import Cart, PaymentMethod, ReceiptHeader, SaleCustomer

from ..conftest import PRODUCTS

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
    accounts.deposit(record.id, 2_000, "cash", actor="Ann")
    address = customers.save_address(
        record.id, Address(kind="delivery", line1="1 rue Neuve", city="Lyon"), actor="Ann"
    )
    customers.remove_address(record.id, address.id, actor="Ann")
    gone = customers.create_customer({"last_name": "Brief"}, actor="Ann", till_no=1, region="FR")
    customers.delete_customer(gone.id, actor="Ann")

    cart = Cart(customer=SaleCustomer(record.id, record.code, "ODEGARD", enrolled=True))
    cart.add(catalog.lookup(PRODUCTS[3][0]), 2)
    cart.add(catalog.lookup(PRODUCTS[4][0]))
    cart.pay(PaymentMethod.CARD, cart.total)
    header = ReceiptHeader("Test Shop", ("1 Main Street",), "FR123", ("Thank you!",))
    sale = sales.record_sale(
        cart,
        till_no=1,
        seller="Ann",
        currency="EUR",
        loyalty_program=PROGRAM,
        header=header,
        now=datetime.now(UTC),
    )
    returns.record_return(
        sale.receipt_code,
        {1: 1},
        PaymentMethod.CASH,
        till_no=1,
        seller="Ann",
        currency="EUR",
        approved_by="Boss",
        loyalty_program=PROGRAM,
    )


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
    assert made == set(CHECKERS)  # every checker met a real payload, and nothing went unchecked
    refund = next(row["payload"] for row in rows if row["payload"].get("refund_of"))
    assert refund["total"] < 0
