"""Big imports do not stop the shop: a product file is written a chunk at a time, so sales
made meanwhile never meet a locked database; it is read in bounded memory; an unchanged
re-import writes nothing; an oversized field is one refused row."""

from __future__ import annotations

import random
import sqlite3
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest
from click.testing import CliRunner

from storage import catalog, sales
from storage.db import close_database, open_database
from storage.models import database
from till.cli import cli
from till.config import Settings
from till.errors import ImportRowError

from ..conftest import ean13
from .sale_loop import random_cart

REPO_ROOT = Path(__file__).resolve().parents[2]
RATES = Settings().vat.rates
HEADER = "barcode,name,price,vat,category,stock\n"
SALE_BUSY_MS = 500
"""How long a sale waits for the write lock here: a fraction of a second."""


def write_products(path: Path, count: int, *, start: int = 0, price_shift: int = 0) -> None:
    """A product file of ``count`` valid rows; serials from ``start``."""
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(HEADER)
        for n in range(start, start + count):
            price = (n % 5000 + 100 + price_shift) / 100
            out.write(f"{ean13(n, '21')},Produit n° {n},{price:.2f},20,Rayon {n % 40},{n % 90}\n")


def _ignore(line: int, message: str) -> None:
    raise AssertionError(f"line {line} refused: {message}")


def _stored(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as raw:
        return raw.execute(
            "SELECT b.code, p.* FROM barcode b JOIN product p ON p.id = b.product_id ORDER BY 1"
        ).fetchall()


def test_sales_go_on_while_a_big_file_imports(tmp_path, stocked_db):
    big = tmp_path / "big.csv"
    rows = 40_000
    write_products(big, rows)
    codes = catalog.sample_codes(10)
    before = catalog.product_count()
    database.execute_sql(f"PRAGMA busy_timeout = {SALE_BUSY_MS}")
    child = subprocess.Popen(
        [sys.executable, "-m", "till", "--db", str(stocked_db), "import", "products", str(big)],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    rng = random.Random(7)
    recorded, locked, during = 0, 0, 0
    while child.poll() is None:
        seen = catalog.product_count()
        try:
            sales.record_sale(random_cart(rng, codes), till_no=1, seller="t", currency="EUR")
        except Exception as error:
            if "locked" not in str(error).lower():
                raise
            locked += 1
            continue
        recorded += 1
        during += before < seen < before + rows
    out, err = child.communicate()
    assert child.returncode == 0, err
    assert f"{rows:,} added, 0 updated, 0 refused." in out
    assert catalog.product_count() == before + rows
    assert locked == 0, f"{locked} of {recorded + locked} sales met a locked database"
    assert during >= 5, f"only {during} sales between the first chunk and the last"


def test_unchanged_reimport_writes_nothing_and_a_change_is_written(tmp_path, db_path):
    path = tmp_path / "products.csv"
    write_products(path, 2_500)
    first = catalog.import_product_file(path, RATES, on_error=_ignore)
    assert (first.added, first.updated, first.unchanged) == (2_500, 0, 0)
    stored = _stored(db_path)
    watcher = sqlite3.connect(db_path)  # data_version moves when another connection commits
    version = watcher.execute("PRAGMA data_version").fetchone()[0]

    again = catalog.import_product_file(path, RATES, on_error=_ignore)

    assert (again.added, again.updated, again.unchanged) == (0, 0, 2_500)
    assert watcher.execute("PRAGMA data_version").fetchone()[0] == version
    assert _stored(db_path) == stored  # updated_at included
    line = f"{ean13(7, '21')},Produit n° 7,"
    text = path.read_text(encoding="utf-8").replace(line, line.replace("7,", "7 bio,"), 1)
    path.write_text(text, encoding="utf-8")

    changed = catalog.import_product_file(path, RATES, on_error=_ignore)

    assert (changed.added, changed.updated, changed.unchanged) == (0, 1, 2_499)
    assert watcher.execute("PRAGMA data_version").fetchone()[0] != version
    assert catalog.lookup(ean13(7, "21")).name == "Produit n° 7 bio"
    after = {row[0]: row for row in _stored(db_path)}
    assert [row[0] for row in stored if after[row[0]] != row] == [ean13(7, "21")]
    watcher.close()


def test_rows_committed_before_a_stop_stay_and_running_again_finishes(tmp_path, db_path):
    path = tmp_path / "products.csv"
    write_products(path, 2_500)

    def stop_after_two_chunks(report: catalog.ImportReport) -> None:
        if report.lines > 2 * 1_000:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        catalog.import_product_file(
            path, RATES, on_error=_ignore, on_progress=stop_after_two_chunks, chunk_rows=1_000
        )
    assert catalog.product_count() == 2_000  # two chunks committed, the third was never read
    rest = catalog.import_product_file(path, RATES, on_error=_ignore, chunk_rows=1_000)
    assert (rest.added, rest.updated, rest.unchanged) == (500, 0, 2_000)
    assert catalog.product_count() == 2_500


def test_a_200000_character_field_is_one_refused_row(tmp_path, db_path):
    huge = "x" * 200_000
    text = (
        HEADER
        + f"{ean13(1)},Pain,1.20,5.5,,\n"
        + f"{ean13(2)},{huge},1.20,5.5,,\n"
        + f"{ean13(3)},Vin,7.90,20,,\n"
    )
    rows, errors = catalog.parse_product_csv(text, RATES)
    assert [row.name for _, row in rows] == ["Pain", "Vin"]
    assert [line for line, _ in errors] == [3]
    assert "longer than 10,000 characters" in errors[0][1]

    path = tmp_path / "huge.csv"
    path.write_text(text, encoding="utf-8")
    refused: list[tuple[int, str]] = []
    report = catalog.import_product_file(
        path, RATES, on_error=lambda line, message: refused.append((line, message))
    )
    assert (report.added, report.refused) == (2, 1)
    assert [line for line, _ in refused] == [3]
    assert catalog.lookup(ean13(3)).name == "Vin"


def test_a_line_too_long_or_not_utf8_is_one_refused_row(tmp_path, db_path):
    path = tmp_path / "odd.csv"
    with path.open("wb") as out:
        out.write(HEADER.encode())
        out.write(f"{ean13(1)},Pain,1.20,5.5,,\n".encode())
        out.write(f"{ean13(2)},Long,1.20,5.5,{'y,' * 600_000}\n".encode())
        out.write(f"{ean13(3)},Café,1.20,5.5,,\n".encode("latin-1"))
        out.write(f"{ean13(4)},Thé,1.20,5.5,,\n".encode())
    refused: list[tuple[int, str]] = []
    report = catalog.import_product_file(
        path, RATES, on_error=lambda line, message: refused.append((line, message))
    )
    assert report.added == 2
    assert [line for line, _ in refused] == [3, 4]
    assert "longer than 1,000,000 characters" in refused[0][1]
    assert "not UTF-8" in refused[1][1]
    assert catalog.lookup(ean13(4)).name == "Thé"


def _import_peak(tmp_path: Path, rows: int) -> int:
    """Peak of Python allocations while importing a fresh file of ``rows`` products."""
    db = tmp_path / f"peak{rows}.db"
    path = tmp_path / f"peak{rows}.csv"
    write_products(path, rows)
    open_database(db)
    tracemalloc.start()
    try:
        catalog.import_product_file(path, RATES, on_error=_ignore)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        close_database()


def test_memory_does_not_grow_with_the_file(tmp_path):
    small = _import_peak(tmp_path, 3_000)
    large = _import_peak(tmp_path, 30_000)
    assert large < 1.5 * small, f"3,000 rows peaked at {small:,} B, 30,000 at {large:,} B"


def test_a_price_list_file_streams_refuses_by_line_and_skips_unchanged(tmp_path, stocked_db):
    listed, other = catalog.sample_codes(2)
    path = tmp_path / "prices.csv"
    path.write_text(
        "price_code,barcode,price\n"
        f"PRO,{listed},1.00\n"
        f"PRO,{ean13(999)},2.00\n"
        f"PRO,{listed},3.00\n"
        f"VIP,{other},0.50\n",
        encoding="utf-8",
    )
    refused: list[tuple[int, str]] = []

    def keep(line: int, message: str) -> None:
        refused.append((line, message))

    first = catalog.import_price_list_file(path, on_error=keep)
    assert (first.added, first.updated, first.unchanged, first.refused) == (2, 0, 0, 2)
    assert [line for line, _ in refused] == [3, 4]
    assert "no product has the barcode" in refused[0][1]
    assert "already on line 2" in refused[1][1]
    watcher = sqlite3.connect(stocked_db)
    version = watcher.execute("PRAGMA data_version").fetchone()[0]
    again = catalog.import_price_list_file(path, on_error=keep)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 2)
    assert watcher.execute("PRAGMA data_version").fetchone()[0] == version
    watcher.close()


def test_a_file_that_does_not_start_as_utf8_is_refused_whole(tmp_path, db_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes(f"{HEADER}{ean13(1)},Café,1.20,5.5,,\n".encode("latin-1"))
    with pytest.raises(ImportRowError, match="not UTF-8"):
        catalog.import_product_file(path, RATES, on_error=_ignore)
    assert catalog.product_count() == 0


def test_the_cli_says_what_an_unchanged_import_did(tmp_path, db_path):
    path = tmp_path / "products.csv"
    write_products(path, 1_200)
    command = ["--db", str(db_path), "import", "products", str(path)]
    assert (
        CliRunner()
        .invoke(cli, command)
        .output.endswith("1,200 added, 0 updated, 0 refused. 0 already up to date.\n")
    )
    result = CliRunner().invoke(cli, command)
    assert result.exit_code == 0, result.output
    assert result.output.endswith("0 added, 0 updated, 0 refused. 1,200 already up to date.\n")


def test_the_cli_shows_progress_on_a_terminal_and_what_was_kept_when_stopped(
    tmp_path, db_path, monkeypatch
):
    import till.cli

    path = tmp_path / "products.csv"
    write_products(path, 2_500)
    monkeypatch.setattr(till.cli, "_stderr_is_terminal", lambda: True)
    monkeypatch.setattr(till.cli._ImportProgress, "EVERY_S", 0.0)
    command = ["--db", str(db_path), "import", "products", str(path)]
    result = CliRunner().invoke(cli, command)
    assert result.exit_code == 0, result.output
    assert "% read, line 1,001: 1,000 added, 0 updated, 0 refused\n" in result.stderr
    assert f"{path}: 100% read, line 2,501: 2,500 added" in result.stderr

    shown = till.cli._ImportProgress.committed

    def stop_after_the_first_chunk(progress, report):
        shown(progress, report)
        raise KeyboardInterrupt

    monkeypatch.setattr(till.cli._ImportProgress, "committed", stop_after_the_first_chunk)
    path.write_text(path.read_text(encoding="utf-8").replace(",Produit", ",Article"))
    result = CliRunner().invoke(cli, command)
    assert result.exit_code == 130
    assert (
        f"{path}: stopped after line 1,001, committed: 0 added, 1,000 updated, 0 refused; "
        "importing the file again is safe." in result.stderr
    )
    assert catalog.lookup(ean13(999, "21")).name.startswith("Article")
    assert catalog.lookup(ean13(1_000, "21")).name.startswith("Produit")
