"""Which input device a configured scanner is: by name, ``vvvv:pppp`` or a stable path.

Never by ``/dev/input/eventN``: those numbers change with every boot and every plug.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, Protocol

from till.core.words import N_
from till.errors import ScannerError

ROLES = ("product", "loyalty", "any")
"""What a scanner reads: products only, loyalty cards only, or either (the code decides)."""

VENDOR_PRODUCT = re.compile(r"^([0-9a-fA-F]{4}):([0-9a-fA-F]{4})$")
EVENT_NODE = re.compile(r"^/dev/input/event\d+$")


class DeviceIdentity(Protocol):
    """What matching reads of an open ``evdev.InputDevice``."""

    path: str
    name: str

    @property
    def info(self) -> DeviceInfoLike: ...


class DeviceInfoLike(Protocol):
    vendor: int
    product: int


@dataclass(frozen=True)
class DeviceMatch:
    """A parsed ``match`` value of the scanner config."""

    kind: Literal["name", "usb", "path"]
    value: str
    vendor: int = 0
    product: int = 0

    def matches(self, device: DeviceIdentity, resolved_path: str | None = None) -> bool:
        """Whether ``device`` is this one; ``resolved_path`` is where a path match points now."""
        info = device.info
        return self.accepts(device.name, info.vendor, info.product, device.path, resolved_path)

    def accepts(
        self, name: str, vendor: int, product: int, path: str, resolved_path: str | None
    ) -> bool:
        """``matches`` for a device described by its fields."""
        if self.kind == "usb":
            return (vendor, product) == (self.vendor, self.product)
        if self.kind == "path":
            return resolved_path is not None and resolved_path == path
        return name.strip().casefold() == self.value.casefold()

    def __str__(self) -> str:
        return self.value


class BadMatch(ScannerError, ValueError):
    """A ``match`` value that names no device, or not the same one after a reboot."""


def parse_match(text: str) -> DeviceMatch:
    """Read a ``match`` value; raise BadMatch (a ValueError) saying what is wrong."""
    value = text.strip()
    if not value:
        raise BadMatch(
            N_(
                'required: a device name, a vendor:product such as "0c2e:0b61", '
                "or a /dev/input/by-id/ path (see `till devices`)"
            )
        )
    if EVENT_NODE.match(value):
        raise BadMatch(
            N_(
                "{value} changes number at every boot and plug: use its /dev/input/by-id/ path "
                "or vendor:product (see `till devices`)"
            ),
            value=value,
        )
    usb = VENDOR_PRODUCT.match(value)
    if usb:
        return DeviceMatch("usb", value.lower(), int(usb[1], 16), int(usb[2], 16))
    if value.startswith("/"):
        return DeviceMatch("path", value)
    return DeviceMatch("name", value)


def vendor_product(vendor: int, product: int) -> str:
    """``vvvv:pppp`` as the config and ``lsusb`` write it."""
    return f"{vendor:04x}:{product:04x}"
