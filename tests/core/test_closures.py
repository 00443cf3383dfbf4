"""Closure rules without a database: totals, their sums, grand totals, cash, periods."""

from __future__ import annotations

import time
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from till.core.closures import (
    ClosureRefused,
    GrandTotals,
    PeriodTotals,
    SaleFigures,
    VatTotal,
    add_totals,
    cash_count,
    day_bounds,
    local_day,
    month_bounds,
    parse_day,
    parse_month,
    parse_year,
    totals_of,
)


@st.composite
def sale_figures(draw) -> SaleFigures:
    """A sale or refund paid partly in cash, partly by card, at one VAT rate."""
    total = draw(st.integers(min_value=1, max_value=10**7))
    cash = draw(st.integers(min_value=0, max_value=total))
    refund = draw(st.booleans())
    sign = -1 if refund else 1
    payments = (("cash", sign * cash), ("card", sign * (total - cash)))
    rate = draw(st.sampled_from([2000, 1000, 550, 0]))
    return SaleFigures(sign * total, refund, payments, (VatTotal(rate, sign * total, 0, 0),))


sales = st.lists(sale_figures(), max_size=30)


@given(sales, st.integers(min_value=0, max_value=30))
def test_the_days_of_a_month_add_up_to_the_whole(figures, cut):
    whole = totals_of(figures)
    assert add_totals([totals_of(figures[:cut]), totals_of(figures[cut:])]) == whole
    assert whole.net_total == sum(s.total for s in figures)
    assert whole.absolute_total == sum(abs(s.total) for s in figures)
    assert sum(amount for _, amount in whole.by_method) == whole.net_total


def test_totals_of_a_day():
    day = totals_of(
        [
            SaleFigures(1030, False, (("cash", 1030),), (VatTotal(2000, 790, 658, 132),)),
            SaleFigures(250, False, (("card", 250),), (VatTotal(550, 250, 237, 13),)),
            SaleFigures(-790, True, (("cash", -790),), (VatTotal(2000, -790, -658, -132),)),
        ]
    )
    assert (day.sales_count, day.sales_total, day.refunds_count, day.refunds_total) == (
        2,
        1280,
        1,
        -790,
    )
    assert day.by_method == (("cash", 240), ("card", 250))
    assert (day.cash, day.cash_refunded, day.net_total, day.absolute_total) == (
        240,
        -790,
        490,
        2070,
    )
    assert day.vat == (VatTotal(2000, 0, 0, 0), VatTotal(550, 250, 237, 13))
    assert PeriodTotals.from_json(day.to_json()) == day


def test_grand_totals_carry_from_one_closure_to_the_next():
    first = totals_of([SaleFigures(1000, False, (("cash", 1000),), ())])
    second = totals_of([SaleFigures(-300, True, (("cash", -300),), ())])
    grand = GrandTotals().carried(first).carried(second)
    assert grand == GrandTotals(total=700, absolute=1300)


def test_cash_expected_and_the_difference():
    day = totals_of(
        [
            SaleFigures(1500, False, (("cash", 1000), ("card", 500)), ()),
            SaleFigures(-200, True, (("cash", -200),), ()),
        ]
    )
    count = cash_count(day, opening=10_000, counted=10_750)
    assert (count.expected, count.difference) == (10_800, -50)
    assert cash_count(day, 0, None).difference is None


def test_periods_are_parsed_strictly():
    assert parse_day("2026-12-01") == date(2026, 12, 1)
    assert parse_month("2026-02") == (2026, 2)
    assert parse_year("2026") == 2026
    for bad in ("2026-13-01", "20261201", "tomorrow", "", "2026-1-1", "２０２６-01-01"):
        with pytest.raises(ClosureRefused, match="not a day"):
            parse_day(bad)
    for bad in ("2026-13", "2026-1", "26-01", "0000-01", "2026"):
        with pytest.raises(ClosureRefused, match="not a month"):
            parse_month(bad)
    for bad in ("26", "0000", "２０２６", "2026-01"):
        with pytest.raises(ClosureRefused, match="not a year"):
            parse_year(bad)


def test_a_local_day_follows_the_shops_clock(monkeypatch):
    monkeypatch.setenv("TZ", "Europe/Paris")
    time.tzset()
    try:
        start, end = day_bounds(date(2026, 3, 29))  # summer time begins: 23 hours
        assert (start, end) == ("2026-03-28T23:00:00+00:00", "2026-03-29T22:00:00+00:00")
        assert month_bounds(2026, 12) == ("2026-11-30T23:00:00+00:00", "2026-12-31T23:00:00+00:00")
        assert local_day("2026-11-30T23:30:00+00:00") == date(2026, 12, 1)
    finally:
        monkeypatch.undo()
        time.tzset()
