from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from till.core.money import (
    MoneyFormat,
    divide_half_up,
    format_rate,
    parse_amount,
    parse_rate,
)
from till.errors import InvalidSale


@pytest.mark.parametrize(
    ("typed", "cents"),
    [("12", 1200), ("12.5", 1250), ("12,50", 1250), (" 0.05 ", 5), ("1 234,56", 123456)],
)
def test_parse_amount_accepts_what_cashiers_type(typed, cents):
    assert parse_amount(typed) == cents


@pytest.mark.parametrize("typed", ["", "abc", "1.234", "-1", "1e400", "nan", "inf", "99999999999"])
def test_parse_amount_refuses_with_a_reason(typed):
    with pytest.raises(InvalidSale) as refused:
        parse_amount(typed)
    assert str(refused.value)


@given(st.integers(min_value=0, max_value=10**9))
def test_parse_amount_round_trips_the_plain_format(cents):
    assert parse_amount(MoneyFormat("EUR", "fr_FR").plain(cents)) == cents


def test_parse_rate_in_basis_points():
    assert parse_rate("5.5") == 550
    assert parse_rate("20%") == 2000
    assert format_rate(550) == "5.5%"
    assert format_rate(2000) == "20%"
    with pytest.raises(InvalidSale):
        parse_rate("5.555")
    with pytest.raises(InvalidSale):
        parse_rate("100")


@given(st.integers(-(10**9), 10**9), st.integers(1, 10**6))
def test_divide_half_up_matches_decimal_rounding(numerator, denominator):
    exact = Decimal(numerator) / Decimal(denominator)
    result = divide_half_up(numerator, denominator)
    assert abs(Decimal(result) - exact) <= Decimal("0.5")
    if abs(Decimal(result) - exact) == Decimal("0.5"):
        assert abs(result) > abs(exact)  # halves go away from zero


def test_money_format_for_screen_and_printer():
    money = MoneyFormat("EUR", "fr_FR")
    assert money(1250).startswith("12,50")
    assert money.for_print(123456) == "1 234,56 €"
    assert MoneyFormat("GBP", "en_GB")(1250) == "£12.50"


@pytest.mark.parametrize("typed", ["٣", "1_0", "1e3", "１２", "²", "0x10", "nan", "inf"])
def test_amounts_and_rates_are_ascii_digits_and_one_point(typed):
    """Decimal() reads Arabic-Indic and fullwidth digits, underscores and exponents: an import
    or a CLI argument holding them was taken as a price (whole numbers already refused them)."""
    with pytest.raises(InvalidSale, match="is not an amount"):
        parse_amount(typed)
    with pytest.raises(InvalidSale, match="is not a percentage"):
        parse_rate(typed)
