"""Checking the legal chains: every till's sales, the points and account ledgers, the audit log
and the event log, against their signed seals, the public key and the anchor file outside the
database; and the triggers that keep them append-only, against the SQL the migrations wrote.

Each finding is a ``Problem``: a code and its facts, worded by till/journal_service.py.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from storage import journal_seal, keys, migrated_schema, sales
from storage.journal_chains import (
    ACCOUNT,
    AUDIT,
    EVENTS,
    GENESIS,
    LOYALTY,
    SALE_PREFIX,
    audit_payload,
    chain_hash,
    event_payload,
    ledger_payload,
    sale_chain,
    seal_message,
    values_intact,
)
from storage.models import database

ROW_CHAINS = {
    LOYALTY: ("loyalty_entry", ledger_payload),
    ACCOUNT: ("account_entry", ledger_payload),
    AUDIT: ("audit_log", audit_payload),
    EVENTS: ("journal_event", event_payload),
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the journal: ``code`` (see till/journal_service.py) and facts."""

    code: str
    chain: str
    facts: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Seal:
    chain: str
    seq: int
    head: str
    sealed_at: str
    key_id: str
    signature: str


@dataclass(frozen=True)
class Report:
    """What the check went through, and what it found."""

    problems: list[Problem]
    sales: dict[int, int]
    """Till number → sales in its chain."""
    rows: dict[str, int]
    seals: int
    anchored: bool


def check(key_dir: Path | None = None) -> Report:
    """Check everything in the open database. ``key_dir``: where the public key and the
    anchor are (the bound key folder by default). A missing public key is a StorageError."""
    directory = key_dir or journal_seal.key_directory()
    seals = _seals()
    signed = any(seal.signature for chain_seals in seals.values() for seal in chain_seals)
    public = keys.public_key(directory) if signed else None
    problems = list(_triggers())
    problems += _check_seals(seals, public)
    counts: dict[int, int] = {}
    tills = [row[0] for row in database.execute_sql("SELECT DISTINCT till_no FROM sale")]
    for till_no in sorted(tills):
        counts[till_no] = 0
        problems += _sales(till_no, seals.get(sale_chain(till_no), []), counts)
    for chain in seals:
        if chain.startswith(SALE_PREFIX) and int(chain[len(SALE_PREFIX) :]) not in counts:
            last = seals[chain][-1]
            problems.append(Problem("sealed_rows_missing", chain, {"sealed": last.seq, "found": 0}))
    rows: dict[str, int] = {}
    for chain, (table, payload) in ROW_CHAINS.items():
        problems += _rows(chain, table, payload, seals.get(chain, []), rows)
    problems += _audit_values()
    anchor = journal_seal.read_anchor(directory)
    if anchor is None and signed:
        problems.append(
            Problem("anchor_missing", "", {"file": str(directory / journal_seal.ANCHOR)})
        )
    problems += _anchor(anchor or {}, seals, public)
    return Report(problems, counts, rows, sum(map(len, seals.values())), anchor is not None)


def _seals() -> dict[str, list[Seal]]:
    found: dict[str, list[Seal]] = {}
    for row in database.execute_sql(
        "SELECT chain, seq, head, sealed_at, key_id, signature FROM journal_seal"
        " ORDER BY chain, seq"
    ):
        found.setdefault(row[0], []).append(Seal(*row))
    return found


def seal_valid(seal: Seal | dict[str, Any], chain: str, public: Ed25519PublicKey | None) -> bool:
    values = seal if isinstance(seal, dict) else seal.__dict__
    if public is None:
        return False
    try:
        public.verify(
            bytes.fromhex(values["signature"]),
            seal_message(chain, values["seq"], values["head"], values["sealed_at"]),
        )
    except (InvalidSignature, ValueError):
        return False
    return True


def _check_seals(
    seals: dict[str, list[Seal]], public: Ed25519PublicKey | None
) -> Iterator[Problem]:
    key_id = keys.fingerprint(public.public_bytes_raw()) if public else ""
    for chain, chain_seals in seals.items():
        for position, seal in enumerate(chain_seals):
            if not seal.signature:
                if position:  # only the seal a migration made over older rows goes unsigned
                    yield Problem("seal_unsigned", chain, {"seq": seal.seq})
            elif seal.key_id != key_id:
                yield Problem("seal_other_key", chain, {"seq": seal.seq, "key": seal.key_id})
            elif not seal_valid(seal, chain, public):
                yield Problem("seal_forged", chain, {"seq": seal.seq})


def _sales(till_no: int, seals: list[Seal], counts: dict[int, int]) -> Iterator[Problem]:
    chain = sale_chain(till_no)
    for code in sales.verify_journal(till_no):
        yield Problem("sale_altered", chain, {"receipt": code})
    heads: dict[int, str] = {}
    expected, last_time = 1, None
    for receipt_no, code, created_at, journal_hash in database.execute_sql(
        "SELECT receipt_no, receipt_code, created_at, journal_hash FROM sale"
        " WHERE till_no = ? ORDER BY receipt_no",
        (till_no,),
    ):
        counts[till_no] += 1
        heads[receipt_no] = journal_hash
        if receipt_no < expected:
            yield Problem("numbering_before_first", chain, {"receipt": code})
        elif receipt_no > expected:
            yield Problem("receipts_missing", chain, {"first": expected, "last": receipt_no - 1})
        expected = max(expected, receipt_no + 1)
        moment = _moment(created_at)
        if moment is None:
            yield Problem("time_unreadable", chain, {"receipt": code, "at": created_at})
        elif last_time is not None and moment < last_time:
            yield Problem("time_backwards", chain, {"receipt": code, "at": created_at})
        else:
            last_time = moment
    yield from _against_seals(chain, heads, expected - 1, seals)


def _rows(
    chain: str, table: str, payload, seals: list[Seal], counts: dict[str, int]
) -> Iterator[Problem]:
    cursor = database.execute_sql(f'SELECT * FROM "{table}" ORDER BY "chain_seq"')
    names = [column[0] for column in cursor.description]
    heads: dict[int, str] = {}
    head, expected, unchained = GENESIS, 1, 0
    sealed = {seal.seq for seal in seals}
    time_column = "created_at" if "created_at" in names else "at"
    last_time = None
    for values in cursor:
        row = dict(zip(names, values, strict=True))
        counts[chain] = counts.get(chain, 0) + 1
        seq = row["chain_seq"]
        if seq is None:
            unchained += 1
            continue
        if seq != expected:
            yield Problem("rows_missing", chain, {"first": expected, "last": seq - 1})
            expected = seq
        if "booked_for" in row and not _booked_to(row["booked_for"], row["customer_id"]):
            yield Problem("entry_moved", chain, {"seq": seq})
        moment = _moment(row[time_column])
        if chain == EVENTS and moment is not None and last_time and moment < last_time:
            yield Problem("time_backwards", chain, {"seq": seq, "at": row[time_column]})
        last_time = moment or last_time
        head = chain_hash(head, payload(row))
        if seq in sealed:
            heads[seq] = head
        expected += 1
    if unchained:
        yield Problem("rows_unchained", chain, {"count": unchained})
    yield from _against_seals(chain, heads, expected - 1, seals)


def _against_seals(
    chain: str, heads: dict[int, str], last: int, seals: list[Seal]
) -> Iterator[Problem]:
    """Each seal's head is the chain's head at its row; rows after the last seal were never
    sealed; a seal past the last row means rows were removed."""
    for seal in seals:
        if seal.seq > last:
            yield Problem("sealed_rows_missing", chain, {"sealed": seal.seq, "found": last})
            break
        if heads.get(seal.seq) != seal.head:
            yield Problem("seal_mismatch", chain, {"seq": seal.seq})
    sealed_to = seals[-1].seq if seals else 0
    if last > sealed_to:
        yield Problem("rows_unsealed", chain, {"first": sealed_to + 1, "last": last})


def _booked_to(booked: str | None, customer_id: str) -> bool:
    """The entry's customer is the one it was booked for, or where merges took that one."""
    seen = set()
    while booked is not None and booked not in seen:
        if booked == customer_id:
            return True
        seen.add(booked)
        row = database.execute_sql(
            "SELECT merged_into FROM customer WHERE id = ?", (booked,)
        ).fetchone()
        booked = row[0] if row else None
    return False


def _audit_values() -> Iterator[Problem]:
    """Values that no longer give their digest; values erased outside an anonymisation."""
    cursor = database.execute_sql(
        "SELECT a.chain_seq, a.entity, a.old_value, a.new_value, a.value_digest, a.value_salt,"
        " COALESCE(c.anonymised_at, '') FROM audit_log a"
        " LEFT JOIN customer c ON a.entity = 'customer' AND c.id = a.entity_id"
        " WHERE a.value_digest != ''"
    )
    for seq, _entity, old, new, digest, salt, anonymised in cursor:
        row = {"old_value": old, "new_value": new, "value_digest": digest, "value_salt": salt}
        if not values_intact(row) or (not salt and not anonymised):
            yield Problem("audit_values_changed", AUDIT, {"seq": seq})


def _anchor(
    anchor: dict[str, dict[str, Any]],
    seals: dict[str, list[Seal]],
    public: Ed25519PublicKey | None,
) -> Iterator[Problem]:
    for chain, entry in sorted(anchor.items()):
        if not seal_valid(entry, chain, public):
            yield Problem("anchor_forged", chain, {"seq": entry["seq"]})
            continue
        by_seq = {seal.seq: seal for seal in seals.get(chain, [])}
        last = max(by_seq, default=0)
        if last < entry["seq"]:
            yield Problem("anchor_ahead", chain, {"anchored": entry["seq"], "sealed": last})
        elif by_seq.get(entry["seq"]) is None or by_seq[entry["seq"]].head != entry["head"]:
            yield Problem("anchor_differs", chain, {"seq": entry["seq"]})


def _moment(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo else None


# -- the protective triggers -----------------------------------------------------------


def expected_triggers() -> dict[str, str]:
    """Trigger name → SQL, as the migrations make them on an empty database."""
    return {name: " ".join(sql.split()) for name, sql in migrated_schema.objects("trigger").items()}


def _triggers_of(connection: sqlite3.Connection) -> dict[str, str]:
    return {
        name: " ".join((sql or "").split())
        for name, sql in connection.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
        )
    }


def _triggers() -> Iterator[Problem]:
    found = _triggers_of(database.connection())
    for name, sql in sorted(expected_triggers().items()):
        if name not in found:
            yield Problem("trigger_missing", "", {"trigger": name})
        elif found[name] != sql:
            yield Problem("trigger_altered", "", {"trigger": name})
    for name in sorted(set(found) - set(expected_triggers())):
        yield Problem("trigger_unknown", "", {"trigger": name})
