"""Reading the spreadsheets people bring: xlsx, xls, ods and csv (UTF-8 with or without BOM,
GB18030 as Excel saves it on Chinese Windows, or UTF-16 "Unicode text"; separated by commas,
tabs or semicolons).

Every cell comes back as a clean string: integers stored as floats lose their ``.0``, dates
become ISO dates, full-width spaces and stray whitespace are trimmed. The ``read_raw_`` functions
leave cells as the file holds them, for callers that clean only the cells they use.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}
TEXT_TABLE_SUFFIXES = {".csv", ".tsv", ".txt"}
CSV_ENCODINGS = ("utf-8-sig", "gb18030")
CSV_SNIFF_CHARACTERS = 20_000
# Cells of these types are equal only when their cleaned texts are (1 == 1.0, both "1"); a bool
# is not among them: True == 1, but it reads "True".
DEDUPLICATED_TYPES = frozenset({str, int, float, date, datetime, time, timedelta, type(None)})


def read_rows(content: bytes, filename: str, *, sheet: str | None = None) -> list[list[str]]:
    """All rows of the file's first (or named) sheet as lists of cleaned strings."""
    return clean_rows(read_raw_rows(content, filename, sheet=sheet))


def read_raw_rows(content: bytes, filename: str, *, sheet: str | None = None) -> list[list]:
    """As ``read_rows``, but each cell as the file holds it (see ``read_raw_sheets``)."""
    sheets = read_raw_sheets(content, filename)
    if sheet is None:
        return next(iter(sheets.values()))
    if sheet not in sheets:
        raise ValidationError(
            _("The file has no sheet named %(sheet)s; it has: %(names)s."),
            code="no_sheet",
            params={"sheet": sheet, "names": "、".join(sheets)},
        )
    return sheets[sheet]


def read_sheets(content: bytes, filename: str) -> dict[str, list[list[str]]]:
    """Every sheet's rows, by sheet name (a CSV file is one sheet named after the file)."""
    return {name: clean_rows(rows) for name, rows in read_raw_sheets(content, filename).items()}


def read_raw_sheets(content: bytes, filename: str) -> dict[str, list[list]]:
    """As ``read_sheets``, but each cell as the file holds it: ``clean_cell`` makes it a string.

    For large files whose every cell is not needed: cleaning all of them costs more than
    reading them."""
    suffix = Path(filename).suffix.lower()
    if suffix in TEXT_TABLE_SUFFIXES:
        text = decode(content)
        return {Path(filename).stem: list(csv.reader(io.StringIO(text), _dialect(text)))}
    if suffix not in SPREADSHEET_SUFFIXES:
        raise ValidationError(
            _("%(name)s is not a spreadsheet: use .xlsx, .xls, .ods or .csv."),
            code="bad_type",
            params={"name": filename},
        )
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        return {name: workbook.get_sheet_by_name(name).to_python() for name in workbook.sheet_names}
    except (CalamineError, ValueError, OSError) as error:
        raise ValidationError(
            _("%(name)s could not be read as a spreadsheet: %(error)s"),
            code="unreadable",
            params={"name": filename, "error": error},
        ) from None


def clean_rows(rows: list[list]) -> list[list[str]]:
    return [clean_cells(row) for row in rows]


def clean_cells(cells: list) -> list[str]:
    # Most cells are text: cleaned here rather than in a call of clean_cell each.
    return [
        cell.replace("\u3000", " ").strip() if type(cell) is str else clean_cell(cell)
        for cell in cells
    ]


def clean_column(cells: Sequence) -> tuple[str, ...]:
    """``clean_cells`` of a column's cells, each distinct cell cleaned once when most repeat (a
    column of units or departments): its equal cells then share one text, hashed once."""
    # The types of every cell: a set keeps one of equal cells (1 of 1 and True).
    if not set(map(type, cells)) <= DEDUPLICATED_TYPES:
        return tuple(clean_cells(cells))
    distinct = set(cells)
    if len(distinct) > len(cells) // 2:
        return tuple(clean_cells(cells))
    cleaned = dict(zip(distinct, clean_cells(distinct), strict=True))
    return tuple(map(cleaned.__getitem__, cells))


def _dialect(text: str):
    try:
        return csv.Sniffer().sniff(text[:CSV_SNIFF_CHARACTERS], delimiters=",\t;")
    except csv.Error:  # one column, or too little to tell
        return csv.excel


def decode(content: bytes) -> str:
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return content.decode("utf-16")
    for encoding in CSV_ENCODINGS:
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError(
        _("The CSV file is neither UTF-8 nor GBK/GB18030 text."), code="bad_encoding"
    )


def clean_cell(value) -> str:
    if isinstance(value, str):  # most cells: checked first
        return value.replace("\u3000", " ").strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).replace("\u3000", " ").strip()


def as_text(cell):
    """``cell`` with user text kept as text: openpyxl makes a string that starts with = a
    formula, which Excel would run when the file is opened (OWASP: CSV injection)."""
    if cell.data_type == "f":
        cell.data_type = "s"
    return cell
