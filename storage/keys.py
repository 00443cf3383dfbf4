"""The till's secrets, in files outside the database: the pepper that makes a short PIN
useless to someone who copied the database, and the Ed25519 key that signs the journal.

The register signs with PyNaCl (libsodium): 2 MB resident in its process, where the
cryptography package's binding, with OpenSSL linked in, holds 11 MB (docs/performance.md,
"Memory"). Verifying stays with cryptography: the CLI, the doctor and the back office do
that. The public key's PEM file is an Ed25519 SubjectPublicKeyInfo, a fixed 12-byte DER
prefix before the key's 32 bytes (RFC 8410), read and written here with base64 alone, so
the register sends it to the back office without loading cryptography. Ed25519 signatures
are deterministic (RFC 8032): both libraries give the same bytes for a key and a message.

Each file is created once, on first use, readable by its owner only. A secret that goes
missing is never made anew behind the technician's back: every PIN and signature made with
the old one would silently stop working, so its absence is an error naming the file."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING

from till.core.words import N_
from till.errors import StorageError

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    from nacl.signing import SigningKey

PEPPER = "pin-pepper"
BUSINESS_PEPPER = "business-pin-pepper"
"""The pepper of the back office's users' PINs, the same on every till of the business (the
back office hands it to each till over the authenticated sync)."""
SIGNING = "journal-signing.key"
PUBLIC = "journal-public.key"
SECRET_BYTES = 32
MAX_KEY_FILE = 4096
ED25519_SPKI_PREFIX = bytes.fromhex("302a300506032b6570032100")
"""The DER of an Ed25519 public key before its 32 bytes (RFC 8410, section 4)."""
PEM_BEGIN, PEM_END = b"-----BEGIN PUBLIC KEY-----", b"-----END PUBLIC KEY-----"


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


class JournalKey:
    """The till's private Ed25519 key: it signs seals, closures and archives."""

    def __init__(self, key: SigningKey) -> None:
        self._key = key
        self.public_raw = bytes(key.verify_key)
        self.key_id = fingerprint(self.public_raw)
        """A short name for the key, kept with what it signs (to tell keys apart)."""

    def sign(self, message: bytes) -> bytes:
        return self._key.sign(message).signature


def signing_key(directory: Path, *, create: bool = False) -> JournalKey:
    """The private key the journal is signed with (its public half is written beside it)."""
    # imported where a key is used, not with the module: the first seal is written after
    # the register's first frame
    from nacl.signing import SigningKey

    path = directory / SIGNING
    if create and not path.exists():
        made = SigningKey.generate()
        _write_new(path, bytes(made))
        _write_public(directory / PUBLIC, bytes(made.verify_key))
    raw = _read(path)
    if len(raw) != SECRET_BYTES:
        raise StorageError(N_("{file}: not an Ed25519 private key."), file=path)
    return JournalKey(SigningKey(raw))


def public_key(directory: Path) -> Ed25519PublicKey:
    """The journal's public key: enough to verify, never to sign."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    return Ed25519PublicKey.from_public_bytes(public_raw(directory))


def public_raw(directory: Path) -> bytes:
    """The journal's public key's 32 bytes, read from its PEM file."""
    path = directory / PUBLIC
    lines = [line.strip() for line in _read(path).strip().splitlines()]
    der = b""
    if len(lines) > 2 and lines[0] == PEM_BEGIN and lines[-1] == PEM_END:
        with contextlib.suppress(ValueError):  # binascii.Error: not base64
            der = base64.b64decode(b"".join(lines[1:-1]), validate=True)
    if not der:
        raise StorageError(N_("{file}: not a PEM public key."), file=path)
    raw = der.removeprefix(ED25519_SPKI_PREFIX)
    if raw == der or len(raw) != SECRET_BYTES:
        raise StorageError(N_("{file}: not an Ed25519 public key."), file=path)
    return raw


def public_pem(raw: bytes) -> bytes:
    """The public key's 32 raw bytes as its PEM file holds them."""
    return b"\n".join((PEM_BEGIN, base64.b64encode(ED25519_SPKI_PREFIX + raw), PEM_END, b""))


def _write_public(path: Path, raw: bytes) -> None:
    path.unlink(missing_ok=True)
    _write_new(path, public_pem(raw), mode=0o644)


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
