"""Stored times: UTC text of one width, so sorting the text sorts the times, whatever the
offset they were written with and whether they fall on a whole second."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from till.core.moments import utc_text

moments = st.datetimes(
    min_value=datetime(2000, 1, 1),
    max_value=datetime(2100, 1, 1),
    timezones=st.sampled_from(
        [UTC, timezone(timedelta(hours=2)), timezone(timedelta(hours=-5, minutes=-30))]
    ),
)


@given(st.lists(moments, min_size=2, max_size=20))
def test_the_text_sorts_as_the_times_do(times):
    texts = [utc_text(moment.isoformat()) for moment in times]
    assert len({len(text) for text in texts}) == 1
    assert sorted(texts) == [utc_text(t.isoformat()) for t in sorted(times)]


def test_a_whole_second_keeps_its_microseconds_and_the_offset_becomes_utc():
    assert utc_text("2026-12-01T12:00:00+02:00") == "2026-12-01T10:00:00.000000+00:00"
