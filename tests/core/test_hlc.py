"""The hybrid logical clock: monotonic whatever the wall clock does, later than anything it
has seen, totally ordered, and its text form round-trips and orders the same way."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from till.core.hlc import (
    MAX_AHEAD_MS,
    MAX_COUNTER,
    MAX_WALL_MS,
    ClockError,
    Hlc,
    absorbable,
    from_time,
    start,
)

nodes = st.from_regex(r"\A[A-Za-z0-9][A-Za-z0-9._-]{0,39}\Z")
walls = st.integers(0, 2**45)
clocks = st.builds(Hlc, walls, st.integers(0, MAX_COUNTER), nodes)


@given(clocks, st.lists(walls, max_size=30))
def test_ticks_always_move_forward_even_when_the_wall_clock_goes_back(clock, nows):
    for now in nows:
        later = clock.tick(now)
        assert later > clock
        assert str(later) > str(clock)
        clock = later


@given(clocks, clocks, walls)
def test_a_received_clock_is_later_than_both(local, remote, now):
    after = local.receive(remote, now)
    assert after > local
    assert (after.wall_ms, after.counter) > (remote.wall_ms, remote.counter)
    assert after.node == local.node
    assert after.wall_ms >= now


@given(clocks, clocks)
def test_text_orders_as_clocks_do(a, b):
    assert (a < b) == (str(a) < str(b))
    assert (a == b) == (str(a) == str(b))


@given(clocks, clocks, clocks)
def test_the_order_is_total_and_transitive(a, b, c):
    assert (a < b) + (a == b) + (a > b) == 1
    if a <= b and b <= c:
        assert a <= c


@given(clocks)
def test_text_round_trips(clock):
    assert Hlc.parse(str(clock)) == clock


def test_the_text_form_is_compact():
    assert str(Hlc(1_733_000_000_000, 3, "north")) == "01937ed97200-0003-north"


def test_a_counter_full_for_one_millisecond_borrows_the_next():
    clock = Hlc(1_000, MAX_COUNTER, "north").tick(1_000)
    assert clock == Hlc(1_001, 0, "north")


def test_a_wall_clock_far_behind_still_ticks_forward():
    clock = start("north").tick(5_000)
    assert clock.tick(10) == Hlc(5_000, 1, "north")


def test_a_clock_past_its_range_is_refused():
    with pytest.raises(ClockError):
        Hlc(MAX_WALL_MS, MAX_COUNTER, "north").tick(0)


@pytest.mark.parametrize(
    "text",
    [
        None,
        17,
        "",
        "019385e0b800-0003",
        "019385E0B800-0003-north",
        "19385e0b800-0003-north",
        "019385e0b800-00003-north",
        "019385e0b800-0003-",
        "019385e0b800-0003-no rth",
        "019385e0b800-0003-north\n",
        "019385e0b800-0003-" + "n" * 41,
        "019385e0b800-0003-.north",
        "x" * 10_000,
        "０19385e0b800-0003-north",
    ],
)
def test_garbage_is_refused(text):
    with pytest.raises(ClockError):
        Hlc.parse(text)


@given(st.text(max_size=80))
def test_any_text_parses_to_a_clock_or_is_refused(text):
    try:
        clock = Hlc.parse(text)
    except ClockError:
        return
    assert str(clock) == text


def test_a_change_from_before_clocks_counts_from_its_time():
    assert from_time("2026-12-01T10:00:00.250+01:00", "north") == Hlc(1_796_115_600_250, 0, "north")
    with pytest.raises(ClockError):
        from_time("2026-12-01T10:00:00", "north")


@given(clocks, clocks, walls)
def test_a_clock_far_ahead_is_followed_at_most_a_day_past_now(local, remote, now):
    followed = local.receive(absorbable(remote, now), now)
    assert followed > local
    assert followed.wall_ms <= max(local.wall_ms, now + MAX_AHEAD_MS) + 1


def test_a_hostile_clock_at_the_limit_cannot_stop_local_changes():
    hostile = Hlc(MAX_WALL_MS, MAX_COUNTER, "evil")
    local = start("north").receive(absorbable(hostile, 1_000), 1_000)
    assert local.tick(1_000).wall_ms == 1_000 + MAX_AHEAD_MS
