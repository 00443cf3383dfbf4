"""Keys reach the screen they were typed for, in the order they were typed.

Textual hands each key to the focused widget as soon as it reads it, but runs a key's binding
only once the key has bubbled back up to the App, behind the keys read with it. A burst that the
terminal delivers in one read (two scans queued while the till was busy, or a cashier's
``F10 2 0 Enter``) would then merge two entries into one, or type into the screen being left.

The gate lets a key that may act (Enter, Tab, F-keys, Escape…) finish before the next one is
handed on: its binding has run, and the screen or dialog it opened is mounted and focused.
Printable characters typed into an input go straight through: they cannot act, and one widget
keeps them in order.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Awaitable, Callable

from textual import events
from textual.app import App
from textual.dom import DOMNode
from textual.message_pump import MessagePump
from textual.widgets import Input

log = logging.getLogger(__name__)

SETTLE_ROUNDS = (2, 8)
"""At least and at most this many passes over the focused widgets, the screen and the App, after
a key that may act. Characters typed into a field need one pass: they open no screen."""
NODE_TIMEOUT = 10.0
"""Seconds to wait for one widget to reach a key's turn before the keys behind it go on."""
WRITE_HOLD = 0.5
"""Seconds keys wait behind a save a key started: a save lands in milliseconds and often closes
the dialog, so what is typed next belongs to the screen after it; while the database is busy
the save takes longer, and the keys go on to the screen as it is, which keeps answering."""


class KeyGate:
    """Holds typed-ahead keys until the key before them has done what it does."""

    def __init__(self, app: App, dispatch: Callable[[events.Key], Awaitable[None]]) -> None:
        self._app = app
        self._dispatch = dispatch
        """Textual's own handling of a key read from the terminal."""
        self._held: deque[events.Key] = deque()
        self._busy = False
        self._typed_into: Input | None = None
        """The input that printable keys went straight to since the last key settled."""
        self._settling: asyncio.Task[None] | None = None
        """The running settle (a reference keeps the task alive)."""
        self._writes: list[asyncio.Event] = []
        """Saves started by the key being settled; the keys behind wait for them a moment."""
        self._deferring: asyncio.Event | None = None
        """While a form saves: typing is kept until this is set (``defer_typing``)."""
        self._deferred: list[events.Key] = []
        self._replays: set[asyncio.Task[None]] = set()

    def defer_typing(self, until: asyncio.Event) -> None:
        """A form is saving what was typed into it: printable keys and Enter typed meanwhile
        (however long the database stays busy) are kept, and handed on once ``until`` is set,
        to the screen then in front (the next one if the form closed). Other keys still act."""
        self._deferring = until
        task = asyncio.create_task(self._replay_when(until))
        self._replays.add(task)
        task.add_done_callback(self._replays.discard)

    async def _replay_when(self, until: asyncio.Event) -> None:
        await until.wait()
        self._app.call_later(self._replay, until)

    async def _replay(self, until: asyncio.Event) -> None:
        if self._deferring is until:
            self._deferring = None
        kept, self._deferred = self._deferred, []
        self._held.extendleft(reversed(kept))
        if not self._busy and self._held:  # let the screen after the form settle first
            self._settle_after(None)

    def hold_for_write(self) -> asyncio.Event:
        """A save is starting: keys typed behind the key that started it wait (at most
        ``WRITE_HOLD``) until the returned event is set, when the save's outcome is shown."""
        written = asyncio.Event()
        self._writes.append(written)
        return written

    async def take(self, key: events.Key) -> None:
        """A key read from the terminal: handle it now, or after the keys before it."""
        if self._busy or self._held:
            self._held.append(key)
            return
        await self._pass(key)

    async def _pass(self, key: events.Key) -> None:
        deferring = self._deferring is not None and not self._deferring.is_set()
        if deferring and (key.is_printable or key.key == "enter"):
            self._deferred.append(key)  # typed while a form saves: for what follows it
            return
        target = self._app.focused
        typed_into = target if key.is_printable and isinstance(target, Input) else None
        if typed_into is None and self._typed_into is not None:
            # What was typed just before lands first (and what it sets off, such as a search
            # as you type): this key may act on it.
            self._held.appendleft(key)
            self._settle_after(self._typed_into, least_rounds=1)
            return
        await self._dispatch(key)
        if typed_into is not None and self._app.focused is typed_into:
            self._typed_into = typed_into
            return
        self._settle_after(target)

    def _settle_after(self, node: DOMNode | None, least_rounds: int = SETTLE_ROUNDS[0]) -> None:
        """Hold the keys behind until ``node`` and everything above it have caught up."""
        self._typed_into = None
        self._busy = True
        chain: list[MessagePump] = (
            _ancestors(node) if node is not None else [self._app.screen, self._app]
        )
        self._settling = asyncio.create_task(self._settle(chain, least_rounds))

    async def _settle(self, chain: list[MessagePump], least: int) -> None:
        try:
            for node in chain:  # the key itself: handled, bubbled up, its binding run
                await _drained(node)
            await self._writes_landed()
            for round_no in range(SETTLE_ROUNDS[1]):  # what it set off: messages, screens, focus
                before = (tuple(self._app.screen_stack), self._app.focused)
                focused = self._app.focused
                nodes = _ancestors(focused) if focused is not None else [self._app.screen]
                for node in [*nodes, self._app]:
                    await _drained(node)
                await self._writes_landed()  # a save started by what the key set off
                if round_no + 1 >= least and before == (
                    tuple(self._app.screen_stack),
                    self._app.focused,
                ):
                    break
        except Exception:  # the keys behind must never stay stuck
            log.exception("settling a key failed")
        finally:
            self._app.call_later(self._release)

    async def _writes_landed(self) -> None:
        writes, self._writes = self._writes, []
        if writes:
            waiting = asyncio.gather(*(written.wait() for written in writes))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(waiting, WRITE_HOLD)

    async def _release(self) -> None:
        self._busy = False
        while self._held and not self._busy:
            await self._pass(self._held.popleft())


def _ancestors(node: DOMNode) -> list[MessagePump]:
    """The node and every node a key bubbles through from it, up to the App."""
    chain: list[MessagePump] = []
    current: DOMNode | None = node
    while current is not None:
        chain.append(current)
        parent = current._parent
        current = parent if isinstance(parent, DOMNode) else None
    return chain


async def _drained(node: MessagePump) -> None:
    """Wait until ``node`` has handled what was queued for it before now."""
    reached = asyncio.Event()
    if not node.call_later(reached.set):
        return
    waited = 0.0
    while not reached.is_set():
        try:
            await asyncio.wait_for(reached.wait(), 0.05)
        except TimeoutError:
            waited += 0.05
            if node._closing or node._closed or waited >= NODE_TIMEOUT:
                return
