"""Manager PINs: stored only as scrypt hashes, compared in constant time."""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from dataclasses import dataclass
from typing import Any

from till.core.words import N_, Count
from till.errors import Reason

N, R, P = 2**14, 8, 1
NO_MANAGER_PIN = N_(
    "No manager PIN is set: a technician adds a manager with `till user add NAME --role manager`."
)
MIN_LENGTH = 4


MAX_LENGTH = 12
PIN_RULE = N_("A PIN is {least} to {most} digits.")
"""What a PIN must be; ``least`` and ``most`` are ``MIN_LENGTH`` and ``MAX_LENGTH``."""


def pin_problem(pin: str) -> str | None:
    """Why ``pin`` cannot be a PIN, or None."""
    if not (MIN_LENGTH <= len(pin) <= MAX_LENGTH and pin.isascii() and pin.isdigit()):
        return PIN_RULE.format(least=MIN_LENGTH, most=MAX_LENGTH)
    return None


def hash_pin(pin: str, salt: bytes | None = None) -> str:
    """``scrypt$N$r$p$salt$hash``, the form the ``[security] manager_pin`` setting holds."""
    problem = pin_problem(pin)
    if problem:
        raise ValueError(problem)
    return _scrypt_hash(pin.encode(), salt)


def hash_user_pin(pin: str, pepper: bytes, salt: bytes | None = None) -> str:
    """A user's PIN hash: scrypt with a salt of its own, over the PIN keyed with the pepper
    kept outside the database, so that a copied database alone gives no PIN away."""
    problem = pin_problem(pin)
    if problem:
        raise ValueError(problem)
    return _scrypt_hash(_peppered(pin, pepper), salt)


def hash_and_tag(pin: str, pepper: bytes) -> tuple[str, str]:
    """A new user PIN's hash and tag (ValueError, with the reason, for a PIN that cannot be
    one)."""
    return hash_user_pin(pin, pepper), pin_tag(pin, pepper)


def verify_user_pin(pin: str, pepper: bytes, stored: str) -> bool:
    return _verify(_peppered(pin, pepper), stored)


def pin_tag(pin: str, pepper: bytes) -> str:
    """Which user a PIN belongs to, found without trying every hash (PINs are unique among
    active users). Keyed with the pepper: without it, the tag tells nothing."""
    return hmac.new(pepper, b"till pin tag\0" + pin.encode(), hashlib.sha256).hexdigest()


def _peppered(pin: str, pepper: bytes) -> bytes:
    return hmac.new(pepper, b"till pin hash\0" + pin.encode(), hashlib.sha256).digest()


def _scrypt_hash(secret: bytes, salt: bytes | None) -> str:
    salt = salt or os.urandom(16)
    digest = hashlib.scrypt(secret, salt=salt, n=N, r=R, p=P, dklen=32)
    return f"scrypt${N}${R}${P}${salt.hex()}${digest.hex()}"


# Bounds on a stored hash's parameters: what `till manager-pin` writes sits well inside, and
# anything outside would take seconds or gigabytes to check, or overflow the C library.
MAX_N, MAX_R, MAX_P = 2**20, 32, 16
MAX_MEMORY = 64 * 2**20  # hashlib.scrypt's maxmem default is 32 MiB
SALT_BYTES = (8, 64)
HASH_BYTES = (16, 64)


def hash_problem(stored: str) -> Reason | None:
    """What makes ``stored`` unusable as a manager PIN hash (a reason worded where shown), or
    None: the form ``scrypt$N$r$p$salt$hash`` with N a power of two, every parameter bounded."""
    parts = stored.split("$")
    if len(parts) != 6 or parts[0] != "scrypt":
        return Reason(
            N_("must be the hash `till manager-pin` prints (scrypt$N$r$p$salt$hash), not a PIN")
        )
    n, r, p, salt, digest = parts[1:]
    if not all(value.isascii() and value.isdigit() and len(value) <= 8 for value in (n, r, p)):
        return Reason(N_("N, r and p must be whole numbers"))
    if not (2 <= int(n) <= MAX_N and int(n) & (int(n) - 1) == 0):
        return Reason(N_("N must be a power of two up to {most}, got {n}"), most=MAX_N, n=n)
    if not 1 <= int(r) <= MAX_R or not 1 <= int(p) <= MAX_P:
        return Reason(
            N_("r must be 1-{most_r} and p 1-{most_p}, got r={r}, p={p}"),
            most_r=MAX_R,
            most_p=MAX_P,
            r=r,
            p=p,
        )
    if 128 * int(r) * (int(n) + int(p) + 2) > MAX_MEMORY:
        return Reason(
            N_("N and r ask for more than {mebibytes} MiB of memory"), mebibytes=MAX_MEMORY // 2**20
        )
    for name, value, (low, high) in (("salt", salt, SALT_BYTES), ("hash", digest, HASH_BYTES)):
        if not re.fullmatch(r"(?:[0-9a-f]{2})+", value) or not low <= len(value) // 2 <= high:
            return Reason(HEX_PROBLEMS[name], low=low, high=high)
    return None


HEX_PROBLEMS = {
    "salt": N_("the salt must be {low}-{high} bytes in lowercase hexadecimal"),
    "hash": N_("the hash must be {low}-{high} bytes in lowercase hexadecimal"),
}


def verify_pin(pin: str, stored: str) -> bool:
    return _verify(pin.encode(), stored)


def _verify(secret: bytes, stored: str) -> bool:
    if hash_problem(stored) is not None:
        return False
    try:
        _, n, r, p, salt, digest = stored.split("$")
        candidate = hashlib.scrypt(
            secret,
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


@dataclass(frozen=True)
class Lockout:
    """After ``tries`` wrong PINs in a row, no PIN is checked for ``seconds``."""

    tries: int = 5
    seconds: float = 300


def wrong_pin(tries_left: int, locked_for: float) -> tuple[str, dict[str, Any]]:
    """What the person typing a wrong PIN is told: a message id and its values."""
    if locked_for > 0:
        return N_("Wrong PIN. Locked for {seconds} s."), {"seconds": int(locked_for)}
    tries = Count(tries_left, "{n} try left", "{n} tries left")
    return N_("Wrong PIN ({tries})."), {"tries": tries}


LOCKED_OUT = N_("Too many wrong PINs: try again in {seconds} s.")
"""What the person typing a PIN is told while the gate is locked (``seconds`` rounded up)."""


MANAGER_APPROVER = "manager (PIN)"
"""Who approved, in the audit log, while the one manager PIN stands for every manager (#13
gives each user their own)."""
