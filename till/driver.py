"""The terminal driver: Textual's own, minus a second key reader after a stray SIGCONT, and
minus Alt (Escape then a key, read together, is two keys).

Textual's Linux driver restarts its input thread on every SIGCONT, meant for the return from
Ctrl+Z. A SIGCONT that follows no suspension (a debugger, ``kill -CONT``, a supervisor resuming a
stopped group) then leaves two threads reading the terminal, and keys typed meanwhile reach the
register out of order: a scanned code comes out with its digits shuffled.
"""

from __future__ import annotations

import logging
import select
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from errno import EIO
from typing import Any

from textual import events
from textual._xterm_parser import XTermParser
from textual.drivers import linux_driver
from textual.drivers.linux_driver import LinuxDriver

ESC = "\x1b"
HANGUP_CHECK_SECONDS = 1.0
HANGUP_STATUS = 129
"""The exit status of a program ended by SIGHUP (128 + 1), as a shell reports it."""
GONE = select.POLLHUP | select.POLLERR | select.POLLNVAL

log = logging.getLogger(__name__)


class TillDriver(LinuxDriver):
    """Resumes the terminal only after it was suspended; ends the app when the terminal goes
    away."""

    _suspended = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._file = TerminalFile(self._file)  # type: ignore[assignment]  # written, flushed, fileno

    def _sigtstp_application(self, *signal_args: Any) -> None:
        self._suspended = True
        super()._sigtstp_application(*signal_args)

    def _sigcont_application(self, *signal_args: Any) -> None:
        if self._suspended:
            self._suspended = False
            super()._sigcont_application(*signal_args)

    def run_input_thread(self) -> None:
        threading.Thread(target=self._close_on_hangup, name="till-hangup", daemon=True).start()
        # Textual's loop builds its parser by this module-level name: ours, while it runs.
        linux_driver.XTermParser = TillParser  # type: ignore[misc]
        try:
            super().run_input_thread()
        finally:
            linux_driver.XTermParser = XTermParser  # type: ignore[misc]

    def _close_on_hangup(self) -> None:
        """End the app when its terminal goes away (an SSH connection dropped, a terminal
        window closed without a SIGHUP reaching us): Textual's reader would otherwise read
        nothing in a loop for ever, holding a core, the database and the register's lock."""
        watch = select.poll()
        watch.register(self.fileno, select.POLLHUP)
        while not self.exit_event.wait(HANGUP_CHECK_SECONDS):
            if any(mask & GONE for _fd, mask in watch.poll(0)):
                log.warning("The terminal went away (hangup): closing.")
                with suppress(RuntimeError):  # the app is already stopping
                    self._app.call_from_thread(self._app.exit, None, HANGUP_STATUS)
                return


class TerminalFile:
    """The terminal as Textual's writer thread writes it. Once the terminal is gone (EIO),
    what is written is dropped: the writer would otherwise die, its queue fill, and the app's
    last writes (leaving the alternate screen) wait for ever, the app with them."""

    def __init__(self, file: Any) -> None:
        self._file = file
        self.gone = False

    def write(self, text: str) -> None:
        if not self.gone:
            with self._unless_gone():
                self._file.write(text)

    def flush(self) -> None:
        if not self.gone:
            with self._unless_gone():
                self._file.flush()

    @contextmanager
    def _unless_gone(self) -> Iterator[None]:
        try:
            yield
        except OSError as error:
            if error.errno != EIO:
                raise
            self.gone = True
            log.warning("The terminal is gone (%s): nothing more is drawn.", error)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._file, name)


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
