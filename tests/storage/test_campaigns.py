"""Campaigns and coupons on a real database (storage/campaigns.py, till/campaign_service.py)."""

import csv
from datetime import UTC, date, datetime

import pytest

from storage import campaigns, catalog, returns, sales
from storage.customer_merge import merge_customers
from storage.customers import create_customer
from storage.models import database
from till.campaign_service import CampaignService
from till.core.coupons import Offer
from till.core.people import Role, Session, acting_as
from till.core.sale import Cart, PaymentMethod, SaleCustomer
from till.errors import InvalidSale, TillError

from ..conftest import PRODUCTS
from .test_remote_sales import apply, payload

MANAGER = Session(acting_as("Max", Role.MANAGER))
TODAY = date(2026, 12, 10)
NOON = datetime(2026, 12, 10, 12, tzinfo=UTC)


def _customer(name: str, **fields) -> str:
    return create_customer({"last_name": name, **fields}, actor="t", till_no=1, region="FR").id


FIVE_OFF = Offer("amount", 500)


def _campaign(ids, *, offer=FIVE_OFF, channel="email", name="Noel"):
    return CampaignService(MANAGER).create(
        name,
        segment="vip",
        channel=channel,
        starts=date(2026, 12, 1),
        ends=date(2026, 12, 24),
        offer=offer,
        customer_ids=ids,
    )


def _sell(customer_id: str, name: str, coupon=None, at=None) -> object:
    cart = Cart(customer=SaleCustomer(customer_id, "C", name))
    cart.add(catalog.lookup(PRODUCTS[3][0]))  # 7.90
    if coupon is not None:
        cart.take_coupon(coupon)
    cart.pay(PaymentMethod.CASH, cart.total)
    at = at or datetime(2026, 12, 10, 10, tzinfo=UTC)  # within the campaign
    return sales.record_sale(cart, till_no=1, seller="Ann", currency="EUR", now=at)


def test_recipients_exclude_everyone_without_the_channels_consent(stocked_db):
    yes = _customer("YES", consent_email=True)
    sms_only = _customer("SMS", consent_sms=True)
    nothing = _customer("NONE")
    gone = _customer("GONE", consent_email=True)
    database.execute_sql("UPDATE customer SET active = 0 WHERE id = ?", (gone,))
    made = _campaign([yes, sms_only, nothing, gone])
    assert (made.recipients, made.without_consent) == (1, 3)
    rows = database.execute_sql("SELECT customer_id, consent_at FROM campaign_recipient")
    [(who, consent_at)] = list(rows)
    assert who == yes
    kept = database.execute_sql("SELECT consent_email_at FROM customer WHERE id = ?", (yes,))
    assert consent_at == kept.fetchone()[0] != ""
    by_sms = _campaign([yes, sms_only, nothing], channel="sms", name="SMS")
    assert by_sms.recipients == 1


def test_a_coupon_is_refused_the_second_time_and_its_campaign_counted(stocked_db):
    ann = _customer("ANN", consent_email=True)
    made = _campaign([ann])
    [code] = [r[0] for r in database.execute_sql("SELECT coupon_code FROM campaign_recipient")]
    till = CampaignService(Session(acting_as("Ann")))
    customer = SaleCustomer(ann, "C", "ANN Ann")
    applied = till.check(code, customer, TODAY)
    sale = _sell(ann, "ANN", applied)
    assert sale.total == 790 - 500
    assert sale.lines[0].note == "coupon:Noel"
    with pytest.raises(TillError, match="already used"):
        till.check(code, customer, TODAY)
    with pytest.raises(InvalidSale, match=r"^Coupon \S+ was already used\.$"):  # the index
        _sell(ann, "ANN", applied)  # a sale parked with it: refused as the rules refuse
    assert database.execute_sql("SELECT COUNT(*) FROM sale").fetchone()[0] == 1
    assert campaigns.results(made.campaign).coupons_used == 1
    [received] = till.received(ann)
    assert received.campaign == "Noel" and received.used_at == sale.created_at


def test_a_coupon_parked_overnight_is_checked_again_when_the_sale_is_saved(stocked_db):
    ann = _customer("ANN", consent_email=True)
    _campaign([ann])  # valid 1 to 24 December
    [code] = [r[0] for r in database.execute_sql("SELECT coupon_code FROM campaign_recipient")]
    applied = CampaignService(Session(acting_as("Ann"))).check(
        code, SaleCustomer(ann, "C", "ANN"), date(2026, 12, 24)
    )
    late = datetime(2026, 12, 25, 12, tzinfo=UTC)  # parked on the 24th, paid the next day
    with pytest.raises(InvalidSale, match=f"^Coupon {code} expired on 2026-12-24\\.$"):
        _sell(ann, "ANN", applied, at=late)
    early = datetime(2026, 11, 30, 12, tzinfo=UTC)
    with pytest.raises(InvalidSale, match="is valid from 2026-12-01"):
        _sell(ann, "ANN", applied, at=early)
    assert database.execute_sql("SELECT COUNT(*) FROM coupon_redemption").fetchone()[0] == 0
    assert _sell(ann, "ANN", applied, at=datetime(2026, 12, 24, 12, tzinfo=UTC)).total == 290


def test_a_coupon_is_valid_at_most_to_the_end_of_the_second_year_after_the_start(stocked_db):
    ann = _customer("ANN", consent_email=True)
    start = date(2026, 12, 1)

    def make(name: str, until: date):
        return CampaignService(MANAGER).create(
            name, segment="vip", channel="email", starts=start, ends=start, offer=FIVE_OFF,
            valid_until=until, customer_ids=[ann],
        )  # fmt: skip

    assert make("Long", date(2028, 12, 31)).campaign.valid_until == "2028-12-31"
    for until in (date(2029, 1, 1), date(2026, 11, 30)):
        with pytest.raises(TillError, match="first day to 2028-12-31 at the latest"):
            make("Longer", until)


def test_offering_a_waiting_coupon_needs_a_user_who_sells(stocked_db):
    ann = _customer("ANN", consent_email=True)
    _campaign([ann])
    with pytest.raises(TillError):
        CampaignService(Session(acting_as("Guest", Role.VIEWER))).waiting(ann, TODAY)


def test_a_coupon_is_personal_and_holds_only_while_valid(stocked_db):
    ann, bob = _customer("ANN", consent_email=True), _customer("BOB", consent_email=True)
    _campaign([ann, bob])
    code = database.execute_sql(
        "SELECT coupon_code FROM campaign_recipient WHERE customer_id = ?", (ann,)
    ).fetchone()[0]
    till = CampaignService(Session(acting_as("Ann")))
    with pytest.raises(TillError, match="ANN's: attach that customer"):
        till.check(code, SaleCustomer(bob, "B", "BOB"), TODAY)
    with pytest.raises(TillError, match="expired on 2026-12-24"):
        till.check(code, SaleCustomer(ann, "A", "ANN"), date(2026, 12, 25))
    with pytest.raises(TillError, match="mistyped"):
        till.check(code[:-1] + ("0" if code[-1] != "0" else "1"), None, TODAY)
    assert till.waiting(ann, TODAY).code == code
    assert till.waiting(ann, date(2026, 12, 25)) is None


def test_results_against_a_hand_count(stocked_db):
    ann, bob = _customer("ANN", consent_email=True), _customer("BOB", consent_email=True)
    stranger = _customer("EVE")
    made = _campaign([ann, bob, stranger])  # 24 days: 1 to 24 December
    at = lambda d: datetime(2026, *d, 10, tzinfo=UTC)  # noqa: E731
    _sell(ann, "ANN", at=at((12, 3)))  # during: 790
    _sell(bob, "BOB", at=at((12, 24)))  # during, last day: 790
    _sell(ann, "ANN", at=at((11, 20)))  # the 24 days before (7 Nov - 30 Nov): 790
    _sell(bob, "BOB", at=at((11, 6)))  # before that: not counted
    _sell(stranger, "EVE", at=at((12, 5)))  # not a recipient
    sold = _sell(bob, "BOB", at=at((12, 6)))  # during: 790, then refunded: -790
    returns.record_return(sold.receipt_code, {1: 1}, PaymentMethod.CASH, till_no=1,
                          seller="Ann", currency="EUR", now=at((12, 7)))  # fmt: skip
    twin = _customer("ANNE")  # Ann's duplicate, merged into her after a sale on another till
    apply(
        payload(bob, 7, "2026-12-08T12:00:00+01:00", total=1200),  # during: 1200
        payload(twin, 8, "2026-12-09T12:00:00+01:00", total=300),  # during: 300
        payload(bob, 9, "2026-12-10T12:00:00+01:00", total=-200),  # a refund there: -200
        payload(stranger, 10, "2026-12-10T12:00:00+01:00", total=5000),  # not a recipient
    )
    merge_customers(ann, twin, actor="t", approved_by="Boss")
    figures = campaigns.results(made.campaign)
    assert (figures.recipients, figures.coupons_used, figures.days) == (2, 0, 24)
    assert (figures.spent_during, figures.spent_before) == (1580 + 1200 + 300 - 200, 790)


def test_export_writes_each_recipient_with_a_coupon_and_no_formula(stocked_db, tmp_path):
    evil = _customer("=HYPERLINK(1)", consent_email=True, email="a@example.com")
    plain = _customer("PLAIN", consent_email=True, first_name="+33 Jo")
    withdrawn = _customer("WITHDRAWN", consent_email=True)
    asleep, away = _customer("ASLEEP", consent_email=True), _customer("AWAY", consent_email=True)
    _campaign([evil, plain, withdrawn, asleep, away])
    database.execute_sql("UPDATE customer SET consent_email = 0 WHERE id = ?", (withdrawn,))
    database.execute_sql("UPDATE customer SET active = 0 WHERE id = ?", (asleep,))
    merge_customers(plain, away, actor="t", approved_by="Boss")  # mailed once, as PLAIN
    path = tmp_path / "noel.csv"
    assert CampaignService(MANAGER).export("Noel", path) == 2  # not who withdrew, left, merged
    with path.open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    assert {row["name"] for row in rows} == {"'=HYPERLINK(1)", "PLAIN +33 Jo"}
    codes = {row["coupon_code"] for row in rows}
    kept = database.execute_sql(
        "SELECT coupon_code FROM campaign_recipient WHERE customer_id IN (?, ?)", (evil, plain)
    )
    assert codes == {code for (code,) in kept}
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row.values())
    assert [row["email"] for row in rows] == ["a@example.com", ""]


def test_only_a_manager_makes_or_exports_a_campaign(stocked_db, tmp_path):
    cashier = CampaignService(Session(acting_as("Ann")))
    with pytest.raises(TillError, match="create and export campaigns"):
        cashier.create("X", segment="s", channel="sms", starts=TODAY, ends=TODAY, customer_ids=[])
    with pytest.raises(TillError, match="create and export campaigns"):
        cashier.export("X", tmp_path / "x.csv")


def test_a_bonus_points_coupon_credits_the_points_with_the_sale(stocked_db):
    ann = _customer("ANN", consent_email=True)
    _campaign([ann], offer=Offer("points", 200))
    code = database.execute_sql("SELECT coupon_code FROM campaign_recipient").fetchone()[0]
    till = CampaignService(Session(acting_as("Ann")))
    with pytest.raises(TillError, match="needs a loyalty card"):
        till.check(code, SaleCustomer(ann, "C", "ANN"), TODAY)
    card_holder = SaleCustomer(ann, "C", "ANN", enrolled=True)
    cart = Cart(customer=card_holder)
    cart.add(catalog.lookup(PRODUCTS[3][0]))
    cart.take_coupon(till.check(code, card_holder, TODAY))
    cart.pay(PaymentMethod.CASH, cart.total)
    sale = sales.record_sale(cart, till_no=1, seller="Ann", currency="EUR", now=NOON)
    assert sale.total == 790
    rows = database.execute_sql("SELECT kind, points, reason, sale_id FROM loyalty_entry")
    assert rows.fetchall() == [("earn", 200, "coupon:Noel", sale.id)]


def test_a_coupon_follows_its_customer_into_a_merge(stocked_db):
    from storage.customer_merge import merge_customers

    kept, away = _customer("ANN", consent_email=True), _customer("ANNE", consent_email=True)
    _campaign([away])
    code = database.execute_sql("SELECT coupon_code FROM campaign_recipient").fetchone()[0]
    merge_customers(kept, away, actor="t", approved_by="Boss")
    till = CampaignService(Session(acting_as("Ann")))
    assert till.waiting(kept, TODAY).code == code
    assert till.check(code, SaleCustomer(kept, "K", "ANN"), TODAY).customer_id == kept
    assert [r.campaign for r in till.received(kept)] == ["Noel"]


def test_another_till_s_campaign_under_the_same_name_is_kept_and_its_coupon_works(stocked_db):
    from storage import remote_campaigns
    from till.core.coupons import new_code

    ann, bob = _customer("ANN", consent_email=True), _customer("BOB", consent_email=True)
    _campaign([ann])
    ours = campaigns.campaign_named("Noel").id
    theirs, code = "0f0f0f0f-0000-4000-8000-000000000002", new_code()
    entry = {
        "id": theirs,
        "name": "Noel",
        "segment": "vip",
        "channel": "email",
        "starts": "2026-12-01",
        "ends": "2026-12-24",
        "offer_kind": "amount",
        "offer_value": 300,
        "valid_until": "2026-12-31",
        "created_by": "till 2 (Zoe)",
        "at": "2099-01-01T00:00:00+00:00",  # made after ours
    }
    recipient = {"campaign_id": theirs, "customer_id": bob, "consent_at": "x", "coupon_code": code}
    with database.atomic():
        cursor = database.cursor()
        assert remote_campaigns.apply_campaign("campaign", "create", entry, cursor)
        assert remote_campaigns.apply_recipient("campaign_recipient", "create", recipient, cursor)
    assert campaigns.campaign_named("Noel").id == ours  # the name names the first made
    taken = CampaignService(Session(acting_as("Ann"))).check(
        code, SaleCustomer(bob, "B", "BOB"), TODAY
    )
    assert taken.code == code


def test_a_coupon_another_till_used_and_this_one_pulled_since_refuses_the_sale(stocked_db):
    ann = _customer("ANN", consent_email=True)
    _campaign([ann])
    [(code, campaign_id)] = database.execute_sql(
        "SELECT coupon_code, campaign_id FROM campaign_recipient"
    ).fetchall()
    applied = CampaignService(Session(acting_as("Ann"))).check(
        code, SaleCustomer(ann, "C", "ANN Ann"), TODAY
    )
    elsewhere = {
        "id": "0f0f0f0f-0000-4000-8000-000000000003",
        "code": code,
        "campaign_id": campaign_id,
        "customer_id": ann,
        "sale_id": "0f0f0f0f-0000-4000-8000-000000000004",
        "till": "02",
        "at": "2026-12-10T09:00:00+00:00",
    }
    with database.atomic():  # pulled while the sale was open
        assert campaigns.insert_redemption(elsewhere, database.cursor(), from_feed=True)
    with pytest.raises(InvalidSale, match=r"^Coupon \S+ was already used\.$"):
        _sell(ann, "ANN", applied)
    assert database.execute_sql("SELECT COUNT(*) FROM sale").fetchone()[0] == 0
