"""The one way a screen writes: off the event loop, through the register's writer thread.

The screen says "Saving…", then "Saving… the database is busy" while another program holds
the database, and keeps answering keys all along; the outcome comes back as a message to the
screen that asked. The worker runs on the App, so the write finishes even if the screen is
closed meanwhile (its outcome is then told as a notification, if it failed).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

from textual.message import Message

from till.errors import StorageError, TillError
from till.i18n import N_, _
from till.logs import SHOWN

if TYPE_CHECKING:
    from till.app import TillApp

log = logging.getLogger(__name__)

T = TypeVar("T")

SAVING = N_("Saving…")
BUSY = N_("Saving… the database is busy; it saves as soon as it can.")
"""Short enough for the 80-column message line, beside nothing else."""
STILL_SAVING = N_("Saving… a moment: the last change is not saved yet.")


@dataclass
class WriteReport(Message):
    """News of a screen's write, handed to the function the screen gave for it."""

    receive: Callable[[Any], object]
    news: Any


class WritingScreen:
    """For a screen that saves through :meth:`start_write`: mix it in before the screen class
    (``class Form(WritingScreen, Screen[...])``). Not a widget itself, so the screen keeps its
    CSS type: Textual takes CSS types from the first widget base only (a ``ModalScreen`` stays
    one, centred and dimming what is below)."""

    if TYPE_CHECKING:
        app: TillApp

        def post_message(self, message: Message) -> bool: ...

    write_pending = False
    """True from the moment a write starts until its outcome is handled."""
    DEFERS_TYPING = True
    """Typing during a save is kept for what follows it: the fields being saved do not change,
    and a scan typed ahead reaches the screen after the form rather than a closing field."""
    _written: asyncio.Event
    _landed: asyncio.Event
    """Set when the outcome is handled, busy or not: typing kept meanwhile is handed on."""
    """Set when the outcome is handled: keys typed behind the save wait for it a moment."""

    def start_write(
        self,
        operation: Callable[..., T],
        *args: Any,
        show: Callable[[str], object],
        done: Callable[[T], object],
        failed: Callable[[TillError], object] | None = None,
    ) -> bool:
        """Run ``operation(*args)`` (a service call that writes) on the writer thread.

        ``show`` displays progress ("Saving…", busy) and, without ``failed``, the refusal;
        ``done`` gets the result. False: a write of this screen is still running, nothing
        started (one write at a time, so a key pressed twice never writes twice)."""
        if self.write_pending:
            show(_(STILL_SAVING))
            return False
        self.write_pending = True
        self._written = self.app.key_gate.hold_for_write()
        self._landed = asyncio.Event()
        if self.DEFERS_TYPING:
            self.app.key_gate.defer_typing(self._landed)
        show(_(SAVING))
        self.app.run_worker(
            partial(self._write, operation, args, show, done, failed or _said_by(show)),
            name=getattr(operation, "__name__", "write"),
            group="writes",
            thread=True,
            exit_on_error=False,
        )
        return True

    def _write(
        self,
        operation: Callable[..., T],
        args: tuple[Any, ...],
        show: Callable[[str], object],
        done: Callable[[T], object],
        failed: Callable[[Any], object],
    ) -> None:
        """The worker's body, in its own thread."""
        register = self.app.register
        try:
            result = register.in_writer(
                operation,
                *args,
                on_busy=lambda: self.post_message(WriteReport(partial(self._busy, show), _(BUSY))),
            )
        except TillError as error:
            if isinstance(error, StorageError):  # the database's doing: a technician's matter
                name = getattr(operation, "__qualname__", operation)
                log.warning("a write failed: %s: %s", name, error, extra=SHOWN)
            self._report(failed, error)
        except Exception as error:
            name = getattr(operation, "__qualname__", operation)
            log.exception("a write failed: %s", name, extra=SHOWN)  # the screen says so
            self._report(
                failed,
                TillError(_("Not saved: an unexpected error ({error}).").format(error=error)),
            )
        else:
            self._report(done, result)

    def _report(self, receive: Callable[[Any], object], news: Any) -> None:
        """From the worker thread: hand the outcome to the screen, or tell it on the App."""
        if self.post_message(WriteReport(partial(self._finished, receive), news)):
            return
        if isinstance(news, TillError):  # the screen was closed meanwhile
            try:
                self.app.call_from_thread(
                    self.app.notify, str(news), severity="error", markup=False
                )
            except RuntimeError:  # the app has stopped
                log.error("a write failed after its screen closed: %s", news)

    def _busy(self, show: Callable[[str], object], text: str) -> None:
        self._written.set()  # a long wait: keys typed behind go on to this screen meanwhile
        show(text)

    def _finished(self, receive: Callable[[Any], object], news: Any) -> None:
        self.write_pending = False
        self._written.set()  # keys typed behind go on once this handler (a dismissal) is done
        self._landed.set()
        receive(news)

    def on_write_report(self, report: WriteReport) -> None:
        report.stop()
        report.receive(report.news)


def _said_by(show: Callable[[str], object]) -> Callable[[TillError], object]:
    """A refusal shown by ``show``, which takes the sentence, not the error."""
    return lambda error: show(str(error))
