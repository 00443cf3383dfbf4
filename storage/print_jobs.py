"""The print queue: jobs written with their sale, taken in order, and what became of each.

A job is ``queued`` until the printer has it, then:
- ``confirmed``: the printer said it had read it (or the demo's file holds it);
- ``sent``: handed to a printer that cannot confirm (no status answer, a USB device node);
  never re-sent by itself, since a printer without status would print it twice;
- ``unconfirmed``: it went out and a printer known to confirm did not: it may be lost. It
  stays listed until the cashier reprints the receipt (``reprinted``) or says it came out
  (``dismissed``);
- ``no printer``: none is configured;
- ``set aside``: it could not even be prepared.
Migration 12 turned the ``printed`` of earlier versions into ``sent``: nothing was confirmed.

``last_error`` keeps why as data, a message id and its values (``till/core/message_data.py``),
worded where it is shown; rows written before that hold English prose, shown as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from storage import events
from storage.ids import new_id
from storage.models import PrintJob, Sale, database
from storage.rows import tuples

QUEUED, SET_ASIDE = "queued", "set aside"
CONFIRMED, SENT, NO_PRINTER = "confirmed", "sent", "no printer"
UNCONFIRMED, REPRINTED, DISMISSED = "unconfirmed", "reprinted", "dismissed"
DELIVERED = (CONFIRMED, SENT, NO_PRINTER)
"""The statuses a printer's answer (or silence) gives a job it took."""
_INSERT = (
    "INSERT INTO print_job (id, sale_id, kind, kick_drawer, status, attempts, last_error,"
    " created_at, printed_at) VALUES (?, ?, ?, ?, 'queued', 0, '', ?, '')"
)


@dataclass(frozen=True)
class QueuedJob:
    id: str
    sale_id: str
    kind: str
    kick_drawer: bool
    attempts: int


@dataclass(frozen=True)
class UnconfirmedJob:
    """A receipt that went to the printer and may not have come out."""

    id: str
    sale_id: str
    receipt_code: str
    reason: str


def enqueue(
    sale_id: str, kind: str, kick_drawer: bool, *, now: str = "", cursor: Any = None
) -> str:
    """Queue a receipt. Inside a sale's transaction, pass its cursor."""
    job_id = new_id()
    created_at = now or datetime.now(UTC).isoformat()
    (cursor or database.cursor()).execute(_INSERT, (job_id, sale_id, kind, kick_drawer, created_at))
    return job_id


def queued(limit: int = 20) -> list[QueuedJob]:
    """Jobs still to print, oldest first."""
    query = (
        PrintJob.select(
            PrintJob.id, PrintJob.sale, PrintJob.kind, PrintJob.kick_drawer, PrintJob.attempts
        )
        .where(PrintJob.status == QUEUED)
        .order_by(PrintJob.created_at, PrintJob.id)
        .limit(limit)
    )
    return [
        QueuedJob(id, sale, kind, bool(kick), attempts)
        for id, sale, kind, kick, attempts in tuples(query)
    ]


def mark_delivered(job_id: str, status: str) -> None:
    """The printer took the job: ``confirmed``, ``sent`` or ``no printer``."""
    if status not in DELIVERED:
        raise ValueError(f"not a delivery status: {status!r}")
    PrintJob.update(
        status=status, printed_at=datetime.now(UTC).isoformat(), attempts=PrintJob.attempts + 1
    ).where(PrintJob.id == job_id).execute()


def mark_unconfirmed(job_id: str, reason: str) -> None:
    """The job went out and the printer did not confirm it: listed until reprinted."""
    PrintJob.update(
        status=UNCONFIRMED,
        last_error=reason,
        printed_at=datetime.now(UTC).isoformat(),
        attempts=PrintJob.attempts + 1,
    ).where(PrintJob.id == job_id).execute()


def mark_failed(job_id: str, error: str) -> None:
    """The printer refused the job or could not be reached: it stays queued, with why."""
    PrintJob.update(last_error=error, attempts=PrintJob.attempts + 1).where(
        PrintJob.id == job_id
    ).execute()


def set_aside(job_id: str, error: str) -> None:
    """Take a job that can never print out of the queue, keeping why (reprint it by hand)."""
    PrintJob.update(status=SET_ASIDE, last_error=error, attempts=PrintJob.attempts + 1).where(
        PrintJob.id == job_id
    ).execute()


def waiting() -> int:
    return PrintJob.select().where(PrintJob.status == QUEUED).count()


def holding_error() -> str:
    """The last error of the job the queue waits on (the oldest queued one that failed), as
    stored; empty when none failed."""
    query = (
        PrintJob.select(PrintJob.last_error)
        .where((PrintJob.status == QUEUED) & (PrintJob.last_error != ""))
        .order_by(PrintJob.created_at, PrintJob.id)
        .limit(1)
    )
    return query.scalar() or ""


def unconfirmed() -> list[UnconfirmedJob]:
    """Receipts that may not have come out, oldest first."""
    query = (
        PrintJob.select(PrintJob.id, PrintJob.sale, Sale.receipt_code, PrintJob.last_error)
        .join(Sale, on=PrintJob.sale == Sale.id)
        .where(PrintJob.status == UNCONFIRMED)
        .order_by(PrintJob.created_at, PrintJob.id)
    )
    return [UnconfirmedJob(*row) for row in tuples(query)]


def reprint(sale_id: str, actor: str = "till") -> str:
    """Queue another copy of a receipt, without the drawer; the copy answers for any earlier
    job of that sale left unconfirmed. The copy is journaled (``actor``: who asked)."""
    with database.atomic():
        _settle(sale_id, REPRINTED)
        events.record_event(events.RECEIPT_COPY, actor, {"sale_id": sale_id, "queued": True})
        return enqueue(sale_id, "reprint", False)


def reprinted(sale_id: str, actor: str = "till") -> int:
    """A copy was printed outside the queue (``till receipt print``): the sale's unconfirmed
    jobs leave the list, and the copy is journaled."""
    with database.atomic():
        events.record_event(events.RECEIPT_COPY, actor, {"sale_id": sale_id})
        return _settle(sale_id, REPRINTED)


def dismiss(sale_id: str) -> int:
    """The cashier saw the receipt come out: its unconfirmed jobs leave the list."""
    return _settle(sale_id, DISMISSED)


def _settle(sale_id: str, status: str) -> int:
    return (
        PrintJob.update(status=status)
        .where((PrintJob.sale == sale_id) & (PrintJob.status == UNCONFIRMED))
        .execute()
    )


def delivery(sale_id: str) -> str:
    """The status of a sale's latest print job, or an empty string if it has none."""
    query = (
        PrintJob.select(PrintJob.status)
        .where(PrintJob.sale == sale_id)
        .order_by(PrintJob.created_at.desc(), PrintJob.id.desc())
        .limit(1)
    )
    row = query.scalar()
    return row or ""
