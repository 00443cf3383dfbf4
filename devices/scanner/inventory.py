"""What input devices are plugged in, and which look like barcode scanners (`till devices`)."""

from __future__ import annotations

from dataclasses import dataclass

from devices.scanner.evdev_reader import DeviceSource
from devices.scanner.keymaps import KEY_CODES
from devices.scanner.matching import vendor_product
from till.core.words import N_, Phrase

EV_KEY, EV_REL = 1, 2

SCANNER_VENDORS = {
    0x0C2E: "Honeywell (Metrologic)",
    0x0536: "Hand Held Products",
    0x05E0: "Zebra (Symbol)",
    0x05F9: "Datalogic (PSC)",
    0x080C: "Datalogic",
    0x1EAB: "Newland",
    0x065A: "Opticon",
}
"""USB vendors that make barcode scanners."""

SCANNER_WORDS = ("scanner", "barcode", "bar code", "imager", "kbw", "honeywell", "datalogic",
                 "zebra", "symbol", "newland", "opticon", "metrologic")  # fmt: skip
"""Words in a device name that suggest a scanner (cheap ones call themselves "HID KBW")."""

TYPING_KEYS = frozenset(KEY_CODES[f"KEY_{digit}"] for digit in "0123456789") | {
    KEY_CODES["KEY_ENTER"]
}


@dataclass(frozen=True)
class InputDeviceInfo:
    """One event device as a technician needs to see it to write the config."""

    path: str
    name: str
    vendor: int
    product: int
    phys: str
    links: tuple[str, ...]
    scanner_hint: str
    """Why it looks like a scanner ("" when it does not)."""
    readable: bool = True

    @property
    def vendor_product(self) -> str:
        return vendor_product(self.vendor, self.product) if self.readable else "?"

    @property
    def by_id(self) -> str:
        stable = [link for link in self.links if "/by-id/" in link]
        return (stable or list(self.links) or [""])[0]


def scanner_hint(name: str, vendor: int, capabilities: dict[int, list]) -> str:
    """Why a device looks like a barcode scanner, or "": it types digits and Enter, has no
    pointer, and its vendor or its name says so."""
    keys = set(capabilities.get(EV_KEY, ()))
    if not keys >= TYPING_KEYS or EV_REL in capabilities:
        return ""
    if vendor in SCANNER_VENDORS:
        return Phrase(N_("vendor {vendor}"), vendor=SCANNER_VENDORS[vendor])
    lowered = name.casefold()
    word = next((word for word in SCANNER_WORDS if word in lowered), None)
    return Phrase(N_("name has {word}"), word=repr(word)) if word else ""


def list_input_devices(source: DeviceSource) -> list[InputDeviceInfo]:
    """Every event device, opened just long enough to read its identity."""
    links = source.links()
    found = []
    for path in source.listing():
        stable = tuple(links.get(path, ()))
        try:
            device = source.open(path)
        except PermissionError:
            found.append(InputDeviceInfo(path, "?", 0, 0, "", stable, "", readable=False))
            continue
        except OSError:
            continue  # unplugged meanwhile
        try:
            info = device.info
            hint = scanner_hint(device.name, info.vendor, device.capabilities())
            found.append(
                InputDeviceInfo(
                    path, device.name, info.vendor, info.product, device.phys or "", stable, hint
                )
            )
        finally:
            device.close()
    return found
