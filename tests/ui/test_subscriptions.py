"""Subscription cards on screen: the cashier told when the attached customer's card ends, the
customer file showing the card, its end and its history (the sale itself, at a cashier's pace
in a real terminal: tests/e2e/test_subscriptions.py)."""

from datetime import date, timedelta

import pytest

from storage import catalog, customers, subscriptions
from storage.models import database
from till.app import make_app
from till.core.subscriptions import DurationUnit, Plan

from ..conftest import PRODUCTS
from ..test_subscriptions import GOLD_CODE as GOLD
from ..test_subscriptions import stock_gold_card
from .conftest import message

VIN = PRODUCTS[3][0]


@pytest.fixture
def shop(settings):
    stock_gold_card()
    subscriptions.save_plan(
        Plan(catalog.lookup(GOLD).product_id, "Gold", 12, DurationUnit.MONTHS, 1000)
    )
    return settings


def _status(app) -> str:
    return str(app.screen.query_one("#sale-customer").render())


async def test_the_cashier_is_told_when_the_card_ends_soon(shop):
    zoe = customers.create_customer({"last_name": "Vidal"}, actor="t", till_no=1, region="FR")
    plan = Plan(catalog.lookup(VIN).product_id, "Gold", 30, DurationUnit.DAYS, 1000)
    with database.atomic():  # 30 days bought 26 days ago: the last is in three days
        subscriptions.activate(
            [subscriptions.Purchase(plan, 1)],
            customer_id=zoe.id,
            sale_id=None,
            today=date.today() - timedelta(days=26),
            till_no=1,
            actor="t",
        )
    app = make_app(shop)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f2", *"vidal", "enter")
        assert "Gold ends on" in message(app) and "in 3 days" in message(app)
        assert "Gold: 3 d" in _status(app)
        assert app.screen.query_one("#sale-customer").has_class("warning")


async def test_the_customer_file_shows_the_card_its_end_and_its_history(shop):
    zoe = customers.create_customer({"last_name": "Vidal"}, actor="t", till_no=1, region="FR")
    plan = subscriptions.plans()[0]
    with database.atomic():  # bought once in 2024 (ended), then renewed this year
        for day in (date(2024, 1, 10), date.today()):
            subscriptions.activate(
                [subscriptions.Purchase(plan, 1)],
                customer_id=zoe.id,
                sale_id=None,
                today=day,
                till_no=1,
                actor="t",
            )
    app = make_app(shop)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f2", *"vidal", "f4")
        view = app.screen
        assert "Gold until" in str(view.query_one("#customer-figures").render())
        view.query_one("#customer-tabs").active = "tab-loyalty"
        await pilot.pause()
        text = str(view.query_one("#customer-loyalty").render())
        assert "Subscription: Gold until" in text
        assert text.count("Gold 10\xa0% on everything") == 2
        app.save_screenshot("/tmp/sub_loyalty.svg")
