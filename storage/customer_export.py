"""Exporting the customer file to CSV or XLSX, in the columns ``till import customers``
reads back without loss: the till's own field names, then ``extra:NAME`` for each extra
field, ``external_code:SYSTEM`` for each external code and ``address.N.FIELD`` for each
extra address.

CSV: UTF-8 with a byte-order mark (Excel then reads accents right), comma-separated,
booleans as ``yes``/``no``, tags joined by commas. A value starting with ``=``, ``+``,
``-``, ``@`` or an apostrophe is written after an apostrophe (``'+33612345678``), as
Shopify does, so a spreadsheet neither runs it as a formula nor turns a phone into a number;
the importer takes the apostrophe off. (Excel still drops the leading zeros of a postcode it
reads from a CSV: export to XLSX for Excel.) XLSX: every cell is text (format ``@``), so
codes keep their zeros.

Customers merged away into another are not exported (the survivor holds their data). The
file is written beside its destination and renamed into place when complete."""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from storage.customers import get_customers
from storage.models import database
from till.core.customer import Customer, shown
from till.core.customer_columns import ADDRESS, EXPORT_FIELDS, EXTERNAL_CODE, EXTRA
from till.core.customer_rows import ADDRESS_COLUMNS
from till.core.words import N_
from till.errors import TillError

BATCH = 1_000
"""Customers read at a time: memory stays bounded whatever the file's size."""

_FORMULA_STARTS = frozenset("=+-@\t\r'")
"""What a spreadsheet would take for a formula, and the apostrophe itself (so that a value
that truly starts with one keeps it through the importer)."""


def export_customers(path: Path) -> int:
    """Write every customer to ``path`` (``.csv`` or ``.xlsx``); how many were written."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise TillError(N_("{file}: export to a .csv or an .xlsx file."), file=path)
    header = export_header()
    partial = path.with_name(f".{path.name}.partial")
    try:
        write = _write_csv if suffix == ".csv" else _write_xlsx
        count = write(partial, header)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return count


def export_header() -> list[str]:
    """The columns: fixed fields, then one per extra field name, external code system and
    extra address field, as the customers on file need them."""
    extra = [
        row[0]
        for row in database.execute_sql(
            "SELECT DISTINCT j.key FROM customer c, json_each(c.extra) j"
            " WHERE c.merged_into IS NULL ORDER BY j.key"
        )
    ]
    systems = [
        row[0]
        for row in database.execute_sql(
            "SELECT DISTINCT e.system FROM customer_external_code e"
            " JOIN customer c ON c.id = e.customer_id WHERE c.merged_into IS NULL"
            " ORDER BY e.system"
        )
    ]
    most = database.execute_sql(
        "SELECT COALESCE(MAX(n), 0) FROM (SELECT COUNT(*) AS n FROM customer_address a"
        " JOIN customer c ON c.id = a.customer_id WHERE c.merged_into IS NULL"
        " GROUP BY a.customer_id)"
    ).fetchone()[0]
    return [
        *EXPORT_FIELDS,
        *(f"{EXTRA}{name}" for name in extra),
        *(f"{EXTERNAL_CODE}{system}" for system in systems),
        *(f"{ADDRESS}{n}.{name}" for n in range(1, most + 1) for name in ADDRESS_COLUMNS),
    ]


def customer_values(customer: Customer, header: list[str]) -> list[str]:
    """One customer as the cells of ``header``'s columns, as text."""
    cells = []
    for column in header:
        if column.startswith(EXTRA):
            cells.append(customer.extra.get(column[len(EXTRA) :], ""))
        elif column.startswith(EXTERNAL_CODE):
            cells.append(customer.external_codes.get(column[len(EXTERNAL_CODE) :], ""))
        elif column.startswith(ADDRESS):
            _, number, name = column.split(".")
            index = int(number) - 1
            address = customer.addresses[index] if index < len(customer.addresses) else None
            cells.append(str(getattr(address, name)) if address else "")
        else:
            cells.append(_text(getattr(customer, column)))
    return cells


def _text(value: Any) -> str:
    if isinstance(value, tuple):
        return ", ".join(value)
    return shown(value)


def all_customers() -> Iterator[Customer]:
    """Every customer not merged away, by code, a batch at a time."""
    last = ""
    while True:
        rows = database.execute_sql(
            "SELECT id, code FROM customer WHERE merged_into IS NULL AND code > ?"
            " ORDER BY code LIMIT ?",
            (last, BATCH),
        ).fetchall()
        if not rows:
            return
        found = get_customers([customer_id for customer_id, _ in rows])
        for customer_id, _ in rows:
            if customer_id in found:
                yield found[customer_id]
        last = rows[-1][1]


def _write_csv(path: Path, header: list[str]) -> int:
    count = 0
    with path.open("w", encoding="utf_8_sig", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(header)
        for customer in all_customers():
            writer.writerow([spreadsheet_text(cell) for cell in customer_values(customer, header)])
            count += 1
    return count


def spreadsheet_text(cell: str) -> str:
    """A cell a spreadsheet keeps as text: an apostrophe before what it would take for a
    formula (the importer takes it off)."""
    return f"'{cell}" if cell[:1] in _FORMULA_STARTS else cell


def _write_xlsx(path: Path, header: list[str]) -> int:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet("customers")
    count = 0

    def row(values: list[str]) -> list[Any]:
        cells = []
        for value in values:
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"  # text, even when it starts with "=" (never a formula)
            cell.number_format = "@"
            cells.append(cell)
        return cells

    sheet.append(row(header))
    for customer in all_customers():
        sheet.append(row(customer_values(customer, header)))
        count += 1
    book.save(path)
    return count
