"""Manager PINs: stored only as scrypt hashes, compared in constant time."""

from __future__ import annotations

import hashlib
import hmac
import os

N, R, P = 2**14, 8, 1
MIN_LENGTH = 4


def hash_pin(pin: str, salt: bytes | None = None) -> str:
    """``scrypt$N$r$p$salt$hash``, the form the ``[security] manager_pin`` setting holds."""
    if len(pin) < MIN_LENGTH or not pin.isdigit():
        raise ValueError(f"A PIN is at least {MIN_LENGTH} digits.")
    salt = salt or os.urandom(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=N, r=R, p=P, dklen=32)
    return f"scrypt${N}${R}${P}${salt.hex()}${digest.hex()}"


def verify_pin(pin: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        candidate = hashlib.scrypt(
            pin.encode(),
            salt=bytes.fromhex(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(digest) // 2,
        )
    except ValueError:
        return False
    return hmac.compare_digest(candidate.hex(), digest)
