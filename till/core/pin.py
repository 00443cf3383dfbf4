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
            return False, "No manager PIN is set: a technician sets one with `till manager-pin`."
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
        return False, f"Wrong PIN ({self.tries - self._failures} tries left)."
