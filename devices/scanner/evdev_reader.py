"""The configured scanners, read through evdev in one background thread.

Each configured scanner is found by name, vendor:product or a stable path, and grabbed so
its keys never reach the console or another program. Its events go through its own
ScanDecoder; every scan is handed to ``on_scan(text, role, device)`` from the reader thread.
A read that fails (ENODEV: unplugged) drops the device at once — a dead descriptor would
make select spin — and the rescan every couple of seconds picks it up when it is back.

``EvdevSource`` is the only code that touches the kernel; tests and the bench hand the
service the replay twin of ``devices.scanner.replay`` instead.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import select
import threading
import time
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, Literal, Protocol

from devices.scanner.decoder import KeyTable, ScanDecoder
from devices.scanner.matching import DeviceMatch, parse_match, vendor_product
from till.core.words import N_, Count, Phrase
from till.errors import ScannerError

log = logging.getLogger(__name__)

INPUT_DIR = "/dev/input"
RESCAN_SECONDS = 2.0
EV_KEY = 1

Severity = Literal["information", "warning", "error"]
ScanCallback = Callable[[str, str, str], object]
"""``(text, role, device label)``, called in the reader thread; what it returns is ignored."""
NoticeCallback = Callable[[Severity, str], object]
"""``(severity, text)`` for the cashier or technician; what it returns is ignored."""


class InputDevice(Protocol):
    """What the reader uses of an ``evdev.InputDevice``."""

    path: str
    name: str
    phys: str

    @property
    def info(self) -> Any: ...

    def fileno(self) -> int: ...
    def grab(self) -> None: ...
    def ungrab(self) -> None: ...
    def read(self) -> Iterable[Any]: ...
    def close(self) -> None: ...
    def capabilities(self) -> dict[int, list[Any]]: ...


class DeviceSource(Protocol):
    """Where input devices come from: the kernel (EvdevSource) or a replay twin."""

    def listing(self) -> dict[str, Hashable]:
        """Event device paths, each with a token that changes when a new device takes it."""

    def open(self, path: str) -> InputDevice: ...

    def resolve(self, path: str) -> str | None:
        """The event device a stable path (``/dev/input/by-id/…``) points to now, if any."""

    def links(self) -> dict[str, list[str]]:
        """Event device path → the stable paths pointing to it."""


class ScannerSettingsLike(Protocol):
    """The ``[scanner]`` section of the config (``till.config.ScannerSettings``), read-only."""

    @property
    def layout(self) -> str: ...
    @property
    def timeout_ms(self) -> int: ...
    @property
    def devices(self) -> Sequence[ScannerEntryLike]: ...


class ScannerEntryLike(Protocol):
    """One ``[[scanner.devices]]`` entry, read-only."""

    @property
    def match(self) -> str: ...
    @property
    def role(self) -> str: ...
    @property
    def layout(self) -> str: ...


def load_evdev() -> ModuleType:
    """The evdev module, or a ScannerError saying it is missing."""
    try:
        import evdev
    except ImportError as error:
        raise ScannerError(
            N_(
                "The evdev module cannot be loaded ({reason}): install evdev==2.0.0 "
                "(or Debian's python3-evdev)."
            ),
            reason=str(error),
        ) from None
    return evdev


class EvdevSource:
    """The kernel's input devices under /dev/input, through python-evdev."""

    def __init__(self, input_dir: str = INPUT_DIR) -> None:
        self._evdev = load_evdev()
        self.input_dir = Path(input_dir)
        if not self.input_dir.is_dir():
            raise ScannerError(
                N_(
                    "{folder} does not exist: this machine (or container) has no input devices "
                    "to read."
                ),
                folder=input_dir,
            )

    def listing(self) -> dict[str, Hashable]:
        found: dict[str, Hashable] = {}
        for path in sorted(self.input_dir.glob("event*"), key=lambda p: (len(p.name), p.name)):
            try:
                stat = path.stat()
            except OSError:
                continue  # unplugged while listing
            found[str(path)] = (stat.st_ino, stat.st_ctime_ns)
        return found

    def open(self, path: str) -> InputDevice:
        return self._evdev.InputDevice(path)

    def resolve(self, path: str) -> str | None:
        try:
            return os.path.realpath(path, strict=True)
        except OSError:
            return None

    def links(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for folder in ("by-id", "by-path"):
            for link in sorted((self.input_dir / folder).glob("*")):
                target = self.resolve(str(link))
                if target is not None:
                    found.setdefault(target, []).append(str(link))
        return found


@dataclass
class OpenScanner:
    """A grabbed scanner: its device, its config entry and its decoder."""

    device: InputDevice
    entry: int
    role: str
    decoder: ScanDecoder
    label: str


def device_label(device: InputDevice) -> str:
    return f"{device.name} ({vendor_product(device.info.vendor, device.info.product)})"


class ScannerService:
    """Reads the configured scanners in one background thread, from ``start`` to ``stop``."""

    def __init__(
        self,
        config: ScannerSettingsLike,
        on_scan: ScanCallback,
        *,
        on_notice: NoticeCallback | None = None,
        source: DeviceSource | None = None,
        rescan_seconds: float = RESCAN_SECONDS,
    ) -> None:
        self.config = config
        self.on_scan = on_scan
        self.on_notice = on_notice or _log_notice
        self.source = source if source is not None else EvdevSource()
        self.rescan_seconds = rescan_seconds
        self.entries = list(config.devices)
        try:
            self.matches: list[DeviceMatch] = [parse_match(entry.match) for entry in self.entries]
            for entry in self.entries:
                KeyTable.for_layout(entry.layout or config.layout)
        except ValueError as error:
            raise ScannerError(N_("Scanner config: {reason}."), reason=error) from None
        self._open: dict[int, OpenScanner] = {}
        """By file descriptor."""
        self._not_scanners: dict[str, Hashable] = {}
        """Devices looked at and matching no entry, until their node changes."""
        self._told: set[str] = set()
        """Problems already reported, so a rescan every 2 s does not repeat them."""
        self._missing: set[int] = set()
        self._stopping = threading.Event()
        self._wake_read, self._wake_write = os.pipe()
        self._thread: threading.Thread | None = None
        self._labels: tuple[str, ...] = ()

    # --- the owner's side ---------------------------------------------------------------

    def start(self) -> None:
        """Start the reader thread; it opens the scanners at once."""
        self._thread = threading.Thread(target=self._run, name="till-scanners", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 2.0) -> None:
        """Ungrab and close every scanner and end the thread."""
        self._stopping.set()
        with contextlib.suppress(OSError):
            os.write(self._wake_write, b"x")
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                log.warning("the scanner thread did not stop within %.1f s", timeout)
                return
        for fd in (self._wake_read, self._wake_write):
            with contextlib.suppress(OSError):
                os.close(fd)

    @property
    def connected(self) -> tuple[str, ...]:
        """The scanners open right now, as ``name (vvvv:pppp)``."""
        return self._labels

    # --- the reader thread --------------------------------------------------------------

    def _run(self) -> None:
        try:
            next_rescan = 0.0
            while not self._stopping.is_set():
                if time.monotonic() >= next_rescan:
                    self._rescan()
                    next_rescan = time.monotonic() + self.rescan_seconds
                wait = max(0.0, next_rescan - time.monotonic())
                ready, _, _ = select.select([self._wake_read, *self._open], [], [], wait)
                for fd in ready:
                    if fd == self._wake_read:
                        os.read(self._wake_read, 512)
                    elif fd in self._open and not self._read(self._open[fd]):
                        next_rescan = time.monotonic() + self.rescan_seconds  # back in ~2 s?
        except Exception as error:
            log.exception("the scanner reader stopped")
            stopped = N_("Scanners stopped ({error}): they type as keyboards until a restart.")
            self.on_notice("error", Phrase(stopped, error=error))
        finally:
            for scanner in list(self._open.values()):
                self._release(scanner)
            self._open.clear()
            self._labels = ()

    def _read(self, scanner: OpenScanner) -> bool:
        """Decode what the scanner sent; False if it is gone (and was dropped)."""
        try:
            events = list(scanner.device.read())
        except BlockingIOError:
            return True
        except OSError as error:
            self._lose(scanner, error)
            return False
        for event in events:
            text = scanner.decoder.feed(event)
            if text is not None:
                try:
                    self.on_scan(text, scanner.role, scanner.label)
                except Exception:
                    log.exception("handing on the scan %r failed", text)
        return True

    def _lose(self, scanner: OpenScanner, error: OSError) -> None:
        fd = next(fd for fd, held in self._open.items() if held is scanner)
        del self._open[fd]
        scanner.decoder.reset()
        with contextlib.suppress(OSError):
            scanner.device.close()
        self._update_labels()
        if error.errno == errno.ENODEV:
            unplugged = N_("Scanner {label} unplugged: waiting for it.")
            self.on_notice("warning", Phrase(unplugged, label=scanner.label))
        else:
            failed = N_("Scanner {label} failed ({error}): reopening it.")
            self.on_notice("warning", Phrase(failed, label=scanner.label, error=error))
        if all(held.entry != scanner.entry for held in self._open.values()):
            self._missing.add(scanner.entry)

    def _rescan(self) -> None:
        """Open and grab configured scanners that appeared since the last look."""
        listing = self.source.listing()
        self._not_scanners = {
            path: token for path, token in self._not_scanners.items() if listing.get(path) == token
        }
        held_paths = {scanner.device.path for scanner in self._open.values()}
        resolved = {
            index: self.source.resolve(match.value)
            for index, match in enumerate(self.matches)
            if match.kind == "path"
        }
        denied = 0
        for path, token in listing.items():
            if path in held_paths or self._not_scanners.get(path) == token:
                continue
            try:
                device = self.source.open(path)
            except PermissionError:
                denied += 1  # retried at every rescan: udev may grant access a moment later
                continue
            except OSError:
                continue  # gone between the listing and the open
            entry = self._entry_for(device, resolved)
            if entry is None or EV_KEY not in device.capabilities():
                self._not_scanners[path] = token
                with contextlib.suppress(OSError):
                    device.close()
                continue
            self._grab(device, entry)
        self._tell_missing(denied)

    def _entry_for(self, device: InputDevice, resolved: dict[int, str | None]) -> int | None:
        for index, match in enumerate(self.matches):
            if match.matches(device, resolved.get(index)):
                return index
        return None

    def _grab(self, device: InputDevice, entry: int) -> None:
        label = device_label(device)
        try:
            device.grab()
        except OSError as error:
            with contextlib.suppress(OSError):
                device.close()
            reason = (
                Phrase(N_("another program holds it (a second register?)"))
                if error.errno == errno.EBUSY
                else str(error)
            )
            held = Phrase(N_("Scanner {label}: {reason}."), label=label, reason=reason)
            self._tell_once(f"grab:{device.path}", "warning", held)
            return
        config = self.entries[entry]
        decoder = ScanDecoder(config.layout or self.config.layout, self.config.timeout_ms)
        self._open[device.fileno()] = OpenScanner(device, entry, config.role, decoder, label)
        self._update_labels()
        self._missing.discard(entry)
        self._told.discard(f"grab:{device.path}")
        ready = N_("Scanner {label} ready ({role}).")
        self.on_notice("information", Phrase(ready, label=label, role=config.role))

    def _tell_missing(self, denied: int) -> None:
        found = {scanner.entry for scanner in self._open.values()}
        hint = (
            Count(
                denied,
                "{n} input device cannot be read for lack of permission (docs/devices.md)",
                "{n} input devices cannot be read for lack of permission (docs/devices.md)",
            )
            if denied
            else Phrase(N_("`till devices` lists what is plugged in"))
        )
        missing = N_("Scanner {match} not found, waiting for it: {hint}.")
        for index, match in enumerate(self.matches):
            if index not in found and index not in self._missing:
                self._missing.add(index)
                self.on_notice("warning", Phrase(missing, match=str(match), hint=hint))

    def _tell_once(self, key: str, severity: Severity, text: str) -> None:
        if key not in self._told:
            self._told.add(key)
            self.on_notice(severity, text)

    def _release(self, scanner: OpenScanner) -> None:
        with contextlib.suppress(OSError):
            scanner.device.ungrab()
        with contextlib.suppress(OSError):
            scanner.device.close()

    def _update_labels(self) -> None:
        self._labels = tuple(scanner.label for scanner in self._open.values())


def _log_notice(severity: Severity, text: str) -> None:
    level = {"information": logging.INFO, "warning": logging.WARNING}.get(severity, logging.ERROR)
    log.log(level, "%s", text)


def scanner_diagnosis(settings: Any, source: DeviceSource | None = None) -> list[tuple[str, str]]:
    """For `till doctor`: ``(status, message)`` lines on the scanners (see diagnosis.py)."""
    from devices.scanner.diagnosis import scanner_diagnosis as diagnose

    return diagnose(settings, source)
