"""The register's own start and stop, journaled as events. Apart from till/journal_service.py
so the register starts without importing the journal's checker."""

from __future__ import annotations

import hashlib
from pathlib import Path

from storage import events
from till.config import Settings


def started(settings: Settings, actor: str = "till") -> int:
    """The register started (run on the writer thread); a configuration other than the one
    it last started with is journaled as a change, by its digest (the config holds secrets)."""
    digest = config_digest(settings)
    last = events.recent(limit=1, kind=events.START)
    before = last[0].details.get("config") if last else None
    if before and before != digest:
        events.record_event(
            events.CONFIG_CHANGE,
            actor,
            {"from": before, "to": digest},
            till_no=settings.till.number,
        )
    return events.record_event(
        events.START,
        actor,
        {"database": Path(settings.database.path).name, "config": digest},
        till_no=settings.till.number,
    )


def config_digest(settings: Settings) -> str:
    """A short fingerprint of every setting: equal for equal configurations."""
    return hashlib.sha256(repr(settings).encode()).hexdigest()[:16]


def stopped(settings: Settings, actor: str = "till") -> int:
    """The register is stopping (run on the writer thread, before it closes)."""
    return events.record_event(events.STOP, actor, {}, till_no=settings.till.number)
