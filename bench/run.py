"""Runs every benchmark, prints each figure and writes docs/performance.md.

``python -m bench.run`` (``make bench``). Each figure also runs alone:
``python -m bench.startup``, ``python -m bench.commit``, ``python -m bench.scan``,
``python -m bench.customer_search`` (builds a 1,000,000-customer database in data/bench/ once),
``python -m bench.import_memory`` (imports a generated 1,000,000-row product file three times),
``python -m bench.customer_import`` (a 100,000-row customer list, in its own section).
The sync figures (``python -m bench.sync``) go in their own section of the page.
"""

from __future__ import annotations

import time

from bench import (
    commit,
    customer_import,
    customer_search,
    import_memory,
    report,
    scan,
    scan_evdev,
    startup,
    sync,
    sync_server,
)

BENCHMARKS = (startup, commit, scan, scan_evdev)


def main() -> None:
    started = time.monotonic()
    figures = []
    for benchmark in BENCHMARKS:
        figure = benchmark.measure()
        print(figure.report(), flush=True)
        figures.append(figure)
    for suite in (customer_search, import_memory):
        for figure in suite.run():
            print(figure.report(), flush=True)
            figures.append(figure)
    path = report.write(figures, time.monotonic() - started)
    print(f"Wrote {path.relative_to(report.REPO)}")
    started = time.monotonic()
    outcomes = sync.run(sync.default_backend())
    sync_server.report(outcomes)
    sync.write(outcomes, time.monotonic() - started, f"{report.COMMAND}, then bench.sync")
    customer_import.record()


if __name__ == "__main__":
    main()
