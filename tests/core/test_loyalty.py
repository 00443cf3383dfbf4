"""Loyalty arithmetic, on a fixed clock."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from till.core.loyalty import (
    LedgerEntry,
    LoyaltyProgram,
    add_months,
    expires_at,
    open_batches,
    parse_month_day,
    points_earned,
    points_expiring,
    points_for,
    spendable_points,
)
from till.errors import InvalidSale

PROGRAM = LoyaltyProgram(points_per_unit=1, threshold=100, point_value=1, expiry_months=12)
T0 = datetime(2025, 1, 31, 10, tzinfo=UTC)


def at(days: int) -> datetime:
    return T0 + timedelta(days=days)


def test_earning_by_category_and_exclusion():
    lines = [("Épicerie", 1250), ("Alcools", 2099), ("Épicerie", 51)]
    assert points_earned(lines, PROGRAM) == 34  # 34.00 spent
    wine_only = LoyaltyProgram(categories=("Alcools",))
    assert points_earned(lines, wine_only) == 20
    assert points_earned(lines, PROGRAM, excluded_customer=True) == 0
    assert points_earned([("x", -500)], PROGRAM) == 0


def test_threshold_and_offline_cap():
    assert spendable_points(99, PROGRAM, online=True) == 0
    assert spendable_points(100, PROGRAM, online=True) == 100
    assert spendable_points(2000, PROGRAM, online=False) == 500
    assert points_for(250, PROGRAM) == 250
    with pytest.raises(InvalidSale, match="steps of 5"):
        points_for(12, LoyaltyProgram(point_value=5))


def test_add_months_clamps_the_day():
    assert add_months(T0, 1) == datetime(2025, 2, 28, 10, tzinfo=UTC)
    assert add_months(T0, 13) == datetime(2026, 2, 28, 10, tzinfo=UTC)
    assert add_months(datetime(2024, 1, 31, tzinfo=UTC), 1).day == 29


def test_oldest_points_are_spent_first_and_expire_after_a_year():
    entries = [LedgerEntry(100, at(0)), LedgerEntry(50, at(200)), LedgerEntry(-120, at(300))]
    assert open_batches(entries, PROGRAM) == [(add_months(at(200), 12), 30)]
    assert points_expiring(entries, PROGRAM, at(364)) == 0
    assert points_expiring(entries, PROGRAM, add_months(at(200), 12)) == 30


def test_an_overdraft_is_paid_back_by_the_next_points():
    entries = [LedgerEntry(-40, at(0)), LedgerEntry(100, at(10))]
    assert open_batches(entries, PROGRAM) == [(add_months(at(10), 12), 60)]


ledger = st.lists(st.tuples(st.integers(-300, 500).filter(bool), st.integers(0, 900)), max_size=25)


@given(ledger, st.integers(0, 1200))
def test_expiry_never_takes_more_than_the_balance_and_is_idempotent(moves, day):
    entries = [LedgerEntry(points, at(days)) for points, days in moves]
    balance = sum(e.points for e in entries)
    now = at(day)
    due = points_expiring(entries, PROGRAM, now)
    assert 0 <= due <= max(balance, 0)
    after = [*entries, LedgerEntry(-due, now)] if due else entries
    assert points_expiring(after, PROGRAM, now) == 0
    assert sum(points for _, points in open_batches(entries, PROGRAM)) == max(balance, 0)
    assert sum(points for _, points in open_batches(after, PROGRAM)) == max(balance - due, 0)


@given(st.lists(st.tuples(st.sampled_from(["a", "b"]), st.integers(0, 10**6)), max_size=20))
def test_earning_is_never_negative_and_grows_with_the_basket(lines):
    earned = points_earned(lines, PROGRAM)
    assert earned >= 0
    assert points_earned([*lines, ("a", 100)], PROGRAM) == earned + 1


def test_no_points_on_what_points_paid():
    lines = [("Épicerie", 3000)]
    assert points_earned(lines, PROGRAM, paid_with_points=1000) == 20
    assert points_earned(lines, PROGRAM, paid_with_points=5000) == 0


def test_expiry_by_date_lasts_until_that_day_of_the_next_year(monkeypatch):
    monkeypatch.setenv("TZ", "Europe/Paris")
    import time

    time.tzset()
    try:
        program = LoyaltyProgram(expiry_date="03-31")
        earned = datetime(2026, 1, 5, 10, tzinfo=UTC)
        late = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)  # already 2027 in Paris (UTC+1)
        ledger = [LedgerEntry(100, earned), LedgerEntry(40, late)]
        end_of_march_2027 = datetime(2027, 3, 31, 22, tzinfo=UTC)  # midnight in Paris (UTC+2)
        assert expires_at(earned, program) == end_of_march_2027
        assert points_expiring(ledger, program, end_of_march_2027 - timedelta(seconds=1)) == 0
        assert points_expiring(ledger, program, end_of_march_2027) == 100
        assert expires_at(late, program).year == 2028  # earned in 2027, local time
        leap = LoyaltyProgram(expiry_date="02-29")
        assert expires_at(earned, leap) == datetime(2027, 2, 28, 23, tzinfo=UTC)  # no 29th
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


@pytest.mark.parametrize("text", ["12/31", "13-01", "02-30", "xx-01", "1231"])
def test_a_bad_expiry_date_is_refused_with_the_reason(text):
    with pytest.raises(ValueError, match=r"MM-DD|not a day of the year"):
        parse_month_day(text)
