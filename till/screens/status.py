"""The printer, its queue, the scanners and sync, as `till doctor` checks them, on a screen:
for the manager's palette and the support view."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Label, Static

from till.i18n import _
from till.widgets.language import TranslatedBindings
from till.widgets.plain import plain

if TYPE_CHECKING:
    from till.app import TillApp


class DeviceChecks(Static):
    """One line a check (``ok  printer  …``), read in a thread: a network printer or the
    back office may take seconds to answer."""

    app: TillApp

    def on_mount(self) -> None:
        self.check()

    def check(self) -> None:
        self.update(_("Checking the printer, scanners and sync…"))
        app = self.app
        self.run_worker(
            lambda: app.call_from_thread(self._show, app.device_checks()),
            thread=True,
            group="device-checks",
            exclusive=True,
            exit_on_error=False,
        )

    def _show(self, checks: list[tuple[str, str, str]]) -> None:
        lines = "\n".join(f"{status:<4}  {part:<12} {message}" for status, part, message in checks)
        self.update(plain(lines))  # the checks quote the config, devices and the network


class StatusScreen(TranslatedBindings, ModalScreen[None]):
    BINDINGS = [
        Binding("f5,ctrl+b", "refresh", "Refresh", id="status.refresh"),
        Binding("escape", "app.pop_screen", "Back", id="status.back"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="device-status"):
            yield Label(_("Printer, scanners and sync"), classes="field-label")
            yield DeviceChecks(id="status-checks")
        yield Footer(compact=True)

    def action_refresh(self) -> None:
        self.query_one(DeviceChecks).check()
