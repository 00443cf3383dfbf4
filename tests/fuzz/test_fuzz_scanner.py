"""The scanner decoder on hostile event streams: whatever a device sends (any key codes,
values and types, timestamps going backwards, lost-event reports, a device typing without
end), the decoder returns short printable scans, keeps its partial scan bounded and, once
reset, reads the next whole scan as it was sent."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from devices.scanner import replay
from devices.scanner.decoder import EV_KEY, EV_SYN, MAX_SCAN_LENGTH, ScanDecoder
from devices.scanner.keymaps import KEY_CODES, LAYOUTS
from devices.scanner.replay import RecordedEvent

from .budget import fuzz

KNOWN_CODES = sorted(KEY_CODES.values())

events = st.builds(
    RecordedEvent,
    sec=st.integers(-(2**40), 2**40),
    usec=st.integers(-(10**7), 10**7),
    type=st.one_of(st.sampled_from([EV_SYN, EV_KEY, 4, 17]), st.integers(-1, 2**16)),
    code=st.one_of(st.sampled_from(KNOWN_CODES), st.integers(-1, 2**16)),
    value=st.one_of(st.sampled_from([0, 1, 2]), st.integers(-(2**31), 2**31)),
)
"""Any event: mostly key codes the layouts know, with values and types that are not."""

near_events = st.builds(
    RecordedEvent,
    sec=st.just(1_763_900_000),
    usec=st.integers(0, 999_999),
    type=st.sampled_from([EV_SYN, EV_KEY, EV_KEY, EV_KEY]),
    code=st.sampled_from([*KNOWN_CODES, 3]),  # 3: SYN_DROPPED, when the type is EV_SYN
    value=st.sampled_from([0, 1, 1, 2]),
)
"""Events a confused but real keyboard could send, close together in time."""


def printable_scans(scans: list[str], max_length: int) -> None:
    for text in scans:
        assert text
        assert text.isprintable()
        assert len(text) <= 2 * max_length  # a dead key's accent stays in front of its letter


@fuzz(200)
@given(st.sampled_from(sorted(LAYOUTS)), st.lists(st.one_of(events, near_events), max_size=300))
def test_any_event_stream_decodes_to_bounded_printable_scans(layout, stream):
    decoder = ScanDecoder(layout, max_length=24)
    scans = decoder.feed_all(stream)
    printable_scans(scans, 24)
    assert len(decoder.pending) <= 2 * 24
    assert decoder.scans == len(scans)


@fuzz(200)
@given(
    layout=st.sampled_from(["us", "fr"]),
    noise=st.lists(st.one_of(events, near_events), max_size=200),
    data=st.data(),
)
def test_after_garbage_and_an_unplug_a_whole_scan_reads_as_sent(layout, noise, data):
    text = data.draw(st.text(alphabet=sorted(replay.typeable(layout)), min_size=1, max_size=48))
    decoder = ScanDecoder(layout)
    decoder.feed_all(noise)
    decoder.reset()
    assert decoder.feed_all(replay.hid_events(text, layout, start=1_800_000_000.0)) == [text]


@fuzz(4)
@given(st.sampled_from(["KEY_1", "KEY_A", "KEY_SPACE"]), st.integers(10_000, 50_000))
@example("KEY_1", 100_000)
def test_a_device_typing_without_end_keeps_memory_and_time_bounded(key, presses):
    """A stuck key or a keyboard mistaken for a scanner: 100,000 keys and no Enter."""
    code = KEY_CODES[key]
    stream = [
        RecordedEvent(1_763_900_000 + n // 10_000, (n % 10_000) * 100, EV_KEY, code, value)
        for n in range(presses)
        for value in (1, 0)
    ]  # a key every 0.1 ms, down then up
    decoder = ScanDecoder("us")
    assert decoder.feed_all(stream) == []
    assert len(decoder.pending) <= MAX_SCAN_LENGTH
    enter = KEY_CODES["KEY_ENTER"]
    assert decoder.feed(RecordedEvent(1_763_900_010, 0, EV_KEY, enter, 1)) is None  # too long
    assert decoder.dropped_scans == 1
