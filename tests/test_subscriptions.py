"""Subscription cards at the register: sold as an item to the attached customer, activated
with the sale, renewed, cancelled by a refund, applied while valid and printed."""

from datetime import date, timedelta

import pytest

from storage import catalog, outbox, subscriptions
from storage.models import database
from till.config import Settings
from till.core.people import NotPermitted, Role, acting_as
from till.core.sale import Cart, PaymentMethod
from till.core.subscriptions import DurationUnit, Plan
from till.errors import InvalidSale
from till.register import Register

from .conftest import PRODUCTS, ean13
from .escpos_decoder import decode

GOLD_CODE = ean13(900)
WINE = PRODUCTS[3][0]  # Vin rouge 7.90, category "" in the test catalog
BOSS = acting_as("boss", Role.MANAGER)


def stock_gold_card() -> None:
    """The card the tests sell: 30.00, never discounted itself."""
    rows, errors = catalog.parse_product_csv(
        f"barcode,name,price,vat,discountable\n{GOLD_CODE},Carte Gold,30.00,20,no\n",
        Settings().vat.rates,
    )
    assert errors == []
    catalog.import_products(rows)


@pytest.fixture
def register(settings):
    stock_gold_card()
    register = Register(settings)
    register.subscriptions.add_plan(
        Plan(GOLD_CODE, "Gold", 12, DurationUnit.MONTHS, 1000), approver=BOSS
    )
    yield register
    register.close()


@pytest.fixture
def zoe(register):
    return register.customers.create({"last_name": "Martin", "first_name": "Zoé"})


def _sell(register: Register, customer, *codes: str):
    cart = Cart()
    if customer is not None:
        register.attach(cart, register.customers.for_sale(customer))
    for code in codes:
        cart.add(catalog.lookup(code))
    cart.pay(PaymentMethod.CARD, cart.total)
    return register.record(cart)


def test_a_plan_sold_to_the_attached_customer_is_active_from_today_with_its_sale(register, zoe):
    sale = _sell(register, zoe, GOLD_CODE)
    (period,) = register.subscriptions.standing(zoe.id).periods
    today = date.today()
    assert (period.starts, period.sale_id, period.benefit.name) == (today, sale.id, "Gold")
    assert period.ends == today.replace(year=today.year + 1) - timedelta(days=1)
    entities = [change["entity"] for change in outbox.pending(1000)]
    assert "subscription_entry" in entities
    held = register.customers.personal_data(zoe.id)["customer"]["subscriptions"]
    assert [(e["kind"], e["plan_name"]) for e in held] == [("start", "Gold")]  # GDPR export
    wine = catalog.lookup(WINE)
    cart = Cart()
    register.attach(cart, register.customers.for_sale(zoe))
    cart.add(wine)
    assert (cart.total, cart.lines[0].price.note) == (711, "subscription:1000:Gold")


def test_the_benefit_holds_only_between_its_first_and_last_day(register, zoe):
    database.connect(reuse_if_open=True)
    plan = subscriptions.plans()[0]
    first = date(2026, 3, 1)
    with database.atomic():
        subscriptions.activate(
            [subscriptions.Purchase(plan, 1)],
            customer_id=zoe.id,
            sale_id=None,
            today=first,
            till_no=1,
            actor="t",
        )
    last = date(2027, 2, 28)

    def benefit_on(day: date):
        return register.customers.for_sale(zoe, today=day).terms.subscriptions

    assert benefit_on(first - timedelta(days=1)) == ()
    assert [b.name for b in benefit_on(first)] == ["Gold"]
    assert [b.name for b in benefit_on(last)] == ["Gold"]
    assert benefit_on(last + timedelta(days=1)) == ()


def test_renewing_early_extends_from_the_last_day_and_late_starts_that_day(register, zoe):
    plan = subscriptions.plans()[0]

    def buy(day: date):
        with database.atomic():
            (made,) = subscriptions.activate(
                [subscriptions.Purchase(plan, 1)],
                customer_id=zoe.id,
                sale_id=None,
                today=day,
                till_no=1,
                actor="t",
            )
        return made.starts, made.ends

    assert buy(date(2026, 1, 10)) == (date(2026, 1, 10), date(2027, 1, 9))
    assert buy(date(2026, 12, 1)) == (date(2027, 1, 10), date(2028, 1, 9))  # early
    assert buy(date(2028, 3, 1)) == (date(2028, 3, 1), date(2029, 2, 28))  # late
    kinds = database.execute_sql(
        "SELECT kind FROM subscription_entry ORDER BY created_at, starts"
    ).fetchall()
    assert [kind for (kind,) in kinds] == ["start", "renew", "renew"]


def test_a_plan_needs_a_customer_when_scanned_and_when_recorded(register, zoe):
    gold = catalog.lookup(GOLD_CODE)
    with pytest.raises(InvalidSale, match="attach its customer first"):
        register.subscriptions.check_item(gold, None)
    register.subscriptions.check_item(gold, register.customers.for_sale(zoe))
    register.subscriptions.check_item(catalog.lookup(WINE), None)  # any other item: fine
    with pytest.raises(InvalidSale, match="attach its customer first"):
        _sell(register, None, WINE, GOLD_CODE)
    assert register.last_sale() is None  # nothing recorded, the sale stays on screen


def test_refunding_the_plan_cancels_the_card(register, zoe):
    sale = _sell(register, zoe, GOLD_CODE, WINE)
    register.refund(sale.receipt_code, {2: 1}, PaymentMethod.CARD, approver=BOSS)  # the wine
    assert register.subscriptions.benefits(zoe.id, date.today())
    register.refund(sale.receipt_code, {1: 1}, PaymentMethod.CARD, approver=BOSS)  # the card
    (period,) = register.subscriptions.standing(zoe.id).periods
    assert period.cancelled
    assert register.subscriptions.benefits(zoe.id, date.today()) == ()
    assert register.customers.for_sale(zoe).terms.subscriptions == ()


def test_the_receipt_names_the_subscription_beside_the_line_it_discounts(
    register, zoe, printer_file
):
    _sell(register, zoe, GOLD_CODE)
    sale = _sell(register, zoe, WINE)
    register.printer.print_sale(sale)
    text = decode(printer_file.read_bytes()).text
    assert "Subscription Gold 10 %" in text
    assert "-0,79" in text


def test_only_a_manager_adds_a_plan(register):
    with pytest.raises(NotPermitted):
        register.subscriptions.add_plan(Plan(WINE, "Wine", 30, DurationUnit.DAYS, 500))
    assert [plan.name for plan in register.subscriptions.plans()] == ["Gold"]
