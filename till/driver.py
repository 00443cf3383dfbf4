"""The terminal driver: Textual's own, minus a second key reader after a stray SIGCONT.

Textual's Linux driver restarts its input thread on every SIGCONT, meant for the return from
Ctrl+Z. A SIGCONT that follows no suspension (a debugger, ``kill -CONT``, a supervisor resuming a
stopped group) then leaves two threads reading the terminal, and keys typed meanwhile reach the
register out of order: a scanned code comes out with its digits shuffled.
"""

from __future__ import annotations

from typing import Any

from textual.drivers.linux_driver import LinuxDriver


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
