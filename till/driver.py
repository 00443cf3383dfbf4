"""The terminal driver: Textual's own, minus a second key reader after a stray SIGCONT, and
minus Alt (Escape then a key, read together, is two keys).

Textual's Linux driver restarts its input thread on every SIGCONT, meant for the return from
Ctrl+Z. A SIGCONT that follows no suspension (a debugger, ``kill -CONT``, a supervisor resuming a
stopped group) then leaves two threads reading the terminal, and keys typed meanwhile reach the
register out of order: a scanned code comes out with its digits shuffled.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual import events
from textual._xterm_parser import XTermParser
from textual.drivers import linux_driver
from textual.drivers.linux_driver import LinuxDriver

ESC = "\x1b"


class TillDriver(LinuxDriver):
    """Resumes the terminal only after it was suspended."""

    _suspended = False

    def _sigtstp_application(self, *signal_args: Any) -> None:
        self._suspended = True
        super()._sigtstp_application(*signal_args)

    def _sigcont_application(self, *signal_args: Any) -> None:
        if self._suspended:
            self._suspended = False
            super()._sigcont_application(*signal_args)

    def run_input_thread(self) -> None:
        # Textual's loop builds its parser by this module-level name: ours, while it runs.
        linux_driver.XTermParser = TillParser  # type: ignore[misc]
        try:
            super().run_input_thread()
        finally:
            linux_driver.XTermParser = XTermParser  # type: ignore[misc]


class TillParser(XTermParser):
    """Textual's key parser, minus Alt: Escape followed at once by a key is Escape, then that key.

    Terminals send Alt+key as ESC then the key, so Textual reads a cashier's Escape followed
    within its 100 ms escape delay by a scan (or by ``y`` in a dialog) as Alt+digit or Alt+y, and
    maps some (ESC 2) to symbols such as ™. The register binds no Alt key."""

    def _sequence_to_key_events(self, sequence: str, alt: bool = False) -> Iterable[events.Key]:
        if alt and len(sequence) == 1:  # reissued after ESC: the Escape key, then this key
            yield events.Key("escape", ESC)
            yield from super()._sequence_to_key_events(sequence)
            return
        if len(sequence) == 2 and sequence[0] == ESC and sequence[1] not in "[O\x1b":
            yield events.Key("escape", ESC)  # ESC 2 is no key of the register's: two keys
            yield from super()._sequence_to_key_events(sequence[1])
            return
        yield from super()._sequence_to_key_events(sequence, alt)
