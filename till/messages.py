"""App-wide messages."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class Scanned(Message):
    """A complete scan from any source: scan field, simulated scanner or an evdev scanner."""

    text: str
    source: str = "keyboard"
