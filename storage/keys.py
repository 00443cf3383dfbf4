"""The till's secrets, in files outside the database: the pepper that makes a short PIN
useless to someone who copied the database, and the Ed25519 key that signs the journal.

Each file is created once, on first use, readable by its owner only. A secret that goes
missing is never made anew behind the technician's back: every PIN and signature made with
the old one would silently stop working, so its absence is an error naming the file."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING

from till.core.words import N_
from till.errors import StorageError

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import (
        Ed25519PrivateKey,
        Ed25519PublicKey,
    )

PEPPER = "pin-pepper"
BUSINESS_PEPPER = "business-pin-pepper"
"""The pepper of the back office's users' PINs, the same on every till of the business (the
back office hands it to each till over the authenticated sync)."""
SIGNING = "journal-signing.key"
PUBLIC = "journal-public.key"
SECRET_BYTES = 32
MAX_KEY_FILE = 4096


def fingerprint(secret: bytes) -> str:
    """A short name for a secret that reveals nothing of it (to tell two key folders apart)."""
    return hashlib.sha256(b"till key fingerprint\0" + secret).hexdigest()[:16]


def pin_pepper(directory: Path, *, create: bool = False) -> bytes:
    """The 32 secret bytes mixed into every PIN before scrypt."""
    path = directory / PEPPER
    if create and not path.exists():
        _write_new(path, os.urandom(SECRET_BYTES))
    secret = _read(path)
    if len(secret) != SECRET_BYTES:
        raise _not_a_pepper(path, secret)
    return secret


def _not_a_pepper(path: Path, secret: bytes) -> StorageError:
    return StorageError(
        N_("{file}: not a PIN pepper ({size} bytes, not {expected})."),
        file=path,
        size=len(secret),
        expected=SECRET_BYTES,
    )


def business_pepper(directory: Path) -> bytes | None:
    """The business's pepper, or None on a till that has not received it."""
    path = directory / BUSINESS_PEPPER
    if not path.exists():
        return None
    secret = _read(path)
    if len(secret) != SECRET_BYTES:
        raise _not_a_pepper(path, secret)
    return secret


def keep_business_pepper(directory: Path, secret: bytes) -> bool:
    """Keep the pepper the back office sent: True when it is new here. Another pepper than
    the one kept is refused, never written over (every user's PIN would stop working)."""
    if len(secret) != SECRET_BYTES:
        raise StorageError(
            N_("the back office sent a PIN pepper of {size} bytes."), size=len(secret)
        )
    kept = business_pepper(directory)
    if kept is None:
        _write_new(directory / BUSINESS_PEPPER, secret)
        return True
    if kept != secret:
        raise StorageError(
            N_(
                "{file}: the back office sent another PIN pepper than the one kept: is this"
                " till registered with another business's server?"
            ),
            file=directory / BUSINESS_PEPPER,
        )
    return False


def signing_key(directory: Path, *, create: bool = False) -> Ed25519PrivateKey:
    """The private key the journal is signed with (its public half is written beside it)."""
    # cryptography is imported where a key is used, not with the module: it is a tenth of
    # the register's start-up, and the first seal is written after the first frame.
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    path = directory / SIGNING
    if create and not path.exists():
        key = Ed25519PrivateKey.generate()
        _write_new(path, key.private_bytes_raw())
        _write_public(directory / PUBLIC, key.public_key())
    raw = _read(path)
    if len(raw) != SECRET_BYTES:
        raise StorageError(N_("{file}: not an Ed25519 private key."), file=path)
    return Ed25519PrivateKey.from_private_bytes(raw)


def public_key(directory: Path) -> Ed25519PublicKey:
    """The journal's public key: enough to verify, never to sign."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    path = directory / PUBLIC
    raw = _read(path)
    try:
        key = serialization.load_pem_public_key(raw)
    except ValueError:
        raise StorageError(N_("{file}: not a PEM public key."), file=path) from None
    if not isinstance(key, Ed25519PublicKey):
        raise StorageError(N_("{file}: not an Ed25519 public key."), file=path)
    return key


def public_pem(key: Ed25519PublicKey) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def _write_public(path: Path, key: Ed25519PublicKey) -> None:
    path.unlink(missing_ok=True)
    _write_new(path, public_pem(key), mode=0o644)


def _write_new(path: Path, content: bytes, mode: int = 0o600) -> None:
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
        descriptor = os.open(path, flags, mode)
    except FileExistsError:
        return  # another process made it first: read theirs
    except OSError as error:
        raise StorageError(
            N_("{file}: cannot create the key file ({reason})."), file=path, reason=error.strerror
        ) from None
    with os.fdopen(descriptor, "wb") as file:
        file.write(content)
        file.flush()
        os.fsync(file.fileno())


def _read(path: Path) -> bytes:
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except FileNotFoundError:
        raise StorageError(
            N_(
                "{file}: missing. It holds a secret this database depends on: restore the keys "
                "folder from its backup (docs/security.md)."
            ),
            file=path,
        ) from None
    except OSError as error:
        raise StorageError(
            N_("{file}: cannot read the key file ({reason})."), file=path, reason=error.strerror
        ) from None
    with os.fdopen(descriptor, "rb") as file:
        if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
            raise StorageError(N_("{file}: not a regular file."), file=path)
        content = file.read(MAX_KEY_FILE + 1)
    if len(content) > MAX_KEY_FILE:
        raise StorageError(N_("{file}: too large to be a key file."), file=path)
    return content
