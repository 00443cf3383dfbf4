"""Child of bench.import_memory: read or import one product file, print what it did.

``python -m bench.import_child read FILE`` is the floor: it reads FILE with ``csv.reader``
over the opened file and counts the records, importing nothing else.
``python -m bench.import_child check FILE RATES`` reads and checks every row as an import does
(``storage.catalog.product_rows``), writing nothing: what any import costs before the
database. ``python -m bench.import_child import DB FILE RATES`` imports FILE into the database DB
with ``storage.catalog.import_product_file`` (RATES: the VAT rates in basis points, comma
separated) and also times each chunk's transaction, from ``BEGIN IMMEDIATE`` to the end of
its ``COMMIT``. Each prints one JSON line: its counts, its time in seconds and its peak
resident set (``VmHWM`` of ``/proc/self/status``, in kB). Not ``ru_maxrss``: the kernel
carries a parent's peak over into a child it starts, so every child would read at least the
benchmark's own size.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def peak_kb() -> int:
    """This process's peak resident set so far, in kB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc/self/status")


def read(path: str) -> dict[str, float]:
    import csv

    started = time.perf_counter()
    with open(path, encoding="utf-8", newline="") as stream:
        records = sum(1 for _ in csv.reader(stream))
    return {"records": records, "seconds": time.perf_counter() - started, "peak_kb": peak_kb()}


def check(path: str, rates: str) -> dict[str, float]:
    from storage import catalog, imports

    started = time.perf_counter()
    with imports.open_csv(Path(path)) as stream:
        rows = catalog.product_rows(stream, [int(rate) for rate in rates.split(",")])
        valid = sum(1 for _, row in rows if not isinstance(row, str))
    return {"valid": valid, "seconds": time.perf_counter() - started, "peak_kb": peak_kb()}


def import_file(database: str, path: str, rates: str) -> dict[str, object]:
    from storage import catalog, imports
    from storage.db import open_database

    open_database(database, create=False)
    holds: list[float] = []
    write_chunk = imports.write_chunk

    def timed(chunk, write, transaction=None):  # the transaction a sale may have to wait for
        started = time.perf_counter()
        try:
            return write_chunk(chunk, write, transaction)
        finally:
            holds.append(time.perf_counter() - started)

    imports.write_chunk = timed
    refused: list[int] = []
    started = time.perf_counter()
    report = catalog.import_product_file(
        Path(path),
        [int(rate) for rate in rates.split(",")],
        on_error=lambda line, message: refused.append(line),
    )
    seconds = time.perf_counter() - started
    return {
        "added": report.added,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "refused": report.refused,
        "seconds": seconds,
        "holds": holds,
        "peak_kb": peak_kb(),
    }


def main(argv: list[str]) -> None:
    if argv[:1] == ["read"] and len(argv) == 2:
        print(json.dumps(read(argv[1])))
    elif argv[:1] == ["check"] and len(argv) == 3:
        print(json.dumps(check(*argv[1:])))
    elif argv[:1] == ["import"] and len(argv) == 4:
        print(json.dumps(import_file(*argv[1:])))
    else:
        sys.exit("usage: python -m bench.import_child read FILE | check … | import DB FILE RATES")


if __name__ == "__main__":
    main(sys.argv[1:])
