"""The offline spending rule (what the customer had at the last sync, less what this till spent
since) and the overdraft found when every till's entries meet."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from till.core.loyalty import LoyaltyProgram, spendable_points
from till.core.offline import Entry, Unconfirmed, held_at_sync, is_stale, overdraft, overdrawing

PROGRAM = LoyaltyProgram(threshold=100, offline_cap=500)
T0 = datetime(2026, 12, 1, 11, 40, tzinfo=UTC)


def test_nothing_unconfirmed_leaves_the_local_balance():
    assert held_at_sync(800, []) == 800


def test_points_earned_here_since_the_sync_wait_for_it():
    # 800 at the sync; this till earned 40 and spent 300 since.
    unconfirmed = [Unconfirmed(40, "sale-a"), Unconfirmed(-300, "sale-b")]
    assert held_at_sync(800 + 40 - 300, unconfirmed) == 800 - 300


def test_a_return_gives_back_a_spend_made_since_the_sync():
    # 800 at the sync; sale b spent 300 here, its return gave 300 back: nothing spent, net.
    unconfirmed = [Unconfirmed(-300, "sale-b"), Unconfirmed(300, "return-b", "sale-b")]
    assert held_at_sync(800, unconfirmed) == 800


def test_a_return_offsets_no_more_than_its_sale_spent():
    # Two partial returns of sale b give back 200 each; b spent 300.
    unconfirmed = [
        Unconfirmed(-300, "sale-b"),
        Unconfirmed(200, "return-1", "sale-b"),
        Unconfirmed(200, "return-2", "sale-b"),
    ]
    assert held_at_sync(800 - 300 + 400, unconfirmed) == 800


def test_giving_back_a_spend_the_server_already_has_waits_for_the_sync():
    # Sale b was pushed and confirmed before the sync (its 300 are in the 500 held then);
    # its return since gives 300 back here: new points no other till has seen yet.
    unconfirmed = [Unconfirmed(300, "return-b", "sale-b")]
    assert held_at_sync(500 + 300, unconfirmed) == 500


def test_points_taken_back_by_a_return_count_as_spent():
    # Sale c earned its 25 points before the sync: taking them back is a spend.
    unconfirmed = [Unconfirmed(-25, "return-c", "sale-c")]
    assert held_at_sync(800 - 25, unconfirmed) == 775


def test_taking_back_points_earned_since_the_sync_spends_nothing():
    # Sale c spent 300 and earned 12 here since the sync; its return undoes both.
    unconfirmed = [
        Unconfirmed(-300, "sale-c"),
        Unconfirmed(12, "sale-c"),
        Unconfirmed(300, "return-c", "sale-c"),
        Unconfirmed(-12, "return-c", "sale-c"),
    ]
    assert held_at_sync(500, unconfirmed) == 500


entries_strategy = st.lists(
    st.builds(
        Unconfirmed,
        st.integers(-10_000, 10_000).filter(bool),
        st.sampled_from([None, "a", "b", "c", "r1", "r2"]),
        st.sampled_from([None, "a", "b", "c"]),
    ),
    max_size=12,
)


@given(st.integers(-10_000, 100_000), entries_strategy)
def test_the_cap_lies_between_the_synced_balance_less_every_spend_and_the_synced_balance(
    balance, unconfirmed
):
    known = balance - sum(entry.value for entry in unconfirmed)  # what the server has
    spent = sum(-entry.value for entry in unconfirmed if entry.value < 0)
    held = held_at_sync(balance, unconfirmed)
    assert known - spent <= held <= known
    assert held <= balance


def test_spendable_points_online_offline_and_stale():
    assert spendable_points(2000, PROGRAM, online=True) == 2000
    assert spendable_points(2000, PROGRAM, online=False) == 500  # the offline cap
    assert spendable_points(2000, PROGRAM, online=False, held_at_sync=350) == 350
    assert spendable_points(300, PROGRAM, online=False, held_at_sync=800) == 300
    assert spendable_points(300, PROGRAM, online=False, held_at_sync=-40) == 0
    assert spendable_points(-120, PROGRAM, online=True) == 0  # overdrawn: nothing


@given(st.integers(-1000, 5000), st.integers(-5000, 5000), st.booleans())
def test_offline_never_spends_more_than_online_the_cap_or_the_synced_balance(balance, held, online):
    offline = spendable_points(balance, PROGRAM, online=False, held_at_sync=held)
    assert 0 <= offline <= spendable_points(balance, PROGRAM, online=True)
    assert offline <= max(held, 0) and offline <= PROGRAM.offline_cap


def test_stale_after_offline_after_seconds_or_never_synced():
    now = 1_000_000.0
    assert not is_stale(int(now) - 300, now, 300)
    assert is_stale(int(now) - 301, now, 300)
    assert is_stale(0, now, 300)  # never synced
    assert is_stale(int(now) + 3600, now, 300)  # a sync in the future: the clock went back


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def test_the_spend_that_overdrew_is_listed_with_its_till():
    earned = Entry(400, at(0), "north", "earn", "e1")
    north = Entry(-300, at(10), "north", "spend", "e2")
    south = Entry(-300, at(12), "south", "spend", "e3")
    assert overdrawing([south, earned, north]) == [south]
    found = overdraft([south, earned, north])
    assert found is not None and found.by == 200 and found.after_sync
    assert overdraft([earned, north]) is None


def test_every_spend_since_the_balance_was_last_above_zero():
    entries = [
        Entry(100, at(0), kind="earn", id="a"),
        Entry(-80, at(1), kind="spend", id="b"),
        Entry(-80, at(2), kind="spend", id="c"),
        Entry(30, at(3), kind="earn", id="d"),
        Entry(-40, at(4), kind="spend", id="e"),
    ]
    assert [entry.id for entry in overdrawing(entries)] == ["c", "e"]


def test_a_return_taking_back_spent_points_is_not_a_sync_overdraft():
    entries = [
        Entry(300, at(0), kind="earn", id="a"),
        Entry(-300, at(1), kind="spend", id="b"),
        Entry(-15, at(2), kind="return", id="c"),
    ]
    found = overdraft(entries)
    assert found is not None and found.by == 15 and not found.after_sync


def test_a_credit_limit_moves_the_floor():
    entries = [Entry(-600, at(0), "north", "sale", "a"), Entry(-600, at(1), "south", "sale", "b")]
    assert overdraft(entries, -1000) is not None
    assert overdraft(entries, -1000).by == 200  # type: ignore[union-attr]
    assert overdrawing(entries, -1000) == [entries[1]]
    assert overdraft(entries[:1], -1000) is None


@given(st.lists(st.integers(-1000, 1000), max_size=15), st.integers(-500, 0))
def test_an_overdraft_exists_exactly_when_the_sum_is_below_the_floor(values, floor):
    entries = [Entry(value, at(n), id=str(n)) for n, value in enumerate(values)]
    found = overdraft(entries, floor)
    assert (found is not None) == (sum(values) < floor)
    if found is not None:
        assert found.by == floor - sum(values)
        assert found.entries and all(entry.value < 0 for entry in found.entries)
