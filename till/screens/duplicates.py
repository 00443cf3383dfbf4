"""The manager's customer tools: the probable duplicates of the customer file, each opening the
merge that would join them, and the import of a customer file (F3)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Static
from textual.worker import Worker, WorkerState

from till.core.duplicates import PossibleDuplicate
from till.errors import TillError
from till.i18n import N_, _, plural
from till.widgets.language import TranslatedBindings, key_name
from till.widgets.line_table import Cells, Column, LineTable
from till.widgets.plain import plain

if TYPE_CHECKING:
    from till.app import TillApp
    from till.core.people import Actor

COLUMNS: tuple[Column, ...] = (
    (N_("Score"), 5, "right"),
    (N_("Customer"), 27, "left"),
    (N_("Same person as?"), 27, "left"),
    (N_("Why"), 11, "left"),
)
LOOKING = N_("Looking for duplicates in the customer file…")


class DuplicatesScreen(TranslatedBindings, Screen[None]):
    """Pairs of customers who may be one person, most likely first; Enter shows the merge."""

    app: TillApp

    BINDINGS = [
        Binding("f10,enter,ctrl+t", "merge", "Merge…", id="duplicates.merge"),
        Binding("f3,ctrl+n", "import_file", "Import file", id="duplicates.import"),
        Binding("f5,ctrl+b", "refresh", "Refresh", id="duplicates.refresh"),
        Binding("escape", "back", "Back", id="duplicates.back"),
        Binding("up", "move(-1)", show=False, id="duplicates.up"),
        Binding("down", "move(1)", show=False, id="duplicates.down"),
        Binding("pageup", "page(-1)", show=False, id="duplicates.page_up"),
        Binding("pagedown", "page(1)", show=False, id="duplicates.page_down"),
    ]

    def __init__(self, approver: Actor | None) -> None:
        super().__init__()
        self.approver = approver
        """Who allowed the manager's tools (None: the user logged in may)."""
        self.pairs: list[PossibleDuplicate] = []
        self.loading = False

    def compose(self) -> ComposeResult:
        yield Static(_("Customer file: duplicates"), id="status")
        yield Static(id="duplicates-count", classes="hint")
        yield LineTable(COLUMNS, id="duplicates-list")
        yield Static(id="duplicates-why", classes="hint")
        yield Static(id="duplicates-message")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.action_refresh()

    def say(self, text: str) -> None:
        self.query_one("#duplicates-message", Static).update(plain(text))

    def action_refresh(self) -> None:
        if self.loading:
            return
        self.loading = True
        self.query_one("#duplicates-count", Static).update(_(LOOKING))
        self._find()

    @work(thread=True, exclusive=True, group="duplicates", exit_on_error=False)
    def _find(self) -> None:
        """Read-only and possibly long on a big file: off the event loop."""
        try:
            found = self.app.register.customers.duplicates()
        except TillError as error:
            self.app.call_from_thread(self._failed, str(error))
        else:
            self.app.call_from_thread(self._show, found)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """An unexpected failure is logged by the App; the screen stops saying it looks."""
        if event.worker.group == "duplicates" and event.state is WorkerState.ERROR:
            self._failed(_("something went wrong (written to the log)."))

    def _failed(self, reason: str) -> None:
        self.loading = False
        self.query_one("#duplicates-count", Static).update("")
        self.say(_("Duplicates not searched: {reason}").format(reason=reason))

    def _show(self, found: list[PossibleDuplicate]) -> None:
        self.loading = False
        self.pairs = found
        table = self.query_one("#duplicates-list", LineTable)
        table.set_rows([self._row(pair) for pair in found], selected=0)
        self._show_why()
        if found:
            said = plural(
                len(found),
                "{n} possible duplicate, most likely first. {enter} shows what a merge would do.",
                "{n} possible duplicates, most likely first. {enter} shows what a merge would do.",
                enter=key_name("enter"),
            )
        else:
            said = _("No possible duplicates in the customer file.")
        self.query_one("#duplicates-count", Static).update(plain(said))

    @staticmethod
    def _row(pair: PossibleDuplicate) -> Cells:
        return (
            str(pair.score),
            f"{pair.first.code} {pair.first.name}",
            f"{pair.second.code} {pair.second.name}",
            pair.words,
        )

    def selected(self) -> PossibleDuplicate | None:
        if not self.pairs:
            return None
        row = self.query_one("#duplicates-list", LineTable).cursor_row
        return self.pairs[min(row, len(self.pairs) - 1)]

    def _show_why(self) -> None:
        """The selected pair's reasons in full: the column has room for the first only."""
        pair = self.selected()
        why = _("Why: {reasons}.").format(reasons=pair.words) if pair else ""
        self.query_one("#duplicates-why", Static).update(plain(why))

    def action_move(self, step: int) -> None:
        table = self.query_one("#duplicates-list", LineTable)
        table.move_cursor(row=table.cursor_row + step)
        self._show_why()

    def action_page(self, pages: int) -> None:
        table = self.query_one("#duplicates-list", LineTable)
        table.move_cursor(row=table.cursor_row + pages * table.rows_in_view)
        self._show_why()

    def action_merge(self) -> None:
        from till.screens.merge import MergeScreen

        pair = self.selected()
        if pair is None:
            self.say(_("Nothing to merge: the list is empty."))
            return

        def merged(message: str | None) -> None:
            if message:
                self.say(message)
                self.action_refresh()

        self.app.push_screen(MergeScreen(pair.first.id, pair.second.id, self.approver), merged)

    def action_import_file(self) -> None:
        from till.screens.customer_import import CustomerImportScreen

        self.app.push_screen(CustomerImportScreen(self.approver), lambda _: self.action_refresh())

    def action_back(self) -> None:
        self.dismiss(None)
