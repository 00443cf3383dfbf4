"""The simulated twin of an evdev scanner: recorded key events played through a pipe.

``hid_events`` writes the events a USB HID scanner sends for a text (EV_MSC with the HID
usage, EV_KEY, EV_SYN per report, shift or AltGr in the same report as the key);
``ReplayDevice`` has the part of ``evdev.InputDevice`` the reader uses (a real file
descriptor to select on, grab, read, ENODEV once unplugged) and ``ReplaySource`` stands for
/dev/input. The bench, the tests and a demo use them; no kernel, no evdev needed.
"""

from __future__ import annotations

import contextlib
import errno
import itertools
import os
import threading
from collections.abc import Hashable, Iterable, Iterator
from functools import cache
from typing import NamedTuple

from devices.scanner.keymaps import KEY_CODES, KEYPAD, LAYOUTS

EV_SYN, EV_KEY, EV_MSC = 0, 1, 4
SYN_REPORT = 0
MSC_SCAN = 4
HID_KEYBOARD_PAGE = 0x70000

HID_USAGES: dict[str, int] = {
    **{f"KEY_{letter}": 0x04 + n for n, letter in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZ")},
    **{f"KEY_{digit}": 0x1E + n for n, digit in enumerate("123456789")},
    "KEY_0": 0x27,
    "KEY_ENTER": 0x28,
    "KEY_ESC": 0x29,
    "KEY_BACKSPACE": 0x2A,
    "KEY_TAB": 0x2B,
    "KEY_SPACE": 0x2C,
    "KEY_MINUS": 0x2D,
    "KEY_EQUAL": 0x2E,
    "KEY_LEFTBRACE": 0x2F,
    "KEY_RIGHTBRACE": 0x30,
    "KEY_BACKSLASH": 0x32,  # the ISO key left of Enter (0x31 on ANSI boards, same keycode)
    "KEY_SEMICOLON": 0x33,
    "KEY_APOSTROPHE": 0x34,
    "KEY_GRAVE": 0x35,
    "KEY_COMMA": 0x36,
    "KEY_DOT": 0x37,
    "KEY_SLASH": 0x38,
    "KEY_CAPSLOCK": 0x39,
    "KEY_NUMLOCK": 0x53,
    "KEY_KPSLASH": 0x54,
    "KEY_KPASTERISK": 0x55,
    "KEY_KPMINUS": 0x56,
    "KEY_KPPLUS": 0x57,
    "KEY_KPENTER": 0x58,
    **{f"KEY_KP{digit}": 0x59 + n for n, digit in enumerate("123456789")},
    "KEY_KP0": 0x62,
    "KEY_KPDOT": 0x63,
    "KEY_102ND": 0x64,
    "KEY_LEFTCTRL": 0xE0,
    "KEY_LEFTSHIFT": 0xE1,
    "KEY_LEFTALT": 0xE2,
    "KEY_LEFTMETA": 0xE3,
    "KEY_RIGHTCTRL": 0xE4,
    "KEY_RIGHTSHIFT": 0xE5,
    "KEY_RIGHTALT": 0xE6,
    "KEY_RIGHTMETA": 0xE7,
}
"""HID keyboard-page usage of each key: the value of the EV_MSC MSC_SCAN event before it."""


class RecordedEvent(NamedTuple):
    """One input event, with the fields of ``evdev.InputEvent``."""

    sec: int
    usec: int
    type: int
    code: int
    value: int


@cache
def _strokes(layout: str) -> dict[str, tuple[str, str | None]]:
    """Character → (key, modifier) that types it: plain first, then shift, then AltGr."""
    keys = LAYOUTS[layout]
    strokes: dict[str, tuple[str, str | None]] = {}
    main = [(key, pair) for key, pair in keys.keys.items() if key not in KEYPAD]
    for level, modifier in ((0, None), (1, "KEY_LEFTSHIFT")):
        for key, pair in main:
            strokes.setdefault(pair[level], (key, modifier))
    for key, char in keys.altgr.items():
        strokes.setdefault(char, (key, "KEY_RIGHTALT"))
    return strokes


def typeable(layout: str) -> frozenset[str]:
    """The characters ``hid_events`` can type with ``layout``."""
    return frozenset(_strokes(layout))


def hid_events(
    text: str,
    layout: str = "us",
    *,
    start: float = 0.0,
    key_interval: float = 0.001,
    enter: str = "KEY_ENTER",
) -> list[RecordedEvent]:
    """The events a HID scanner set to ``layout`` sends for ``text`` then Enter.

    Each key is a down report at its time and an up report half an interval later.
    """
    strokes = _strokes(layout)
    events: list[RecordedEvent] = []
    for n, char in enumerate([*text, None]):
        if char is None:
            key, modifier = enter, None
        else:
            try:
                key, modifier = strokes[char]
            except KeyError:
                raise ValueError(f"{char!r} cannot be typed with layout {layout!r}") from None
        pressed = [*([modifier] if modifier else []), key]
        at = start + n * key_interval
        events += _report(pressed, 1, at)
        events += _report(list(reversed(pressed)), 0, at + key_interval / 2)
    return events


def _report(keys: list[str], value: int, at: float) -> list[RecordedEvent]:
    micros = round(at * 1_000_000)
    sec, usec = divmod(micros, 1_000_000)
    events = []
    for key in keys:
        usage = HID_KEYBOARD_PAGE | HID_USAGES[key]
        events.append(RecordedEvent(sec, usec, EV_MSC, MSC_SCAN, usage))
        events.append(RecordedEvent(sec, usec, EV_KEY, KEY_CODES[key], value))
    events.append(RecordedEvent(sec, usec, EV_SYN, SYN_REPORT, 0))
    return events


class DeviceInfo(NamedTuple):
    """As ``evdev.DeviceInfo``."""

    bustype: int
    vendor: int
    product: int
    version: int


KEYBOARD_CAPABILITIES = {EV_SYN: [0, 1, 4], EV_KEY: sorted(KEY_CODES.values()), EV_MSC: [MSC_SCAN]}


class ReplayDevice:
    """An input device that hands out the events it is sent, like a plugged-in scanner."""

    _numbers = itertools.count(100)

    def __init__(
        self,
        name: str = "Barcode Scanner",
        vendor: int = 0x0C2E,
        product: int = 0x0B61,
        *,
        path: str | None = None,
        phys: str = "usb-0000:00:14.0-1/input0",
        links: Iterable[str] = (),
        capabilities: dict[int, list[int]] | None = None,
    ) -> None:
        self.name = name
        self.info = DeviceInfo(0x03, vendor, product, 0x0110)
        self.path = path or f"/dev/input/event{next(self._numbers)}"
        self.phys = phys
        self.links = tuple(links)
        self._capabilities = capabilities or KEYBOARD_CAPABILITIES
        self._queue: list[object] = []
        self._lock = threading.Lock()
        self._wake_read, self._wake_write = os.pipe()
        os.set_blocking(self._wake_read, False)
        self.grabbed = False
        self.closed = True
        self.unplugged = False
        self.opened = 0
        self.grabs = 0
        self.ungrabs = 0

    def send(self, events: Iterable[object]) -> None:
        """What the scanner sends now (any thread): read by the next ``read``."""
        with self._lock:
            self._queue.extend(events)
        os.write(self._wake_write, b"x")

    def unplug(self) -> None:
        """The cable is pulled: the descriptor turns readable and reads fail with ENODEV."""
        self.unplugged = True
        os.write(self._wake_write, b"x")

    @property
    def unread(self) -> int:
        """Events sent and not read yet."""
        with self._lock:
            return len(self._queue)

    # --- the evdev.InputDevice side ----------------------------------------------------

    def fileno(self) -> int:
        return self._wake_read

    def read(self) -> Iterator[object]:
        if self.closed:
            raise OSError(errno.EBADF, "Bad file descriptor")
        if self.unplugged:
            raise OSError(errno.ENODEV, "No such device")
        with contextlib.suppress(BlockingIOError):
            os.read(self._wake_read, 4096)
        with self._lock:
            events, self._queue = self._queue, []
        if not events:
            raise BlockingIOError(errno.EAGAIN, "Resource temporarily unavailable")
        return iter(events)

    def grab(self) -> None:
        if self.unplugged:
            raise OSError(errno.ENODEV, "No such device")
        if self.grabbed:
            raise OSError(errno.EBUSY, "Device or resource busy")
        self.grabbed = True
        self.grabs += 1

    def ungrab(self) -> None:
        if not self.grabbed:
            raise OSError(errno.EINVAL, "Invalid argument")
        self.grabbed = False
        self.ungrabs += 1

    def close(self) -> None:
        self.closed = True
        self.grabbed = False  # the kernel releases a grab with the descriptor

    def capabilities(self) -> dict[int, list[int]]:
        return self._capabilities

    def dispose(self) -> None:
        """Close the pipe behind the descriptor (once no reader selects on it)."""
        for fd in (self._wake_read, self._wake_write):
            with contextlib.suppress(OSError):
                os.close(fd)


class ReplaySource:
    """Stands for /dev/input: the replay devices plugged in right now."""

    def __init__(self, devices: Iterable[ReplayDevice] = (), *, denied: Iterable[str] = ()):
        self._devices: dict[str, tuple[ReplayDevice, int]] = {}
        self._plugs = itertools.count()
        self.denied = set(denied)
        """Paths that refuse to open, as without permission."""
        self.all: list[ReplayDevice] = []
        self.listings = 0
        """How many times /dev/input was looked at."""
        for device in devices:
            self.plug(device)

    def plug(self, device: ReplayDevice) -> ReplayDevice:
        self._devices[device.path] = (device, next(self._plugs))
        self.all.append(device)
        return device

    def unplug(self, device: ReplayDevice) -> None:
        self._devices.pop(device.path, None)
        device.unplug()

    def listing(self) -> dict[str, Hashable]:
        self.listings += 1
        return {path: plug for path, (_, plug) in self._devices.items()}

    def open(self, path: str) -> ReplayDevice:
        if path in self.denied:
            raise PermissionError(errno.EACCES, "Permission denied", path)
        if path not in self._devices:
            raise FileNotFoundError(errno.ENOENT, "No such file or directory", path)
        device = self._devices[path][0]
        device.closed = False
        device.opened += 1
        return device

    def resolve(self, path: str) -> str | None:
        for device, _ in self._devices.values():
            if path in device.links:
                return device.path
        return None

    def links(self) -> dict[str, list[str]]:
        return {path: list(device.links) for path, (device, _) in self._devices.items()}

    def dispose(self) -> None:
        for device in self.all:
            device.dispose()
