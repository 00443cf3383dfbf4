"""Globally unique, time-ordered ids (UUIDv7) for rows that travel between tills."""

from __future__ import annotations

import os
import time

_RANDOM_BYTES = 10
"""The random part of an id: 80 bits, of which the version and the variant replace 6."""
_VARIANT = {f"{nibble:x}": f"{0x8 | nibble & 0x3:x}" for nibble in range(16)}
"""A random hex digit with its top two bits made the variant's ``10``."""


def new_id() -> str:
    """A UUIDv7 as text: 48 bits of Unix milliseconds, then random bits (RFC 9562)."""
    return new_ids(1)[0]


def new_ids(count: int) -> list[str]:
    """``count`` ids as ``new_id`` makes them, their random bits read in one call (an import
    writes a hundred thousand audit rows): in hex, the milliseconds (12 digits), the version
    ``7`` in place of the first random digit, 3 random digits, the variant digit, 15 more."""
    millis = f"{(time.time_ns() // 1_000_000) & ((1 << 48) - 1):012x}"
    head = f"{millis[:8]}-{millis[8:]}-7"
    random = os.urandom(_RANDOM_BYTES * count).hex()
    width = 2 * _RANDOM_BYTES
    return [
        f"{head}{r[1:4]}-{_VARIANT[r[4]]}{r[5:8]}-{r[8:20]}"
        for r in (random[start : start + width] for start in range(0, len(random), width))
    ]
