"""Key events of a scanner in keyboard mode → scanned text. Pure: no I/O, no evdev needed.

A HID scanner "types" its code: for each key it sends EV_MSC (the HID usage), EV_KEY down,
EV_SYN, then the same for key up, and ends with Enter. The decoder follows shift (left and
right), caps lock (letters only), AltGr and dead keys with the configured layout, and drops
a partial scan when the gap between two key events (by the events' own timestamps) exceeds
the timeout, so a half-read code never joins the next one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from devices.scanner.keymaps import (
    ALTGR_KEYS,
    CAPS_LOCK,
    COMMAND_KEYS,
    ENTER_KEYS,
    KEY_CODES,
    LAYOUTS,
    SHIFT_KEYS,
)

EV_SYN, EV_KEY = 0, 1
SYN_REPORT, SYN_DROPPED = 0, 3
KEY_UP, KEY_DOWN = 0, 1

DEFAULT_TIMEOUT_MS = 100
MAX_SCAN_LENGTH = 512
"""Longer than any barcode: a device typing more without Enter is not scanning."""


class InputEventLike(Protocol):
    """What the decoder reads of an ``evdev.InputEvent``."""

    sec: int
    usec: int
    type: int
    code: int
    value: int


@dataclass(frozen=True)
class KeyTable:
    """A layout resolved to key codes, with the facts the decoder asks of each key."""

    chars: dict[int, tuple[str, str]]
    altgr: dict[int, str]
    dead: dict[int, tuple[str, str]]
    letters: frozenset[int]
    """Keys caps lock affects: their shifted character is their unshifted one in capitals."""

    @classmethod
    def for_layout(cls, name: str) -> KeyTable:
        try:
            layout = LAYOUTS[name]
        except KeyError:
            known = ", ".join(LAYOUTS)
            raise ValueError(f"unknown keyboard layout {name!r} (known: {known})") from None
        chars = {KEY_CODES[key]: pair for key, pair in layout.keys.items()}
        letters = frozenset(
            code
            for code, (low, high) in chars.items()
            if low.isalpha() and low != high and low.upper() == high
        )
        return cls(
            chars=chars,
            altgr={KEY_CODES[key]: char for key, char in layout.altgr.items()},
            dead={KEY_CODES[key]: pair for key, pair in layout.dead.items()},
            letters=letters,
        )


def _codes(names: Iterable[str]) -> frozenset[int]:
    return frozenset(KEY_CODES[name] for name in names)


ENTER = _codes(ENTER_KEYS)
SHIFT = _codes(SHIFT_KEYS)
ALTGR = _codes(ALTGR_KEYS)
COMMAND = _codes(COMMAND_KEYS)
MODIFIERS = SHIFT | ALTGR | COMMAND
CAPS = KEY_CODES[CAPS_LOCK]


class ScanDecoder:
    """Decodes one scanner's key events; ``feed`` returns the text when Enter goes down."""

    def __init__(
        self,
        layout: str = "us",
        timeout_ms: int = DEFAULT_TIMEOUT_MS,
        max_length: int = MAX_SCAN_LENGTH,
    ) -> None:
        self.layout = layout
        self._table = KeyTable.for_layout(layout)
        self._timeout_us = timeout_ms * 1000
        self._max_length = max_length
        self._text: list[str] = []
        self._overflow = False
        self._held: set[int] = set()
        self._caps = False
        self._dead = ""
        self._last_key_us: int | None = None
        self._resyncing = False
        self.scans = 0
        """Scans completed."""
        self.dropped_scans = 0
        """Partial scans thrown away: timeout, reset (unplug), lost events, too long."""
        self.unknown_keys = 0
        """Keys that give no text in this layout (or held with Ctrl, Alt, Meta): skipped."""

    @property
    def pending(self) -> str:
        """The scan read so far, not yet ended by Enter."""
        return "".join(self._text)

    def feed(self, event: InputEventLike) -> str | None:
        """Take one event; return the scanned text if it ended a scan."""
        if event.type == EV_SYN:
            if event.code == SYN_DROPPED:
                self._lost_events()
            elif event.code == SYN_REPORT:
                self._resyncing = False
            return None
        if event.type != EV_KEY or self._resyncing:
            return None  # EV_MSC (HID usage codes), LEDs…; and events the kernel half-lost
        now = event.sec * 1_000_000 + event.usec
        if self._last_key_us is not None and now - self._last_key_us > self._timeout_us:
            self._drop_partial()
        self._last_key_us = now
        code, value = event.code, event.value
        if code in MODIFIERS:
            if value == KEY_DOWN:
                self._held.add(code)
            elif value == KEY_UP:
                self._held.discard(code)
            return None
        if value != KEY_DOWN:
            return None  # releases and autorepeat type nothing
        if code in ENTER:
            return self._finish()
        if code == CAPS:
            self._caps = not self._caps
            return None
        self._type(code)
        return None

    def feed_all(self, events: Iterable[InputEventLike]) -> list[str]:
        """Take a batch of events (one read); return the scans they completed, in order."""
        scans = []
        for event in events:
            text = self.feed(event)
            if text is not None:
                scans.append(text)
        return scans

    def reset(self) -> None:
        """Forget everything (the device was unplugged): the partial scan and held keys."""
        self._drop_partial()
        self._held.clear()
        self._caps = False
        self._last_key_us = None
        self._resyncing = False

    # --- inside -------------------------------------------------------------------------

    def _type(self, code: int) -> None:
        table = self._table
        if self._held & COMMAND or (code not in table.chars and code not in table.dead):
            self.unknown_keys += 1
            return
        shifted = bool(self._held & SHIFT)
        if self._held & ALTGR and code in table.altgr:
            char = table.altgr[code]
        elif code in table.dead:
            self._dead = table.dead[code][shifted]
            return
        else:
            if self._caps and code in table.letters:
                shifted = not shifted
            char = table.chars[code][shifted]
        if self._dead:
            # Scanners send a dead key then a space for the accent alone; barcodes are
            # ASCII, so an accent on a letter is not composed, only kept in front of it.
            char = self._dead if char == " " else self._dead + char
            self._dead = ""
        if self._overflow or len(self._text) >= self._max_length:
            self._overflow = True
            return
        self._text.append(char)

    def _finish(self) -> str | None:
        text, overflow = "".join(self._text), self._overflow
        self._text.clear()
        self._dead = ""
        self._overflow = False
        if overflow:
            self.dropped_scans += 1
            return None
        if not text:
            return None
        self.scans += 1
        return text

    def _drop_partial(self) -> None:
        if self._text or self._dead or self._overflow:
            self.dropped_scans += 1
        self._text.clear()
        self._dead = ""
        self._overflow = False

    def _lost_events(self) -> None:
        """SYN_DROPPED: the kernel's buffer overflowed; nothing until the next report is whole."""
        self._drop_partial()
        self._held.clear()
        self._resyncing = True
