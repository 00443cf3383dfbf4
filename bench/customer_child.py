"""Child of bench.customer_memory: run one app headless, type searches, print its memory.

``python -m bench.customer_child till DB`` runs the register on the database ``DB``, opens
the customer search (F2) and types ``QUERIES`` into it, waiting for each one's results;
``python -m bench.customer_child bare`` types them into ``bench.startup_child``'s bare app
(an Input and a Footer). Each then prints, as JSON, its resident set and its peak from
``/proc/self/status`` in kB. The till modules are imported only on the till side.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input

from bench.common import wait_until
from bench.startup_child import SIZE, BareApp

QUERIES = ("dupont je", "06 12 34", "jean.dupont12@ex", "lyon")


def memory() -> dict[str, int]:
    """VmRSS and VmHWM of this process, in kB."""
    found = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            found[name] = int(value.split()[0])
    return found


def search_then_measure(marks: dict[str, int], *, till: bool):
    """An auto-pilot that types every query (the register's after F2), then reads memory."""

    async def auto_pilot(pilot: Pilot) -> None:
        app = pilot.app
        if till:
            from till.screens.customer_search import CustomerSearchScreen
            from till.screens.sale import SaleScreen

            await wait_until(lambda: isinstance(app.screen, SaleScreen))
            await pilot.press("f2")
            await wait_until(lambda: isinstance(app.screen, CustomerSearchScreen))
        screen = app.screen
        field = screen.query_one(Input)
        for query in QUERIES:
            field.value = ""
            await pilot.pause()
            before = getattr(screen, "results", None)
            await pilot.press(*query)
            await wait_until(
                lambda query=query, before=before: (
                    field.value == query
                    and (not till or getattr(screen, "results", None) is not before)
                )
            )
            await pilot.pause()
        marks.update(memory())
        app.exit()

    return auto_pilot


def build(kind: str, database: str | None) -> App:
    if kind == "bare":
        return BareApp()
    from till.postgres_left_out import leave_postgres_out

    leave_postgres_out()  # as the register's start does (till/cli.py)
    from storage.db import open_database
    from till.app import make_app
    from till.config import Settings

    open_database(database or "", create=False)
    return make_app(Settings().with_database(database or ""))


def main(argv: list[str]) -> None:
    kind, database = argv[0], (argv[1] if len(argv) > 1 else None)
    marks: dict[str, int] = {}
    app = build(kind, database)
    app.run(headless=True, size=SIZE, auto_pilot=search_then_measure(marks, till=kind != "bare"))
    if not marks:
        sys.exit(f"{kind}: the app exited before its searches were done")
    print(json.dumps(marks))


if __name__ == "__main__":
    main(sys.argv[1:])
