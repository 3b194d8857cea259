"""The ledger's columns: their Chinese headers in exports and the names recognised on import.

The order is the usual ledger layout (research/domain.md §3.1); an export re-imports as it is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from jiliang.instruments import parsing


def _text(text: str) -> str:
    """Free text as typed: ``clean_cell`` already trimmed it; ℃, Ⅱ and full-width commas stay."""
    return text


@dataclass(frozen=True)
class Column:
    field: str
    header: str
    synonyms: tuple[str, ...] = ()
    parse: Callable[[str], object] | None = _text  # None: written on export, ignored on import

    @property
    def is_free_text(self) -> bool:
        """Whether the cell's cleaned text is the value as it is."""
        return self.parse is _text

    def names(self) -> set[str]:
        return {header_key(name) for name in (self.header, self.field, *self.synonyms)}


def header_key(text: str) -> str:
    """Headers compare without spaces, brackets' contents, case or full-width forms."""
    text = parsing.normalise(text).lower()
    for bracket in ("(", "（"):
        text = text.split(bracket)[0]
    return text.replace(" ", "").replace("*", "").strip()


COLUMNS = [
    Column("row_number", "序号", ("编号序号", "no", "no."), parse=None),
    Column(
        "management_number",
        "管理编号",
        (
            "内部编号",
            "设备编号",
            "器具编号",
            "仪器编号",
            "资产编号",
            "统一编号",
            "management number",
        ),
    ),
    Column("name", "器具名称", ("仪器名称", "设备名称", "计量器具名称", "名称", "name")),
    Column("model", "型号规格", ("规格型号", "型号", "规格", "model")),
    Column("measuring_range", "测量范围", ("量程", "测量区间", "range")),
    Column(
        "accuracy",
        "准确度等级",
        (
            "准确度",
            "精度",
            "精度等级",
            "最大允许误差",
            "不确定度",
            "准确度等级/最大允许误差/不确定度",
            "accuracy",
        ),
    ),
    Column("serial_number", "出厂编号", ("序列号", "机身编号", "出厂号", "serial number")),
    Column(
        "manufacturer",
        "制造厂",
        ("生产厂家", "制造单位", "生产厂商", "制造商", "厂家", "manufacturer"),
    ),
    Column("department", "使用部门", ("部门", "使用单位", "所属部门", "department")),
    Column(
        "location", "安装地点", ("使用地点", "存放地点", "安装/使用地点", "放置地点", "location")
    ),
    Column("custodian", "责任人", ("保管人", "使用人", "负责人", "设备负责人", "custodian")),
    Column(
        "commissioning_date",
        "启用日期",
        ("使用日期", "投用日期", "购置日期", "购入日期"),
        parse=parsing.parse_date,
    ),
    Column(
        "abc_class",
        "管理类别",
        ("abc分类", "abc类别", "abc", "类别", "管理等级"),
        parse=parsing.parse_abc_class,
    ),
    Column(
        "purpose",
        "用途",
        ("使用用途", "强检用途", "器具用途", "purpose"),
        parse=parsing.parse_purpose,
    ),
    Column("is_mandatory", "是否强检", ("强检", "是否强制检定"), parse=None),
    Column("catalogue_item", "强制管理目录项", ("目录项", "强检目录", "器具种别", "器具项别")),
    Column(
        "traceability",
        "溯源方式",
        ("检定/校准", "检定方式", "管理方式", "traceability"),
        parse=parsing.parse_traceability,
    ),
    Column(
        "interval_months",
        "检定周期(月)",
        ("检定周期", "校准周期", "确认间隔", "检定/校准周期", "周期", "interval"),
        parse=parsing.parse_interval,
    ),
    Column(
        "record_date",
        "最近检定日期",
        ("检定日期", "校准日期", "最近校准日期", "检定/校准日期", "上次检定日期", "本次检定日期"),
        parse=parsing.parse_date,
    ),
    Column("institution_name", "检定机构", ("校准机构", "检定/校准机构", "检定单位", "送检单位")),
    Column("certificate_number", "证书编号", ("证书号", "检定证书编号", "校准证书编号")),
    Column(
        "conclusion",
        "检定结论",
        ("结论", "校准结论", "检定/校准结论"),
        parse=parsing.parse_conclusion,
    ),
    Column(
        "valid_until",
        "有效期至",
        ("下次检定日期", "到期日期", "有效期", "下次校准日期", "失效日期"),
        parse=parsing.parse_date,
    ),
    Column("next_due", "下次到期日期", (), parse=None),
    Column("status", "状态", ("使用状态", "设备状态", "status"), parse=parsing.parse_status),
    Column("label", "标识", ("三色标识", "状态标识"), parse=None),
    Column("notes", "备注", ("说明", "notes")),
]
IMPORTED = [column for column in COLUMNS if column.parse is not None]
COLUMN_BY_FIELD = {column.field: column for column in COLUMNS}
