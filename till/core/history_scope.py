"""What a customer's history on this till covers, said in one line on the History tab: this
till's own sales always; other tills' as far as the last sync brought them, the recent ones
listed (older ones count in the figures only); the rest is the server's."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from till.core.customer_lookup import SaleSummary

NEVER_SYNCED = "Only this till's sales: never synced. Other tills' history needs the server."
OFFLINE = "Sales here and other tills' synced up to {at}; older ones need the server."
ONLINE = "Sales here and other tills' synced up to {at}. F5: older, from the server."


@dataclass(frozen=True)
class HistoryScope:
    """This till's standing with the back office, as the History tab needs it."""

    sync_enabled: bool
    synced_at: int = 0
    """Seconds since the epoch of the last complete sync; 0: never."""
    offline: bool = True
    """No complete sync within the configured ``offline_after``."""

    @property
    def can_fetch(self) -> bool:
        """Whether asking the server for older sales makes sense (it may still be down)."""
        return self.sync_enabled


def history_notice(scope: HistoryScope, at: Callable[[int], str]) -> str:
    """The line the History tab shows; ``at`` writes a sync time (e.g. "14:05"). Empty for a
    till that never syncs: its history is the whole story."""
    if not scope.synced_at:
        return NEVER_SYNCED if scope.sync_enabled else ""
    line = ONLINE if scope.sync_enabled and not scope.offline else OFFLINE
    return line.format(at=at(scope.synced_at))


def is_offline(synced_at: int, now: float, offline_after: int) -> bool:
    """No complete sync within ``offline_after`` seconds (or never)."""
    return not synced_at or now - synced_at > offline_after


@dataclass(frozen=True)
class HistoryPlace:
    """Where a page of older sales ends: the next page starts below it."""

    before: str
    """A sale time (ISO 8601): older sales only."""
    before_id: str | None = None
    """For sales made at that very instant: those with a lower id."""


@dataclass(frozen=True)
class OlderSales:
    """A page of a customer's older sales from the server, and where the next one starts."""

    sales: tuple[SaleSummary, ...]
    next: HistoryPlace | None
    """None: the server has nothing older."""
