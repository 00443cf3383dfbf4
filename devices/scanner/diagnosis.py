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
from till.core.words import N_, Count, Phrase
from till.errors import ScannerError

Diagnosis = list[tuple[str, str]]
"""``(status, message)`` lines; status is "ok", "warn" or "fail". A message is a ``Phrase``:
English as ``str``, in the till's language where it is formatted (the doctor's line)."""

WEDGE = Phrase(N_("Meanwhile scanners work only as keyboards typing into the scan field."))
NOT_IN_USE = N_("evdev not in use: {reason} {wedge}")


def scanner_diagnosis(settings: Any, source: DeviceSource | None = None) -> Diagnosis:
    """Check the ``[scanner]`` section of ``settings`` against the devices plugged in."""
    config = settings.scanner
    if not config.devices:
        none = N_(
            "No evdev scanner configured: scanners type into the scan field (keyboard-wedge mode)."
        )
        return [("ok", Phrase(none))]
    if source is None:
        try:
            source = EvdevSource()
        except ScannerError as error:
            return [("fail", Phrase(NOT_IN_USE, reason=error, wedge=WEDGE))]
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
            no_devices = Phrase(N_("no input devices at all."))
            results.append(("fail", Phrase(NOT_IN_USE, reason=no_devices, wedge=WEDGE)))
        elif denied:
            unreadable = N_(
                "User {user} cannot read {denied} of {devices}: install"
                " systemd/99-till-scanners.rules or add the user to group input (docs/devices.md)."
            )
            devices = Count(len(listing), "{n} input device", "{n} input devices")
            said = Phrase(unreadable, user=getpass.getuser(), denied=len(denied), devices=devices)
            results.append(("warn" if opened else "fail", said))
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
    layout = entry.layout or default_layout
    what = Phrase(
        N_("Scanner {match} ({role}, layout {layout})"),
        match=str(match),
        role=entry.role,
        layout=layout,
    )
    found = [
        device
        for device in opened.values()
        if match.matches(device, resolved) and EV_KEY in device.capabilities()
    ]
    if not found:
        not_found = (
            N_(
                "{what}: not found (it may be one of the devices that cannot be read). Is it"
                " plugged in? `till devices` lists what is. {wedge}"
            )
            if some_denied
            else N_("{what}: not found. Is it plugged in? `till devices` lists what is. {wedge}")
        )
        return ("fail", Phrase(not_found, what=what, wedge=WEDGE))
    device = found[0]
    label, path = device_label(device), device.path
    try:
        device.grab()
    except OSError as error:
        if error.errno == errno.EBUSY:
            held = N_(
                "{what}: {device} at {path} is held by another program (normal while the"
                " register runs)."
            )
            return ("warn", Phrase(held, what=what, device=label, path=path))
        stuck = N_("{what}: {device} cannot be grabbed ({error}). {wedge}")
        return ("fail", Phrase(stuck, what=what, device=label, error=str(error), wedge=WEDGE))
    with contextlib.suppress(OSError):
        device.ungrab()
    ready = N_("{what}: {device} at {path}, ready to be grabbed.")
    return ("ok", Phrase(ready, what=what, device=label, path=path))
