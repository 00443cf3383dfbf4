"""A campaign's export (``till campaign export NAME FILE.csv``, storage.campaigns.export_recipients)
of 100,000 recipients, in rows per second, against a floor measured in the same run: the same
rows read by one plain ``SELECT`` (recipients joined to their customers) and written by
``csv.writer`` as they come, with no name built and no cell made safe for a spreadsheet.

The database is made by the migrations in a temporary folder; its customers are inserted with
raw SQL and the campaign made by ``storage.campaigns.create_campaign`` (set-up, not measured).
Each side runs five times, in turns, the best kept. ``python -m bench.campaign_export [N]``
runs it alone.
"""

from __future__ import annotations

import csv
import sys
import tempfile
import time
from pathlib import Path

from bench.common import Figure

FULL_ROWS = 100_000
QUICK_ROWS = 5_000
REPEATS = 5
TARGET_RATIO = 2.0
CREATED_AT = "2026-01-05T09:00:00+00:00"


def _customers(count: int) -> list[str]:
    """Insert ``count`` customers who accept e-mail (every NOT NULL column filled)."""
    from storage.ids import new_ids
    from storage.models import database

    columns = database.execute_sql('PRAGMA table_info("customer")').fetchall()
    given = {
        "last_name": lambda n: f"NAME{n}",
        "first_name": lambda n: "Zoé" if n % 3 else "=cmd",
        "code": lambda n: f"C99-{n:07d}",
        "email": lambda n: f"person{n}@example.com",
        "city": lambda n: "Lyon",
        "postcode": lambda n: f"69{n % 1000:03d}",
        "consent_email": lambda n: 1,
        "consent_email_at": lambda n: CREATED_AT,
        "created_at": lambda n: CREATED_AT,
        "updated_at": lambda n: CREATED_AT,
        "kind": lambda n: "individual",
        "active": lambda n: 1,
        "targeting": lambda n: "[]",
        "extra": lambda n: "{}",
    }
    names = [c[1] for c in columns if c[1] not in ("num", "merged_into", "card_number")]
    ids = new_ids(count)
    rows: list[list[object]] = []
    for n, customer_id in enumerate(ids):
        values: list[object] = []
        for name in names:
            if name == "id":
                values.append(customer_id)
            elif name in given:
                values.append(given[name](n))
            else:
                kind = next(c[2] for c in columns if c[1] == name).upper()
                values.append(0 if kind in ("INTEGER", "BOOLEAN", "REAL") else "")
        rows.append(values)
    marks = ", ".join("?" * len(names))
    with database.atomic():
        database.cursor().executemany(
            f"INSERT INTO customer ({', '.join(names)}) VALUES ({marks})", rows
        )
    return ids


def _floor(campaign_id: str, path: Path) -> int:
    from storage.models import database

    cursor = database.execute_sql(
        "SELECT c.code, c.last_name, c.first_name, c.email, c.mobile, c.address1, c.address2,"
        " c.address3, c.postcode, c.city, c.country, c.language, r.consent_at, r.coupon_code"
        " FROM campaign_recipient r JOIN customer c ON c.id = r.customer_id"
        " WHERE r.campaign_id = ? ORDER BY c.code",
        (campaign_id,),
    )
    count = 0
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        for row in cursor:
            writer.writerow(row)
            count += 1
    return count


def _timed(run, *args) -> tuple[float, int]:
    started = time.perf_counter()
    count = run(*args)
    return time.perf_counter() - started, count


def measure(rows: int = FULL_ROWS) -> Figure:
    from storage import campaigns
    from storage.campaigns import CampaignRow, export_recipients
    from storage.db import close_database, open_database
    from till.core.coupons import Offer

    with tempfile.TemporaryDirectory() as folder:
        directory = Path(folder)
        open_database(directory / "bench.db")
        try:
            ids = _customers(rows)
            campaign = CampaignRow(
                "019b0000-0000-7000-8000-000000000001", "Bench", "all", "email",
                "2026-01-05", "2026-01-31", Offer("percent", 1000), "2026-01-31", "bench",
                CREATED_AT,
            )  # fmt: skip
            made = campaigns.create_campaign(campaign, ids)
            assert made.recipients == rows
            export_seconds = floor_seconds = float("inf")
            for _ in range(REPEATS):  # in turns: a busy moment of the machine hits both
                seconds, exported = _timed(export_recipients, campaign, directory / "e.csv")
                export_seconds = min(export_seconds, seconds)
                seconds, floored = _timed(_floor, campaign.id, directory / "floor.csv")
                floor_seconds = min(floor_seconds, seconds)
                assert exported == floored == rows
        finally:
            close_database()
    ratio = export_seconds / floor_seconds
    return Figure(
        title=f"Campaign export: {rows:,} recipients to CSV",
        measured=f"{rows / export_seconds:,.0f} rows/s ({export_seconds:.2f} s)",
        floor=f"plain SELECT + csv.writer: {rows / floor_seconds:,.0f} rows/s",
        ratio=ratio,
        target=f"≤ {TARGET_RATIO:.1f}× the floor",
        met=ratio <= TARGET_RATIO,
        about=(__doc__ or "").split("\n\n")[0],
    )


def run(quick: bool) -> list[Figure]:
    return [measure(QUICK_ROWS if quick else FULL_ROWS)]


if __name__ == "__main__":
    print(measure(int(sys.argv[1]) if len(sys.argv) > 1 else FULL_ROWS).report())
