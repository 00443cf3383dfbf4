"""Two tills, one real server: a campaign made on one reaches the other; both take the same
coupon while offline (neither can know), and after sync the double use shows up on both tills'
results and in ``till server coupons-used-twice`` (docs/campaigns.md)."""

from __future__ import annotations

import json
from datetime import date, timedelta

from click.testing import CliRunner

from storage import campaigns, catalog, outbox, sales
from storage.models import database as till_database
from tests.sync.sync_till import stock
from till.campaign_service import CampaignService
from till.cli import cli
from till.core.coupons import Offer
from till.core.people import Role, Session, acting_as
from till.core.sale import Cart, PaymentMethod, SaleCustomer

from ..conftest import PRODUCTS

VIN = PRODUCTS[3][0]  # 7.90


def _sell_with_coupon(till, customer: SaleCustomer, code: str) -> None:
    till.use()
    service = CampaignService(Session(acting_as(till.name)))
    cart = Cart(customer=customer)
    cart.add(catalog.lookup(VIN))
    cart.take_coupon(service.check(code, customer, date.today()))
    cart.pay(PaymentMethod.CARD, cart.total)
    sales.record_sale(cart, till_no=till.till_no, seller=till.name, currency="EUR")


def test_a_coupon_taken_on_two_tills_offline_shows_up_after_sync(make_till, server):
    one, two = make_till("one", 1), make_till("two", 2)
    stock(one)
    stock(two)
    one.use()
    from storage.customers import create_customer

    zoe = create_customer(
        {"last_name": "Vidal", "consent_email": True}, actor="t", till_no=1, region="FR"
    )
    today = date.today()
    made = CampaignService(Session(acting_as("Max", Role.MANAGER))).create(
        "Noel",
        segment="vip",
        channel="email",
        starts=today,
        ends=today + timedelta(days=7),
        offer=Offer("amount", 500),
        customer_ids=[zoe.id],
    )
    code = till_database.execute_sql("SELECT coupon_code FROM campaign_recipient").fetchone()[0]
    CampaignService(Session(acting_as("Max", Role.MANAGER))).create(
        "News", segment="vip", channel="email", starts=today, ends=today,
        customer_ids=[zoe.id],
    )  # fmt: skip  # no offer: no coupon, no last day
    one.sync()
    two.sync()  # the campaigns, their recipients and the customer reach till two
    assert campaigns.campaign_named("News").offer is None
    customer = SaleCustomer(zoe.id, zoe.code, "VIDAL")
    _sell_with_coupon(two, customer, code)  # both offline from here: each takes it once
    _sell_with_coupon(one, customer, code)
    for till in (one, two, one):
        till.sync()
    for till in (one, two):
        till.use()
        figures = campaigns.results(campaigns.campaign_named("Noel"))
        assert (figures.coupons_used, figures.used_twice) == (1, 1), till.name
        assert figures.spent_during == 2 * (790 - 500), till.name  # the other till's too
        assert outbox.pending_count() == 0, till.name  # nothing refused, nothing stuck
        uses = till_database.execute_sql("SELECT till, from_feed FROM coupon_redemption")
        assert sorted(uses.fetchall()) == sorted(
            [("01", int(till is two)), ("02", int(till is one))]
        )
    listed = CliRunner().invoke(
        cli, ["server", "coupons-used-twice", "--db", server.db_url, "--json"]
    )
    assert listed.exit_code == 0, listed.output
    [twice] = json.loads(listed.output)
    assert twice["code"] == code and twice["customer_id"] == zoe.id
    assert sorted(use["till"] for use in twice["uses"]) == ["one", "two"]
    assert made.recipients == 1
