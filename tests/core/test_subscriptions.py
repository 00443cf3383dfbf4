"""Subscription rules: the days a card covers, when its benefit holds, which lines it takes
off and how it meets the customer's own discount."""

from datetime import date

import pytest

from till.core.pricing import PriceTerms, price_line
from till.core.sale import Cart, Item, SaleCustomer, cart_document, cart_from_document
from till.core.subscriptions import (
    Benefit,
    DurationUnit,
    Period,
    Plan,
    Standing,
    check_plan,
    parse_duration,
    period_after,
    reminder,
)
from till.errors import InvalidSale

GOLD = Plan("p-gold", "Gold", 12, DurationUnit.MONTHS, 1000)
WINE_CLUB = Plan("p-wine", "Wine club", 30, DurationUnit.DAYS, 1500, ("Cave",))
WINE = Item("w", "1", "Vin", 1000, 2000, category="Cave")
BREAD = Item("b", "2", "Pain", 200, 550, category="Boulangerie")


def _standing(plan: Plan, starts: date, ends: date, cancelled: bool = False) -> Standing:
    benefit = Benefit(plan.name, plan.discount_bp, plan.categories)
    return Standing((Period("e1", plan.product_id, benefit, starts, ends, cancelled=cancelled),))


def _priced(item: Item, standing: Standing, day: date, **terms) -> tuple[int, str]:
    price = price_line(item, 1, PriceTerms(subscriptions=standing.benefits(day), **terms))
    return price.total, price.note


def test_the_benefit_holds_from_its_first_to_its_last_day_only():
    standing = _standing(GOLD, date(2026, 3, 1), date(2027, 2, 28))
    assert _priced(WINE, standing, date(2026, 2, 28)) == (1000, "")  # the day before
    assert _priced(WINE, standing, date(2026, 3, 1)) == (900, "subscription:1000:Gold")
    assert _priced(WINE, standing, date(2027, 2, 28)) == (900, "subscription:1000:Gold")
    assert _priced(WINE, standing, date(2027, 3, 1)) == (1000, "")  # the day after


def test_a_cancelled_card_gives_nothing():
    standing = _standing(GOLD, date(2026, 3, 1), date(2027, 2, 28), cancelled=True)
    assert _priced(WINE, standing, date(2026, 6, 1)) == (1000, "")


def test_a_plan_on_categories_takes_off_those_lines_only():
    standing = _standing(WINE_CLUB, date(2026, 3, 1), date(2026, 3, 30))
    day = date(2026, 3, 15)
    assert _priced(WINE, standing, day) == (850, "subscription:1500:Wine club")
    assert _priced(BREAD, standing, day) == (200, "")


def test_the_better_of_the_card_and_the_customers_discount_never_both():
    standing = _standing(GOLD, date(2026, 3, 1), date(2027, 2, 28))
    day = date(2026, 6, 1)
    assert _priced(WINE, standing, day, discount_bp=500, discount_reason="discount:500") == (
        900,
        "subscription:1000:Gold",
    )
    assert _priced(WINE, standing, day, discount_bp=2000, discount_reason="discount:2000") == (
        800,
        "discount:2000",
    )


def test_a_product_that_is_not_discountable_keeps_its_price_and_the_cost_is_a_floor():
    standing = _standing(GOLD, date(2026, 3, 1), date(2027, 2, 28))
    day = date(2026, 6, 1)
    fixed = Item("f", "3", "Livre", 1000, 550, discountable=False)
    assert _priced(fixed, standing, day) == (1000, "")
    costly = Item("c", "4", "Vin", 1000, 0, cost=950)
    assert _priced(costly, standing, day)[0] == 950


def test_a_renewal_while_valid_extends_from_the_last_day_and_a_late_one_starts_today():
    today = date(2026, 12, 2)
    assert period_after(GOLD, None, today) == (date(2026, 12, 2), date(2027, 12, 1))
    assert period_after(GOLD, date(2026, 12, 20), today) == (date(2026, 12, 21), date(2027, 12, 20))
    assert period_after(GOLD, today, today) == (date(2026, 12, 3), date(2027, 12, 2))
    assert period_after(GOLD, date(2026, 12, 1), today) == (today, date(2027, 12, 1))
    assert period_after(WINE_CLUB, None, today) == (today, date(2026, 12, 31))
    month_end = Plan("m", "M", 1, DurationUnit.MONTHS, 100)
    assert period_after(month_end, None, date(2027, 1, 31)) == (
        date(2027, 1, 31),
        date(2027, 2, 27),
    )


def test_the_cashier_is_reminded_near_the_end_and_shortly_after():
    standing = _standing(GOLD, date(2026, 1, 1), date(2026, 12, 31))
    assert reminder(standing, date(2026, 12, 16), 14) is None
    assert reminder(standing, date(2026, 12, 17), 14).days_left == 14
    assert reminder(standing, date(2027, 1, 5), 14).days_left == -5
    assert reminder(standing, date(2027, 3, 1), 14) is None
    assert reminder(Standing(), date(2026, 12, 17), 14) is None


def test_plans_are_bounded_and_cleaned():
    assert check_plan(
        Plan("p", "  Gold \t card ", 12, DurationUnit.MONTHS, 1000, ("A", "A", " "))
    ) == (Plan("p", "Gold card", 12, DurationUnit.MONTHS, 1000, ("A",)))
    for bad in (
        Plan("p", "", 12, DurationUnit.MONTHS, 1000),
        Plan("p", "G\x1b", 12, DurationUnit.MONTHS, 1000),
        Plan("p", "G", 121, DurationUnit.MONTHS, 1000),
        Plan("p", "G", 0, DurationUnit.DAYS, 1000),
        Plan("p", "G", 12, DurationUnit.MONTHS, 10_000),
        Plan("p", "G", 12, DurationUnit.MONTHS, 0),
        Plan("p", "G", 12, DurationUnit.MONTHS, 100, tuple(str(n) for n in range(51))),
    ):
        with pytest.raises(InvalidSale):
            check_plan(bad)
    assert parse_duration("12m") == (12, DurationUnit.MONTHS)
    assert parse_duration("30D") == (30, DurationUnit.DAYS)
    for bad in ("12", "m", "1.5m", "-3d", "99999999m"):
        with pytest.raises(InvalidSale):
            parse_duration(bad)


def test_a_sale_kept_on_disk_keeps_its_customers_cards():
    benefit = Benefit("Wine club", 1500, ("Cave",))
    cart = Cart(customer=SaleCustomer("c", "C1", "Zoé", terms=PriceTerms(subscriptions=(benefit,))))
    cart.add(WINE)
    import json

    back = cart_from_document(json.loads(json.dumps(cart_document(cart))))
    assert back.terms.subscriptions == (benefit,)
    assert back.lines[0].total == 850


def test_a_card_holds_until_the_end_of_the_renewals_bought_ahead_of_it():
    benefit = Benefit("Gold", 1000)
    standing = Standing(
        (
            Period("b", "p-gold", benefit, date(2027, 1, 1), date(2027, 12, 31)),
            Period("a", "p-gold", benefit, date(2026, 1, 1), date(2026, 12, 31)),
            Period("c", "p-gold", benefit, date(2028, 1, 1), date(2028, 12, 31), cancelled=True),
        )
    )
    assert standing.valid_until(date(2026, 6, 1)) == ("Gold", date(2027, 12, 31))
    assert standing.valid_until(date(2028, 6, 1)) is None  # the refunded one
    assert reminder(standing, date(2026, 12, 25), 14) is None  # renewed: nothing to say
