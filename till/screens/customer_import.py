"""A manager imports a customer file (CSV or XLSX) at the register: checked first if they like
(F6), then imported (F10) with a progress bar. The import runs in a worker of the App, a chunk
per transaction, so the screen can be left (Esc) and the till keeps selling; the outcome is
told when it ends, on this screen or as a notification."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Input, Label, ProgressBar, Static
from textual.worker import get_current_worker

from till.core.customer import field_label
from till.errors import TillError
from till.i18n import _
from till.widgets.language import TranslatedBindings, key_hint
from till.widgets.plain import plain

if TYPE_CHECKING:
    from till.app import TillApp
    from till.core.people import Actor


class CustomerImportReport(Protocol):
    """What the screen reads of the import's report (the service's, by its own name)."""

    created: int
    updated: int
    merged: int
    skipped: int
    refused: int
    rows: int
    done: float | None
    dry_run: bool
    strict_refused: bool
    errors: list[dict[str, Any]]
    duplicates: list[dict[str, Any]]


GROUP = "customer-import"
ERRORS_SHOWN = 5
"""Problems listed on screen (the summary counts them all)."""


class CustomerImportScreen(TranslatedBindings, Screen[None]):
    """Dismisses with None; the import it started may still be running."""

    app: TillApp

    BINDINGS = [
        Binding("f10,ctrl+t", "start(False)", "Import", id="import.start"),
        Binding("f6,ctrl+p", "start(True)", "Check only", id="import.check"),
        Binding("escape", "back", "Back", id="import.back"),
    ]

    def __init__(self, approver: Actor | None = None) -> None:
        super().__init__()
        self.approver = approver
        """Who allowed the import (None: the user logged in may)."""

    def compose(self) -> ComposeResult:
        yield Static(_("Customer file: import"), id="status")
        yield Label(_("File to import (CSV or XLSX), as a path on this till:"))
        yield Input(placeholder="/media/usb/customers.csv", id="import-path", max_length=4096)
        yield ProgressBar(total=100, show_eta=False, id="import-progress")
        yield Static(id="import-summary")
        yield Static(id="import-errors", classes="hint")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#import-path", Input).focus()
        if self.running():
            self.say(_("An import is running: its outcome is told when it ends."))

    def say(self, text: str) -> None:
        self.query_one("#import-summary", Static).update(plain(text))

    def running(self) -> bool:
        return any(worker.group == GROUP and worker.is_running for worker in self.app.workers)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_start(False)

    def action_start(self, dry_run: bool) -> None:
        if self.running():
            self.say(_("An import is already running: wait for its outcome."))
            return
        typed = self.query_one("#import-path", Input).value.strip()
        if not typed:
            self.say(_("Type the path of the file to import first."))
            return
        path = Path(typed).expanduser()
        self.query_one("#import-progress", ProgressBar).update(progress=0)
        self.query_one("#import-errors", Static).update("")
        doing = _("Checking {file}…") if dry_run else _("Importing {file}…")
        self.say(doing.format(file=path.name))
        app = self.app
        app.run_worker(
            lambda: self._run(app, path, dry_run), thread=True, group=GROUP, exit_on_error=False
        )

    def _run(self, app: TillApp, path: Path, dry_run: bool) -> None:
        """In the worker's thread: reads and writes, and hands each step to the event loop
        (through ``app``: the screen may be gone by then)."""
        worker = get_current_worker()

        def progress(report: CustomerImportReport) -> None:
            if not worker.is_cancelled:
                app.call_from_thread(self._progress, report)

        try:
            report = app.register.customers.import_file(
                path, dry_run=dry_run, on_progress=progress, approver=self.approver
            )
        except TillError as error:
            app.call_from_thread(self._failed, app, path, str(error))
        except Exception:
            app.call_from_thread(self._failed, app, path, _("something went wrong (see the log)."))
            raise  # the App logs it with its traceback
        else:
            app.call_from_thread(self._finished, app, path, report)

    def _progress(self, report: CustomerImportReport) -> None:
        if not self.is_current:
            return
        if report.done is not None:
            self.query_one("#import-progress", ProgressBar).update(progress=report.done * 100)
        self.say(_("Row {row}: {counts}").format(row=report.rows, counts=self._counts(report)))

    def _failed(self, app: TillApp, path: Path, reason: str) -> None:
        message = _("{file} not imported: {reason}").format(file=path.name, reason=reason)
        if self.is_current:
            self.say(message)
        else:
            app.notify(message, severity="error", markup=False, timeout=15)

    def _finished(self, app: TillApp, path: Path, report: CustomerImportReport) -> None:
        if report.dry_run:
            head = _("{file} checked, nothing saved: would be ").format(file=path.name)
        elif report.strict_refused:
            head = _("{file} not imported (bad rows): ").format(file=path.name)
        else:
            head = _("{file} imported: ").format(file=path.name)
        message = head + self._counts(report)
        if not self.is_current:
            app.notify(message, markup=False, timeout=15)
            return
        self.query_one("#import-progress", ProgressBar).update(progress=100)
        self.say(message)
        problems = [
            _("Row {row}, {field}: {problem}").format(
                row=e["row"], field=field_label(e["field"]), problem=e["message"]
            )
            for e in report.errors
        ]
        if report.duplicates:
            problems.append(
                _(
                    "{count} new customers look like ones on file: {key} on the duplicates list"
                    " shows them."
                ).format(count=len(report.duplicates), key=key_hint(self.app, "duplicates.refresh"))
            )
        self.query_one("#import-errors", Static).update(plain("\n".join(problems[:ERRORS_SHOWN])))

    @staticmethod
    def _counts(report: CustomerImportReport) -> str:
        return _(
            "{created} new, {updated} updated, {merged} merged, {skipped} unchanged,"
            " {refused} refused."
        ).format(
            created=report.created,
            updated=report.updated,
            merged=report.merged,
            skipped=report.skipped,
            refused=report.refused,
        )

    def action_back(self) -> None:
        self.dismiss(None)
