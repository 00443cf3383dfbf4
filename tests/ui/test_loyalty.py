"""The loyalty tab: cards, manager-approved adjustments, the balance slip."""

from dataclasses import replace

import pytest
from textual.widgets import Input

from storage import audit, customers, loyalty, sales
from till.app import make_app
from till.config import SecuritySettings
from till.core.pin import hash_pin
from till.core.sale import PaymentMethod
from till.screens.customer_view import CustomerViewScreen
from till.screens.manager import AdjustPointsScreen, ManagerPinScreen
from till.screens.payment import PaymentScreen

from ..escpos_decoder import decode
from .conftest import message, scan, settle


@pytest.fixture
def app(settings):
    return make_app(replace(settings, security=SecuritySettings(manager_pin=hash_pin("4821"))))


@pytest.fixture
def zoe(settings):
    return customers.create_customer(
        {"last_name": "Martin", "first_name": "Zoé", "email": "zoe@example.fr"},
        actor="setup",
        till_no=1,
        region="FR",
    )


async def open_loyalty_tab(pilot):
    await pilot.press("f2", *"martin", "f4")
    view = pilot.app.screen
    assert isinstance(view, CustomerViewScreen)
    view.query_one("#customer-tabs").active = "tab-loyalty"
    await pilot.pause()
    return view


def loyalty_text(view) -> str:
    return str(view.query_one("#customer-loyalty").render())


async def test_issue_then_replace_a_card(app, zoe):
    async with app.run_test(size=(80, 24)) as pilot:
        view = await open_loyalty_tab(pilot)
        assert "none (F3 issues one)" in loyalty_text(view)
        await pilot.press("f3")
        await pilot.app.workers.wait_for_complete()  # the write runs off the event loop
        await pilot.pause()
        first = customers.get_customer(zoe.id).card_number
        assert first and first in loyalty_text(view)
        await pilot.press("f3", "y")  # replace: the old card is blocked
        await pilot.app.workers.wait_for_complete()  # the write runs off the event loop
        await pilot.pause()
        second = customers.get_customer(zoe.id).card_number
        assert second != first and second in loyalty_text(view)
    with pytest.raises(loyalty.BlockedCard):
        loyalty.check_card(first)


async def test_adjusting_points_needs_the_manager_pin(app, zoe):
    async with app.run_test(size=(80, 24)) as pilot:
        view = await open_loyalty_tab(pilot)
        await pilot.press("f5")
        assert isinstance(app.screen, AdjustPointsScreen)
        await pilot.press(*"250", "enter", *"birthday gift", "enter")
        assert isinstance(app.screen, ManagerPinScreen)
        await pilot.press(*"1111", "enter")
        await settle(pilot)  # the PIN is checked off the event loop
        error = app.screen.query_one("#manager-error")
        assert error.display and "Wrong PIN" in str(error.render())
        assert loyalty.balance(zoe.id) == 0  # refused: nothing written
        await pilot.press("escape")
        assert "no manager approval" in str(view.query_one("#customer-message").render())
        assert loyalty.balance(zoe.id) == 0

        await pilot.press("f5", *"250", "enter", *"birthday gift", "enter", *"4821", "enter")
        await pilot.app.workers.wait_for_complete()  # the write runs off the event loop
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, CustomerViewScreen)
        assert "Balance: 250 points" in loyalty_text(view)
        assert view.query_one("#customer-points").row_count == 1
    assert loyalty.balance(zoe.id) == 250
    entry = loyalty.history(zoe.id)[0]
    assert (entry.kind, entry.points, entry.reason) == ("adjust", 250, "birthday gift")
    assert entry.actor == "till 1 (Till), approved by manager (PIN)"
    assert any(e.field == "points" for e in audit.history("customer", zoe.id))


async def test_an_adjustment_needs_a_number_and_a_reason(app, zoe):
    async with app.run_test(size=(80, 24)) as pilot:
        await open_loyalty_tab(pilot)
        await pilot.press("f5", "enter", "enter")
        assert "Type how many points" in str(app.screen.query_one("#adjust-error").render())
        app.screen.query_one("#adjust-points", Input).value = "-30"
        await pilot.press("f10")
        assert "Say why" in str(app.screen.query_one("#adjust-error").render())


async def test_the_balance_slip(app, zoe, printer_file):
    loyalty.issue_card(zoe.id, actor="t", till_no=1)
    loyalty.adjust_points(zoe.id, 180, "welcome", actor="manager")
    card = customers.get_customer(zoe.id).card_number
    async with app.run_test(size=(80, 24)) as pilot:
        await open_loyalty_tab(pilot)
        await pilot.press("f6")
        await app.workers.wait_for_complete()
    slip = decode(printer_file.read_bytes())
    assert "MARTIN Zoé" in slip.text
    assert "Balance: 180 points (1,80 €)" in slip.text
    assert slip.barcodes == [("CODE128", card)]


async def pay_with(pilot, *keys):
    await pilot.press("f10", *keys)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_earn_then_redeem_points_at_the_sale(app, zoe, printer_file):
    from ..conftest import PRODUCTS

    loyalty.issue_card(zoe.id, actor="t", till_no=1)  # enrolled

    vin, cafe = PRODUCTS[3][0], PRODUCTS[1][0]
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, cafe)
        await scan(pilot, cafe)
        await scan(pilot, vin)  # 2 x 3.85 + 7.90 = 15.60
        await pilot.press("f2", *"martin", "enter")
        await pay_with(pilot, "enter")
        assert "+15 points (15)" in message(app)
        assert loyalty.balance(zoe.id) == 15

        loyalty.adjust_points(zoe.id, 285, "gift", actor="manager")  # 300: above threshold
        await scan(pilot, vin)
        await pilot.press("f2", *"martin", "enter", "f10")
        assert "300 points, worth 3,00" in str(app.screen.query_one("#points-offer").render())
        await pilot.press("f4")  # the whole 7.90: more than the points are worth
        assert "at most 3,00" in str(app.screen.query_one("#payment-message").render())
        await pilot.press("ctrl+a", "ctrl+k", *"3", "f4", "enter")  # 3.00 in points, rest cash
        await app.workers.wait_for_complete()
        await pilot.pause()
    sale = sales.get_sale("01-000002")
    assert [(p.method, p.amount) for p in sale.payments] == [
        (PaymentMethod.POINTS, 300),
        (PaymentMethod.CASH, 490),
    ]
    assert (sale.points_spent, sale.points_earned, sale.points_balance) == (300, 4, 4)
    moves = [(m.kind, m.points, m.receipt_code) for m in loyalty.history(zoe.id)]
    assert sorted(moves[:2]) == [("earn", 4, "01-000002"), ("spend", -300, "01-000002")]
    assert loyalty.balance(zoe.id) == 4
    receipt = decode(printer_file.read_bytes()).text.split("Receipt 01-000002")[1]
    assert "Points used" in receipt and "300" in receipt
    assert "Points balance" in receipt


async def test_points_cannot_pay_below_the_threshold_and_walk_ins_earn_nothing(app, zoe):
    from ..conftest import PRODUCTS

    loyalty.issue_card(zoe.id, actor="t", till_no=1)
    loyalty.adjust_points(zoe.id, 50, "gift", actor="manager")
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, PRODUCTS[3][0])
        await pilot.press("f2", *"martin", "enter", "f10")
        offer = str(app.screen.query_one("#points-offer").render())
        assert "50 points: they can be spent from 100" in offer
        await pilot.press("f4")
        assert isinstance(app.screen, PaymentScreen)  # F4 does nothing: not offered
        assert app.screen.cart.payments == []
        await pilot.press("escape", "f9", "y")
        await scan(pilot, PRODUCTS[3][0])
        await pay_with(pilot, "enter")
    walk_in = sales.get_sale("01-000001")
    assert walk_in.customer is None and walk_in.points_balance is None
    assert loyalty.balance(zoe.id) == 50


async def test_customers_excluded_from_promotions_earn_nothing(app, zoe):
    from ..conftest import PRODUCTS

    customers.update_customer(
        zoe.id, {"excluded_from_promotions": True}, actor="office", region="FR"
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, PRODUCTS[3][0])
        await pilot.press("f2", *"martin", "enter")
        await pay_with(pilot, "enter")
    assert sales.get_sale("01-000001").points_earned == 0
    assert loyalty.balance(zoe.id) == 0


async def test_customers_without_a_card_are_not_enrolled(app, zoe):
    from ..conftest import PRODUCTS

    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, PRODUCTS[3][0])
        await pilot.press("f2", *"martin", "enter")
        await pay_with(pilot, "enter")
        assert "points" not in message(app)
    sale = sales.get_sale("01-000001")
    assert sale.customer.id == zoe.id and sale.points_balance is None
    assert loyalty.balance(zoe.id) == 0


async def test_a_card_scanned_on_another_screen_opens_its_holders_file(app, zoe):
    from till.messages import DeviceScanned
    from till.screens.customer_search import CustomerSearchScreen

    card = loyalty.issue_card(zoe.id, actor="t", till_no=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f2")  # the customer search has no scan path of its own
        assert isinstance(app.screen, CustomerSearchScreen)
        app.post_message(DeviceScanned(card, "loyalty", "Card reader"))
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, CustomerViewScreen)
        assert app.screen.customer_id == zoe.id
        app.post_message(DeviceScanned("2900000000000", "any", "Card reader"))  # nobody's
        await pilot.pause()
        assert app.screen.customer_id == zoe.id  # still there; the scan is refused aloud
        assert any("ignored here" in n.message for n in app._notifications)


async def test_points_as_a_discount_lower_the_vat_and_can_be_taken_back(app, zoe, printer_file):
    from ..conftest import PRODUCTS

    loyalty.issue_card(zoe.id, actor="t", till_no=1)
    loyalty.adjust_points(zoe.id, 500, "gift", actor="manager")
    vin = PRODUCTS[3][0]  # 7.90 at 20 %
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, vin)
        await pilot.press("f2", *"martin", "enter", "f10")
        await pilot.press("f6")  # all the points can buy: 5.00 off
        payment = app.screen
        assert "To pay  2,90" in str(payment.query_one("#due").render())
        await pilot.press("f6")  # changed her mind: the discount goes
        assert "To pay  7,90" in str(payment.query_one("#due").render())
        await pilot.press("ctrl+a", "ctrl+k", *"2", "f6")  # 2.00 off
        assert "To pay  5,90" in str(payment.query_one("#due").render())
        await pilot.press("f3")  # the rest by card
        await app.workers.wait_for_complete()
        await pilot.pause()
    sale = sales.get_sale("01-000001")
    assert sale.total == 590 and [(p.method, p.amount) for p in sale.payments] == [
        (PaymentMethod.CARD, 590)
    ]
    assert [(line.discount, line.note) for line in sale.lines] == [(200, "points")]
    assert [(v.rate_bp, v.vat) for v in sale.vat] == [(2000, 98)]  # VAT on 5.90, not 7.90
    assert sale.points_spent == 200 and loyalty.balance(zoe.id) == 500 - 200 + 5
    receipt = decode(printer_file.read_bytes()).text
    assert "Points" in receipt and "-2,00 €" in receipt


async def test_an_overdrawn_balance_says_so_on_the_loyalty_tab(app, zoe):
    loyalty.add_movement(zoe.id, "spend", -40, actor="till 2", at="2026-01-01T00:00:00+00:00")
    async with app.run_test(size=(80, 24)) as pilot:
        view = await open_loyalty_tab(pilot)
        assert "Overdrawn by 40 points" in loyalty_text(view)
