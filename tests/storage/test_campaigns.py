"""Campaigns and coupons on a real database (storage/campaigns.py, till/campaign_service.py)."""

import csv
from datetime import UTC, date, datetime

import pytest

from storage import campaigns, catalog, sales
from storage.customers import create_customer
from storage.models import database
from till.campaign_service import CampaignService
from till.core.coupons import Offer
from till.core.people import Role, Session, acting_as
from till.core.sale import Cart, PaymentMethod, SaleCustomer
from till.errors import TillError

from ..conftest import PRODUCTS

MANAGER = Session(acting_as("Max", Role.MANAGER))
TODAY = date(2026, 12, 10)


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
    with pytest.raises(TillError, match="already used"):  # even past the check: the index
        _sell(ann, "ANN", applied)
    assert database.execute_sql("SELECT COUNT(*) FROM sale").fetchone()[0] == 1
    assert campaigns.results(made.campaign).coupons_used == 1
    [received] = till.received(ann)
    assert received.campaign == "Noel" and received.used_at == sale.created_at


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
    figures = campaigns.results(made.campaign)
    assert (figures.recipients, figures.coupons_used, figures.days) == (2, 0, 24)
    assert (figures.spent_during, figures.spent_before) == (1580, 790)


def test_export_writes_each_recipient_with_a_coupon_and_no_formula(stocked_db, tmp_path):
    evil = _customer("=HYPERLINK(1)", consent_email=True, email="a@example.com")
    plain = _customer("PLAIN", consent_email=True, first_name="+33 Jo")
    withdrawn = _customer("WITHDRAWN", consent_email=True)
    _campaign([evil, plain, withdrawn])
    database.execute_sql("UPDATE customer SET consent_email = 0 WHERE id = ?", (withdrawn,))
    path = tmp_path / "noel.csv"
    assert CampaignService(MANAGER).export("Noel", path) == 2  # not who withdrew since
    with path.open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    assert {row["name"] for row in rows} == {"'=HYPERLINK(1)", "PLAIN +33 Jo"}
    codes = {row["coupon_code"] for row in rows}
    kept = database.execute_sql(
        "SELECT coupon_code FROM campaign_recipient WHERE customer_id IN (?, ?)", (evil, plain)
    )
    assert codes == {code for (code,) in kept}
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row.values())
    assert rows[0]["email"] in ("a@example.com", "")


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
    sale = sales.record_sale(cart, till_no=1, seller="Ann", currency="EUR")
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
