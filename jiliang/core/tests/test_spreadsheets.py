"""Reading spreadsheets: every cell a clean string, or left as the file holds it."""

import io
from datetime import date, datetime, time

import openpyxl
import pytest
from django.core.exceptions import ValidationError

from jiliang.core.spreadsheets import (
    clean_cell,
    clean_cells,
    clean_column,
    clean_rows,
    read_raw_rows,
    read_raw_sheets,
    read_rows,
    read_sheets,
)

CELLS = [
    "\u3000质检部 ",
    "电子\u3000秤",
    12.0,
    12.5,
    7,
    datetime(2026, 5, 6),
    datetime(2026, 5, 6, 10, 30),
    True,
    None,
    time(10, 30),
]


def workbook() -> bytes:
    book = openpyxl.Workbook()
    ledger = book.active
    ledger.title = "台账"
    ledger.append(["名称", "数"])
    ledger.append(CELLS)
    book.create_sheet("说明").append(["本表请按公司要求填写"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_raw_cells_are_as_the_file_holds_them():
    sheets = read_raw_sheets(workbook(), "ledger.xlsx")
    assert list(sheets) == ["台账", "说明"]
    assert sheets["台账"][1] == [
        "\u3000质检部 ",
        "电子\u3000秤",
        12.0,
        12.5,
        7.0,
        date(2026, 5, 6),
        datetime(2026, 5, 6, 10, 30),
        True,
        "",
        time(10, 30),
    ]
    assert read_raw_rows(workbook(), "ledger.xlsx") == sheets["台账"]
    assert read_raw_rows(workbook(), "ledger.xlsx", sheet="说明") == [["本表请按公司要求填写"]]
    csv = "名称,数\n 电子秤 ,12.0\n".encode("gb18030")
    assert read_raw_sheets(csv, "ledger.csv") == {"ledger": [["名称", "数"], [" 电子秤 ", "12.0"]]}


def test_cleaned_cells_are_the_raw_cells_cleaned():
    content = workbook()
    raw = read_raw_sheets(content, "ledger.xlsx")
    assert read_sheets(content, "ledger.xlsx") == {
        name: clean_rows(rows) for name, rows in raw.items()
    }
    assert read_rows(content, "ledger.xlsx")[1] == [
        "质检部",
        "电子 秤",
        "12",
        "12.5",
        "7",
        "2026-05-06",
        "2026-05-06 10:30:00",
        "True",
        "",
        "10:30:00",
    ]


def test_clean_cells_cleans_each_cell_as_clean_cell_does():
    assert clean_cells(CELLS) == [clean_cell(cell) for cell in CELLS]
    assert clean_rows([CELLS, []]) == [clean_cells(CELLS), []]


def test_clean_column_cleans_repeated_cells_once_each_as_clean_cells_does():
    repeated = ["\u3000质检部 ", "质检部", 12.0, 12, "12", datetime(2026, 5, 6), None] * 3
    column = clean_column(repeated)
    assert column == tuple(clean_cells(repeated))
    # Equal cells share one text.
    assert column[0] is column[7]


def test_clean_column_keeps_apart_cells_equal_but_read_differently():
    # True == 1 and False == 0, but they read "True" and "False".
    mixed = [1, True, 0, False] * 3
    assert clean_column(mixed) == tuple(clean_cells(mixed))
    # A column of different values is cleaned cell by cell.
    assert clean_column(CELLS) == tuple(clean_cells(CELLS))


def test_a_missing_sheet_is_named_with_those_there_are():
    with pytest.raises(ValidationError, match="说明"):
        read_raw_rows(workbook(), "ledger.xlsx", sheet="台账2")
