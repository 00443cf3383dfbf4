"""Customer accounts at the register: deposits on the Account tab, sales paid on account."""

from dataclasses import replace

import pytest

from storage import accounts, customers, sales
from storage.models import database
from till.app import make_app
from till.config import AccountSettings
from till.core.sale import PaymentMethod
from till.screens.account import DepositScreen
from till.screens.customer_view import CustomerViewScreen
from till.screens.payment import PaymentScreen

from ..conftest import PRODUCTS
from ..escpos_decoder import decode
from .conftest import error_notifications, message, scan

VIN, CAFE = PRODUCTS[3][0], PRODUCTS[1][0]  # 7.90 and 3.85


@pytest.fixture
def zoe(settings):
    return customers.create_customer(
        {"last_name": "Martin", "first_name": "Zoé", "email": "zoe@example.fr"},
        actor="setup",
        till_no=1,
        region="FR",
    )


@pytest.fixture
def firm(settings):
    return customers.create_customer(
        {
            "last_name": "Durand",
            "kind": "business",
            "company": "Durand SARL",
            "email": "compta@durand.example",
        },
        actor="setup",
        till_no=1,
        region="FR",
    )


async def open_account_tab(pilot, name: str) -> CustomerViewScreen:
    await pilot.press("f2", *name, "f4")
    view = pilot.app.screen
    assert isinstance(view, CustomerViewScreen)
    view.query_one("#customer-tabs").active = "tab-account"
    await pilot.pause()
    return view


def text_of(screen, selector: str) -> str:
    """What a widget shows, with the locale's no-break spaces as plain ones."""
    return plain(str(screen.query_one(selector).render()))


def plain(text: str) -> str:
    return text.replace("\xa0", " ").replace("\u202f", " ")


def offer(app) -> str:
    return text_of(app.screen, "#account-offer")


async def save_sale(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_deposit_then_a_sale_paid_on_account(app, zoe, printer_file):
    async with app.run_test(size=(80, 24)) as pilot:
        view = await open_account_tab(pilot, "martin")
        assert "No account movements" in text_of(view, "#customer-account")
        await pilot.press("f3")
        assert isinstance(app.screen, DepositScreen)
        await pilot.press(*"20,00", "f2")  # cash
        await save_sale(pilot)  # the drawer opens in a worker
        assert app.screen is view
        assert "Credit 20,00 €" in text_of(view, "#customer-account")
        assert "Deposit of 20,00 € by cash. Credit 20,00 €." in text_of(view, "#customer-message")
        assert view.query_one("#customer-account-moves").row_count == 1
        await pilot.press("escape", "escape")  # the file, then the search

        await scan(pilot, VIN)
        await scan(pilot, CAFE)  # 11.75
        await pilot.press("f2", *"martin", "enter", "f10")
        assert "F5: pay on account: 20,00 € available" in offer(app)
        await pilot.press("f5")  # the whole 11.75: less than the account holds
        await save_sale(pilot)
        assert "Sale 01-000001 saved" in plain(message(app))
        assert error_notifications(app) == []
    sale = sales.get_sale("01-000001")
    assert [(p.method, p.amount) for p in sale.payments] == [(PaymentMethod.ACCOUNT, 1175)]
    assert accounts.balance(zoe.id) == 825
    moves = accounts.movements(zoe.id)
    assert [(m.kind, m.amount, m.receipt_code) for m in moves] == [
        ("sale", -1175, "01-000001"),
        ("deposit", 2000, ""),
    ]
    rows = database.execute_sql(
        "SELECT kind, sale_id FROM account_entry WHERE customer_id = ? ORDER BY created_at",
        (zoe.id,),
    ).fetchall()
    assert rows == [("deposit", None), ("sale", sale.id)]
    printed = decode(printer_file.read_bytes())
    assert printed.drawer_kicks  # the cash deposit opened the drawer
    receipt = printed.text.split("Receipt 01-000001")[1]
    assert "Account" in receipt and "11,75 €" in receipt
    assert "Cash" not in receipt


async def test_part_on_account_the_rest_in_cash(app, zoe):
    accounts.deposit(zoe.id, 500, "card", actor="setup")
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, VIN)
        await pilot.press("f2", *"martin", "enter", "f10")
        assert "5,00 € available" in offer(app)
        await pilot.press("f5")  # 7.90 due: more than the account holds
        assert "at most 5,00 €" in text_of(app.screen, "#payment-message")
        assert app.screen.cart.payments == []
        await pilot.press("ctrl+a", "ctrl+k", *"4", "ctrl+p")  # the typed 4.00, by Ctrl+P
        assert [(p.method, p.amount) for p in app.screen.cart.payments] == [
            (PaymentMethod.ACCOUNT, 400)
        ]
        assert "1,00 € available" in offer(app)
        await pilot.press("escape", "f10")  # reopened: what is already paid is counted
        assert "1,00 € available" in offer(app)
        await pilot.press("enter")  # the 3.90 left, in cash
        await save_sale(pilot)
    sale = sales.get_sale("01-000001")
    assert [(p.method, p.amount) for p in sale.payments] == [
        (PaymentMethod.ACCOUNT, 400),
        (PaymentMethod.CASH, 390),
    ]
    assert accounts.balance(zoe.id) == 100


async def test_the_account_is_offered_only_when_it_can_pay(app, zoe):
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, VIN)
        await pilot.press("f10")  # walk-in: no account
        assert offer(app) == ""
        await pilot.press("f5")
        assert app.screen.cart.payments == []
        await pilot.press("escape", "f2", *"martin", "enter", "f10")  # an empty account
        assert isinstance(app.screen, PaymentScreen)
        assert offer(app) == ""
        assert "Account" not in " ".join(str(k.render()) for k in app.screen.query("FooterKey"))
        await pilot.press("f5")
        assert app.screen.cart.payments == []


async def test_a_sale_the_account_no_longer_covers_is_not_saved(app, zoe):
    accounts.deposit(zoe.id, 1000, "cash", actor="setup")
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, VIN)
        await pilot.press("f2", *"martin", "enter", "f10")
        assert "10,00 € available" in offer(app)
        # meanwhile another till spends most of the account
        accounts.add_entry(zoe.id, "sale", -800, actor="till 2", at="2099-01-01T00:00:00+00:00")
        await pilot.press("f5")
        await save_sale(pilot)
        assert "NOT saved" in message(app) and "does not cover" in message(app)
        assert "Take the payment again" in message(app)
        assert app.screen.cart.payments == []  # not stuck: the cashier takes payment again
        await pilot.press("f10", "f3")  # by card this time
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert [p.method for p in sales.last_sale(1).payments] == [PaymentMethod.CARD]
    assert accounts.balance(zoe.id) == 200


async def test_a_business_customer_pays_on_account_within_the_credit_limit(
    settings, firm, printer_file
):
    app = make_app(replace(settings, accounts=AccountSettings(credit_limit=20)))
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(2):
            await scan(pilot, VIN)  # 15.80
        await pilot.press("f2", *"durand", "enter", "f10")
        assert "F5: pay on account: 20,00 € available (limit 20,00 €)" in offer(app)
        await pilot.press("f5")
        await save_sale(pilot)
        assert "Sale 01-000001 saved" in plain(message(app))

        await scan(pilot, VIN)  # 7.90: only 4.20 of credit is left
        await pilot.press("f2", *"durand", "enter", "f10")
        assert "4,20 € available" in offer(app)
        await pilot.press("f5")
        assert "at most 4,20 €" in text_of(app.screen, "#payment-message")
        await pilot.press("escape", "f9", "y")

        view = await open_account_tab(pilot, "durand")
        account = text_of(view, "#customer-account")
        assert "Owes 15,80 €" in account
        assert "Credit limit 20,00 €: the account can pay 4,20 €" in account
    assert accounts.balance(firm.id) == -1580
    assert "Account" in decode(printer_file.read_bytes()).text


async def test_an_individual_gets_no_credit(settings, zoe):
    app = make_app(replace(settings, accounts=AccountSettings(credit_limit=20)))
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, VIN)
        await pilot.press("f2", *"martin", "enter", "f10")
        assert offer(app) == ""
        await pilot.press("f5")
        assert app.screen.cart.payments == []


async def test_a_bad_deposit_is_refused_at_its_field(app, zoe):
    async with app.run_test(size=(80, 24)) as pilot:
        view = await open_account_tab(pilot, "martin")
        await pilot.press("f3", "f3")  # nothing typed
        error = app.screen.query_one("#deposit-error")
        assert error.display and "Type an amount" in str(error.render())
        await pilot.press(*"0", "ctrl+b")
        assert "more than zero" in str(error.render())
        await pilot.press(*"1,234", "f2")  # 01,234: three decimals
        assert "more than 2 decimals" in str(error.render())
        await pilot.press("enter")  # Enter alone never picks cash or card
        assert isinstance(app.screen, DepositScreen)
        await pilot.press("escape")
        assert app.screen is view
        assert view.query_one("#customer-account-moves").row_count == 0
    assert accounts.balance(zoe.id) == 0


async def test_a_card_deposit_pays_off_what_is_owed(app, zoe, printer_file):
    accounts.add_entry(zoe.id, "sale", -3000, actor="till 2", at="2025-01-01T00:00:00+00:00")
    async with app.run_test(size=(80, 24)) as pilot:
        view = await open_account_tab(pilot, "martin")
        assert "Owes 30,00 €" in text_of(view, "#customer-account")
        await pilot.press("f3")
        assert "Owes 30,00 €" in text_of(app.screen, "#deposit-balance")
        await pilot.press(*"30", "ctrl+b")  # card
        await save_sale(pilot)
        assert "Balance 0,00 €" in text_of(view, "#customer-account")
        moves = view.query_one("#customer-account-moves")
        assert moves.row_count == 2
        assert "paid by card" in " ".join(str(cell) for cell in moves.get_row_at(0))
    assert accounts.balance(zoe.id) == 0
    assert accounts.movements(zoe.id)[0].reason == "deposit:card"  # a code, worded where shown
    assert not printer_file.exists()  # no drawer for a card


async def test_the_deposit_key_is_shown_only_on_the_account_tab(app, zoe):
    async with app.run_test(size=(80, 24)) as pilot:
        view = await open_account_tab(pilot, "martin")
        tabs = view.query_one("#customer-tabs")
        for tab in ("tab-main", "tab-addresses", "tab-loyalty", "tab-account"):
            tabs.active = tab
            await pilot.pause()
            keys = list(view.query("FooterKey"))
            shown = " ".join(str(k.render()) for k in keys)
            assert ("Deposit" in shown) == (tab == "tab-account"), tab
            assert max(key.region.right for key in keys) <= 80, tab
        tabs.active = "tab-main"
        await pilot.pause()
        await pilot.press("f3")  # not the Account tab: no deposit
        assert app.screen is view
