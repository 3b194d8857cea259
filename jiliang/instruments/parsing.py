"""Reading what people type into ledger spreadsheets: dates, intervals and the usual words.

Every parser takes the cleaned cell text (see ``core.spreadsheets.clean_cell``) and returns the
value, or raises ``ValueError`` with a message for the user.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiliang.instruments.choices import (
    AbcClass,
    Conclusion,
    InstrumentStatus,
    Purpose,
    Traceability,
)
from jiliang.instruments.validators import validate_ledger_day

EXCEL_EPOCH = date(1899, 12, 30)
# Excel serials of plausible ledger dates: 1950-01-01 to 2099-12-31.
EXCEL_SERIALS = range(18264, 73051)
CHINESE_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8}
CHINESE_DIGITS |= {"九": 9}
# The unit words of intervals, in headers (检定周期（天）) and in cells (365天).
INTERVAL_UNITS = {
    "天": "days",
    "日": "days",
    "d": "days",
    "周": "weeks",
    "星期": "weeks",
    "w": "weeks",
    "月": "months",
    "个月": "months",
    "m": "months",
    "年": "years",
    "y": "years",
}
DAYS_PER_MONTH = 365.25 / 12
# An interval given in days or weeks reads as whole months when it is this close to them.
MONTH_TOLERANCE_DAYS = 3
# Ledgers repeat the same dates and words thousands of times; errors are not cached.
PARSED_CACHE = 8192
# A time after the day (2021/6/1 0:00:00, as .NET and Excel write it) is left out.
DATE_PATTERN = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?$"
)


def normalise(text: str) -> str:
    """Full-width digits and letters to ASCII (NFKC), inner spaces collapsed, ends trimmed."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


class Unfamiliar(Exception):
    """A cell read, but not as the user may have meant it: ``value`` is what it is read as,
    ``message`` says so; ``keeps_text``: the cell's text is kept beside the value."""

    def __init__(self, value, message: str, *, keeps_text: bool = False):
        super().__init__(message)
        self.value, self.message, self.keeps_text = value, message, keeps_text


@lru_cache(maxsize=PARSED_CACHE)
def parse_date(text: str) -> date | None:
    """2020-05-06, 2020/5/6, 2020.5.6, 2020年5月6日, 20200506 or an Excel date serial."""
    text = normalise(text)
    if not text or text in {"-", "—", "/", "无"}:
        return None
    if match := DATE_PATTERN.match(text):
        year, month, day = (int(part) for part in match.groups())
    elif re.fullmatch(r"\d{8}", text):
        year, month, day = int(text[:4]), int(text[4:6]), int(text[6:])
    elif re.fullmatch(r"\d+(\.0+)?", text) and int(float(text)) in EXCEL_SERIALS:
        return EXCEL_EPOCH + timedelta(days=int(float(text)))
    else:
        raise ValueError(_("“%(value)s” is not a date such as 2020-05-06.") % {"value": text})
    try:
        day = date(year, month, day)
    except ValueError:
        raise ValueError(_("“%(value)s” is not a day of the calendar.") % {"value": text}) from None
    try:
        validate_ledger_day(day)
    except ValidationError as error:
        raise ValueError(error.messages[0]) from None
    return day


INTERVAL_PATTERN = re.compile(
    r"(\d+(?:\.\d+)?|[一两二三四五六七八九十]+)?(个月|月|年|周|星期|天|日|[dwmy])?"
)


@lru_cache(maxsize=PARSED_CACHE)
def parse_interval(text: str, unit: str = "months") -> int | None:
    """Months: 12, 12个月, 1年, 一年, 半年, 每年, 1次/年, 365天, 52周; a number without a unit
    is in the header's ``unit`` (days, weeks, months or years)."""
    text = normalise(text).lower().replace(" ", "")
    if not text:
        return None
    words = text.replace("/次", "").replace("次/", "").replace("一次", "").removeprefix("每")
    words = words.replace("半年", "6个月")
    match = INTERVAL_PATTERN.fullmatch(words)
    number = _interval_number(match.group(1)) if match else None
    if not match or not (match.group(1) or match.group(2)) or number is None:
        raise ValueError(
            _("“%(value)s” is not an interval such as 12, 12个月, 1年, 半年 or 365天.")
            % {"value": text}
        )
    return _months(text, number, INTERVAL_UNITS[match.group(2)] if match.group(2) else unit)


def _interval_number(text: str | None) -> float | None:
    if text is None:
        return 1  # 每年, 每月
    if text[0].isdigit():
        return float(text)
    return chinese_number(text)


def chinese_number(text: str) -> int | None:
    """一 to 九十九: 六, 十, 十二, 二十四, 三十六."""
    if text in CHINESE_DIGITS:
        return CHINESE_DIGITS[text]
    tens, ten, ones = text.partition("十")
    if not ten or (tens and tens not in CHINESE_DIGITS) or (ones and ones not in CHINESE_DIGITS):
        return None
    return CHINESE_DIGITS.get(tens, 1) * 10 + CHINESE_DIGITS.get(ones, 0)


def _months(text: str, number: float, unit: str) -> int:
    days = {"days": number, "weeks": number * 7}.get(unit)
    months = number * 12 if unit == "years" else number if days is None else days / DAYS_PER_MONTH
    whole = round(months)
    if not 1 <= whole <= 600:
        raise ValueError(
            _("“%(value)s” is not an interval between one month and fifty years.") % {"value": text}
        )
    if days is None and months != whole:
        raise ValueError(_("“%(value)s” is not an interval of whole months.") % {"value": text})
    if days is not None and abs(days - whole * DAYS_PER_MONTH) > MONTH_TOLERANCE_DAYS:
        raise Unfamiliar(
            whole,
            _("“%(value)s” is not an interval of whole months: read as %(months)d months.")
            % {"value": text, "months": whole},
        )
    return whole


NOT_GIVEN = object()


def word_parser(choices: dict[str, str], *, what: str, default=NOT_GIVEN):
    """A parser for a choice field from the usual words, matched after normalising. Another
    word is a problem, or, when the field has a ``default``, read as it with a warning (the
    word is kept beside it); either way the user can say which value it means."""
    lookup = {normalise(word).lower(): value for word, value in choices.items()}
    words = "、".join(dict.fromkeys(choices))

    @lru_cache(maxsize=PARSED_CACHE)
    def parse(text: str) -> str:
        key = normalise(text).lower()
        if not key:
            return ""
        if key in lookup:
            return lookup[key]
        if default is NOT_GIVEN:
            raise ValueError(
                _("“%(value)s” is not a known %(what)s; use one of: %(words)s.")
                % {"value": text, "what": what, "words": words}
            )
        raise Unfamiliar(
            default,
            _(
                "“%(value)s” is not a known %(what)s: read as %(default)s and kept as written; "
                "say which %(what)s it means under “Values” if that is wrong."
            )
            % {"value": text, "what": what, "default": parse.canonical.get(default, "—")},
            keeps_text=True,
        )

    # The first word given for a value is how exports write it.
    parse.canonical = {value: word for word, value in reversed(choices.items())}
    parse.choices = choices
    return parse


parse_conclusion = word_parser(
    {
        "合格": Conclusion.PASS,
        "符合": Conclusion.PASS,
        "pass": Conclusion.PASS,
        "不合格": Conclusion.FAIL,
        "不符合": Conclusion.FAIL,
        "fail": Conclusion.FAIL,
        "准用": Conclusion.RESTRICTED,
        "限用": Conclusion.RESTRICTED,
        "准用(限用)": Conclusion.RESTRICTED,
        "限制使用": Conclusion.RESTRICTED,
        "降级使用": Conclusion.RESTRICTED,
        "restricted": Conclusion.RESTRICTED,
    },
    what=gettext_lazy("conclusion"),
)
parse_status = word_parser(
    {
        "在用": InstrumentStatus.IN_USE,
        "正常": InstrumentStatus.IN_USE,
        "使用": InstrumentStatus.IN_USE,
        "使用中": InstrumentStatus.IN_USE,
        "in_use": InstrumentStatus.IN_USE,
        "停用": InstrumentStatus.SUSPENDED,
        "封存": InstrumentStatus.SEALED,
        "报废": InstrumentStatus.RETIRED,
        "已报废": InstrumentStatus.RETIRED,
        "送检中": InstrumentStatus.AT_VERIFICATION,
        "送检": InstrumentStatus.AT_VERIFICATION,
        "维修": InstrumentStatus.REPAIR,
        "维修中": InstrumentStatus.REPAIR,
    },
    what=gettext_lazy("status"),
    default=InstrumentStatus.IN_USE,
)
parse_purpose = word_parser(
    {
        "贸易结算": Purpose.TRADE_SETTLEMENT,
        "贸易": Purpose.TRADE_SETTLEMENT,
        "安全防护": Purpose.SAFETY,
        "安全": Purpose.SAFETY,
        "医疗卫生": Purpose.HEALTH,
        "医疗": Purpose.HEALTH,
        "环境监测": Purpose.ENVIRONMENT,
        "环保": Purpose.ENVIRONMENT,
        "其他": Purpose.OTHER,
        "其它": Purpose.OTHER,
        "生产": Purpose.OTHER,
        "工艺控制": Purpose.OTHER,
        "质量检测": Purpose.OTHER,
    },
    what=gettext_lazy("purpose"),
    default=Purpose.OTHER,
)
parse_traceability = word_parser(
    {
        "检定": Traceability.VERIFICATION,
        "周期检定": Traceability.VERIFICATION,
        "强检": Traceability.VERIFICATION,
        "校准": Traceability.CALIBRATION,
        "自校": Traceability.SELF_CALIBRATION,
        "内校": Traceability.SELF_CALIBRATION,
        "比对": Traceability.SELF_CALIBRATION,
        "一次性检定": Traceability.ONE_TIME,
        "一次性": Traceability.ONE_TIME,
        "免检": Traceability.EXEMPT,
    },
    what=gettext_lazy("traceability"),
    default=Traceability.VERIFICATION,
)
parse_abc_class = word_parser(
    {
        "A": AbcClass.A,
        "A类": AbcClass.A,
        "B": AbcClass.B,
        "B类": AbcClass.B,
        "C": AbcClass.C,
        "C类": AbcClass.C,
    },
    what=gettext_lazy("ABC class"),
    default="",
)
MANDATORY = "yes"
NOT_MANDATORY = "no"
# What a ledger's 是否强检 or 器具类型 column says; "yes" and "no" stand for True and False, which a
# choice parser cannot return as they are (False is no value).
parse_mandatory_word = word_parser(
    {
        "是": MANDATORY,
        "强检": MANDATORY,
        "强制检定": MANDATORY,
        "强检工作计量器具": MANDATORY,
        "强制检定工作计量器具": MANDATORY,
        "强检计量器具": MANDATORY,
        "强检器具": MANDATORY,
        "属于": MANDATORY,
        "y": MANDATORY,
        "yes": MANDATORY,
        "√": MANDATORY,
        "✓": MANDATORY,
        "否": NOT_MANDATORY,
        "非强检": NOT_MANDATORY,
        "非强制检定": NOT_MANDATORY,
        "非强检工作计量器具": NOT_MANDATORY,
        "非强制检定工作计量器具": NOT_MANDATORY,
        "非强检计量器具": NOT_MANDATORY,
        "非强检器具": NOT_MANDATORY,
        "不属于": NOT_MANDATORY,
        "一般": NOT_MANDATORY,
        "n": NOT_MANDATORY,
        "no": NOT_MANDATORY,
        "×": NOT_MANDATORY,
        "✗": NOT_MANDATORY,
    },
    what=gettext_lazy("answer to “under mandatory verification?”"),
    default="",
)


# What the platform's own export writes when it cannot decide: the ledger then says nothing.
UNDECIDED_WORDS = frozenset({"无法判定", "待定", "不确定"})


def parse_mandatory(text: str) -> bool | None:
    """是/否, 强检/非强检, 强检工作计量器具: what the ledger says of mandatory verification."""
    if normalise(text) in UNDECIDED_WORDS:
        return None
    try:
        word = parse_mandatory_word(text)
    except Unfamiliar as unfamiliar:
        raise Unfamiliar(None, unfamiliar.message, keeps_text=True) from None
    return {MANDATORY: True, NOT_MANDATORY: False}.get(word)


parse_mandatory.canonical = {True: "是", False: "否"}
parse_mandatory.choices = {"是": True, "否": False}
