"""App-wide messages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message
from textual.notifications import SeverityLevel

if TYPE_CHECKING:
    from till.sync_service import SyncStatus


@dataclass
class Scanned(Message):
    """A complete scan from any source: scan field, simulated scanner or an evdev scanner."""

    text: str
    source: str = "keyboard"
    role: str = "any"
    """What the scanner reads: ``product``, ``loyalty`` or ``any`` (the code decides)."""


@dataclass
class DeviceScanned(Message):
    """A scan read by the scanner thread, for the App to hand to the active screen."""

    text: str
    role: str
    device: str


@dataclass
class DeviceNotice(Message):
    """News from the scanner thread for the cashier: ready, unplugged, not found."""

    severity: SeverityLevel
    text: str


@dataclass
class Logged(Message):
    """A warning or an error from the log, posted from any thread for the cashier to see."""

    severity: SeverityLevel
    text: str


@dataclass
class SyncChanged(Message):
    """The sync worker's news: the till's standing with the back office after a sync."""

    status: SyncStatus
