"""The sizes the whole suite runs at: the issues' own (``FULL``) and a quick pass
(``QUICK``, ``python -m bench.run --quick``) that shows every figure in a few minutes."""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Scale:
    """How much data and how many repetitions each benchmark gets."""

    name: str
    startup_repeats: int
    commit_sales: int
    scan_products: int
    scans: int
    customers: int
    search_queries: int
    typed_per_kind: int
    """Queries typed per kind of query for keystroke to results."""
    memory_repeats: int
    import_rows: int
    customer_import_rows: int
    duplicate_customers: int
    sync_quick: bool
    """The sync suite's own ``--quick`` sizes (600 customers, 3 tills of 10 sales)."""
    load_seconds: float
    """How long 50 tills load the back-office server (``bench.sync_load``)."""

    @property
    def quick(self) -> bool:
        return self is QUICK


FULL = Scale(
    name="full",
    startup_repeats=15,
    commit_sales=300,
    scan_products=100_000,
    scans=1_000,
    customers=1_000_000,
    search_queries=300,
    typed_per_kind=6,
    memory_repeats=3,
    import_rows=1_000_000,
    customer_import_rows=100_000,
    duplicate_customers=1_000_000,
    sync_quick=False,
    load_seconds=180,
)
QUICK = Scale(
    name="quick",
    startup_repeats=5,
    commit_sales=100,
    scan_products=10_000,
    scans=100,
    customers=20_000,
    search_queries=40,
    typed_per_kind=3,
    memory_repeats=1,
    import_rows=50_000,
    customer_import_rows=5_000,
    duplicate_customers=20_000,
    sync_quick=True,
    load_seconds=10,
)
PI_FULL = replace(FULL, name="full, the sync suite at its quick sizes", sync_quick=True)
"""``make bench-pi``: the issues' sizes on the till (1,000,000 customers, 100,000 products,
1,000,000 product rows), the sync suite at its quick sizes. At its own sizes the sync suite
seeds 100,000 customers through the back-office server over HTTP, into SQLite and into
PostgreSQL (4 and 11 minutes on a quiet machine here, more on one core), for each profile;
its full figures are the Sync section's (``python -m bench.sync --write``)."""
SCALES = {scale.name: scale for scale in (FULL, QUICK, PI_FULL)}
