"""The sync figures of issue 11, on SQLite and on PostgreSQL: a new till's initial sync of
100,000 customers (``bench.sync_initial``), twenty tills pushing 500 sales each at once
(``bench.sync_push``), and a change on one till seen on another (``bench.sync_propagation``).

``python -m bench.sync [--backend sqlite|postgresql|both] [--quick] [--workers N] [--write]``
(``--backend`` defaults to both when PostgreSQL's binaries are installed; ``--write`` puts the
figures in the "Sync" section of docs/performance.md). The exit status is 1 when a check
fails (a change lost or doubled, a customer missing), never because of a time.
"""

from __future__ import annotations

import sys
import time

from bench import report as page
from bench import sync_initial, sync_propagation, sync_push
from bench.sync_server import WORKERS, Outcome, options, postgres_installed, report

SUITES = (sync_initial, sync_push, sync_propagation)
SECTION = "Sync"


def default_backend() -> str:
    return "both" if postgres_installed() else "sqlite"


def run(backend: str, quick: bool = False, workers: int = WORKERS) -> list[Outcome]:
    return [outcome for suite in SUITES for outcome in suite.run(backend, quick, workers)]


def write(outcomes: list[Outcome], elapsed: float, command: str) -> None:
    path = page.write_section(SECTION, command, [o.figure for o in outcomes], elapsed)
    print(f"Wrote the {SECTION} section of {path.relative_to(page.REPO)}")


def main() -> None:
    parser = options(__doc__, default_backend())
    parser.add_argument("--write", action="store_true", help="update docs/performance.md")
    arguments = parser.parse_args()
    started = time.monotonic()
    outcomes = run(arguments.backend, arguments.quick, arguments.workers)
    status = report(outcomes)
    if arguments.write:
        command = "`python -m bench.sync " + " ".join(sys.argv[1:]) + "`"
        write(outcomes, time.monotonic() - started, command)
    sys.exit(status)


if __name__ == "__main__":
    main()
