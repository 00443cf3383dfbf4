"""What a stale till may spend, on a real database: its own entries the server has not
confirmed (outbox rows above ``pushed_up_to``), returns included; and the services' limits."""

from __future__ import annotations

import time
from dataclasses import replace

from peewee import fn

from storage import (
    accounts,
    catalog,
    customers,
    loyalty,
    offline_balance,
    outbox,
    returns,
    sales,
    sync_state,
)
from storage.models import Outbox, database
from till.account_service import AccountService
from till.config import LoyaltySettings, Settings, SyncSettings
from till.core.loyalty import LoyaltyProgram
from till.core.money import MoneyFormat
from till.core.sale import Cart, PaymentMethod, SaleCustomer
from till.loyalty_service import LoyaltyService

from ..conftest import PRODUCTS

VIN = PRODUCTS[3][0]  # 7.90
PROGRAM = LoyaltyProgram(points_per_unit=1, threshold=0)


def _confirm_everything() -> None:
    """The server confirmed every row so far: a sync just happened."""
    outbox.acknowledge(Outbox.select(fn.MAX(Outbox.seq)).scalar() or 0)


def _customer() -> SaleCustomer:
    record = customers.create_customer({"last_name": "Lee"}, actor="t", till_no=1, region="FR")
    loyalty.issue_card(record.id, actor="t", till_no=1)
    return SaleCustomer(record.id, record.code, "LEE", enrolled=True)


def _sell(customer: SaleCustomer, *, points_off: int = 0, on_account: int = 0):
    cart = Cart(customer=customer)
    cart.add(catalog.lookup(VIN), 2)
    if points_off:
        cart.discount_for_points(points_off)
    if on_account:
        cart.pay(PaymentMethod.ACCOUNT, on_account)
    if cart.remaining:
        cart.pay(PaymentMethod.CARD, cart.remaining)
    return sales.record_sale(cart, till_no=1, seller="A", currency="EUR", loyalty_program=PROGRAM)


def _return(receipt: str, method: PaymentMethod = PaymentMethod.CASH):
    return returns.record_return(
        receipt,
        {1: 2},
        method,
        till_no=1,
        seller="A",
        currency="EUR",
        approved_by="Boss",
        loyalty_program=PROGRAM,
    )


def _held(customer_id: str) -> int:
    balance = loyalty.balance(customer_id)
    return offline_balance.held_since_sync("loyalty_entry", customer_id, balance)


def test_points_earned_since_the_sync_wait_and_spends_count(stocked_db):
    customer = _customer()
    loyalty.adjust_points(customer.id, 500, "welcome", actor="Boss")
    assert _held(customer.id) == 0  # the 500 are not on the server yet
    _confirm_everything()
    assert _held(customer.id) == 500

    _sell(customer, points_off=300)  # spends 300, earns 12 on the 12.80 paid by card
    assert loyalty.balance(customer.id) == 212
    assert _held(customer.id) == 200  # 500 at the sync, 300 spent here since

    _confirm_everything()  # pushed and confirmed: the 12 earned count now
    assert _held(customer.id) == 212


def test_a_return_of_a_sale_since_the_sync_undoes_it(stocked_db):
    customer = _customer()
    loyalty.adjust_points(customer.id, 500, "welcome", actor="Boss")
    _confirm_everything()
    sale = _sell(customer, points_off=300)
    _return(sale.receipt_code)  # gives the 300 back, takes the 12 back
    assert loyalty.balance(customer.id) == 500
    assert _held(customer.id) == 500


def test_a_return_of_a_sale_the_server_has_gives_back_only_after_the_sync(stocked_db):
    customer = _customer()
    loyalty.adjust_points(customer.id, 500, "welcome", actor="Boss")
    sale = _sell(customer, points_off=300)
    _confirm_everything()  # 212 at the sync
    _return(sale.receipt_code)  # +300 given back, -12 taken back
    assert loyalty.balance(customer.id) == 500
    assert _held(customer.id) == 200  # the 12 taken back are spent; the 300 wait for the sync


def test_only_this_customers_and_this_ledgers_rows_count(stocked_db):
    customer, other = _customer(), _customer()
    loyalty.adjust_points(other.id, 900, "welcome", actor="Boss")
    accounts.deposit(customer.id, 5000, "cash", actor="t")
    assert _held(customer.id) == 0
    assert offline_balance.held_since_sync("account_entry", customer.id, 5000) == 0


def test_a_credit_note_for_a_sale_on_account_since_the_sync_is_spendable(stocked_db):
    customer = _customer()
    accounts.deposit(customer.id, 5000, "cash", actor="t")
    _confirm_everything()
    sale = _sell(customer, on_account=1580)
    held = offline_balance.held_since_sync
    assert held("account_entry", customer.id, accounts.balance(customer.id)) == 5000 - 1580
    _return(sale.receipt_code, PaymentMethod.ACCOUNT)  # the whole 15.80 as a credit note
    assert accounts.balance(customer.id) == 5000
    assert held("account_entry", customer.id, 5000) == 5000


# --- the services: online, stale, and a till without a server ------------------------------

SYNCED = 1_000_000


def _settings(db_path, url: str = "http://127.0.0.1:1") -> Settings:
    return replace(
        Settings(),
        loyalty=LoyaltySettings(threshold=100, offline_cap=400),
        sync=SyncSettings(url=url, offline_after=300),
    ).with_database(db_path)


def _loyalty(settings: Settings, now: float) -> LoyaltyService:
    service = LoyaltyService(settings, MoneyFormat("EUR", "fr_FR"), "Ann")
    service.standing.clock = lambda: now
    return service


def _stale_customer_with(points_at_sync: int, spent_since: int) -> SaleCustomer:
    customer = _customer()
    loyalty.adjust_points(customer.id, points_at_sync, "welcome", actor="Boss")
    _confirm_everything()
    sync_state.mark_synced(SYNCED)
    if spent_since:
        _sell(customer, points_off=spent_since)
    return customer


def test_a_stale_till_spends_the_synced_balance_less_its_spends(stocked_db):
    customer = _stale_customer_with(900, 200)  # 713 now: 900 - 200 + 13 earned on 13.80
    settings = _settings(stocked_db)
    fresh = _loyalty(settings, SYNCED + 300).spend_limit(customer.id)
    assert (fresh.amount, fresh.note) == (713, "")
    stale = _loyalty(settings, SYNCED + 301).spend_limit(customer.id)
    assert stale.amount == 400  # the offline cap is the tighter limit here
    assert stale.note.endswith(": at most 400 points can be spent until the till syncs.")
    assert stale.note.startswith("Offline since ")


def test_the_sync_cap_binds_below_the_offline_cap(stocked_db):
    customer = _stale_customer_with(550, 200)  # 363 now; 350 held at the sync less spent
    limit = _loyalty(_settings(stocked_db), SYNCED + 3600).spend_limit(customer.id)
    assert limit.amount == 350
    assert "at most 350 points can be spent until the till syncs" in limit.note


def test_a_till_without_a_server_spends_the_whole_balance(stocked_db):
    customer = _stale_customer_with(900, 0)
    limit = _loyalty(_settings(stocked_db, url=""), time.time()).spend_limit(customer.id)
    assert (limit.amount, limit.note) == (900, "")


def test_never_synced_says_so(stocked_db):
    customer = _customer()
    loyalty.adjust_points(customer.id, 900, "welcome", actor="Boss")
    limit = _loyalty(_settings(stocked_db), time.time()).spend_limit(customer.id)
    assert limit.amount == 0
    assert limit.note == "Not synced yet: at most 0 points can be spent until the till syncs."


def test_a_stale_till_pays_on_account_at_most_the_money_held_at_the_sync(stocked_db):
    customer = _customer()
    accounts.deposit(customer.id, 3000, "cash", actor="t")
    _confirm_everything()
    sync_state.mark_synced(SYNCED)
    accounts.deposit(customer.id, 2000, "card", actor="t")  # not on the server yet
    _sell(customer, on_account=1000)
    service = AccountService(_settings(stocked_db), "Ann", MoneyFormat("EUR", "fr_FR"))
    service.standing.clock = lambda: SYNCED + 60
    assert service.spend_limit(customer).amount == 4000  # online: the balance
    service.standing.clock = lambda: SYNCED + 600
    stale = service.spend_limit(customer)
    assert stale.amount == 2000  # 30.00 at the sync, 10.00 paid on account since
    assert "the account can pay at most 20,00" in stale.note
    assert service.available(customer) == 2000


def test_the_cap_reads_the_customers_entries_not_every_waiting_change(stocked_db):
    """A till offline for days has thousands of outbox rows: the cap looks up the customer's
    own entries (their index) and each one's outbox row (m0017), never scans the outbox."""
    for ledger in ("loyalty_entry", "account_entry"):
        query = "EXPLAIN QUERY PLAN " + offline_balance.unconfirmed_sql(ledger)
        plan = " | ".join(row[3] for row in database.execute_sql(query, ("c", 0)))
        assert f"USING INDEX outbox_{ledger}" in plan, plan
        assert "SCAN" not in plan, plan
