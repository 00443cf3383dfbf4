"""Every figure has one bound, checked by one rule whatever the entry point."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from till.core import bounds
from till.core.barcodes import MAX_QUANTITY
from till.core.money import MAX_AMOUNT, parse_amount, parse_rate
from till.errors import InvalidSale


def test_the_other_modules_use_the_bounds_of_bounds():
    assert MAX_AMOUNT == bounds.MAX_AMOUNT
    assert MAX_QUANTITY == bounds.MAX_QUANTITY


def test_sums_of_bounded_figures_stay_inside_sqlite_integers():
    sqlite_max = 2**63 - 1
    assert sqlite_max > bounds.MAX_AMOUNT * bounds.MAX_QUANTITY * 500  # a sale of 500 lines
    assert sqlite_max > bounds.MAX_POINTS_BALANCE + bounds.MAX_POINTS


@pytest.mark.parametrize(
    "text",
    ["1e23", "100000000000000000000000", "12.0", "²", "١٢", "0x10", "--1", "", " ", "1 e3", "∞"],
)
def test_whole_numbers_are_ascii_digits_within_the_bound(text):
    with pytest.raises(InvalidSale) as refused:
        bounds.parse_whole(text, "stock", -bounds.MAX_STOCK, bounds.MAX_STOCK)
    assert str(refused.value).startswith("stock: ")


def test_whole_numbers_within_the_bound_are_read():
    assert bounds.parse_whole(" -12 ", "stock", -100, 100) == -12
    assert bounds.parse_whole("+7", "stock", -100, 100) == 7
    assert bounds.parse_whole("100", "stock", -100, 100) == 100
    with pytest.raises(InvalidSale, match="outside"):
        bounds.parse_whole("101", "stock", -100, 100)


@given(st.text(max_size=40))
def test_parse_whole_raises_only_invalid_sale(text):
    try:
        value = bounds.parse_whole(text, "stock", -bounds.MAX_STOCK, bounds.MAX_STOCK)
    except InvalidSale:
        return
    assert -bounds.MAX_STOCK <= value <= bounds.MAX_STOCK


@pytest.mark.parametrize("points", [0, bounds.MAX_POINTS + 1, -bounds.MAX_POINTS - 1, 2**63 - 1])
def test_points_adjustments_are_bounded(points):
    with pytest.raises(InvalidSale):
        bounds.check_points_adjustment(points)


def test_an_adjustment_may_not_push_the_balance_past_its_bound():
    assert bounds.check_points_adjustment(bounds.MAX_POINTS, 0) == bounds.MAX_POINTS
    with pytest.raises(InvalidSale, match="balance"):
        bounds.check_points_adjustment(1, bounds.MAX_POINTS_BALANCE)
    with pytest.raises(InvalidSale, match="balance"):
        bounds.check_points_adjustment(-1, -bounds.MAX_POINTS_BALANCE)


def test_a_balance_already_beyond_the_bound_may_be_brought_back():
    huge = bounds.MAX_POINTS_BALANCE * 5
    assert bounds.check_points_adjustment(-bounds.MAX_POINTS, huge) == -bounds.MAX_POINTS
    with pytest.raises(InvalidSale, match="balance"):
        bounds.check_points_adjustment(1, huge)


def test_a_huge_number_is_described_without_printing_it():
    with pytest.raises(InvalidSale) as refused:
        bounds.check_range(10**5000, "points", 0, 10)
    assert "a number that large" in str(refused.value)


@pytest.mark.parametrize("text", ["1e999999999", "1e-999999999", "9" * 5000, "1e23", "NaN"])
def test_amounts_of_any_size_are_refused_plainly(text):
    with pytest.raises(InvalidSale):
        parse_amount(text)


@given(st.from_regex(r"\A[0-9.,eE+-]{1,30}\Z"))
def test_parse_amount_raises_only_invalid_sale_and_stays_in_bounds(text):
    try:
        minor = parse_amount(text)
    except InvalidSale:
        return
    assert 0 <= minor <= bounds.MAX_AMOUNT


@pytest.mark.parametrize("text", ["100", "99.995", "1e3", "-1"])
def test_percentages_are_under_the_bound(text):
    with pytest.raises(InvalidSale):
        parse_rate(text)
    assert parse_rate("99.99") == bounds.MAX_PERCENT_BP
