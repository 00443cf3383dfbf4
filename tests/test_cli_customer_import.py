"""``till import customers`` and ``till export customers``: summaries, exit statuses, and one
``till:`` line for any failure."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from till.cli import cli

ROWS = [
    ["Nom", "Prénom", "Portable", "N° TVA"],
    ["Durand", "Paul", "0612345678", ""],
    ["Martin", "Eva", "12", ""],
    ["Petit", "Jo", "", "FR00000000000"],
]


@pytest.fixture
def shop(tmp_path) -> Path:
    path = tmp_path / "shop.db"
    assert CliRunner().invoke(cli, ["--db", str(path), "init"]).exit_code == 0
    return path


def till(shop: Path, *args: str):
    return CliRunner().invoke(cli, ["--db", str(shop), *args])


def write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="cp1252", newline="") as file:
        csv.writer(file, delimiter=";").writerows(rows)
    return path


def count(shop: Path) -> int:
    result = till(shop, "customers", "search", "", "--json")
    return len(json.loads(result.stdout))


def test_refused_rows_are_listed_and_exit_1(shop, tmp_path):
    path = write(tmp_path / "clients.csv", ROWS)
    result = till(shop, "import", "customers", str(path))
    assert result.exit_code == 1
    assert result.stdout.strip() == "1 created, 0 updated, 0 merged, 0 skipped, 2 refused."
    assert result.stderr.splitlines() == [
        f"{path}:3: Mobile: 12 is not a valid phone number for FR or abroad (+…).",
        f"{path}:4: VAT number: FR00000000000 is not a valid EU VAT number: The number's "
        "checksum or check digit is invalid.",
    ]
    again = till(shop, "import", "customers", str(path), "--json")
    summary = json.loads(again.stdout)
    assert (summary["created"], summary["skipped"], summary["refused"]) == (0, 1, 2)
    assert summary["errors"][0] == {
        "row": 3,
        "field": "mobile",
        "message": "12 is not a valid phone number for FR or abroad (+…).",
    }
    assert summary["columns"]["Portable"] == "mobile"
    assert count(shop) == 1


def test_a_clean_file_exits_0_and_dry_run_and_strict_write_nothing(shop, tmp_path):
    good = write(tmp_path / "good.csv", ROWS[:2])
    dry = till(shop, "import", "customers", str(good), "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert dry.stdout.startswith("Dry run, nothing written: would be 1 created")
    assert count(shop) == 0
    strict = till(shop, "import", "customers", "--strict", str(write(tmp_path / "b.csv", ROWS)))
    assert strict.exit_code == 1
    assert strict.stdout.startswith("Nothing imported (--strict): 2 rows refused.")
    assert count(shop) == 0
    assert till(shop, "import", "customers", str(good)).exit_code == 0
    assert count(shop) == 1


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"\x00\x01\x02" * 1000, "NUL"),
        (b"foo;bar\n1;2\n", "no column"),
        (b"PK\x03\x04junk", "XLSX"),
        (b"", "empty"),
    ],
)
def test_an_unreadable_file_is_one_line_and_exit_2(shop, tmp_path, content, says):
    path = tmp_path / "junk.csv"
    path.write_bytes(content)
    result = till(shop, "import", "customers", str(path))
    assert result.exit_code == 2
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("till: ") and says in line


def test_a_bad_mapping_file_is_one_line_and_exit_2(shop, tmp_path):
    mapping = tmp_path / "map.json"
    mapping.write_text('{"Nom": "shoe_size"}', encoding="utf-8")
    path = write(tmp_path / "c.csv", ROWS[:2])
    result = till(shop, "import", "customers", str(path), "--mapping", str(mapping))
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith("till: ") and "shoe_size" in line and "not a customer field" in line


def test_export_writes_a_file_the_import_reads_back(shop, tmp_path):
    till(shop, "import", "customers", str(write(tmp_path / "c.csv", ROWS[:2])))
    out = tmp_path / "out.xlsx"
    result = till(shop, "export", "customers", str(out))
    assert result.exit_code == 0 and result.stdout.strip() == f"1 customers written to {out}."
    again = till(shop, "import", "customers", str(out), "--json")
    assert json.loads(again.stdout)["skipped"] == 1
    refused = till(shop, "export", "customers", str(tmp_path / "out.pdf"))
    assert refused.exit_code == 2
    assert refused.stderr.startswith("till: ") and len(refused.stderr.splitlines()) == 1
