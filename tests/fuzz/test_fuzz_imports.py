"""The CSV and XLSX importers on hostile files: any bytes, any cells (control characters,
formulas, 100 kB fields, delimiters and quotes in every place), any damaged spreadsheet.
Each import reports or raises a TillError; a file refused whole, a dry run and a ``--strict``
import that refuses a row leave the database exactly as it was; a ``--strict`` import that
writes refused no row; and no control character reaches a stored name (the names go to the
screen and to the printer).

tests/storage/test_import_bounds.py already tries any figure in a product's numeric
columns; this is the file around them, and the customer importer."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from storage import catalog, customers
from storage.customer_import import ImportSettings, import_customer_file
from storage.models import database
from till.config import Settings
from till.core.customer import MAX_ENTRIES
from till.core.text import first_control
from till.errors import TillError

from ..conftest import ean13
from .budget import fuzz
from .state import table_digests

SETTINGS = ImportSettings(actor="import (fuzz)", till_no=1, region="FR", find_duplicates=False)
RATES = Settings().vat.rates

CUSTOMER_HEADERS = [
    "last_name", "first_name", "email", "mobile", "card_number", "postcode", "birth_date",
    "company", "tags", "city", "code", "active", "Nom", "Prénom", "Téléphone", "notes",
]  # fmt: skip
PRODUCT_HEADERS = [*catalog.IMPORT_COLUMNS, *catalog.OPTIONAL_COLUMNS]

hostile_cells = st.one_of(
    st.text(max_size=24),
    st.sampled_from(
        [
            "",
            "Martin",
            "Zoé",
            "t@example.com",
            "new@example.com",
            "not-an-email@",
            "0612345678",
            "+33 6 12 34 56 78",
            "1985-02-30",
            "31/12/1985",
            "2900000000016",
            ean13(7),
            "=cmd|' /C calc'!A0",
            "\x1b[2J",
            "Zo\u202eé",
            "\u200bMartin",
            "a\x00b",
            '"',
            '""',
            ";",
            ",",
            "\t",
            "\r\n",
            "\ufeff",
            "yes",
            "non",
            "12,50",
            "-1e999",
            "20",
            "5.5",
        ]
    ),
    st.integers(1, 300).map(lambda n: "vip," * n),  # more tags than a customer may hold
)
long_cells = st.integers(10_000, 100_000).map(lambda n: "x" * n)


def tables(headers: list[str]) -> st.SearchStrategy[list[list[str]]]:
    """A header drawn from ``headers`` (and any text), then rows of hostile cells, ragged."""
    header = st.lists(st.one_of(st.sampled_from(headers), st.text(max_size=10)), max_size=8)
    rows = st.lists(st.lists(hostile_cells, max_size=9), max_size=12)
    return st.tuples(header, rows).map(lambda pair: [pair[0], *pair[1]])


def csv_bytes(rows: list[list[str]], delimiter: str, encoding: str) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=delimiter).writerows(rows)
    return out.getvalue().encode(encoding, errors="replace")


def control_free(table: str, columns: str) -> None:
    for row in database.execute_sql(f"SELECT {columns} FROM {table}"):
        for value in row:
            assert value is None or first_control(str(value)) is None, row


@pytest.fixture
def shop(db_path: Path) -> Path:
    """A till database holding a customer with 95 tags, whom files update by e-mail."""
    tags = [f"t{n}" for n in range(95)]
    fields = {"last_name": "Tagged", "email": "t@example.com", "targeting": tags}
    customers.create_customer(fields, actor="test", till_no=1, region="FR")
    return db_path


def check_customer_import(
    db_path: Path,
    path: Path,
    *,
    strict: bool,
    dry_run: bool,
    chunk: int,
    may_stop_midway: bool = False,
):
    """Import ``path`` and check what the import left. ``may_stop_midway``: the file can be
    found unreadable after its start (a damaged sheet), when the chunks before stay written
    (storage/imports.py); never with ``strict``, whose dry run meets the damage first."""
    before = table_digests(db_path)
    settings = replace(SETTINGS, dry_run=dry_run)
    try:
        report = import_customer_file(path, settings, strict=strict, chunk_rows=chunk)
    except TillError:
        if not (may_stop_midway and not strict and not dry_run):
            assert table_digests(db_path) == before, "a file refused whole wrote something"
        return
    if dry_run or report.strict_refused:
        assert table_digests(db_path) == before, "a dry run or a refused --strict wrote"
    elif strict:
        assert report.refused == 0
    control_free("customer", "last_name, first_name, company, city, email, mobile, nickname")
    for (tags,) in database.execute_sql("SELECT targeting FROM customer"):
        assert len(json.loads(tags)) <= MAX_ENTRIES  # what the form and the server accept


STRICT_BUT_TOO_MANY_TAGS = [
    ["last_name", "email", "tags"],
    ["Newman", "new@example.com", ""],
    ["Tagged", "t@example.com", ",".join(f"u{n}" for n in range(10))],
]
"""Row 3 gives the customer more than 100 tags: only the real write refused it, so
``--strict``, trusting its dry run, wrote Newman and then refused row 3."""

TWO_ROWS_OF_ONE_NEW_CUSTOMER = [
    ["last_name", "email", "tags"],
    ["First", "first@example.com", ""],
    ["Dup", "dup@example.com", ",".join(f"a{n}" for n in range(60))],
    ["Dup", "dup@example.com", ",".join(f"b{n}" for n in range(60))],
]
"""Folded into one new customer, the two rows made a customer of 120 tags (in one chunk:
stored as such, and refused by the server at every sync), or (in two chunks) ``--strict``
wrote First and Dup, then refused row 4."""


@fuzz(60)
@given(
    rows=tables(CUSTOMER_HEADERS),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]),
    strict=st.booleans(),
    dry_run=st.booleans(),
    chunk=st.sampled_from([1, 2, 1_000]),
)
@example(
    rows=STRICT_BUT_TOO_MANY_TAGS,
    delimiter=",",
    encoding="utf-8",
    strict=True,
    dry_run=False,
    chunk=1_000,
)
@example(
    rows=TWO_ROWS_OF_ONE_NEW_CUSTOMER,
    delimiter=",",
    encoding="utf-8",
    strict=False,
    dry_run=False,
    chunk=1_000,
)
@example(
    rows=TWO_ROWS_OF_ONE_NEW_CUSTOMER,
    delimiter=";",
    encoding="utf-8",
    strict=True,
    dry_run=False,
    chunk=1,
)
def test_any_customer_csv_imports_or_is_refused_whole_and_strict_writes_all_or_nothing(
    shop, tmp_path, rows, delimiter, encoding, strict, dry_run, chunk
):
    path = tmp_path / "customers.csv"
    path.write_bytes(csv_bytes(rows, delimiter, encoding))
    check_customer_import(shop, path, strict=strict, dry_run=dry_run, chunk=chunk)


@fuzz(60)
@given(
    content=st.binary(max_size=2_000), strict=st.booleans(), suffix=st.sampled_from(["csv", "xlsx"])
)
@example(content=b"PK\x03\x04" + b"\x00" * 100, strict=False, suffix="csv")
@example(content=b"last_name\n\xff\xfe\x00\x00", strict=True, suffix="csv")
def test_any_bytes_as_a_customer_file_import_or_are_refused_whole(
    shop, tmp_path, content, strict, suffix
):
    path = tmp_path / f"customers.{suffix}"
    path.write_bytes(content)
    check_customer_import(shop, path, strict=strict, dry_run=False, chunk=1_000)


spreadsheet_values = st.one_of(
    hostile_cells.map(lambda text: ILLEGAL_CHARACTERS_RE.sub("", text)),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(min_value=date(1900, 3, 1)),
    st.datetimes(min_value=datetime(1900, 3, 1)),
    st.none(),
)


def xlsx_bytes(header: list[str], rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in [[ILLEGAL_CHARACTERS_RE.sub("", text) for text in header], *rows]:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def damaged(content: bytes, cuts: list[tuple[int, int]], truncate: int | None) -> bytes:
    """``content`` with bytes changed at the given places, and perhaps cut short."""
    data = bytearray(content)
    for at, value in cuts:
        data[at % len(data)] = value
    return bytes(data[:truncate] if truncate is not None else data)


def damaged_member(content: bytes, member: str, garbage: bytes) -> bytes:
    """The spreadsheet with one of its XML parts replaced (a zip that opens, XML that does
    not parse, or parses into nonsense)."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            body = source.read(info)
            target.writestr(info, garbage if info.filename == member else body)
    return out.getvalue()


XLSX_MEMBERS = [
    "xl/worksheets/sheet1.xml",
    "xl/workbook.xml",
    "xl/styles.xml",
    "[Content_Types].xml",
]


@pytest.mark.filterwarnings("ignore:Workbook contains no stylesheet")
@fuzz(40)
@given(
    header=st.lists(st.sampled_from(CUSTOMER_HEADERS), min_size=1, max_size=6),
    rows=st.lists(st.lists(spreadsheet_values, max_size=7), max_size=8),
    cuts=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=3),
    truncate=st.one_of(st.none(), st.integers(0, 5_000)),
    member=st.one_of(st.none(), st.sampled_from(XLSX_MEMBERS)),
    garbage=st.one_of(
        st.binary(max_size=200),
        st.sampled_from([b"<worksheet>", b"<?xml version='1.0'?><a><b></a>", b"<x/>"]),
    ),
    strict=st.booleans(),
)
@example(
    header=["last_name"],
    rows=[["Martin"]],
    cuts=[],
    truncate=None,
    member="xl/worksheets/sheet1.xml",
    garbage=b"<?xml version='1.0'?><a><b></a>",
    strict=False,
)
@example(  # was an IndexError from openpyxl: a workbook naming no sheet
    header=["last_name"],
    rows=[],
    cuts=[],
    truncate=None,
    member="xl/workbook.xml",
    garbage=b"<A/>",
    strict=False,
)
@example(  # was an IndexError mid-import: a number's style missing from styles.xml
    header=["last_name"],
    rows=[[date(2000, 1, 1)]],
    cuts=[],
    truncate=None,
    member="xl/styles.xml",
    garbage=b"<A/>",
    strict=True,
)
def test_any_spreadsheet_damaged_or_not_imports_or_is_refused_whole(
    shop, tmp_path, header, rows, cuts, truncate, member, garbage, strict
):
    content = xlsx_bytes(header, rows)
    if member is not None:
        content = damaged_member(content, member, garbage)
    elif cuts or truncate is not None:
        content = damaged(content, cuts, truncate)
    path = tmp_path / "customers.xlsx"
    path.write_bytes(content)
    check_customer_import(shop, path, strict=strict, dry_run=False, chunk=2, may_stop_midway=True)


def check_product_import(db_path: Path, path: Path, chunk: int) -> None:
    before = table_digests(db_path)
    refused: list[tuple[int, str]] = []
    try:
        report = catalog.import_product_file(
            path, RATES, on_error=lambda line, why: refused.append((line, why)), chunk_rows=chunk
        )
    except TillError:
        assert table_digests(db_path) == before, "a file refused whole wrote something"
        return
    assert report.refused == len(refused)
    assert all(first_control(why) is None for _, why in refused)
    control_free("product", "name, category")


@fuzz(60)
@given(
    rows=tables(PRODUCT_HEADERS),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
    chunk=st.sampled_from([1, 3, 1_000]),
)
@example(
    rows=[list(catalog.IMPORT_COLUMNS), [ean13(9), "Café\x1b[2J", "1.00", "20"]],
    encoding="utf-8",
    chunk=1,
)
def test_any_product_csv_imports_by_row_or_is_refused_whole(
    db_path, tmp_path, rows, encoding, chunk
):
    path = tmp_path / "products.csv"
    path.write_bytes(csv_bytes(rows, ",", encoding))
    check_product_import(db_path, path, chunk)


@fuzz(40)
@given(content=st.binary(max_size=2_000))
@example(content=b"\xef\xbb\xbfbarcode,name,price,vat\n\x00\x00\x00")
def test_any_bytes_as_a_product_file_import_by_row_or_are_refused_whole(db_path, tmp_path, content):
    path = tmp_path / "products.csv"
    path.write_bytes(content)
    check_product_import(db_path, path, chunk=2)


long_lines = st.one_of(
    long_cells.map(lambda cell: [cell]),  # one field too long
    st.integers(10_000, 50_000).map(lambda n: [""] * n),  # 100 kB of delimiters
    st.integers(10_000, 50_000).map(lambda n: ['"' * 2] * (n // 2)),  # of quotes
    st.integers(10_000, 30_000).map(lambda n: ["é€" * n]),  # of multi-byte characters
    st.integers(10_000, 50_000).map(lambda n: ["x"] * n),  # of tiny fields
)


@fuzz(10)
@given(line=long_lines, where=st.sampled_from(["header", "row"]))
def test_a_100_kb_line_is_read_in_linear_time(shop, tmp_path, line, where):
    """A line of 100 kB, however it is made, is one refused row (or a refused file when it
    is the header), within the example's deadline: no parser goes quadratic on it."""
    good = ["Martin", "martin@example.com"]
    rows = [line, good] if where == "header" else [["last_name", "email"], line, good, line]
    path = tmp_path / "long.csv"
    path.write_bytes(csv_bytes(rows, ",", "utf-8"))
    check_customer_import(shop, path, strict=False, dry_run=False, chunk=1_000)
    products = tmp_path / "long_products.csv"
    header = list(catalog.IMPORT_COLUMNS)
    good = [ean13(11), "Thing", "1.00", "20"]
    rows = [line, good] if where == "header" else [header, line, good, line]
    products.write_bytes(csv_bytes(rows, ",", "utf-8"))
    check_product_import(shop, products, chunk=1_000)
