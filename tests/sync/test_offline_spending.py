"""Two tills, one real server: both spend the same points offline, then sync. The overdraft is
kept (the server's balance goes below zero), listed by ``till server overdrafts`` and shown on
both tills' Loyalty tab; a till that has not synced spends at most what the customer had at
its last sync less what it spent since, whatever its own balance would allow."""

from __future__ import annotations

import json
import socket
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from click.testing import CliRunner

from storage import accounts, catalog, loyalty, sales
from storage.customers import create_customer
from storage.models import database as till_database
from sync.server import ledgers
from tests.sync.sync_till import stock
from till.account_service import AccountService
from till.app import make_app
from till.cli import cli
from till.config import LoyaltySettings, PrinterSettings, Settings, SyncSettings
from till.core.loyalty import LoyaltyProgram
from till.core.money import MoneyFormat
from till.core.sale import Cart, PaymentMethod, SaleCustomer
from till.loyalty_service import LoyaltyService
from till.messages import Scanned
from till.screens.customer_view import CustomerViewScreen
from till.screens.payment import PaymentScreen

from ..conftest import PRODUCTS

VIN = PRODUCTS[3][0]  # 7.90
NO_EARNING = LoyaltyProgram(points_per_unit=0, threshold=100)
AN_HOUR_LATER = 3600


def now() -> str:
    return datetime.now(UTC).isoformat()


def _settings(till, tmp_path: Path, sync_url: str = "") -> Settings:
    return Settings(
        printer=PrinterSettings(url=f"file://{tmp_path / (till.name + '.escpos')}", width=42),
        loyalty=LoyaltySettings(threshold=100, offline_cap=500),
        sync=SyncSettings(url=sync_url, token=till.token, offline_after=300),
    ).with_database(till.path)


def _stale(service: LoyaltyService) -> LoyaltyService:
    """The same till an hour after its last sync, with no sync since."""
    service.standing.clock = lambda: time.time() + AN_HOUR_LATER
    return service


def _spend_points_offline(till, tmp_path: Path, customer: SaleCustomer, points: int) -> None:
    """A sale of one bottle, ``points`` of it off for points, the rest by card, on a till
    that has not synced for an hour: its cap allows the spend."""
    till.use()
    settings = _settings(till, tmp_path, sync_url="http://127.0.0.1:9")
    service = _stale(LoyaltyService(settings, MoneyFormat("EUR", "fr_FR"), "Ann"))
    assert service.standing.offline()
    assert service.spend_limit(customer.id).amount >= points
    cart = Cart(customer=customer)
    cart.add(catalog.lookup(VIN), 1)
    cart.discount_for_points(points)
    cart.pay(PaymentMethod.CARD, cart.remaining)
    sales.record_sale(
        cart, till_no=till.till_no, seller="Ann", currency="EUR", loyalty_program=NO_EARNING
    )


def _customer_with_points(north, south, points: int) -> SaleCustomer:
    """A customer made on the north till with a card and ``points``, synced to both tills."""
    customer_id = north.new_customer("Martin")
    north.use()
    loyalty.issue_card(customer_id, actor="test", till_no=north.till_no)
    if points:
        loyalty.adjust_points(customer_id, points, "welcome", actor="manager")
    north.sync()
    south.sync()
    south.use()
    assert loyalty.balance(customer_id) == points
    return SaleCustomer(customer_id, "", "MARTIN", enrolled=True)


async def _tab_text(app, tab: str = "loyalty", shown: str = "#customer-loyalty") -> str:
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f2", *"martin", "f4")
        view = pilot.app.screen
        assert isinstance(view, CustomerViewScreen)
        view.query_one("#customer-tabs").active = f"tab-{tab}"
        await pilot.pause()
        return str(view.query_one(shown).render()).replace("\xa0", " ").replace("\u202f", " ")


async def test_points_spent_twice_offline_are_an_overdraft_listed_and_shown_on_both_tills(
    server, make_till, tmp_path
):
    north, south = make_till("north", 1), make_till("south", 2)
    stock(north)
    stock(south)
    customer = _customer_with_points(north, south, 400)

    # Both tills offline: each spends 300 of the same 400 points, within its cap.
    _spend_points_offline(north, tmp_path, customer, 300)
    _spend_points_offline(south, tmp_path, customer, 300)
    north.sync()
    south.sync()
    north.sync()  # the north till pulls the south till's spend

    # Kept as the tills made it: the union of entries, below zero on the server and on both.
    assert ledgers.ledger_balance("loyalty_entry", customer.id) == -200
    for till in (north, south):
        till.use()
        assert loyalty.balance(customer.id) == -200

    listed = CliRunner().invoke(cli, ["server", "overdrafts", "--db", server.db_url, "--json"])
    assert listed.exit_code == 0, listed.output
    [overdraft] = json.loads(listed.stdout)
    assert (overdraft["customer_id"], overdraft["name"]) == (customer.id, "MARTIN")
    assert (overdraft["ledger"], overdraft["balance"]) == ("loyalty_entry", -200)
    assert overdraft["code"].startswith("C01-")
    # The spend that took the balance below zero: the south till's, the later one.
    assert [(e["till"], e["value"]) for e in overdraft["entries"]] == [("south", -300)]
    text = CliRunner().invoke(cli, ["server", "overdrafts", "--db", server.db_url])
    assert text.exit_code == 0, text.output
    assert f"{overdraft['code']}  MARTIN  points: -200 points" in text.stdout
    assert "  -300 points by till south at " in text.stdout

    for till in (north, south):
        till.use()
        app = make_app(_settings(till, tmp_path))
        shown = await _tab_text(app)
        assert "Overdrawn by 200 points after tills synced" in shown
        assert "Balance:" not in shown  # not shown as a balance
        assert "No points can be spent until it is paid off" in shown
        assert app.register.loyalty.spend_limit(customer.id).amount == 0


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def test_a_stale_till_refuses_a_spend_its_balance_would_allow(server, make_till, tmp_path):
    north, south = make_till("north", 1), make_till("south", 2)
    stock(north)
    customer = _customer_with_points(north, south, 400)
    north.use()
    loyalty.adjust_points(customer.id, 300, "goodwill", actor="manager")  # not synced: 700 here

    # The server is out of reach and the last sync an hour ago.
    settings = _settings(north, tmp_path, sync_url=f"http://127.0.0.1:{_closed_port()}")
    app = make_app(replace(settings, sync=replace(settings.sync, interval=3600)))
    _stale(app.register.loyalty)
    online = LoyaltyService(settings, MoneyFormat("EUR", "fr_FR"), "Ann")
    assert not online.standing.offline()  # the last sync was moments ago
    assert online.spend_limit(customer.id).amount == 700  # what the balance allows

    async with app.run_test(size=(80, 24)) as pilot:
        pilot.app.screen.post_message(Scanned(VIN))
        await pilot.pause()
        await pilot.press("f2", *"martin", "enter", "f10")
        assert isinstance(app.screen, PaymentScreen)
        offer = str(app.screen.query_one("#points-offer").render())
        assert "400 points, worth 4,00" in offer
        assert "at most 400 points can be spent until the till syncs." in offer
        await pilot.press("ctrl+a", "ctrl+k", *"5", "f4")  # 5.00: 500 of the 700 points
        refusal = str(app.screen.query_one("#payment-message").render())
        assert refusal.startswith("Offline since ")
        assert refusal.endswith(": at most 400 points can be spent until the till syncs.")
        assert app.screen.cart.payments == []
        await pilot.press("escape")
    assert loyalty.balance(customer.id) == 700  # nothing spent


async def test_money_held_spent_twice_offline_is_an_account_overdraft(server, make_till, tmp_path):
    north, south = make_till("north", 1), make_till("south", 2)
    stock(north)
    stock(south)
    customer = _customer_with_points(north, south, 0)
    north.use()
    accounts.deposit(customer.id, 1000, "cash", actor="test")  # 10.00 held for the customer
    north.sync()
    south.sync()

    for till in (north, south):  # each pays 7.90 of the same 10.00 on account, offline
        till.use()
        service = AccountService(_settings(till, tmp_path, "http://127.0.0.1:9"), "Ann")
        service.standing.clock = lambda: time.time() + AN_HOUR_LATER
        assert service.spend_limit(customer).amount == 1000
        cart = Cart(customer=customer)
        cart.add(catalog.lookup(VIN), 1)
        cart.pay(PaymentMethod.ACCOUNT, 790)
        sales.record_sale(cart, till_no=till.till_no, seller="Ann", currency="EUR")
        assert service.spend_limit(customer).amount == 210  # what is left for this till
    north.sync()
    south.sync()
    north.sync()

    assert ledgers.ledger_balance("account_entry", customer.id) == -580
    listed = CliRunner().invoke(cli, ["server", "overdrafts", "--db", server.db_url, "--json"])
    [overdraft] = json.loads(listed.stdout)
    assert (overdraft["ledger"], overdraft["balance"]) == ("account_entry", -580)
    assert [(e["till"], e["value"]) for e in overdraft["entries"]] == [("south", -790)]

    for till in (north, south):
        till.use()
        app = make_app(_settings(till, tmp_path))
        shown = await _tab_text(app, "account", "#customer-account")
        assert "Owes 5,80 €" in shown
        assert "Overdrawn by 5,80 € after tills synced" in shown
        assert "Nothing can be paid on account until it is paid off" in shown
        assert app.register.accounts.available(customer) == 0


def test_a_business_account_is_overdrawn_only_beyond_its_credit_limit(server, make_till, tmp_path):
    north, south = make_till("north", 1), make_till("south", 2)
    north.use()
    business = create_customer(
        {"kind": "business", "last_name": "Durand", "company": "Durand SARL"},
        actor="test",
        till_no=1,
        region="FR",
    ).id
    north.sync()
    south.sync()
    for till in (north, south):  # each till lets it owe 7.50 of a 10.00 credit limit
        till.use()
        with till_database.atomic():
            accounts.add_entry(business, "sale", -750, actor=f"till {till.till_no}", at=now())
        till.sync()

    def listed(limit: int) -> str:
        config = tmp_path / f"limit{limit}.toml"
        config.write_text(f"[accounts]\ncredit_limit = {limit}\n")
        args = ["--config", str(config), "server", "overdrafts", "--db", server.db_url]
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 0, result.output
        return result.stdout

    shown = listed(10)  # owes 15.00: 5.00 beyond the limit
    assert "Durand SARL (DURAND)  account: -15,00" in shown.replace("\xa0", " ")
    assert "by till south at " in shown and "(sale)" in shown
    assert listed(15) == (
        "No overdrafts: every customer's points and account are at or above zero.\n"
    )


def test_points_offered_online_are_checked_again_when_the_sale_is_saved(
    server, make_till, tmp_path
):
    """The payment screen offered 700 points while the till was online; by the time the sale
    is saved, the till has gone an hour without syncing: the save refuses the 500 points its
    cap no longer allows, saves nothing, and says why."""
    import pytest

    from till.errors import InvalidSale
    from till.register import Register

    north, south = make_till("north", 1), make_till("south", 2)
    stock(north)
    customer = _customer_with_points(north, south, 400)
    north.use()
    loyalty.adjust_points(customer.id, 300, "goodwill", actor="manager")  # not synced: 700 here
    settings = _settings(north, tmp_path, sync_url=f"http://127.0.0.1:{_closed_port()}")
    register = Register(settings)
    try:
        assert register.loyalty.spend_limit(customer.id).amount == 700  # online: offered
        cart = Cart(customer=customer)
        cart.add(catalog.lookup(VIN), 1)
        cart.discount_for_points(500)
        cart.pay(PaymentMethod.CARD, cart.remaining)
        _stale(register.loyalty)  # an hour passes before the sale is saved
        with pytest.raises(InvalidSale, match="at most 400 points can be spent until the till"):
            register.record(cart)
    finally:
        register.close()
    assert loyalty.balance(customer.id) == 700  # nothing spent
    assert sales.sale_count() == 0
