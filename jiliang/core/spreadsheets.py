"""Reading the spreadsheets people bring: xlsx, xls, ods and csv (UTF-8, with BOM, or GB18030).

Every cell comes back as a clean string: integers stored as floats lose their ``.0``, dates
become ISO dates, full-width spaces and stray whitespace are trimmed.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}
CSV_ENCODINGS = ("utf-8-sig", "gb18030")


def read_rows(content: bytes, filename: str, *, sheet: str | None = None) -> list[list[str]]:
    """All rows of the file's first (or named) sheet as lists of cleaned strings."""
    sheets = read_sheets(content, filename)
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
    suffix = Path(filename).suffix.lower()
    if suffix == ".csv":
        rows = csv.reader(io.StringIO(decode(content)))
        return {Path(filename).stem: [[clean_cell(cell) for cell in row] for row in rows]}
    if suffix not in SPREADSHEET_SUFFIXES:
        raise ValidationError(
            _("%(name)s is not a spreadsheet: use .xlsx, .xls, .ods or .csv."),
            code="bad_type",
            params={"name": filename},
        )
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        return {
            name: [
                [clean_cell(cell) for cell in row]
                for row in workbook.get_sheet_by_name(name).to_python()
            ]
            for name in workbook.sheet_names
        }
    except (CalamineError, ValueError, OSError) as error:
        raise ValidationError(
            _("%(name)s could not be read as a spreadsheet: %(error)s"),
            code="unreadable",
            params={"name": filename, "error": error},
        ) from None


def decode(content: bytes) -> str:
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
