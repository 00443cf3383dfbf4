"""The manager's segments (docs/segments.md): a filter typed over the customers and their
sales figures, the count and the first customers shown as it changes, saved under a name.

Counting reads a million customers in a fraction of a second, never on the event loop: a
pause in typing starts one count in a thread worker, and an answer for a filter that has
changed since is dropped. Saving goes through the register's writer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, Static
from textual.worker import Worker, WorkerState

from till.core.money import MoneyFormat
from till.errors import TillError
from till.i18n import N_, _, plural
from till.segment_service import SegmentAnswer, SegmentService
from till.widgets.language import TranslatedBindings, key_hint
from till.widgets.line_table import Cells, Column, LineTable
from till.widgets.plain import plain

PAUSE = 0.3
"""Seconds of no typing before the filter is counted."""
PREVIEW = 12
COLUMNS: tuple[Column, ...] = (
    (N_("Code"), 10, "left"),
    (N_("Customer"), 19, "left"),
    (N_("City"), 11, "left"),
    (N_("Last visit"), 10, "left"),
    (N_("Visits"), 6, "right"),
    (N_("Spend"), 10, "right"),
)
"""78 columns: the preview fits 80x24 beside the scroll bar."""
Writer = Callable[..., Any]
"""Runs a storage operation on the register's writer thread (``Register.in_writer``)."""


class SegmentsScreen(TranslatedBindings, Screen[None]):
    """Type a filter, see how many customers it holds and who; save it under a name."""

    BINDINGS = [
        Binding("f10,ctrl+t", "save", "Save", id="segments.save"),
        Binding("f5,ctrl+b", "next_saved", "Saved", id="segments.saved"),
        Binding("escape", "back", "Back", id="segments.back"),
    ]

    def __init__(self, service: SegmentService, money: MoneyFormat, writer: Writer) -> None:
        super().__init__()
        self.service = service
        self.money = money
        self.writer = writer
        self._pause: Timer | None = None
        self._saved_shown = -1

    def compose(self) -> ComposeResult:
        yield Static(_("Customer segments"), id="status")
        yield Input(
            placeholder=_("Filter, e.g. city=Lyon spend_12m>=100 consent_email=yes"),
            id="segment-filter",
            max_length=1000,
        )
        yield Static(id="segment-count", classes="hint")
        yield LineTable(COLUMNS, id="segment-preview")
        yield Input(placeholder=_("Name to save it under"), id="segment-name", max_length=40)
        yield Static(id="segment-message")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#segment-filter", Input).focus()
        self._count_now()

    @property
    def filter_text(self) -> str:
        return self.query_one("#segment-filter", Input).value

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id != "segment-filter":
            return
        if self._pause is not None:
            self._pause.stop()
        self._pause = self.set_timer(PAUSE, self._count_now)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "segment-name":
            self.action_save()
        else:
            self._count_now()

    def _count_now(self) -> None:
        self._pause = None
        self.query_one("#segment-count", Static).update(_("Counting…"))
        self._count(self.filter_text)

    @work(thread=True, exclusive=True, group="segments.count", exit_on_error=False)
    def _count(self, text: str) -> None:
        """Off the event loop: a count reads the whole customer file."""
        try:
            answer = self.service.answer(text, PREVIEW)
        except TillError as error:
            self.app.call_from_thread(self._refused, text, str(error))
        else:
            self.app.call_from_thread(self._show, answer)

    def _show(self, answer: SegmentAnswer) -> None:
        if answer.text != self.filter_text:
            return  # typed over since: a newer count is coming
        said = plural(answer.count, "{n} customer", "{n} customers")
        if answer.count > len(answer.preview):
            said += " · " + _("the first {shown} shown").format(shown=len(answer.preview))
        self.query_one("#segment-count", Static).update(plain(said))
        rows: list[Cells] = [
            (
                row.code,
                row.name,
                row.city,
                row.last_sale_at,
                str(row.visits),
                self.money(row.spend),
            )
            for row in answer.preview
        ]
        self.query_one("#segment-preview", LineTable).set_rows(rows, selected=0)

    def _refused(self, text: str, reason: str) -> None:
        if text != self.filter_text:
            return
        self.query_one("#segment-count", Static).update(plain(reason))
        self.query_one("#segment-preview", LineTable).set_rows([], selected=0)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """An unexpected failure is logged by the App; the screen says so."""
        if event.state is WorkerState.ERROR and event.worker.group.startswith("segments."):
            self.say(_("Something went wrong (written to the log)."))

    def say(self, text: str) -> None:
        self.query_one("#segment-message", Static).update(plain(text))

    def action_save(self) -> None:
        name = self.query_one("#segment-name", Input).value
        if not name.strip():
            self.query_one("#segment-name", Input).focus()
            self.say(
                _("Type a name, then {key} to save.").format(
                    key=key_hint(self.app, "segments.save")
                )
            )
            return
        self.say(_("Saving…"))
        self._save(name, self.filter_text)

    @work(thread=True, group="segments.save", exit_on_error=False)
    def _save(self, name: str, text: str) -> None:
        try:
            saved = self.writer(self.service.save, name, text)
        except TillError as error:
            self.app.call_from_thread(self.say, _("Not saved: {reason}").format(reason=str(error)))
        else:
            self.app.call_from_thread(self.say, _("Segment {name} saved.").format(name=saved.name))

    def action_next_saved(self) -> None:
        """Show the next saved segment's name and filter (each press, the next one)."""
        self._next_saved()

    @work(thread=True, exclusive=True, group="segments.saved", exit_on_error=False)
    def _next_saved(self) -> None:
        every = self.service.every_saved()
        self.app.call_from_thread(self._load_saved, [(s.name, s.where) for s in every])

    def _load_saved(self, every: list[tuple[str, str]]) -> None:
        if not every:
            self.say(_("No segment is saved yet."))
            return
        self._saved_shown = (self._saved_shown + 1) % len(every)
        name, where = every[self._saved_shown]
        self.query_one("#segment-name", Input).value = name
        self.query_one("#segment-filter", Input).value = where
        self.say(
            _("Saved segment {n} of {total}: {name}.").format(
                n=self._saved_shown + 1, total=len(every), name=name
            )
        )

    def action_back(self) -> None:
        self.dismiss(None)
