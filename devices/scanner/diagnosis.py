"""What `till doctor` says about scanners: whether evdev is in use, and if not, why.

Without evdev (module missing, no /dev/input, no permission, scanner not plugged in) the
register still works: a scanner in keyboard-wedge mode types into the scan field.
"""

from __future__ import annotations

import contextlib
import errno
import getpass
from typing import Any

from devices.scanner.evdev_reader import (
    EV_KEY,
    DeviceSource,
    EvdevSource,
    InputDevice,
    ScannerEntryLike,
    device_label,
)
from devices.scanner.matching import parse_match
from till.errors import ScannerError

Diagnosis = list[tuple[str, str]]
"""``(status, message)`` lines; status is "ok", "warn" or "fail"."""

WEDGE = "Meanwhile scanners work only as keyboards typing into the scan field."


def scanner_diagnosis(settings: Any, source: DeviceSource | None = None) -> Diagnosis:
    """Check the ``[scanner]`` section of ``settings`` against the devices plugged in."""
    config = settings.scanner
    if not config.devices:
        return [
            (
                "ok",
                "No evdev scanner configured: scanners type into the scan field "
                "(keyboard-wedge mode).",
            )
        ]
    if source is None:
        try:
            source = EvdevSource()
        except ScannerError as error:
            return [("fail", f"evdev not in use: {error} {WEDGE}")]
    listing = source.listing()
    opened: dict[str, InputDevice] = {}
    denied: list[str] = []
    for path in listing:
        try:
            opened[path] = source.open(path)
        except PermissionError:
            denied.append(path)
        except OSError:
            pass  # unplugged meanwhile
    results: Diagnosis = []
    try:
        if not listing:
            results.append(("fail", f"evdev not in use: no input devices at all. {WEDGE}"))
        elif denied:
            results.append(
                (
                    "warn" if opened else "fail",
                    f"User {getpass.getuser()} cannot read {len(denied)} of {len(listing)} "
                    "input devices: install systemd/99-till-scanners.rules or add the user to "
                    "group input (docs/devices.md).",
                )
            )
        for entry in config.devices:
            results.append(_check(entry, config.layout, opened, source, bool(denied)))
    finally:
        for device in opened.values():
            with contextlib.suppress(OSError):
                device.close()
    return results


def _check(
    entry: ScannerEntryLike,
    default_layout: str,
    opened: dict[str, InputDevice],
    source: DeviceSource,
    some_denied: bool,
) -> tuple[str, str]:
    match = parse_match(entry.match)
    resolved = source.resolve(match.value) if match.kind == "path" else None
    what = f"Scanner {match} ({entry.role}, layout {entry.layout or default_layout})"
    found = [
        device
        for device in opened.values()
        if match.matches(device, resolved) and EV_KEY in device.capabilities()
    ]
    if not found:
        maybe = " (it may be one of the devices that cannot be read)" if some_denied else ""
        return (
            "fail",
            f"{what}: not found{maybe}. Is it plugged in? `till devices` lists what is. {WEDGE}",
        )
    device = found[0]
    try:
        device.grab()
    except OSError as error:
        if error.errno == errno.EBUSY:
            return (
                "warn",
                f"{what}: {device_label(device)} at {device.path} is held by another program "
                "(normal while the register runs).",
            )
        return ("fail", f"{what}: {device_label(device)} cannot be grabbed ({error}). {WEDGE}")
    with contextlib.suppress(OSError):
        device.ungrab()
    return ("ok", f"{what}: {device_label(device)} at {device.path}, ready to be grabbed.")
