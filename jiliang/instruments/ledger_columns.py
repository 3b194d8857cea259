"""The ledger's columns: their Chinese headers in exports, and how a file's headers are read.

The order is the usual ledger layout (research/domain.md §3.1); an export re-imports as it is.
A header is matched by what it means, not by a fixed list alone: qualifiers such as 仪器, 仪表,
设备 and 计量器具 are stripped, a concept word inside a longer header counts (仪表检定证书编号
holds 证书编号), and a unit in brackets (检定周期（天）) is read.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

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
    # Regular expression of the concept words that mean this column inside a longer header.
    concept: str = ""

    @property
    def is_free_text(self) -> bool:
        """Whether the cell's cleaned text is the value as it is."""
        return self.parse is _text

    def names(self) -> set[str]:
        return {header_key(name) for name in (self.header, self.field, *self.synonyms)}


@dataclass(frozen=True)
class HeaderMeaning:
    field: str | None
    unit: str  # "", or a unit of parsing.INTERVAL_UNITS read from the header
    exact: bool  # a known name rather than a concept word inside a longer header


# Words that say what kind of thing a header is about, not which of its properties.
QUALIFIERS = re.compile(
    r"^(计量器具|计量仪器|仪器设备|仪器仪表|测量设备|监视和测量设备|仪器|仪表|设备|器具|计量)"
)
BRACKETS = re.compile(r"[(（\[【]([^)）\]】]*)[)）\]】]")
UNIT_IN_HEADER = re.compile(r"[/／]?(天数|天|日|周|月数|月|年)$")


def header_key(text: str) -> str:
    """Headers compare without spaces, brackets' contents, case or full-width forms."""
    return _bare(parsing.normalise(text).lower())


def _bare(text: str) -> str:
    text = BRACKETS.sub("", text)
    for bracket in ("(", "（"):  # an unclosed bracket
        text = text.split(bracket)[0]
    return re.sub(r"[\s*:：#＊]", "", text)


# Longer text is a sentence (填表说明), not a column's header.
MAX_HEADER_LENGTH = 24


@lru_cache(maxsize=4096)
def header_meaning(text: str) -> HeaderMeaning:
    """The field a header means, the unit it names and whether it is a known name."""
    normal = parsing.normalise(text).lower()
    if len(normal) > MAX_HEADER_LENGTH:
        return HeaderMeaning(None, "", False)
    unit = _header_unit(normal)
    key = _bare(normal)
    stripped = QUALIFIERS.sub("", key) or key
    for candidate in dict.fromkeys((key, stripped)):
        if candidate in FIELD_BY_NAME:
            return HeaderMeaning(_with_unit(FIELD_BY_NAME[candidate], unit), unit, True)
    for column in CONCEPT_ORDER:
        if re.search(column.concept, stripped):
            return HeaderMeaning(_with_unit(column.field, unit), unit, False)
    return HeaderMeaning(None, unit, False)


def _header_unit(normal: str) -> str:
    words = [*BRACKETS.findall(normal)]
    if match := UNIT_IN_HEADER.search(_bare(normal)):
        words.append(match.group(1))
    for word in words:
        if unit := parsing.INTERVAL_UNITS.get(word.strip().rstrip("数")):
            return unit
    return ""


def _with_unit(field: str, unit: str) -> str:
    """有效期（月）is how long a certificate is valid: an interval, not a date."""
    return "interval_months" if unit and field == "valid_until" else field


COLUMNS = [
    Column("row_number", "序号", ("编号序号", "no", "no.", "序"), parse=None),
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
            "赋码",
            "自用编号",
            "management number",
        ),
        concept=r"编号|编码|赋码|代码|资产号|统一号|自编号",
    ),
    Column(
        "name",
        "器具名称",
        ("仪器名称", "设备名称", "计量器具名称", "名称", "品名", "name"),
        concept=r"名称|品名",
    ),
    Column("model", "型号规格", ("规格型号", "型号", "规格", "model"), concept=r"型号|规格"),
    Column(
        "measuring_range",
        "测量范围",
        ("量程", "测量区间", "range", "范围"),
        concept=r"测量范围|量程|测量区间|^范围",
    ),
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
        concept=r"准确度|精度|允许误差|不确定度|^等级",
    ),
    Column(
        "serial_number",
        "出厂编号",
        ("序列号", "机身编号", "出厂号", "serial number", "sn", "sn/出厂编号"),
        concept=r"出厂|序列号|机身号|机身编号|^sn",
    ),
    Column(
        "manufacturer",
        "制造厂",
        ("生产厂家", "制造单位", "生产厂商", "制造商", "厂家", "manufacturer"),
        concept=r"制造|生产厂|生产单位|厂家|厂商|生产商|品牌",
    ),
    Column(
        "department",
        "使用部门",
        ("部门", "使用单位", "所属部门", "责任部门", "department"),
        concept=r"部门|车间|科室|使用单位|所属单位|班组",
    ),
    Column(
        "location",
        "安装地点",
        ("使用地点", "存放地点", "安装/使用地点", "放置地点", "位置", "地点", "location"),
        concept=r"(安装|存放|放置|使用|所在|存储)(地点|位置|场所|区域)|^(位置|地点)",
    ),
    Column(
        "custodian",
        "责任人",
        ("保管人", "使用人", "负责人", "设备负责人", "custodian"),
        concept=r"责任人|保管人|使用人|负责人|管理人|保管员",
    ),
    Column(
        "commissioning_date",
        "启用日期",
        ("使用日期", "投用日期", "购置日期", "购入日期"),
        parse=parsing.parse_date,
        concept=r"启用|投用|投入使用|购置|购入|采购日期|验收日期",
    ),
    Column(
        "abc_class",
        "管理类别",
        ("abc分类", "abc类别", "abc", "类别", "管理等级"),
        parse=parsing.parse_abc_class,
        concept=r"abc|管理类别|管理等级",
    ),
    Column(
        "purpose",
        "用途",
        ("使用用途", "强检用途", "器具用途", "purpose"),
        parse=parsing.parse_purpose,
        concept=r"用途",
    ),
    Column(
        "declared_mandatory",
        "是否强检",
        ("强检", "是否强制检定", "强检否", "是否属于强检"),
        parse=parsing.parse_mandatory,
        concept=r"强检|强制检定",
    ),
    Column(
        "catalogue_item",
        "强制管理目录项",
        ("目录项", "强检目录", "器具种别", "器具项别"),
        concept=r"目录|种别|项别",
    ),
    Column(
        "traceability",
        "溯源方式",
        ("检定/校准", "校准/检定", "检定方式", "管理方式", "traceability"),
        parse=parsing.parse_traceability,
        concept=r"溯源方式|检定方式|校准方式|溯源",
    ),
    Column(
        "interval_months",
        "检定周期(月)",
        ("检定周期", "校准周期", "确认间隔", "检定/校准周期", "周期", "interval"),
        parse=parsing.parse_interval,
        concept=r"周期|间隔|频次|频率",
    ),
    Column(
        "record_date",
        "最近检定日期",
        ("检定日期", "校准日期", "最近校准日期", "检定/校准日期", "上次检定日期", "本次检定日期"),
        parse=parsing.parse_date,
        concept=r"(检定|校准|检测|检验|确认|溯源|送检|鉴定|校验|检)(日期|时间|日)",
    ),
    Column(
        "institution_name",
        "检定机构",
        ("校准机构", "检定/校准机构", "检定单位", "送检单位", "证书单位"),
        concept=r"(检定|校准|检测|检验|送检|溯源|鉴定|校验)(单位|机构)|服务机构",
    ),
    Column(
        "certificate_number",
        "证书编号",
        ("证书号", "检定证书编号", "校准证书编号"),
        concept=r"证书",
    ),
    Column(
        "conclusion",
        "检定结论",
        ("结论", "校准结论", "检定/校准结论", "结果"),
        parse=parsing.parse_conclusion,
        concept=r"结论|(检定|校准|检测|检验|确认|校验)结果|判定",
    ),
    Column(
        "valid_until",
        "有效期至",
        ("下次检定日期", "到期日期", "有效期", "下次校准日期", "失效日期", "有效日期"),
        parse=parsing.parse_date,
        concept=r"有效期|有效日期|到期|下次|下一次|失效|截止|应检",
    ),
    Column("next_due", "下次到期日期", (), parse=None),
    Column(
        "status",
        "状态",
        ("使用状态", "设备状态", "status"),
        parse=parsing.parse_status,
        concept=r"^(管理|使用|设备|在用|当前|目前)?状态$",
    ),
    Column("label", "标识", ("三色标识", "状态标识"), parse=None),
    Column("notes", "备注", ("说明", "notes"), concept=r"^备注|^说明"),
]
COLUMN_BY_FIELD = {column.field: column for column in COLUMNS}
IMPORTED = [column for column in COLUMNS if column.parse is not None]
FIELD_BY_NAME = {name: column.field for column in COLUMNS for name in column.names()}
# Concepts in the order they are tried: the more specific words first (证书编号 before 编号,
# 出厂编号 before 编号, 下次检定日期 before 检定日期, 检定单位名称 before 名称).
CONCEPT_ORDER = [
    COLUMN_BY_FIELD[name]
    for name in (
        "certificate_number",
        "serial_number",
        "interval_months",
        "valid_until",
        "commissioning_date",
        "record_date",
        "institution_name",
        "conclusion",
        "declared_mandatory",
        "purpose",
        "traceability",
        "abc_class",
        "manufacturer",
        "department",
        "location",
        "custodian",
        "measuring_range",
        "accuracy",
        "catalogue_item",
        "model",
        "notes",
        "status",
        "name",
        "management_number",
    )
]
