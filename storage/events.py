"""The technical and legal event log: what happened at the till besides sales and ledger
movements (start and stop, configuration and PIN changes, errors, migrations, restores, the
drawer opened without a sale, receipt copies, voided lines, cancelled sales, deposits,
closures, invoices and credit notes issued), with who and where. Append-only, hash-chained
and sealed like the sales journal.

Codes, never sentences: ``kind`` is one of KINDS and ``details`` a small JSON object of
facts; the CLI and the screens word them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from storage import journal_seal
from storage.ids import new_id
from storage.journal_chains import EVENTS, chain_hash, event_payload
from storage.models import database
from till.core.text import clean_line

START, STOP = "start", "stop"
CONFIG_CHANGE, PIN_CHANGE, USER_CHANGE = "config_change", "pin_change", "user_change"
ERROR, SCHEMA_CHANGE, RESTORE = "error", "schema_change", "restore"
DRAWER_OPENED, RECEIPT_COPY = "drawer_opened", "receipt_copy"
LINE_VOIDED, SALE_CANCELLED = "line_voided", "sale_cancelled"
PRICE_SET = "price_set"
DEPOSIT, CLOSURE = "deposit", "closure"
INVOICE = "invoice"
KINDS = frozenset(
    (
        START,
        STOP,
        CONFIG_CHANGE,
        PIN_CHANGE,
        USER_CHANGE,
        ERROR,
        SCHEMA_CHANGE,
        RESTORE,
        DRAWER_OPENED,
        RECEIPT_COPY,
        LINE_VOIDED,
        SALE_CANCELLED,
        PRICE_SET,
        DEPOSIT,
        CLOSURE,
        INVOICE,
    )
)
MAX_DETAILS = 4096

_INSERT = (
    "INSERT INTO journal_event (id, chain_seq, at, till_no, kind, actor, details)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)"
)


@dataclass(frozen=True)
class Event:
    """One entry of the event log."""

    seq: int
    at: str
    till_no: int
    kind: str
    actor: str
    details: dict[str, Any]


def record_event(
    kind: str,
    actor: str,
    details: Mapping[str, Any] | None = None,
    *,
    till_no: int = 0,
    at: str | None = None,
    cursor: Any = None,
) -> int:
    """Append one event and seal it; returns its place in the event chain. Joins the caller's
    transaction when there is one (a deposit, a closure), else makes its own. ``actor``: who
    (``Actor.label`` in till/core/people.py); ``details``: facts as JSON-ready values."""
    if kind not in KINDS:
        raise ValueError(f"unknown journal event {kind!r}")
    text = json.dumps(dict(details or {}), sort_keys=True, ensure_ascii=False, default=str)
    if len(text) > MAX_DETAILS:
        raise ValueError(f"journal event details over {MAX_DETAILS} characters")
    row = {
        "id": new_id(),
        "at": at or datetime.now(UTC).isoformat(),
        "till_no": int(till_no),
        "kind": kind,
        "actor": _clean(actor),
        "details": text,
    }
    with database.atomic():
        cursor = cursor or database.cursor()
        seq, head = journal_seal.place(EVENTS, cursor)
        row["chain_seq"] = seq + 1
        cursor.execute(
            _INSERT,
            (
                row["id"],
                row["chain_seq"],
                row["at"],
                row["till_no"],
                kind,
                row["actor"],
                text,
            ),
        )
        journal_seal.close(EVENTS, seq + 1, chain_hash(head, event_payload(row)), cursor)
    return seq + 1


def recent(limit: int = 200, kind: str | None = None) -> list[Event]:
    """The latest events, newest first."""
    where, params = ("WHERE kind = ?", (kind, limit)) if kind else ("", (limit,))
    rows = database.execute_sql(
        "SELECT chain_seq, at, till_no, kind, actor, details FROM journal_event"
        f" {where} ORDER BY chain_seq DESC LIMIT ?",
        params,
    )
    return [
        Event(seq, at, till, k, actor, json.loads(details))
        for seq, at, till, k, actor, details in rows
    ]


def _clean(actor: str) -> str:
    try:
        return clean_line(actor)[:200]
    except ValueError:
        return "?"
