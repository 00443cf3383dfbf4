"""The customer's name in the sales journal, kept so that it can be erased (GDPR) while the
hash chain still verifies.

A receipt names the customer, and a copy must reprint it, so the sale keeps the name in its
receipt header. Journal format 1 (sales recorded before) hashed the name itself: erasing it
breaks the chain. Format 2 hashes, in the name's place, ``customer_name_digest``: SHA-256 of
a random 128-bit salt followed by the name. The sale's row keeps the name and the salt beside
the digest; the hash commits to the digest only. Erasing the name erases the salt with it, and
what stays (the digest) reveals nothing readable, nor can it be tested against a guessed name
without the salt. While the name is there, ``verify_journal`` checks that it still gives the
digest, so changing it is detected as any other change is.

A format-1 sale cannot be erased that way: no stored value lets its hash be recomputed
without the name. Erasing its name is a recorded redaction (``journal_redaction``): before
erasing, the sale must verify as it is (a redaction never launders a sale that was already
tampered with); the redaction then keeps the hash of the erased sale chained to the same
previous hash, so every other field of it stays checked. Its own hash still links the chain.
Such sales are counted by ``sales.erased_names``; the name is gone, and so is the check that the
journal holds the name it printed, which was its only purpose.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from till.core.privacy import erased_header

FORMAT_1, FORMAT_2 = 1, 2
DIGEST = "customer_name_digest"
SALT = "customer_name_salt"
NAME = "customer_name"


def seal(header: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """A new sale's header → (what its row keeps, what its hash and the back office get). A
    header that names nobody is kept and hashed as it is."""
    name = header.get(NAME) or ""
    if not name:
        return header, header
    salt = secrets.token_hex(16)
    kept = {**header, SALT: salt, DIGEST: digest(salt, name)}
    return kept, hashed(kept)


def digest(salt: str, name: str) -> str:
    return hashlib.sha256((salt + name).encode()).hexdigest()


def journal_format(kept: dict[str, Any]) -> int:
    return FORMAT_2 if DIGEST in kept else FORMAT_1


def hashed(kept: dict[str, Any]) -> dict[str, Any]:
    """The header as the hash covers it: in format 2, the digest in place of name and salt."""
    if journal_format(kept) == FORMAT_1:
        return kept
    return {key: value for key, value in kept.items() if key not in (NAME, SALT)}


def name_intact(kept: dict[str, Any]) -> bool:
    """A format-2 name still gives its digest (or was erased, with its salt); format 1: its
    hash covers the name already."""
    if journal_format(kept) == FORMAT_1:
        return True
    name, salt = kept.get(NAME) or "", kept.get(SALT) or ""
    if not name and not salt:
        return True
    return isinstance(name, str) and isinstance(salt, str) and digest(salt, name) == kept[DIGEST]


def erased(kept: dict[str, Any]) -> dict[str, Any]:
    """The header with the customer's name (and its salt) erased."""
    return erased_header(kept)


def names_someone(kept: dict[str, Any]) -> bool:
    return bool(kept.get(NAME) or kept.get(SALT))
