"""Finding the ledgers in a workbook: which sheets hold one, where each one's header is (one row,
or two under merged cells), and what each of its columns means."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from jiliang.core.spreadsheets import clean_cells, clean_rows, read_raw_rows, read_raw_sheets
from jiliang.instruments import parsing
from jiliang.instruments.importing.plan import EXTRA, ColumnReport, SheetReport
from jiliang.instruments.ledger_columns import COLUMN_BY_FIELD, header_meaning

HEADER_SEARCH_ROWS = 30
# A sheet is a ledger when its header names the instruments and at least one more of their fields.
MIN_HEADER_FIELDS = 2
# Rows looked at to tell what a column without a known header holds.
SNIFF_ROWS = 200
# Sheet names that say what the workbook is, not which instruments the sheet lists.
GENERIC_SHEET_NAME = re.compile(
    r"^(sheet|工作表|表|页)\s*\d*$|台账|一览表|清单|明细|汇总|目录|记录|导出|计划|数据|export|data"
    r"|list|ledger|说明|填表|填报|instructions|readme|选项|下拉|字典",
    re.IGNORECASE,
)
HEADER_TEXT = re.compile(r"[^\d\s.\-/:年月日]")


@dataclass
class SheetLayout:
    """A ledger sheet: its rows under the header as read, and what its columns hold."""

    name: str
    header_row: int  # 1-based line of the (first) header row
    first_line: int  # 1-based line of the first row under the header
    rows: list[list]
    columns: dict[int, str]  # position → field
    headers: dict[int, str]  # position → header text, of every column with a header or data
    kept: dict[int, str] = field(default_factory=dict)  # position → header, kept as extras
    units: dict[str, str] = field(default_factory=dict)  # field → unit its header names
    name_from_sheet: bool = False


def read_layouts(content: bytes, filename: str, sheet: str | None, mapping: dict[str, str]):
    """The sheets' reports, the columns' reports and the layouts of the sheets read; a
    ValidationError when no sheet holds a ledger."""
    if sheet:
        sheets = {sheet: read_raw_rows(content, filename, sheet=sheet)}
    else:
        sheets = read_raw_sheets(content, filename)
    reports, columns, layouts = [], [], []
    for name, rows in sheets.items():
        layout, reason = _layout(name, rows, mapping)
        if layout is None:
            reports.append(SheetReport(name, False, reason))
            continue
        layouts.append(layout)
        reports.append(SheetReport(name, True, "", layout.header_row, len(layout.rows)))
        columns += _column_reports(layout, mapping)
    if not layouts:
        raise ValidationError(
            _("No sheet of the file holds a ledger: %(reasons)s")
            % {"reasons": " ".join(f"{report.name}: {report.reason}" for report in reports)}
        )
    return reports, columns, layouts


def _layout(name: str, rows: list[list], mapping: dict) -> tuple[SheetLayout | None, str]:
    head = clean_rows(rows[: HEADER_SEARCH_ROWS + 1])
    index, headers, rows_in_header = _header(head, mapping)
    names_instruments = not GENERIC_SHEET_NAME.search(name)
    fields = set(_assign(headers, mapping, [])[0].values())
    if "name" not in fields and names_instruments:
        fields.add("name")
    if index is None or len(fields) < MIN_HEADER_FIELDS or "name" not in fields:
        return None, _(
            "no header naming the instruments and another of their fields (such as "
            "器具名称, 管理编号, 检定日期) in its first %(count)d rows."
        ) % {"count": HEADER_SEARCH_ROWS}
    body = rows[index + rows_in_header :]
    if not any(any(clean_cells(row)) for row in body):
        return None, _("a header but no instruments under it.")
    columns, kept, units = _assign(headers, mapping, body)
    layout = SheetLayout(
        name=name,
        header_row=index + 1,
        first_line=index + rows_in_header + 1,
        rows=body,
        columns=columns,
        headers={position: text for position, text in enumerate(headers) if text} | kept,
        kept=kept,
        units=units,
        name_from_sheet="name" not in columns.values(),
    )
    return layout, ""


def _header(head: list[list[str]], mapping: dict) -> tuple[int | None, list[str], int]:
    """The header's first line (0-based), its text per column, and how many rows it takes: the
    row that names most ledger fields, or two rows when merged cells above name more."""
    best, best_key = (None, [], 1), (0, False)
    for index, row in enumerate(head[:HEADER_SEARCH_ROWS]):
        candidates = [(row, 1)]
        below = head[index + 1] if index + 1 < len(head) else []
        if _looks_like_header(below):
            candidates.append((_two_rows(row, below), 2))
        for headers, size in candidates:
            score = len(set(_assign(headers, mapping, [])[0].values()))
            key = (score, size == 1)  # two rows only when they name more
            if key > best_key:
                best, best_key = (index, headers, size), key
    return best


def _looks_like_header(row: list[str]) -> bool:
    texts = [text for text in row if text]
    return len(texts) >= 2 and all(HEADER_TEXT.search(text) for text in texts)


def _two_rows(parent: list[str], child: list[str]) -> list[str]:
    """Each column's header of a two-row header: "检定情况/检定日期" under a cell merged across
    columns, the upper text alone where it is merged down over both rows."""
    headers, above, spans = [], "", False
    for position in range(max(len(parent), len(child))):
        upper = parent[position] if position < len(parent) else ""
        lower = child[position] if position < len(child) else ""
        if upper:
            above, spans = upper, bool(lower)
        elif lower and spans:
            upper = above
        headers.append(f"{upper}/{lower}" if upper and lower and upper != lower else upper or lower)
    return headers


def _assign(headers: list[str], mapping: dict, body: list[list]):
    """{position: field} of the columns read into fields, {position: header} of those kept as
    extra attributes, and {field: unit} of the units their headers name. Without ``body``, only
    what the headers say (for finding the header)."""
    columns, used, kept, units = {}, set(), {}, {}
    meanings = {position: header_meaning(text) for position, text in enumerate(headers) if text}
    decided = set()
    for position, text in enumerate(headers):
        if text in mapping:
            decided.add(position)
            target = mapping[text]
            if target in IMPORTABLE and target not in used:
                columns[position] = target
                used.add(target)
            elif target == EXTRA:
                kept[position] = text
    for exact in (True, False):
        for position, meaning in meanings.items():
            if position in decided or meaning.exact != exact or meaning.field is None:
                continue
            decided.add(position)
            if meaning.field in IMPORTABLE and meaning.field not in used:
                columns[position] = meaning.field
                used.add(meaning.field)
                if meaning.unit:
                    units[meaning.field] = meaning.unit
            elif meaning.field in IMPORTABLE:
                kept[position] = headers[position]
    if body:
        _assign_by_content(headers, body, decided | set(kept), columns, kept)
    return columns, kept, units


def _assign_by_content(headers, body, decided, columns, kept) -> None:
    """Columns whose header means nothing known: 强检工作计量器具 under 器具类型 says whether
    the instrument is under mandatory verification; any other column with data is kept."""
    width = max(map(len, body), default=0)
    for position in range(max(width, len(headers))):
        if position in decided:
            continue
        texts = {text for row in body if (text := _text_at(row, position))}
        if not texts:
            continue
        header = headers[position] if position < len(headers) else ""
        if "declared_mandatory" not in columns.values() and _says_mandatory(body, position):
            columns[position] = "declared_mandatory"
        else:
            kept[position] = header or _("Column %(letter)s") % {"letter": column_letter(position)}


def _says_mandatory(body: list[list], position: int) -> bool:
    texts = {text for row in body[:SNIFF_ROWS] if (text := _text_at(row, position))}
    try:
        words = {parsing.parse_mandatory_word(text) for text in texts}
    except (ValueError, parsing.Unfamiliar):
        return False
    return bool(texts) and any("强" in text for text in texts) and bool(words)


def _text_at(row: list, position: int) -> str:
    return clean_cells([row[position]])[0] if position < len(row) else ""


def column_letter(position: int) -> str:
    letters = ""
    position += 1
    while position:
        position, remainder = divmod(position - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _column_reports(layout: SheetLayout, mapping: dict) -> list[ColumnReport]:
    reports = []
    by_field = {name: position for position, name in layout.columns.items()}
    for position, header in sorted(layout.headers.items()):
        if position in layout.columns:
            name = layout.columns[position]
            reports.append(
                ColumnReport(layout.name, header, name, "mapped", "", layout.units.get(name, ""))
            )
        elif position in layout.kept:
            reports.append(
                ColumnReport(layout.name, header, "", "kept", _kept_reason(header, by_field))
            )
        else:
            reports.append(
                ColumnReport(layout.name, header, "", "ignored", _ignored_reason(header, mapping))
            )
    return reports


def _kept_reason(header: str, by_field: dict) -> str:
    meaning = header_meaning(header).field
    if meaning in by_field:
        return _("its field, %(field)s, is read from another column.") % {
            "field": COLUMN_BY_FIELD[meaning].header
        }
    return _("kept as an attribute of each instrument.")


def _ignored_reason(header: str, mapping: dict) -> str:
    if mapping.get(header) == "":
        return _("ignored as you chose.")
    meaning = header_meaning(header).field
    if meaning == "row_number":
        return _("a row number.")
    if meaning in COLUMN_BY_FIELD:
        return _("the platform works it out from the records.")
    return _("empty.")


IMPORTABLE = frozenset(
    column.field for column in COLUMN_BY_FIELD.values() if column.parse is not None
)
