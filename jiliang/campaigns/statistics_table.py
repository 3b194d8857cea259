"""The statistics table as both its writers print it (the official xlsx sheet in
``spreadsheets`` and the PDF in ``documents``): the title, the columns and the lines, defined
once so that the two files carry the same columns. The printed words are the customary Chinese
ones and are not translated."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from jiliang.campaigns.models import WHOLE_CAMPAIGN


def period_words(key: str) -> str:
    """A period key as printed on the tables: 2020年3月, 2020年第一季度, 2020年, 全部活动期间."""
    if key == WHOLE_CAMPAIGN:
        return "全部活动期间"
    if "-Q" in key:
        year, quarter = key.split("-Q")
        return f"{year}年第{'一二三四'[int(quarter) - 1]}季度"
    if "-" in key:
        year, month = key.split("-")
        return f"{year}年{int(month)}月"
    return f"{key}年"


def statistics_title(table) -> str:
    """The title of the statistics table: region, campaign and period."""
    return (
        f"{table.region.name}{table.campaign.name}工作情况统计表"
        f"（{period_words(table.period.key)}）"
    )


def statistics_subtitle(table, *, combined: bool = True) -> str:
    """The line under the title: region, dates and what the figures are."""
    period = table.period
    what = "各地录入数与平台统计数之和" if combined else "各地录入数与平台统计数分列"
    return (
        f"填报地区：{table.region.name}　统计期间：{period.start.isoformat()} 至 "
        f"{period.end.isoformat()}　数据：{what}"
    )


@dataclass(frozen=True)
class StatisticsColumn:
    """A column of the statistics table after 序号 and 地区: its header, its unit, its value in
    a ``RollupRow``; ``quota`` columns are left blank on the region's own line (本级), which has
    no quota of its own; ``rate`` values are ratios (0.2 is 20%)."""

    name: str
    unit: str
    value: Callable
    quota: bool = False
    rate: bool = False


QUOTA_COLUMNS = [
    StatisticsColumn(
        "帮扶中小企业任务数",
        "家",
        lambda row: row.quota.smes_to_help if row.quota is not None else None,
        quota=True,
    ),
    StatisticsColumn("帮扶任务完成率", "%", lambda row: row.achievement, quota=True, rate=True),
    StatisticsColumn(
        "测量管理体系任务完成率", "%", lambda row: row.mms_achievement, quota=True, rate=True
    ),
]


def statistics_columns(table) -> list[StatisticsColumn]:
    """The columns the xlsx and the PDF both print: each indicator (entered + counted), the
    quota of SMEs to help and the two completion rates against the quotas."""
    return [
        StatisticsColumn(
            indicator.name, indicator.unit, lambda row, at=position: row.cells[at].together
        )
        for position, indicator in enumerate(table.indicators)
    ] + QUOTA_COLUMNS


def statistics_lines(table) -> list[tuple[str | int, str, object, bool]]:
    """The printed lines: (序号, 地区, row, own): one per child region, the region's own line
    when it has figures of its own, and the 合计 line."""
    lines = [
        (number, child.region.name, child, False) for number, child in enumerate(table.children, 1)
    ]
    if own_figures_shown(table):
        lines.append(("", f"{table.region.name}本级", table.own, True))
    return [*lines, ("合计", "", table.total, False)]


def column_value(column: StatisticsColumn, row, *, own: bool):
    """The column's value in ``row``; None on the own line for a quota column."""
    return None if own and column.quota else column.value(row)


def own_figures_shown(table) -> bool:
    """Whether the region's own figures (entered by its bureau, counted in the region itself)
    are not zero: they belong to no child, so the table shows them on a line of their own
    (本级) for the rows to add up to the 合计."""
    return any(cell.entered or cell.counted for cell in table.own.cells)
