"""A test-side HID scanner: keyboards written as rows of keys, and the evdev.InputEvent
streams a USB scanner sends when it types on them. Written apart from
devices.scanner.keymaps so the decoder is checked against a second description."""

from __future__ import annotations

from evdev import InputEvent, ecodes

NONE = "□"
"""A key that types nothing at that level."""

ROWS = (
    ("KEY_GRAVE", *(f"KEY_{d}" for d in "1234567890"), "KEY_MINUS", "KEY_EQUAL"),
    (*(f"KEY_{c}" for c in "QWERTYUIOP"), "KEY_LEFTBRACE", "KEY_RIGHTBRACE"),
    (*(f"KEY_{c}" for c in "ASDFGHJKL"), "KEY_SEMICOLON", "KEY_APOSTROPHE", "KEY_BACKSLASH"),
    ("KEY_102ND", *(f"KEY_{c}" for c in "ZXCVBNM"), "KEY_COMMA", "KEY_DOT", "KEY_SLASH"),
)

# What the rows type: plain, with shift, with AltGr.
KEYBOARDS = {
    "us": (
        ("`1234567890-=", "qwertyuiop[]", "asdfghjkl;'\\", "□zxcvbnm,./"),
        ("~!@#$%^&*()_+", "QWERTYUIOP{}", 'ASDFGHJKL:"|', "□ZXCVBNM<>?"),
        ("□□□□□□□□□□□□□", "□□□□□□□□□□□□", "□□□□□□□□□□□□", "□□□□□□□□□□□"),
    ),
    "fr": (
        ("²&é\"'(-è_çà)=", "azertyuiop□$", "qsdfghjklmù*", "<wxcvbn,;:!"),
        ("~1234567890°+", "AZERTYUIOP□£", "QSDFGHJKLM%µ", ">WXCVBN?./§"),
        ("□□~#{[|`\\^@]}", "□□€□□□□□□□□□", "□□□□□□□□□□□□", "□□□□□□□□□□□"),
    ),
}

MODIFIER_FOR_LEVEL = (None, "KEY_LEFTSHIFT", "KEY_RIGHTALT")

# HID keyboard-page usages (USB HID Usage Tables, chapter 10), sent as MSC_SCAN.
USAGES = {
    **{f"KEY_{c}": 0x04 + i for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZ")},
    **{f"KEY_{d}": 0x1E + i for i, d in enumerate("1234567890")},
    "KEY_ENTER": 0x28,
    "KEY_ESC": 0x29,
    "KEY_BACKSPACE": 0x2A,
    "KEY_TAB": 0x2B,
    "KEY_SPACE": 0x2C,
    "KEY_MINUS": 0x2D,
    "KEY_EQUAL": 0x2E,
    "KEY_LEFTBRACE": 0x2F,
    "KEY_RIGHTBRACE": 0x30,
    "KEY_BACKSLASH": 0x32,
    "KEY_SEMICOLON": 0x33,
    "KEY_APOSTROPHE": 0x34,
    "KEY_GRAVE": 0x35,
    "KEY_COMMA": 0x36,
    "KEY_DOT": 0x37,
    "KEY_SLASH": 0x38,
    "KEY_CAPSLOCK": 0x39,
    "KEY_F1": 0x3A,
    "KEY_KPENTER": 0x58,
    **{f"KEY_KP{d}": 0x59 + i for i, d in enumerate("1234567890")},
    "KEY_102ND": 0x64,
    "KEY_LEFTCTRL": 0xE0,
    "KEY_LEFTSHIFT": 0xE1,
    "KEY_LEFTALT": 0xE2,
    "KEY_RIGHTSHIFT": 0xE5,
    "KEY_RIGHTALT": 0xE6,
}

EPOCH = 1_763_900_000.0
"""A realistic event time (CLOCK_REALTIME seconds) for recordings to start at."""


def strokes(layout: str) -> dict[str, tuple[str, str | None]]:
    """Character → (key, modifier) on the test keyboard: plain first, then shift, AltGr."""
    found: dict[str, tuple[str, str | None]] = {" ": ("KEY_SPACE", None)}
    for level, rows in enumerate(KEYBOARDS[layout]):
        for keys, chars in zip(ROWS, rows, strict=True):
            for key, char in zip(keys, chars, strict=True):
                if char != NONE:
                    found.setdefault(char, (key, MODIFIER_FOR_LEVEL[level]))
    return found


def report(at: float, presses: list[tuple[str, int]]) -> list[InputEvent]:
    """One HID report: for each key change EV_MSC MSC_SCAN then EV_KEY, closed by EV_SYN."""
    micros = round(at * 1_000_000)
    sec, usec = divmod(micros, 1_000_000)
    events = []
    for key, value in presses:
        events.append(InputEvent(sec, usec, ecodes.EV_MSC, ecodes.MSC_SCAN, 0x70000 | USAGES[key]))
        events.append(InputEvent(sec, usec, ecodes.EV_KEY, ecodes.ecodes[key], value))
    events.append(InputEvent(sec, usec, ecodes.EV_SYN, ecodes.SYN_REPORT, 0))
    return events


def tap(key: str, at: float, interval: float = 0.001, modifier: str | None = None):
    """A key pressed then released half an interval later, with its modifier if any."""
    held = [modifier] if modifier else []
    down = report(at, [(k, 1) for k in [*held, key]])
    up = report(at + interval / 2, [(k, 0) for k in [key, *held]])
    return down + up


def scan(
    text: str,
    layout: str = "us",
    *,
    start: float = EPOCH,
    interval: float = 0.001,
    enter: str = "KEY_ENTER",
    shift: str = "KEY_LEFTSHIFT",
) -> list[InputEvent]:
    """The events of a scanner typing ``text`` then Enter, one key every ``interval`` s."""
    keys = strokes(layout)
    events: list[InputEvent] = []
    for n, char in enumerate(text):
        key, modifier = keys[char]
        if modifier == "KEY_LEFTSHIFT":
            modifier = shift
        events += tap(key, start + n * interval, interval, modifier)
    events += tap(enter, start + len(text) * interval, interval)
    return events


def typeable(layout: str) -> str:
    return "".join(sorted(strokes(layout)))
