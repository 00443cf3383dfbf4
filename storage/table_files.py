"""Reading a table file someone brings (a CSV or an XLSX spreadsheet) as rows of text, with
bounded memory whatever the file holds.

CSV: the encoding is detected on the file's start (a UTF-8 byte-order mark, else UTF-8 if
it decodes, else what charset-normalizer finds among Windows-1252 and Latin-1); the
delimiter is a comma, a semicolon or a tab, whichever ``csv.Sniffer`` finds on a sample
(else the one the header line holds most of). Lines and fields are bounded as
``storage.imports`` bounds them: a longer one refuses its row, never the file.

XLSX: the first sheet, read streaming (openpyxl ``read_only``), every cell as text: a whole
number without ``.0`` (``612345678``), and a number formatted with leading zeros
(``0000000000``) with its zeros back (``0612345678``); dates as ISO dates."""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from storage import imports
from till.core.words import N_
from till.errors import ImportRowError

SAMPLE_BYTES = imports.SNIFF_BYTES
MAX_ROWS = 2_000_000
"""Rows read from one file at most: far beyond any shop's customer list; a file that never
ends (a device, a generator) stops here with a reason rather than running for ever."""
MAX_COLUMNS = 1_000
MAX_XLSX_BYTES = 2 * 1024**3
"""The most a spreadsheet may hold once unzipped (a zip bomb is refused before reading)."""
MAX_XLSX_LOADED_BYTES = 64 * 1024**2
"""The most a spreadsheet may hold, unzipped, in the parts openpyxl reads whole even in
read-only mode (the shared strings, styles, workbook): only the sheets are streamed. About
three times that in memory, so a crafted file cannot exhaust a till of 512 MB; a real list of
100,000 customers holds a few MB there."""
DELIMITERS = ",;\t"
ENCODINGS = ("utf_8", "cp1252", "latin_1")
"""What the encoding detector may answer: the ones shops' files come in."""

_ZEROS = re.compile(r'^"?(0+)"?$')

Row = tuple[int, list[str] | str]
"""A row's number in the file (its line for a CSV) and its cells, or why it cannot be read."""


@dataclass
class Table:
    """A table file opened for reading: its header, then its rows."""

    header: list[str]
    rows: Iterator[Row]
    position: Callable[[], float | None]
    """The share of the file read so far (0 to 1), when it can be told."""
    close: Callable[[], None]
    kind: str
    """``csv`` or ``xlsx``."""
    encoding: str = ""
    delimiter: str = ""

    def __enter__(self) -> Table:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def open_table(path: Path) -> Table:
    """``path`` opened as a table: an XLSX spreadsheet (by its extension or its content)
    or a CSV file. ImportRowError when it is neither, or holds no header."""
    with path.open("rb") as raw:
        head = raw.read(SAMPLE_BYTES)
    if head.startswith(b"PK\x03\x04") or path.suffix.lower() in (".xlsx", ".xlsm"):
        return _open_xlsx(path)
    return _open_csv(path, head)


def detect_encoding(head: bytes) -> str:
    """The encoding of a file that starts with ``head``: ``utf_8_sig``, ``utf_8``, ``cp1252``
    or ``latin_1``; ImportRowError for what is not text."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf_8_sig"
    if b"\x00" in head:
        raise ImportRowError(N_("not a text file (it holds NUL bytes): save it as CSV or XLSX."))
    try:
        head.decode("utf_8")
        return "utf_8"
    except UnicodeDecodeError as error:
        if error.start >= len(head) - 3:  # a character cut by the end of the sample
            return "utf_8"
    from charset_normalizer import from_bytes

    best = from_bytes(head, cp_isolation=list(ENCODINGS)).best()
    if best is None:
        raise ImportRowError(N_("not a text file in a known encoding: save it as CSV or XLSX."))
    return "latin_1" if best.encoding == "latin_1" else "cp1252"


def detect_delimiter(sample: str) -> str:
    """The delimiter of a CSV file starting with ``sample``: comma, semicolon or tab."""
    lines = sample.splitlines()[:50]
    if len(lines) > 1 and not sample.endswith(("\n", "\r")):
        lines.pop()  # a line cut by the end of the sample
    text = "\n".join(line[:10_000] for line in lines)
    try:
        found = csv.Sniffer().sniff(text, delimiters=DELIMITERS).delimiter
    except csv.Error:
        found = ""
    header = lines[0] if lines else ""
    counts = {d: header.count(d) for d in DELIMITERS}
    if counts.get(found):
        return found
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _open_csv(path: Path, head: bytes) -> Table:
    encoding = detect_encoding(head)
    sample = head.decode(encoding, errors="ignore")
    delimiter = detect_delimiter(sample)
    raw = path.open("rb")
    stream = io.TextIOWrapper(raw, encoding=encoding, errors="surrogateescape", newline="")
    size = path.stat().st_size or 0

    class Dialect(csv.excel):
        pass

    Dialect.delimiter = delimiter
    rows = _bounded(imports.csv_fields(stream, Dialect))
    first = next(rows, None)
    if first is None or isinstance(first[1], str):
        stream.close()
        if first is None:
            raise ImportRowError(N_("line 1: no header row: the file is empty."))
        raise ImportRowError(N_("line 1: no header row: {reason}"), reason=first[1])
    header = [cell.lstrip("\ufeff").strip() for cell in first[1][:MAX_COLUMNS]]

    def position() -> float | None:
        return min(raw.tell() / size, 1.0) if size else None

    return Table(header, rows, position, stream.close, "csv", encoding, delimiter)


def _bounded(rows: Iterator[Row]) -> Iterator[Row]:
    for count, row in enumerate(rows):
        if count > MAX_ROWS:
            raise ImportRowError(
                N_("the file has more than {most:,} rows: split it."), most=MAX_ROWS
            )
        yield row


def _open_xlsx(path: Path) -> Table:
    import openpyxl

    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise ImportRowError(
            N_("not a readable XLSX spreadsheet ({reason})."), reason=str(error)
        ) from None
    if sum(part.file_size for part in parts) > MAX_XLSX_BYTES:
        raise ImportRowError(N_("the spreadsheet unzips to more than 2 GB: split it."))
    loaded_whole = sum(p.file_size for p in parts if not p.filename.startswith("xl/worksheets/"))
    if loaded_whole > MAX_XLSX_LOADED_BYTES:
        raise ImportRowError(
            N_(
                "the spreadsheet's shared text unzips to more than {most} MB, more than this"
                " till reads at once: save it as CSV (UTF-8) and import that."
            ),
            most=MAX_XLSX_LOADED_BYTES // 1024**2,
        )
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a damaged file
        raise ImportRowError(
            N_("not a readable XLSX spreadsheet ({reason})."), reason=str(error)
        ) from None
    if not book.worksheets:  # a damaged workbook.xml names none
        book.close()
        raise ImportRowError(N_("not a readable XLSX spreadsheet ({reason})."), reason="no sheet")
    sheet = book.worksheets[0]
    total = sheet.max_row if isinstance(sheet.max_row, int) and sheet.max_row > 1 else None
    read = [0]

    def cells() -> Iterator[Row]:
        try:
            for number, values in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS), start=1):
                read[0] = number
                if number > MAX_ROWS + 1:
                    raise ImportRowError(
                        N_("the spreadsheet has more than {most:,} rows: split it."), most=MAX_ROWS
                    )
                texts = [cell_text(cell) for cell in values]
                if any(len(text) > imports.MAX_FIELD_CHARS for text in texts):
                    yield number, f"a cell is longer than {imports.MAX_FIELD_CHARS:,} characters."
                elif any(texts):
                    yield number, texts
        except ImportRowError:
            raise
        except Exception as error:  # openpyxl raises many kinds on a damaged sheet
            raise ImportRowError(
                N_("not a readable XLSX spreadsheet ({reason})."),
                reason=f"near row {max(read[0], 1)}: {error}",
            ) from None

    rows = cells()
    first = next(rows, None)
    if first is None or isinstance(first[1], str):
        book.close()
        raise ImportRowError(N_("row 1: no header row in the first sheet."))
    header = [text.strip() for text in first[1]]

    def position() -> float | None:
        return min(read[0] / total, 1.0) if total else None

    return Table(header, rows, position, book.close, "xlsx")


def _number_format(cell: Any) -> str:
    try:
        return str(getattr(cell, "number_format", "") or "")
    except (IndexError, KeyError):  # a damaged styles.xml: the cell's style is not there
        return ""


def cell_text(cell: Any) -> str:
    """A spreadsheet cell as the text a person sees in it (codes keep their digits)."""
    value = getattr(cell, "value", None)
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float):
        if isinstance(value, float) and not value.is_integer():
            return repr(value)
        number = str(int(value))
        zeros = _ZEROS.match(_number_format(cell))
        return number.zfill(len(zeros[1])) if zeros and value >= 0 else number
    return str(value)
