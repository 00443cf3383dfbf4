"""The field-by-field merge: the later clock wins, ties settle the same way everywhere, a
deletion wins, and the order changes arrive in never changes the outcome."""

from __future__ import annotations

import itertools
import json

from hypothesis import given
from hypothesis import strategies as st

from till.core.hlc import Hlc
from till.core.merge import UNSTAMPED, Loss, Version, after_deletion, merge


def clock(wall: int, counter: int = 0, node: str = "north") -> str:
    return str(Hlc(wall, counter, node))


def test_the_later_clock_wins_and_the_held_value_is_a_loss():
    held = {"mobile": Version("+33600000001", clock(100), "")}
    incoming = {"mobile": Version("+33600000002", clock(200, node="south"), "south")}
    result = merge(held, incoming)
    assert result.take == incoming
    assert result.losses == (Loss("mobile", incoming["mobile"], held["mobile"], held_lost=True),)


def test_an_older_incoming_value_is_ignored_and_kept_as_a_loss():
    held = {"mobile": Version("+33600000001", clock(300), "")}
    incoming = {"mobile": Version("+33600000002", clock(200, node="south"), "south")}
    result = merge(held, incoming)
    assert result.take == {}
    assert result.losses == (Loss("mobile", held["mobile"], incoming["mobile"], held_lost=False),)


def test_same_wall_and_counter_the_higher_node_wins():
    held = {"city": Version("Lyon", clock(100, 2, "north"))}
    incoming = {"city": Version("Nice", clock(100, 2, "south"))}
    assert merge(held, incoming).take == incoming
    assert merge(incoming, held).take == {}


def test_a_value_from_before_clocks_loses_to_any_clock():
    held = {"city": Version("Lyon", UNSTAMPED)}
    incoming = {"city": Version("Nice", clock(0))}
    assert merge(held, incoming).take == incoming


def test_different_fields_both_stay():
    held = {"city": Version("Lyon", clock(300)), "mobile": Version("+33600000001", clock(100))}
    incoming = {"mobile": Version("+33600000002", clock(200, node="south"))}
    result = merge(held, incoming)
    assert result.take == incoming
    assert "city" not in result.take


def test_a_replay_changes_nothing_and_loses_nothing():
    held = {"city": Version("Lyon", clock(300))}
    result = merge(held, dict(held))
    assert result.take == {} and result.losses == ()


def test_the_same_value_later_keeps_the_later_clock_without_a_loss():
    held = {"city": Version("Lyon", clock(100))}
    incoming = {"city": Version("Lyon", clock(200))}
    result = merge(held, incoming)
    assert result.take == incoming
    assert result.losses == ()


def test_edits_after_a_deletion_are_losses():
    deletion = Version(None, clock(100))
    edit = {"city": Version("Nice", clock(900, node="south"), "south")}
    result = after_deletion(deletion, edit)
    assert result.take == {}
    assert result.losses == (Loss("city", deletion, edit["city"], held_lost=False),)


values = st.one_of(st.text(max_size=5), st.booleans(), st.lists(st.text(max_size=3), max_size=2))
versions = st.builds(
    Version,
    values,
    st.builds(
        lambda w, c, n: str(Hlc(w, c, n)),
        st.integers(0, 3),
        st.integers(0, 2),
        st.sampled_from(["north", "south"]),
    ),
)


def _apply(order):
    state: dict[str, Version] = {}
    for version in order:
        state.update(merge(state, {"city": version}).take)
    return json.dumps(state["city"].value), state["city"].clock


@given(st.lists(versions, min_size=1, max_size=5))
def test_every_arrival_order_converges_to_the_same_value(changes):
    outcomes = {_apply(order) for order in itertools.permutations(changes)}
    assert len(outcomes) == 1
    assert outcomes.pop()[1] == max(v.clock for v in changes)


@given(st.lists(versions, min_size=1, max_size=4))
def test_applying_twice_is_applying_once(changes):
    assert _apply(changes) == _apply(changes + changes)
