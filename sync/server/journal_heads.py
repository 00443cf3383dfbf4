"""The ends of each till's journal, kept by the back office: after every sync a till sends the
heads of its chains (its anchor: sequence, hash and signature of each chain's last seal) and
its public key. The back office checks each signature with the key it first saw for that
till and keeps the furthest head: a till whose journal comes back shorter, or rewritten, or
signed with another key, is refused and marked, so that cutting the last sales off a till's
database shows outside the till as well as in its anchor file."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from storage.journal_chains import seal_message
from sync.server.models import ServerJournalHead, ServerTillKey, database

MAX_CHAINS = 200
MAX_PEM = 1000
_CHAIN = re.compile(r"[a-z_]{1,20}(/[0-9]{1,3})?")
_HEX = re.compile(r"[0-9a-f]{1,256}")


class HeadsRefused(Exception):
    """A till's heads the back office will not take: ``code`` and a sentence."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Head:
    chain: str
    seq: int
    head: str
    sealed_at: str
    signature: str


def parse(document: Any) -> tuple[str, list[Head]]:
    """The public key's PEM and the heads of a request body; HeadsRefused("invalid") for
    anything else (bounded: a key, at most MAX_CHAINS chains)."""
    if not isinstance(document, dict) or set(document) != {"public_key", "chains"}:
        raise HeadsRefused("invalid", "The body must hold public_key and chains only.")
    pem, chains = document["public_key"], document["chains"]
    if not isinstance(pem, str) or len(pem) > MAX_PEM:
        raise HeadsRefused("invalid", "public_key must be a PEM text.")
    if not isinstance(chains, dict) or len(chains) > MAX_CHAINS:
        raise HeadsRefused("invalid", f"chains must map at most {MAX_CHAINS} chains to heads.")
    heads = []
    for chain, entry in chains.items():
        if not _CHAIN.fullmatch(chain) or not isinstance(entry, dict):
            raise HeadsRefused("invalid", f"{chain[:40]!r} is not a chain of the journal.")
        seq, head = entry.get("seq"), entry.get("head")
        sealed_at, signature = entry.get("sealed_at"), entry.get("signature")
        if not (isinstance(seq, int) and 0 <= seq < 2**62):
            raise HeadsRefused("invalid", f"{chain}: seq must be a whole number.")
        if not (isinstance(head, str) and _HEX.fullmatch(head)) or not (
            isinstance(signature, str) and _HEX.fullmatch(signature)
        ):
            raise HeadsRefused("invalid", f"{chain}: head and signature must be hexadecimal.")
        if not (isinstance(sealed_at, str) and len(sealed_at) <= 40 and sealed_at.isprintable()):
            raise HeadsRefused("invalid", f"{chain}: sealed_at must be a time.")
        heads.append(Head(chain, seq, head, sealed_at, signature))
    return pem, heads


def receive(till: str, pem: str, heads: list[Head]) -> dict[str, int]:
    """Check and keep a till's heads; the sequences kept. Raises HeadsRefused, after marking
    the till, when a head is not signed by the till's key, or goes back, or was rewritten."""
    key = _public_key(pem)
    now = datetime.now(UTC).isoformat()
    with database.atomic():
        known = ServerTillKey.get_or_none(ServerTillKey.till == till)
        if known is None:
            ServerTillKey.create(till=till, public_key=pem, first_seen=now, problem="")
        elif known.public_key != pem:
            raise HeadsRefused(
                "other_key", f"Till {till} signs with another key than it did first."
            )
        kept = {
            row.chain: row
            for row in ServerJournalHead.select().where(ServerJournalHead.till == till)
        }
        for head in heads:
            try:
                key.verify(
                    bytes.fromhex(head.signature),
                    seal_message(head.chain, head.seq, head.head, head.sealed_at),
                )
            except (InvalidSignature, ValueError):
                raise HeadsRefused(
                    "forged", f"Till {till}: the head of {head.chain} is not signed."
                ) from None
            before = kept.get(head.chain)
            if before is not None and head.seq < before.seq:
                raise HeadsRefused(
                    "journal_went_back",
                    f"Till {till}'s {head.chain} went back from entry {before.seq} to"
                    f" {head.seq}: entries were removed from its journal.",
                )
            if before is not None and head.seq == before.seq and head.head != before.head:
                raise HeadsRefused(
                    "journal_rewritten",
                    f"Till {till}'s {head.chain} entry {head.seq} is not the one it sent before.",
                )
            if before is None or head.seq > before.seq:
                values = {
                    "seq": head.seq,
                    "head": head.head,
                    "sealed_at": head.sealed_at,
                    "signature": head.signature,
                    "received_at": now,
                }
                ServerJournalHead.insert(till=till, chain=head.chain, **values).on_conflict(
                    conflict_target=[ServerJournalHead.till, ServerJournalHead.chain],
                    update=values,
                ).execute()
    return {
        head.chain: max(head.seq, kept[head.chain].seq if head.chain in kept else 0)
        for head in heads
    }


def problems() -> dict[str, str]:
    """Each till whose heads were refused, and why (the last refusal)."""
    return {
        row.till: row.problem for row in ServerTillKey.select().where(ServerTillKey.problem != "")
    }


def _public_key(pem: str) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(pem.encode())
    except ValueError:
        raise HeadsRefused("invalid", "public_key is not a PEM public key.") from None
    if not isinstance(key, Ed25519PublicKey):
        raise HeadsRefused("invalid", "public_key is not an Ed25519 key.")
    return key


def mark(till: str, message: str) -> None:
    """Note on the till why its heads were refused (``till server tills`` shows it)."""
    with database.atomic():
        ServerTillKey.update(problem=message[:300]).where(ServerTillKey.till == till).execute()
