"""One PIN field checked off the event loop (scrypt takes a moment), for the login and the
manager's approval: the field is cleared at once, a second Enter meanwhile does nothing, and
keys typed during the check wait for the screen that follows it."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.screen import Screen
from textual.widgets import Input

from till.errors import TillError
from till.i18n import _
from till.widgets.field_error import FieldError

if TYPE_CHECKING:
    from till.app import TillApp
    from till.core.people import Actor


class PinCheck:
    """Checks the PIN typed into a screen's field; the screen is dismissed with who the PIN
    names, or ``error_id`` (a FieldError) says why not."""

    def __init__(self, screen: Screen[Any], error_id: str) -> None:
        self.screen = screen
        self.error_id = error_id
        self.checking = False
        self._checked = asyncio.Event()

    def submit(self, field: Input, check: Callable[[str], Actor]) -> None:
        pin = field.value
        field.clear()
        if self.checking or not pin:
            return
        self.checking = True
        self._say(_("Checking…"))
        self._checked = asyncio.Event()
        app: TillApp = self.screen.app  # type: ignore[assignment]
        app.key_gate.defer_typing(self._checked)
        self.screen.run_worker(
            lambda: self._check(app, check, pin), thread=True, group="pin", exit_on_error=False
        )

    def _check(self, app: TillApp, check: Callable[[str], Actor], pin: str) -> None:
        try:
            actor = check(pin)
        except TillError as refused:
            app.call_from_thread(self._refused, str(refused))
        else:
            app.call_from_thread(self._accepted, actor)

    def _accepted(self, actor: Actor) -> None:
        self.checking = False
        if self.screen.is_attached:
            self.screen.dismiss(actor)
        self._checked.set()

    def _refused(self, reason: str) -> None:
        self.checking = False
        if self.screen.is_attached:
            self._say(reason)
        self._checked.set()

    def _say(self, text: str) -> None:
        self.screen.query_one(f"#{self.error_id}", FieldError).show_reason(text)
