"""Keyboard layouts a scanner types with: which character each key gives. Data only.

Keys are named as in ``evdev.ecodes`` (Linux ``input-event-codes.h``); ``KEY_CODES`` holds
their numbers so decoding needs no evdev at run time (a test checks them against evdev).
A key gives ``(unshifted, shifted)``; ``altgr`` is the third level (right Alt), and ``dead``
keys put an accent on the next key (alone, followed by a space, they give the accent).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

KEY_CODES: Mapping[str, int] = MappingProxyType(
    {
        "KEY_ESC": 1,
        "KEY_1": 2,
        "KEY_2": 3,
        "KEY_3": 4,
        "KEY_4": 5,
        "KEY_5": 6,
        "KEY_6": 7,
        "KEY_7": 8,
        "KEY_8": 9,
        "KEY_9": 10,
        "KEY_0": 11,
        "KEY_MINUS": 12,
        "KEY_EQUAL": 13,
        "KEY_BACKSPACE": 14,
        "KEY_TAB": 15,
        "KEY_Q": 16,
        "KEY_W": 17,
        "KEY_E": 18,
        "KEY_R": 19,
        "KEY_T": 20,
        "KEY_Y": 21,
        "KEY_U": 22,
        "KEY_I": 23,
        "KEY_O": 24,
        "KEY_P": 25,
        "KEY_LEFTBRACE": 26,
        "KEY_RIGHTBRACE": 27,
        "KEY_ENTER": 28,
        "KEY_LEFTCTRL": 29,
        "KEY_A": 30,
        "KEY_S": 31,
        "KEY_D": 32,
        "KEY_F": 33,
        "KEY_G": 34,
        "KEY_H": 35,
        "KEY_J": 36,
        "KEY_K": 37,
        "KEY_L": 38,
        "KEY_SEMICOLON": 39,
        "KEY_APOSTROPHE": 40,
        "KEY_GRAVE": 41,
        "KEY_LEFTSHIFT": 42,
        "KEY_BACKSLASH": 43,
        "KEY_Z": 44,
        "KEY_X": 45,
        "KEY_C": 46,
        "KEY_V": 47,
        "KEY_B": 48,
        "KEY_N": 49,
        "KEY_M": 50,
        "KEY_COMMA": 51,
        "KEY_DOT": 52,
        "KEY_SLASH": 53,
        "KEY_RIGHTSHIFT": 54,
        "KEY_KPASTERISK": 55,
        "KEY_LEFTALT": 56,
        "KEY_SPACE": 57,
        "KEY_CAPSLOCK": 58,
        "KEY_NUMLOCK": 69,
        "KEY_KP7": 71,
        "KEY_KP8": 72,
        "KEY_KP9": 73,
        "KEY_KPMINUS": 74,
        "KEY_KP4": 75,
        "KEY_KP5": 76,
        "KEY_KP6": 77,
        "KEY_KPPLUS": 78,
        "KEY_KP1": 79,
        "KEY_KP2": 80,
        "KEY_KP3": 81,
        "KEY_KP0": 82,
        "KEY_KPDOT": 83,
        "KEY_102ND": 86,
        "KEY_KPENTER": 96,
        "KEY_RIGHTCTRL": 97,
        "KEY_KPSLASH": 98,
        "KEY_RIGHTALT": 100,
        "KEY_LEFTMETA": 125,
        "KEY_RIGHTMETA": 126,
    }
)

ENTER_KEYS = ("KEY_ENTER", "KEY_KPENTER")
"""A scan ends when one of these goes down."""

SHIFT_KEYS = ("KEY_LEFTSHIFT", "KEY_RIGHTSHIFT")
ALTGR_KEYS = ("KEY_RIGHTALT",)
COMMAND_KEYS = ("KEY_LEFTCTRL", "KEY_RIGHTCTRL", "KEY_LEFTALT", "KEY_LEFTMETA", "KEY_RIGHTMETA")
"""Held down, these make a key a command rather than text: such keys are dropped."""

CAPS_LOCK = "KEY_CAPSLOCK"

KEYPAD: Mapping[str, tuple[str, str]] = {
    "KEY_KP0": ("0", "0"),
    "KEY_KP1": ("1", "1"),
    "KEY_KP2": ("2", "2"),
    "KEY_KP3": ("3", "3"),
    "KEY_KP4": ("4", "4"),
    "KEY_KP5": ("5", "5"),
    "KEY_KP6": ("6", "6"),
    "KEY_KP7": ("7", "7"),
    "KEY_KP8": ("8", "8"),
    "KEY_KP9": ("9", "9"),
    "KEY_KPDOT": (".", "."),
    "KEY_KPPLUS": ("+", "+"),
    "KEY_KPMINUS": ("-", "-"),
    "KEY_KPASTERISK": ("*", "*"),
    "KEY_KPSLASH": ("/", "/"),
}
"""The keypad with Num Lock on, the same in every layout (scanners set to keypad digits)."""

LETTERS_US_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")


@dataclass(frozen=True)
class Layout:
    """One keyboard layout: what each key types, by evdev key name."""

    name: str
    keys: Mapping[str, tuple[str, str]]
    altgr: Mapping[str, str] = field(default_factory=dict)
    dead: Mapping[str, tuple[str, str]] = field(default_factory=dict)


US = Layout(
    name="us",
    keys={
        **{f"KEY_{c.upper()}": (c, c.upper()) for row in LETTERS_US_ROWS for c in row},
        "KEY_GRAVE": ("`", "~"),
        "KEY_1": ("1", "!"),
        "KEY_2": ("2", "@"),
        "KEY_3": ("3", "#"),
        "KEY_4": ("4", "$"),
        "KEY_5": ("5", "%"),
        "KEY_6": ("6", "^"),
        "KEY_7": ("7", "&"),
        "KEY_8": ("8", "*"),
        "KEY_9": ("9", "("),
        "KEY_0": ("0", ")"),
        "KEY_MINUS": ("-", "_"),
        "KEY_EQUAL": ("=", "+"),
        "KEY_LEFTBRACE": ("[", "{"),
        "KEY_RIGHTBRACE": ("]", "}"),
        "KEY_BACKSLASH": ("\\", "|"),
        "KEY_SEMICOLON": (";", ":"),
        "KEY_APOSTROPHE": ("'", '"'),
        "KEY_COMMA": (",", "<"),
        "KEY_DOT": (".", ">"),
        "KEY_SLASH": ("/", "?"),
        "KEY_SPACE": (" ", " "),
        **KEYPAD,
    },
)

FR = Layout(
    name="fr",
    keys={
        # The letters that sit where US has others; the rest are where US has them.
        **{f"KEY_{c.upper()}": (c, c.upper()) for row in LETTERS_US_ROWS for c in row},
        "KEY_Q": ("a", "A"),
        "KEY_W": ("z", "Z"),
        "KEY_A": ("q", "Q"),
        "KEY_Z": ("w", "W"),
        "KEY_SEMICOLON": ("m", "M"),
        # The top row: symbols unshifted, digits shifted.
        "KEY_GRAVE": ("²", "~"),
        "KEY_1": ("&", "1"),
        "KEY_2": ("é", "2"),
        "KEY_3": ('"', "3"),
        "KEY_4": ("'", "4"),
        "KEY_5": ("(", "5"),
        "KEY_6": ("-", "6"),
        "KEY_7": ("è", "7"),
        "KEY_8": ("_", "8"),
        "KEY_9": ("ç", "9"),
        "KEY_0": ("à", "0"),
        "KEY_MINUS": (")", "°"),
        "KEY_EQUAL": ("=", "+"),
        "KEY_RIGHTBRACE": ("$", "£"),
        "KEY_APOSTROPHE": ("ù", "%"),
        "KEY_BACKSLASH": ("*", "µ"),
        "KEY_102ND": ("<", ">"),
        "KEY_M": (",", "?"),
        "KEY_COMMA": (";", "."),
        "KEY_DOT": (":", "/"),
        "KEY_SLASH": ("!", "§"),
        "KEY_SPACE": (" ", " "),
        **KEYPAD,
    },
    altgr={
        "KEY_2": "~",
        "KEY_3": "#",
        "KEY_4": "{",
        "KEY_5": "[",
        "KEY_6": "|",
        "KEY_7": "`",
        "KEY_8": "\\",
        "KEY_9": "^",
        "KEY_0": "@",
        "KEY_MINUS": "]",
        "KEY_EQUAL": "}",
        "KEY_E": "€",
    },
    dead={"KEY_LEFTBRACE": ("^", "¨")},
)

LAYOUTS: Mapping[str, Layout] = MappingProxyType({layout.name: layout for layout in (US, FR)})
"""Every layout a scanner may be configured with, by the name the config uses."""
