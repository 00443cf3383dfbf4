"""The manager's palette (Textual's command palette, our commands only): the manager's
functions that have no key of their own. It opens for a manager, or with a manager's PIN, and
never on the kiosk; each command still goes through its service's permission check."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.command import CommandPalette, DiscoveryHit, Hit, Hits, Provider, SearchIcon

from till.core.people import Actor
from till.i18n import N_, _

if TYPE_CHECKING:
    from till.app import TillApp


@dataclass(frozen=True)
class Command:
    title: str
    """A message id: shown translated."""
    help: str
    run: Callable[[TillApp, Actor | None], object]


def _status(app: TillApp, approver: Actor | None) -> None:
    from till.screens.status import StatusScreen

    app.push_screen(StatusScreen())


def _sync_now(app: TillApp, approver: Actor | None) -> None:
    if app.sync_worker is None:
        app.notify(_("This till has no back office to sync with."), markup=False)
    else:
        app.sync_soon()
        app.notify(_("Syncing now."), markup=False)


def _drawer(app: TillApp, approver: Actor | None) -> None:
    app.open_drawer(approver, without_sale=True)


def _duplicates(app: TillApp, approver: Actor | None) -> None:
    from till.screens.duplicates import DuplicatesScreen

    app.push_screen(DuplicatesScreen(approver))


def _segments(app: TillApp, approver: Actor | None) -> None:
    from till.screens.segments import SegmentsScreen
    from till.segment_service import SegmentService

    register = app.register
    service = SegmentService(register.money.precision, register.session, approver)
    app.push_screen(SegmentsScreen(service, register.money, register.in_writer))


def _test_page(app: TillApp, approver: Actor | None) -> None:
    app.print_test_page()


COMMANDS = (
    Command(
        N_("Printer, scanners and sync"),
        N_("Check each, as till doctor does"),
        _status,
    ),
    Command(N_("Sync now"), N_("Send and fetch changes without waiting"), _sync_now),
    Command(N_("Open the cash drawer"), N_("Outside a sale; journaled"), _drawer),
    Command(
        N_("Duplicates, merges and imports"),
        N_("The whole customer file's tools"),
        _duplicates,
    ),
    Command(
        N_("Customer segments"),
        N_("Count and save customers by sales, place, consent"),
        _segments,
    ),
    Command(N_("Print a test page"), N_("Code pages, paper width, barcode, QR"), _test_page),
)


class ManagerPalette(CommandPalette):
    """Textual's palette with our commands, and a search sign the Linux console can draw."""

    def __init__(self) -> None:
        super().__init__([ManagerCommands], placeholder=_("Manager: type to find a function…"))

    def on_mount(self) -> None:
        self.query_one(SearchIcon).icon = ">"


class ManagerCommands(Provider):
    """The palette's commands, for whoever approved opening it."""

    app: TillApp

    def _hits(self) -> Iterator[tuple[str, str, Callable[[], object]]]:
        app, approver = self.app, self.app.palette_approver
        for command in COMMANDS:
            yield _(command.title), _(command.help), _bound(command, app, approver)

    async def discover(self) -> Hits:
        for title, help_text, run in self._hits():
            yield DiscoveryHit(title, run, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, run in self._hits():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), run, help=help_text)


def _bound(command: Command, app: TillApp, approver: Actor | None) -> Callable[[], object]:
    return lambda: command.run(app, approver)
