"""Manager PINs: stored only as scrypt hashes, compared in constant time."""

from __future__ import annotations

import hashlib
import hmac
import os
import re

from till.core.formats import count

N, R, P = 2**14, 8, 1
NO_MANAGER_PIN = "No manager PIN is set: a technician sets one with `till manager-pin`."
MIN_LENGTH = 4


def hash_pin(pin: str, salt: bytes | None = None) -> str:
    """``scrypt$N$r$p$salt$hash``, the form the ``[security] manager_pin`` setting holds."""
    if len(pin) < MIN_LENGTH or not pin.isdigit():
        raise ValueError(f"A PIN is at least {MIN_LENGTH} digits.")
    salt = salt or os.urandom(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=N, r=R, p=P, dklen=32)
    return f"scrypt${N}${R}${P}${salt.hex()}${digest.hex()}"


# Bounds on a stored hash's parameters: what `till manager-pin` writes sits well inside, and
# anything outside would take seconds or gigabytes to check, or overflow the C library.
MAX_N, MAX_R, MAX_P = 2**20, 32, 16
MAX_MEMORY = 64 * 2**20  # hashlib.scrypt's maxmem default is 32 MiB
SALT_BYTES = (8, 64)
HASH_BYTES = (16, 64)


def hash_problem(stored: str) -> str | None:
    """What makes ``stored`` unusable as a manager PIN hash, or None: the form
    ``scrypt$N$r$p$salt$hash`` with N a power of two, every parameter bounded."""
    parts = stored.split("$")
    if len(parts) != 6 or parts[0] != "scrypt":
        return "must be the hash `till manager-pin` prints (scrypt$N$r$p$salt$hash), not a PIN"
    n, r, p, salt, digest = parts[1:]
    if not all(value.isascii() and value.isdigit() and len(value) <= 8 for value in (n, r, p)):
        return "N, r and p must be whole numbers"
    if not (2 <= int(n) <= MAX_N and int(n) & (int(n) - 1) == 0):
        return f"N must be a power of two up to {MAX_N}, got {n}"
    if not 1 <= int(r) <= MAX_R or not 1 <= int(p) <= MAX_P:
        return f"r must be 1-{MAX_R} and p 1-{MAX_P}, got r={r}, p={p}"
    if 128 * int(r) * (int(n) + int(p) + 2) > MAX_MEMORY:
        return f"N and r ask for more than {MAX_MEMORY // 2**20} MiB of memory"
    for name, value, (low, high) in (("salt", salt, SALT_BYTES), ("hash", digest, HASH_BYTES)):
        if not re.fullmatch(r"(?:[0-9a-f]{2})+", value) or not low <= len(value) // 2 <= high:
            return f"the {name} must be {low}-{high} bytes in lowercase hexadecimal"
    return None


def verify_pin(pin: str, stored: str) -> bool:
    if hash_problem(stored) is not None:
        return False
    try:
        _, n, r, p, salt, digest = stored.split("$")
        candidate = hashlib.scrypt(
            pin.encode(),
            salt=bytes.fromhex(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(digest) // 2,
            maxmem=2 * MAX_MEMORY,
        )
    except ValueError:
        return False
    return hmac.compare_digest(candidate.hex(), digest)


class PinGate:
    """Checks manager PINs and locks out after repeated wrong ones (a 4-6 digit PIN falls to
    guessing otherwise). The clock is passed in, so the rule is testable."""

    def __init__(
        self,
        stored: str,
        *,
        tries: int = 5,
        lockout_seconds: float = 300,
        state: tuple[int, float] = (0, 0.0),
    ) -> None:
        self.stored = stored
        self.tries = tries
        self.lockout_seconds = lockout_seconds
        self._failures, self._locked_until = state

    @property
    def state(self) -> tuple[int, float]:
        """Failures so far and the end of a lockout: to keep across restarts."""
        return self._failures, self._locked_until

    def check(self, pin: str, now: float) -> tuple[bool, str]:
        """``(approved, what to tell the cashier)``."""
        if not self.stored:
            return False, NO_MANAGER_PIN
        if now < self._locked_until:
            wait = int(self._locked_until - now) + 1
            return False, f"Too many wrong PINs: try again in {wait} s."
        if verify_pin(pin, self.stored):
            self._failures = 0
            return True, "Approved."
        self._failures += 1
        if self._failures >= self.tries:
            self._failures = 0
            self._locked_until = now + self.lockout_seconds
            return False, f"Wrong PIN. Locked for {int(self.lockout_seconds)} s."
        return False, f"Wrong PIN ({count(self.tries - self._failures, 'try', 'tries')} left)."


MANAGER_APPROVER = "manager (PIN)"
"""Who approved, in the audit log, while the one manager PIN stands for every manager (#13
gives each user their own)."""
