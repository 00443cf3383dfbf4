"""Keeping the open sale on disk from the screen's side: off the event loop, and through a disk
that refuses writes (full, read-only, failing, or busy past the writer's patience).

The sale on screen is never lost to such a refusal: the cashier is told once, in plain words,
and the register tries again every ``RETRY_SECONDS`` by itself; once the disk takes the sale
again the cashier is told that too. Nothing else changes meanwhile: a payment refused by the
same disk says so where it is taken, and the sale stays open for it.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from textual.timer import Timer

from till import logs
from till.core.sale import Cart
from till.errors import ReadOnlyDatabase, StorageError
from till.i18n import _

if TYPE_CHECKING:
    from till.app import TillApp

log = logging.getLogger(__name__)

RETRY_SECONDS = 3.0


class OpenSaleSaver:
    """The app's one writer of the open sale's state (see ``till.sale_keeper``)."""

    def __init__(self, app: TillApp) -> None:
        self._app = app
        self._retrying: Timer | None = None
        """Runs while the disk refuses the open sale."""

    @property
    def refused(self) -> bool:
        """True from the first refusal until the disk takes the sale again."""
        return self._retrying is not None

    def keep(self, cart: Cart) -> None:
        """The sale as it is now: written by a worker, a burst of changes in one or two
        writes; while the disk refuses, the next retry writes the newest state."""
        if self._app.register.keep_open_sale(cart) and not self.refused:
            self._write()

    def _write(self) -> None:
        self._app.run_worker(
            self._flush,
            name="keeping the open sale",
            group="open-sale",
            thread=True,
            exit_on_error=False,
        )

    def _flush(self) -> None:
        try:
            self._app.register.flush_open_sale()
        except StorageError as error:
            self._app.call_from_thread(self._refused, error)
        else:
            self._app.call_from_thread(self._taken)

    def _refused(self, error: StorageError) -> None:
        self._app.disk_refusal = str(error)
        if isinstance(error, ReadOnlyDatabase):
            self._app.register.reopen_after_read_only()
        if self._retrying is not None:
            return
        log.error("The open sale could not be kept on disk: %s", error, extra=logs.SHOWN)
        self._app.notify(
            f"{error}\n"
            + _("The sale on screen is kept: it is saved as soon as the disk takes it again."),
            title=_("Sale not kept on disk"),
            severity="error",
            timeout=15,
            markup=False,
        )
        self._retrying = self._app.set_interval(RETRY_SECONDS, self._write)

    def _taken(self) -> None:
        self._app.disk_refusal = ""
        if self._retrying is None:
            return
        self._retrying.stop()
        self._retrying = None
        log.info("The open sale is kept on disk again")
        self._app.notify(_("The disk takes writes again: the open sale is saved."), markup=False)
