"""The print queue: jobs written with their sale, taken in order, marked printed or failed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from storage.ids import new_id
from storage.models import PrintJob, database
from storage.rows import tuples

QUEUED, PRINTED, SET_ASIDE = "queued", "printed", "set aside"
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


def mark_printed(job_id: str) -> None:
    PrintJob.update(
        status=PRINTED, printed_at=datetime.now(UTC).isoformat(), attempts=PrintJob.attempts + 1
    ).where(PrintJob.id == job_id).execute()


def mark_failed(job_id: str, error: str) -> None:
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
