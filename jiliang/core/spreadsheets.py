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
from python_calamine import CalamineWorkbook

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}
CSV_ENCODINGS = ("utf-8-sig", "gb18030")


def read_rows(content: bytes, filename: str, *, sheet: str | None = None) -> list[list[str]]:
    """All rows of the file's first (or named) sheet as lists of cleaned strings."""
    suffix = Path(filename).suffix.lower()
    if suffix == ".csv":
        return [
            [clean_cell(cell) for cell in row] for row in csv.reader(io.StringIO(decode(content)))
        ]
    if suffix not in SPREADSHEET_SUFFIXES:
        raise ValidationError(
            _("%(name)s is not a spreadsheet: use .xlsx, .xls, .ods or .csv."),
            code="bad_type",
            params={"name": filename},
        )
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        names = workbook.sheet_names
        if sheet is not None and sheet not in names:
            raise ValidationError(
                _("The file has no sheet named %(sheet)s; it has: %(names)s."),
                code="no_sheet",
                params={"sheet": sheet, "names": "、".join(names)},
            )
        rows = workbook.get_sheet_by_name(sheet or names[0]).to_python()
    except (ValueError, OSError) as error:  # calamine raises these for damaged files
        raise ValidationError(
            _("%(name)s could not be read as a spreadsheet: %(error)s"),
            code="unreadable",
            params={"name": filename, "error": error},
        ) from None
    return [[clean_cell(cell) for cell in row] for row in rows]


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
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).replace("\u3000", " ").strip()
