"""The scanner decoder on recorded HID event streams: layouts, shift, caps lock, timeouts."""

import pytest
from evdev import InputEvent, ecodes
from hypothesis import given
from hypothesis import strategies as st

from devices.scanner import replay
from devices.scanner.decoder import ScanDecoder
from devices.scanner.keymaps import KEY_CODES

from .scanner_keyboard import EPOCH, report, scan, tap, typeable

EAN = "2000000000015"


def decode(events, layout="us", timeout_ms=100) -> tuple[list[str], ScanDecoder]:
    decoder = ScanDecoder(layout, timeout_ms)
    return decoder.feed_all(events), decoder


def test_a_fast_burst_is_one_scan():
    events = scan(EAN, interval=0.001)
    assert [e.type for e in events[:6]] == [
        ecodes.EV_MSC, ecodes.EV_KEY, ecodes.EV_SYN, ecodes.EV_MSC, ecodes.EV_KEY, ecodes.EV_SYN,
    ]  # fmt: skip
    scans, decoder = decode(events)
    assert scans == [EAN]
    assert (decoder.scans, decoder.dropped_scans, decoder.unknown_keys) == (1, 0, 0)
    assert decoder.pending == ""


def test_a_slow_scanner_within_the_timeout():
    assert decode(scan(EAN, interval=0.030))[0] == [EAN]


def test_a_gap_over_the_timeout_drops_the_partial_scan_and_the_next_one_is_whole():
    half = scan("12345")[: 3 * 6]  # "123" typed, no Enter: the scanner lost the code
    later = scan("67890", start=EPOCH + 0.003 + 0.150)
    scans, decoder = decode(half + later)
    assert scans == ["67890"]
    assert decoder.dropped_scans == 1


def test_two_scans_back_to_back_in_one_read():
    events = scan("111") + scan("222", start=EPOCH + 0.050)
    assert decode(events)[0] == ["111", "222"]


def test_the_same_keys_give_different_text_on_us_and_azerty():
    plain = [e for n, key in enumerate("12345") for e in tap(f"KEY_{key}", EPOCH + n / 1000)]
    plain += tap("KEY_ENTER", EPOCH + 0.005)
    assert decode(plain, "us")[0] == ["12345"]
    assert decode(plain, "fr")[0] == ["&é\"'("]
    # On AZERTY a scanner must hold shift to type digits; a US decoder reads the symbols.
    azerty_digits = scan("12345", "fr")
    assert any(e.code == ecodes.KEY_LEFTSHIFT for e in azerty_digits)
    assert decode(azerty_digits, "fr")[0] == ["12345"]
    assert decode(azerty_digits, "us")[0] == ["!@#$%"]


def test_azerty_letters_sit_where_us_has_others():
    events = scan("azertyqwm,;:!", "fr")
    assert decode(events, "fr")[0] == ["azertyqwm,;:!"]
    assert decode(events, "us")[0] == ["qwertyaz;m,./"]


def test_shifted_characters_with_either_shift_key():
    assert decode(scan("AB-12_x", shift="KEY_LEFTSHIFT"))[0] == ["AB-12_x"]
    assert decode(scan("AB-12_x", shift="KEY_RIGHTSHIFT"))[0] == ["AB-12_x"]


def test_shift_stays_down_while_either_shift_key_is_held():
    t = EPOCH
    events = report(t, [("KEY_LEFTSHIFT", 1)]) + report(t + 0.001, [("KEY_RIGHTSHIFT", 1)])
    events += report(t + 0.002, [("KEY_LEFTSHIFT", 0)])
    events += tap("KEY_A", t + 0.003)  # right shift still down
    events += report(t + 0.004, [("KEY_RIGHTSHIFT", 0)])
    events += tap("KEY_B", t + 0.005) + tap("KEY_ENTER", t + 0.006)
    assert decode(events)[0] == ["Ab"]


def test_caps_lock_capitalises_letters_only_and_shift_reverses_it():
    t = EPOCH
    events = tap("KEY_CAPSLOCK", t)
    events += tap("KEY_A", t + 0.001) + tap("KEY_1", t + 0.002)
    events += tap("KEY_B", t + 0.003, modifier="KEY_LEFTSHIFT")
    events += tap("KEY_ENTER", t + 0.004)
    assert decode(events, "us")[0] == ["A1b"]
    # AZERTY: caps lock leaves the top row alone (é stays é), so digits still need shift.
    assert decode(events, "fr")[0] == ["Q&b"]


def test_caps_lock_pressed_again_turns_off():
    t = EPOCH
    events = tap("KEY_CAPSLOCK", t) + tap("KEY_A", t + 0.001)
    events += tap("KEY_CAPSLOCK", t + 0.002) + tap("KEY_A", t + 0.003)
    events += tap("KEY_ENTER", t + 0.004)
    assert decode(events)[0] == ["Aa"]


def test_altgr_on_azerty_and_ignored_on_us():
    events = scan("x@#{}", "fr")
    assert any(e.code == ecodes.KEY_RIGHTALT for e in events)
    assert decode(events, "fr")[0] == ["x@#{}"]
    assert decode(events, "us")[0] == ["x034="]  # no third level: the key's plain character


def test_a_dead_circumflex_then_space_is_a_circumflex():
    t = EPOCH
    events = tap("KEY_LEFTBRACE", t) + tap("KEY_SPACE", t + 0.001) + tap("KEY_A", t + 0.002)
    events += tap("KEY_ENTER", t + 0.003)
    assert decode(events, "fr")[0] == ["^q"]


def test_keypad_digits_and_keypad_enter():
    t = EPOCH
    events = [e for n, d in enumerate("4711") for e in tap(f"KEY_KP{d}", t + n / 1000)]
    events += tap("KEY_KPENTER", t + 0.004)
    assert decode(events, "fr")[0] == ["4711"]


def test_unplugged_mid_scan_reset_then_a_whole_scan():
    decoder = ScanDecoder("us")
    partial = scan("ABC")[:25]  # shift and C are down when the cable comes out
    assert decoder.feed_all(partial) == []
    assert decoder.pending
    decoder.reset()
    assert decoder.pending == ""
    assert decoder.feed_all(scan("abc", start=EPOCH + 0.010)) == ["abc"]
    assert decoder.dropped_scans == 1


def test_unknown_keys_are_counted_and_skipped():
    t = EPOCH
    events = tap("KEY_1", t) + tap("KEY_F1", t + 0.001) + tap("KEY_TAB", t + 0.002)
    events += [InputEvent(int(t), 3000, ecodes.EV_KEY, 0x2FF, 1)]  # a code no layout knows
    events += tap("KEY_2", t + 0.004) + tap("KEY_ENTER", t + 0.005)
    scans, decoder = decode(events)
    assert scans == ["12"]
    assert decoder.unknown_keys == 3


def test_keys_held_with_ctrl_are_commands_not_text():
    t = EPOCH
    events = tap("KEY_1", t) + tap("KEY_RIGHTBRACE", t + 0.001, modifier="KEY_LEFTCTRL")
    events += tap("KEY_2", t + 0.002) + tap("KEY_ENTER", t + 0.003)
    scans, decoder = decode(events)
    assert scans == ["12"]
    assert decoder.unknown_keys == 1


def test_autorepeat_types_nothing_more():
    t = EPOCH
    events = report(t, [("KEY_7", 1)]) + report(t + 0.001, [("KEY_7", 2)])
    events += report(t + 0.002, [("KEY_7", 0)]) + tap("KEY_ENTER", t + 0.003)
    assert decode(events)[0] == ["7"]


def test_enter_alone_and_non_key_events_give_nothing():
    t = EPOCH
    events = [*tap("KEY_ENTER", t), InputEvent(int(t), 0, ecodes.EV_LED, ecodes.LED_NUML, 1)]
    scans, decoder = decode(events)
    assert scans == []
    assert decoder.scans == 0


def test_lost_events_drop_the_scan_until_the_next_whole_report():
    t = EPOCH
    events = tap("KEY_1", t) + tap("KEY_2", t + 0.001)
    events += [InputEvent(int(t), 2000, ecodes.EV_SYN, ecodes.SYN_DROPPED, 0)]
    events += [InputEvent(int(t), 2000, ecodes.EV_KEY, ecodes.KEY_3, 1)]  # half a report
    events += [InputEvent(int(t), 2000, ecodes.EV_SYN, ecodes.SYN_REPORT, 0)]
    events += scan("45", start=t + 0.003)
    scans, decoder = decode(events)
    assert scans == ["45"]
    assert decoder.dropped_scans == 1


def test_a_device_typing_without_end_is_not_a_scan():
    decoder = ScanDecoder("us", max_length=10)
    assert decoder.feed_all(scan("1" * 11)) == []
    assert decoder.dropped_scans == 1
    assert decoder.feed_all(scan("22", start=EPOCH + 0.05)) == ["22"]


def test_an_unknown_layout_is_refused():
    with pytest.raises(ValueError, match="unknown keyboard layout 'de'"):
        ScanDecoder("de")


def test_key_codes_are_the_kernels():
    assert {name: ecodes.ecodes[name] for name in KEY_CODES} == dict(KEY_CODES)


@pytest.mark.parametrize("layout", ["us", "fr"])
def test_the_replay_scanner_sends_what_the_test_keyboard_sends(layout):
    text = typeable(layout)
    ours = [(e.type, e.code, e.value) for e in scan(text, layout)]
    theirs = [(e.type, e.code, e.value) for e in replay.hid_events(text, layout)]
    assert theirs == ours


@pytest.mark.parametrize("layout", ["us", "fr"])
@given(data=st.data())
def test_any_typeable_text_round_trips(layout, data):
    text = data.draw(st.text(alphabet=typeable(layout), min_size=1, max_size=48))
    interval = data.draw(st.sampled_from([0.0005, 0.001, 0.010, 0.045]))
    events = scan(text, layout, interval=interval)
    # The kernel hands events over in reads of any size: split the stream anywhere.
    cuts = sorted(data.draw(st.lists(st.integers(0, len(events)), max_size=4)))
    decoder = ScanDecoder(layout)
    scans = []
    for start, end in zip([0, *cuts], [*cuts, len(events)], strict=True):
        scans += decoder.feed_all(events[start:end])
    assert scans == [text]


def test_the_us_test_keyboard_types_all_printable_ascii():
    assert set(typeable("us")) == {chr(c) for c in range(0x20, 0x7F)}
    assert {chr(c) for c in range(0x20, 0x7F)} <= set(typeable("fr"))
