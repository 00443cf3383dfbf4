"""Keeping the sale in progress on disk as it changes, without slowing the counter down."""

from __future__ import annotations

import threading
from collections.abc import Callable

from till.core.sale import Cart, cart_snapshot

Write = Callable[[int, Cart | None], object]
"""Stores one state of the open sale under its revision (None: no sale open)."""


class OpenSaleKeeper:
    """Takes each new state of the open sale on the event loop (a cheap copy) and writes it
    from a worker thread. A state still waiting is replaced by a newer one, so a burst of
    changes costs one or two writes, never a queue; every state gets a higher revision, so a
    late write never overwrites a newer state or brings back a sale already saved."""

    def __init__(self, write: Write, revision: int = 0) -> None:
        self._write = write
        self._revision = revision
        self._pending: tuple[int, Cart | None] | None = None
        self._scheduled = False
        self._state = threading.Lock()
        """Guards the revision, the waiting state and whether a flush is scheduled."""
        self._writing = threading.Lock()
        """Held while writing: one write at a time, in revision order."""

    def offer(self, cart: Cart) -> bool:
        """The sale as it is now. True when the caller must run :meth:`flush` in a worker
        (none is running or scheduled); False when the one scheduled will write it."""
        snapshot = cart_snapshot(cart) if cart.lines else None
        with self._state:
            self._revision += 1
            self._pending = (self._revision, snapshot)
            if self._scheduled:
                return False
            self._scheduled = True
            return True

    def next_revision(self) -> int:
        """A revision for a write that ends the open sale (a sale saved, a sale parked): any
        state offered before it is older and will not overwrite it."""
        with self._state:
            self._revision += 1
            return self._revision

    def flush(self) -> None:
        """Write the waiting state, then any newer one, until none is waiting."""
        with self._writing:
            while True:
                with self._state:
                    pending, self._pending = self._pending, None
                    if pending is None:
                        self._scheduled = False
                        return
                try:
                    self._write(*pending)
                except BaseException:
                    with self._state:  # the next change (or flush) tries again
                        self._pending = self._pending or pending
                        self._scheduled = False
                    raise
