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
from sync import field_refusals as ids
from sync import refusals
from sync.server.models import ServerJournalHead, ServerTillKey, database
from till.core.message_data import message_data

MAX_CHAINS = 200
MAX_PEM = 1000
_CHAIN = re.compile(r"[a-z_]{1,20}(/[0-9]{1,3})?")
_HEX = re.compile(r"[0-9a-f]{1,256}")


class HeadsRefused(Exception):
    """A till's heads the back office will not take: ``code`` and a message id of
    ``sync.refusals`` with its values; ``message`` is it in English."""

    def __init__(self, code: str, message_id: str, /, **params: Any) -> None:
        self.message = refusals.english(message_id, params)
        super().__init__(self.message)
        self.code = code
        self.message_id, self.params = message_id, params


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
        raise HeadsRefused("invalid", ids.HEADS_BODY)
    pem, chains = document["public_key"], document["chains"]
    if not isinstance(pem, str) or len(pem) > MAX_PEM:
        raise HeadsRefused("invalid", ids.HEADS_PEM)
    if not isinstance(chains, dict) or len(chains) > MAX_CHAINS:
        raise HeadsRefused("invalid", ids.HEADS_TOO_MANY, most=MAX_CHAINS)
    heads = []
    for chain, entry in chains.items():
        if not _CHAIN.fullmatch(chain) or not isinstance(entry, dict):
            raise HeadsRefused("invalid", ids.HEADS_NOT_A_CHAIN, chain=repr(chain[:40]))
        seq, head = entry.get("seq"), entry.get("head")
        sealed_at, signature = entry.get("sealed_at"), entry.get("signature")
        if not (isinstance(seq, int) and 0 <= seq < 2**62):
            raise HeadsRefused("invalid", ids.HEADS_SEQ, chain=chain)
        if not (isinstance(head, str) and _HEX.fullmatch(head)) or not (
            isinstance(signature, str) and _HEX.fullmatch(signature)
        ):
            raise HeadsRefused("invalid", ids.HEADS_HEX, chain=chain)
        if not (isinstance(sealed_at, str) and len(sealed_at) <= 40 and sealed_at.isprintable()):
            raise HeadsRefused("invalid", ids.HEADS_TIME, chain=chain)
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
            raise HeadsRefused("other_key", refusals.OTHER_KEY, till=till)
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
                raise HeadsRefused("forged", refusals.FORGED, till=till, chain=head.chain) from None
            before = kept.get(head.chain)
            if before is not None and head.seq < before.seq:
                raise HeadsRefused(
                    "journal_went_back",
                    refusals.WENT_BACK,
                    till=till,
                    chain=head.chain,
                    before=before.seq,
                    after=head.seq,
                )
            if before is not None and head.seq == before.seq and head.head != before.head:
                raise HeadsRefused(
                    "journal_rewritten",
                    refusals.REWRITTEN,
                    till=till,
                    chain=head.chain,
                    seq=head.seq,
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
    """Each till whose heads were refused, and why (the last refusal): its message id and
    values as ``till.core.message_data`` keeps them, or an English sentence written before."""
    return {
        row.till: row.problem for row in ServerTillKey.select().where(ServerTillKey.problem != "")
    }


def _public_key(pem: str) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(pem.encode())
    except ValueError:
        raise HeadsRefused("invalid", ids.HEADS_NOT_PEM) from None
    if not isinstance(key, Ed25519PublicKey):
        raise HeadsRefused("invalid", ids.HEADS_NOT_ED25519)
    return key


def mark(till: str, refused: HeadsRefused) -> None:
    """Note on the till why its heads were refused, as data (``till server tills`` words it
    in the reader's language)."""
    problem = message_data(refused.message_id, refused.params)
    with database.atomic():
        ServerTillKey.update(problem=problem).where(ServerTillKey.till == till).execute()
