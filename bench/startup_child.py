"""Child of bench.startup: start one app headless, exit on its first frame, print timestamps.

``python -m bench.startup_child till DATA_DIR`` runs the register on the database there;
``python -m bench.startup_child bare`` runs a bare Textual app with an Input and a Footer.
Both leave the same way: an auto-pilot waits until the screen's Input has been laid out on
a rendered frame, then exits. The till modules are imported only on the till side.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Footer, Input

from bench.common import wait_until

SIZE = (80, 24)


class BareApp(App):
    """The floor: nothing but an Input and a Footer."""

    def compose(self) -> ComposeResult:
        yield Input(placeholder="Scan")
        yield Footer()


def _input_on_screen(app: App, screen_type: type[Screen]) -> bool:
    screen = app.screen
    if not isinstance(screen, screen_type) or not screen.is_mounted:
        return False
    inputs = screen.query(Input)
    return bool(inputs) and inputs.first().region.area > 0


def exit_on_first_frame(screen_type: type[Screen], marks: dict[str, float]):
    """An auto-pilot that exits once ``screen_type`` shows its Input on a rendered frame."""

    async def auto_pilot(pilot: Pilot) -> None:
        app = pilot.app
        await wait_until(lambda: isinstance(app.screen, screen_type))
        while not _input_on_screen(app, screen_type):
            await app.screen.wait_for_refresh()
        marks["frame"] = time.monotonic()
        app.exit()

    return auto_pilot


def build(kind: str, data_dir: str | None) -> tuple[App, type[Screen]]:
    if kind == "bare":
        return BareApp(), Screen
    from till.postgres_left_out import leave_postgres_out

    leave_postgres_out()  # as the register's start does (till/cli.py)
    from storage.db import open_database
    from till.app import make_app
    from till.demo import demo_settings
    from till.screens.sale import SaleScreen

    settings = demo_settings(Path(data_dir or "."))
    open_database(settings.database.path, create=False)
    return make_app(settings), SaleScreen


def main(argv: list[str]) -> None:
    kind, data_dir = argv[0], (argv[1] if len(argv) > 1 else None)
    marks = {"started": time.monotonic()}
    app, screen_type = build(kind, data_dir)
    marks["built"] = time.monotonic()
    app.run(headless=True, size=SIZE, auto_pilot=exit_on_first_frame(screen_type, marks))
    marks["exited"] = time.monotonic()
    if "frame" not in marks:
        sys.exit(f"{kind}: the app exited before its first frame")
    print(json.dumps(marks))


if __name__ == "__main__":
    main(sys.argv[1:])
