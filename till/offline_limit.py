"""Whether this till counts as offline for spending points and account credit, and how it
says so to the cashier."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from storage import sync_state
from till.config import SyncSettings
from till.core.formats import Formats
from till.core.offline import is_stale
from till.i18n import _


@dataclass(frozen=True)
class SpendLimit:
    """What may be spent now (points, or minor units), and why it is less than the balance
    allows (empty when only the balance limits it)."""

    amount: int
    note: str = ""


class SyncStanding:
    """This till's standing with the back office, read when asked (a sync may just have run)."""

    def __init__(
        self, sync: SyncSettings, formats: Formats, clock: Callable[[], float] = time.time
    ) -> None:
        self.sync = sync
        self.formats = formats
        self.clock = clock

    def offline(self) -> bool:
        """Whether spending is capped: a server is configured and the last complete sync is
        older than ``offline_after``. A till without a server holds the only ledger."""
        if not self.sync.enabled:
            return False
        return is_stale(sync_state.synced_at(), self.clock(), self.sync.offline_after)

    def since_words(self) -> str:
        """``Offline since 11:40`` (with the day when it was not today), or ``Not synced
        yet``."""
        synced_at = sync_state.synced_at()
        if not synced_at:
            return _("Not synced yet")
        moment = datetime.fromtimestamp(synced_at).astimezone()
        today = datetime.fromtimestamp(self.clock()).astimezone().date()
        shown = (
            self.formats.time(moment) if moment.date() == today else self.formats.date_time(moment)
        )
        return _("Offline since {time}").format(time=shown)
