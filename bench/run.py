"""Runs every benchmark, prints each figure and writes docs/performance.md.

``python -m bench.run`` (``make bench``). Each figure also runs alone:
``python -m bench.startup``, ``python -m bench.commit``, ``python -m bench.scan``.
"""

from __future__ import annotations

import time

from bench import commit, report, scan, startup

BENCHMARKS = (startup, commit, scan)


def main() -> None:
    started = time.monotonic()
    figures = []
    for benchmark in BENCHMARKS:
        figure = benchmark.measure()
        print(figure.report(), flush=True)
        figures.append(figure)
    path = report.write(figures, time.monotonic() - started)
    print(f"Wrote {path.relative_to(report.REPO)}")


if __name__ == "__main__":
    main()
