"""Campaign spreadsheets: the quota table (attachment 1 of the notice) read and written in the
layout regulators already use, and the activity statistics table in the official layout.

The quota table
---------------
A title row or two, then a header: 序号, the region (地区, 地市, 单位…), 帮扶中小企业数,
测量管理体系培训企业数 (or a synonym: 帮扶企业数, 培训企业数…; units in brackets are ignored),
备注; optionally a code column (区划代码) that names the region without ambiguity. A header
may span two rows (a merged 任务数 above the two quota columns). One row per region, a 合计
row anywhere (checked against the sum: a warning, not an error, when it differs); blank rows,
footnotes (注：…) and lines whose two quotas are blank are ignored (the exported template lists
every region: a line left blank sets nothing). The file's own English column names
(region_name, region_code, smes_to_help, smes_for_mms_training) are understood too, so the
reference CSV reads as it is.

Counts are whole numbers of enterprises: a fractional or negative count, text where a number
belongs, an empty cell, a region named twice, each is reported with its row and column, every
bad row at once, and nothing is imported.

The printed words of the written tables (titles, headers, 合计) are the customary Chinese ones
and are not translated.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from jiliang.campaigns.models import Quota
from jiliang.campaigns.selectors import child_regions
from jiliang.campaigns.statistics_table import (
    StatisticsColumn,
    column_value,
    own_figures_shown,
    statistics_columns,
    statistics_lines,
    statistics_subtitle,
    statistics_title,
)
from jiliang.core.spreadsheets import as_text, clean_cell, clean_cells, read_raw_sheets

HEADER_SEARCH_ROWS = 20
TOTAL_WORDS = ("合计", "总计", "全省合计", "全市合计", "全国合计")

# The columns of a quota table: field → (its printed header, the words that name it). A header
# cell names a field when, without spaces and bracketed units, it equals one of the words or
# contains one of the ``CONTAINS`` words; fields are tried in this order.
SEQ, REGION, CODE, HELP, MMS, NOTE = (
    "seq",
    "region_name",
    "region_code",
    "smes_to_help",
    "smes_for_mms_training",
    "note",
)
HEADERS = {
    SEQ: "序号",
    REGION: "地区",
    CODE: "区划代码",
    HELP: "帮扶中小企业数",
    MMS: "测量管理体系培训企业数",
    NOTE: "备注",
}
EQUALS = {
    SEQ: {"序号", "编号", "seq", "no", "no."},
    REGION: {
        "地区",
        "地市",
        "单位",
        "地区名称",
        "单位名称",
        "区域",
        "市县",
        "县市区",
        "省辖市",
        "地市名称",
        "行政区",
        "行政区划",
        "region",
        "region_name",
        "name",
    },
    CODE: {"代码", "区划代码", "行政区划代码", "地区代码", "region_code", "code"},
    HELP: {
        "帮扶中小企业数",
        "帮扶企业数",
        "帮扶中小企业",
        "帮扶中小企业数量",
        "帮扶企业数量",
        "服务中小企业数",
        "smes_to_help",
    },
    MMS: {
        "测量管理体系培训企业数",
        "培训企业数",
        "测量管理体系培训",
        "测量管理体系企业数",
        "测量管理体系培训企业数量",
        "smes_for_mms_training",
    },
    NOTE: {"备注", "说明", "note", "notes"},
}
CONTAINS = {
    MMS: ("测量管理体系", "培训"),
    HELP: ("帮扶",),
    CODE: ("代码",),
    REGION: ("地区", "地市", "单位名称"),
}
# Bracketed units and remarks in a header cell: （家）, (个), 【…】.
BRACKETED = re.compile(r"[（(【\[].*?[）)】\]]")


@dataclass(frozen=True)
class QuotaRow:
    """One region's line of a quota table. ``row`` is the row number in the file (1-based, as
    a spreadsheet shows it) so that messages can point at it."""

    row: int
    region_name: str
    region_code: str  # "" when the table has no code column
    smes_to_help: int
    smes_for_mms_training: int
    note: str = ""


class QuotaTable(list):
    """The rows of a quota table (a ``list[QuotaRow]``) and ``warnings``: messages about the
    table that do not stop the import (a 合计 row that differs from the sum of the rows)."""

    def __init__(self, rows=(), warnings=()):
        super().__init__(rows)
        self.warnings = list(warnings)


# Reading ---------------------------------------------------------------------------------


def read_quota_table(file, *, filename: str) -> QuotaTable:
    """The region rows of a quota table (.xlsx, .xls, .ods or .csv): the header is found under
    any title rows; blank rows and the 合计 row are skipped (the 合计 row is checked against the
    sum: a warning if different). Raises ValidationError listing every bad row and column
    (not a spreadsheet, no header, negative or fractional counts). ``file`` is bytes or a
    file object."""
    content = file if isinstance(file, bytes | bytearray) else file.read()
    sheets = read_raw_sheets(bytes(content), filename)
    for rows in sheets.values():
        found = _find_header(rows)
        if found is not None:
            first_body_row, columns = found
            return _read_body(rows, first_body_row, columns)
    raise ValidationError(
        _(
            "No quota table was found: no row in the first %(count)d rows of any sheet has the "
            "columns %(region)s, %(help)s and %(mms)s."
        ),
        code="no_header",
        params={
            "count": HEADER_SEARCH_ROWS,
            "region": HEADERS[REGION],
            "help": HEADERS[HELP],
            "mms": HEADERS[MMS],
        },
    )


def header_field(text: str) -> str | None:
    """The quota table's field a header cell names, or None."""
    key = BRACKETED.sub("", text).replace(" ", "").replace("\n", "").strip().lower()
    if not key:
        return None
    for name, words in EQUALS.items():
        if key in words:
            return name
    for name, words in CONTAINS.items():
        if any(word in key for word in words):
            return name
    return None


def _columns(header: list[str]) -> dict[str, int]:
    """{field: column index} for a header row: the first column naming each field."""
    columns: dict[str, int] = {}
    for position, text in enumerate(header):
        name = header_field(text)
        if name is not None and name not in columns:
            columns[name] = position
    return columns


def _complete(columns: dict[str, int]) -> bool:
    return {REGION, HELP, MMS} <= columns.keys()


def _find_header(rows: list[list]) -> tuple[int, dict[str, int]] | None:
    """(index of the first row under the header, {field: column}) or None. A header may span
    two rows: a merged cell above (任务数) and the quota columns under it."""
    head = [clean_cells(row) for row in rows[: HEADER_SEARCH_ROWS + 1]]
    for index, row in enumerate(head[:HEADER_SEARCH_ROWS]):
        columns = _columns(row)
        if _complete(columns):
            return index + 1, columns
        # Only a row that names two columns or more may be the upper half of a header: a title
        # row that happens to say 地区 or 培训 is not.
        if index + 1 < len(head) and len(columns) >= 2:
            below = head[index + 1]
            width = max(len(row), len(below))
            merged = [
                (row[i] if i < len(row) else "") + (below[i] if i < len(below) else "")
                for i in range(width)
            ]
            columns = _columns(merged)
            if _complete(columns):
                return index + 2, columns
    return None


def _is_total(name: str) -> bool:
    return name.replace(" ", "") in TOTAL_WORDS


def _read_body(rows: list[list], start: int, columns: dict[str, int]) -> QuotaTable:
    problems: list[str] = []
    result: list[QuotaRow] = []
    total_row: tuple[int, list] | None = None
    seen: dict[str, int] = {}

    def raw(row, name):
        position = columns.get(name)
        return row[position] if position is not None and position < len(row) else None

    for index in range(start, len(rows)):
        row = rows[index]
        number = index + 1  # as the spreadsheet shows it
        if all(clean_cell(cell) == "" for cell in row):
            continue
        name = clean_cell(raw(row, REGION))
        seq = clean_cell(raw(row, SEQ))
        help_cell, mms_cell = raw(row, HELP), raw(row, MMS)
        numbers_blank = clean_cell(help_cell) == "" and clean_cell(mms_cell) == ""
        if _is_total(name) or (not name and _is_total(seq)):
            total_row = (number, [help_cell, mms_cell])
            continue
        if numbers_blank:
            # A line left blank sets nothing (the template lists every region), as a footnote
            # under the table (注：…) or an unfilled numbered line.
            continue
        row_problems: list[str] = []
        if not name:
            row_problems.append(
                _("Row %(row)d, %(column)s: the region is missing.")
                % {"row": number, "column": HEADERS[REGION]}
            )
        counts = []
        for field_name, cell in ((HELP, help_cell), (MMS, mms_cell)):
            count, problem = _count(cell)
            if problem:
                row_problems.append(
                    _("Row %(row)d, %(column)s: %(problem)s")
                    % {"row": number, "column": HEADERS[field_name], "problem": problem}
                )
            counts.append(count)
        code = clean_cell(raw(row, CODE))
        key = code or name
        if key and key in seen:
            row_problems.append(
                _("Row %(row)d: %(region)s is already on row %(first)d.")
                % {"row": number, "region": name or code, "first": seen[key]}
            )
        elif key:
            seen[key] = number
        if row_problems:
            problems.extend(row_problems)
            continue
        result.append(
            QuotaRow(
                row=number,
                region_name=name,
                region_code=code,
                smes_to_help=counts[0],
                smes_for_mms_training=counts[1],
                note=clean_cell(raw(row, NOTE)),
            )
        )
    if problems:
        raise ValidationError(problems, code="bad_rows")
    if not result:
        raise ValidationError(_("The quota table has a header but no region rows."), code="no_rows")
    return QuotaTable(result, _total_warnings(result, total_row))


def _count(cell) -> tuple[int | None, str]:
    """(the whole number a cell holds, "") or (None, what is wrong with it)."""
    if isinstance(cell, bool):
        return None, _("%(value)s is not a number.") % {"value": cell}
    if isinstance(cell, int):
        value = Decimal(cell)
    elif isinstance(cell, float):
        value = Decimal(repr(cell))
    else:
        text = clean_cell(cell).replace(",", "").replace("，", "")
        if text == "":
            return None, _("the count is missing (enter 0 for none).")
        try:
            value = Decimal(text)
        except InvalidOperation:
            return None, _("%(value)s is not a number.") % {"value": text}
        if not value.is_finite():
            return None, _("%(value)s is not a number.") % {"value": text}
    shown = clean_cell(cell)
    if value < 0:
        return None, _("%(value)s is negative: a count of enterprises is 0 or more.") % {
            "value": shown
        }
    if value != value.to_integral_value():
        return None, _("%(value)s is not a whole number: count whole enterprises.") % {
            "value": shown
        }
    return int(value), ""


def _total_warnings(rows: list[QuotaRow], total_row) -> list[str]:
    if total_row is None:
        return []
    number, cells = total_row
    sums = [sum(row.smes_to_help for row in rows), sum(row.smes_for_mms_training for row in rows)]
    warnings = []
    for column, cell, added in zip((HELP, MMS), cells, sums, strict=True):
        given, problem = _count(cell)
        if problem or given == added:
            continue
        warnings.append(
            _(
                "The 合计 row (row %(row)d) gives %(given)d for %(column)s but the regions add "
                "up to %(sum)d; the regions' own figures are used."
            )
            % {"row": number, "given": given, "column": HEADERS[column], "sum": added}
        )
    return warnings


# Writing ---------------------------------------------------------------------------------

THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
BOLD = Font(bold=True)
TITLE_FONT = Font(bold=True, size=14)
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")


def quota_table_title(campaign, parent) -> str:
    title = f"{campaign.name}任务分配表"
    if parent.pk != campaign.region_id:
        title += f"（{parent.name}）"
    return title


def write_quota_table(campaign, parent, *, blank: bool = False) -> bytes:
    """The quotas of ``parent``'s child regions in ``campaign`` as xlsx, in the attachment's
    layout: a title row, 序号, 地区, 帮扶中小企业数, 测量管理体系培训企业数, 备注, a 合计 row.
    A child without a quota has empty cells (a line left blank imports nothing). ``blank``:
    every child's cells empty, the template to fill in."""

    children = child_regions(parent)
    quotas = (
        {}
        if blank
        else {
            quota.region_id: quota
            for quota in Quota.objects.filter(campaign=campaign, region__in=children)
        }
    )
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "任务分配表"
    headers = [HEADERS[SEQ], HEADERS[REGION], HEADERS[HELP], HEADERS[MMS], HEADERS[NOTE]]
    _title(sheet, quota_table_title(campaign, parent), len(headers))
    _header_row(sheet, 2, headers)
    help_sum = mms_sum = 0
    for number, region in enumerate(children, 1):
        quota = quotas.get(region.pk)
        values = [number, region.name, None, None, ""]
        if quota is not None:
            values[2:] = [quota.smes_to_help, quota.smes_for_mms_training, quota.note]
            help_sum += quota.smes_to_help
            mms_sum += quota.smes_for_mms_training
        _body_row(sheet, number + 2, values, text_columns={2, 5})
    sums = [None, None] if blank else [help_sum, mms_sum]
    _body_row(sheet, len(children) + 3, ["合计", None, *sums, ""], bold=True)
    sheet.merge_cells(
        start_row=len(children) + 3, start_column=1, end_row=len(children) + 3, end_column=2
    )
    _widths(sheet, [6, 16, 16, 24, 24])
    sheet.freeze_panes = "A3"
    sheet.print_title_rows = "1:2"
    return _saved(workbook)


def write_statistics_table(table) -> bytes:
    """A ``selectors.RollupTable`` as xlsx in the official layout: a title with the campaign,
    the region and the period, indicator names with their units as the header, one row per
    child region, a 合计 row; the official sheet shows entered + counted per indicator, a
    second sheet shows them apart."""
    workbook = Workbook()
    official = workbook.active
    official.title = "统计表"
    _official_sheet(official, table)
    _detail_sheet(workbook.create_sheet("录入与平台统计"), table)
    return _saved(workbook)


def _official_sheet(sheet, table) -> None:
    columns = statistics_columns(table)
    width = 2 + len(columns)
    _title(sheet, statistics_title(table), width)
    _subtitle(sheet, 2, statistics_subtitle(table), width)
    _header_row(sheet, 3, ["序号", "地区", *[column.name for column in columns]])
    _header_row(sheet, 4, ["", "", *[column.unit for column in columns]])
    sheet.merge_cells(start_row=3, start_column=1, end_row=4, end_column=1)
    sheet.merge_cells(start_row=3, start_column=2, end_row=4, end_column=2)
    line = 5
    for number, name, row, own in statistics_lines(table):
        values = [_cell_value(column, row, own=own) for column in columns]
        total = number == "合计"
        _body_row(sheet, line, [number, name or None, *values], bold=total, text_columns={2})
        if total:
            sheet.merge_cells(start_row=line, start_column=1, end_row=line, end_column=2)
        line += 1
    _widths(sheet, [6, 14, *[_indicator_width(column.name) for column in columns]])
    sheet.row_dimensions[3].height = 48
    sheet.freeze_panes = "C5"
    sheet.print_title_rows = "3:4"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def _cell_value(column: StatisticsColumn, row, *, own: bool):
    value = column_value(column, row, own=own)
    if column.rate and value is not None:
        return round(value * 100, 1)
    return value


def _detail_sheet(sheet, table) -> None:
    """Entered and counted apart: two columns per indicator under its name."""
    indicators = table.indicators
    width = 2 + 2 * len(indicators) + 2
    _title(sheet, statistics_title(table) + "（录入与平台统计分列）", width)
    _subtitle(sheet, 2, statistics_subtitle(table, combined=False), width)
    top = ["序号", "地区"]
    below = ["", ""]
    for indicator in indicators:
        top += [f"{indicator.name}（{indicator.unit}）", ""]
        below += ["录入", "平台统计"]
    top += ["帮扶中小企业任务数", "完成率"]
    below += ["家", "%"]
    _header_row(sheet, 3, top)
    _header_row(sheet, 4, below)
    sheet.merge_cells(start_row=3, start_column=1, end_row=4, end_column=1)
    sheet.merge_cells(start_row=3, start_column=2, end_row=4, end_column=2)
    for position in range(len(indicators)):
        column = 3 + 2 * position
        sheet.merge_cells(start_row=3, start_column=column, end_row=3, end_column=column + 1)

    def values(row):
        cells = []
        for cell in row.cells:
            cells += [cell.entered, cell.counted]
        quota = row.quota.smes_to_help if row.quota is not None else None
        achievement = round(row.achievement * 100, 1) if row.achievement is not None else None
        return [*cells, quota, achievement]

    line = 5
    for number, child in enumerate(table.children, 1):
        _body_row(sheet, line, [number, child.region.name, *values(child)], text_columns={2})
        line += 1
    line = _own_line(sheet, table, line, values)
    _body_row(sheet, line, ["合计", None, *values(table.total)], bold=True)
    sheet.merge_cells(start_row=line, start_column=1, end_row=line, end_column=2)
    _widths(sheet, [6, 14, *[9] * (2 * len(indicators)), 12, 9])
    sheet.row_dimensions[3].height = 60
    sheet.freeze_panes = "C5"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0


def _own_line(sheet, table, line, values) -> int:
    if not own_figures_shown(table):
        return line
    _body_row(sheet, line, ["", f"{table.region.name}本级", *values(table.own)], text_columns={2})
    return line + 1


def _indicator_width(name: str) -> int:
    # A header wraps in its cell; a Chinese character is about two units wide: six characters
    # a line puts the longest names (15 characters) on three lines.
    return 12 if len(name) > 8 else 10


def _title(sheet, text: str, width: int) -> None:
    as_text(sheet.cell(row=1, column=1, value=text)).font = TITLE_FONT
    sheet.cell(row=1, column=1).alignment = Alignment(horizontal="center", vertical="center")
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.row_dimensions[1].height = 30


def _subtitle(sheet, row: int, text: str, width: int) -> None:
    as_text(sheet.cell(row=row, column=1, value=text)).alignment = LEFT
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)


def _header_row(sheet, row: int, texts: list[str]) -> None:
    for column, text in enumerate(texts, 1):
        cell = as_text(sheet.cell(row=row, column=column, value=text))
        cell.font = BOLD
        cell.alignment = CENTRE
        cell.border = BORDER
        cell.fill = HEADER_FILL


def _body_row(sheet, row, values, *, bold=False, text_columns=frozenset()) -> None:
    for column, value in enumerate(values, 1):
        cell = as_text(sheet.cell(row=row, column=column, value=value))
        cell.border = BORDER
        cell.alignment = LEFT if column in text_columns else CENTRE
        if bold:
            cell.font = BOLD


def _widths(sheet, widths: list[int]) -> None:
    # openpyxl's width is in characters of the default font; a Chinese character takes about
    # two of them.
    for position, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(position)].width = width


def _saved(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
