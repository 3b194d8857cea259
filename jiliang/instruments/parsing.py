"""Reading what people type into ledger spreadsheets: dates, intervals and the usual words.

Every parser takes the cleaned cell text (see ``core.spreadsheets.clean_cell``) and returns the
value, or raises ``ValueError`` with a message for the user.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta
from functools import lru_cache

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiliang.instruments.choices import (
    AbcClass,
    Conclusion,
    InstrumentStatus,
    Purpose,
    Traceability,
)

EXCEL_EPOCH = date(1899, 12, 30)
# Excel serials of plausible ledger dates: 1950-01-01 to 2099-12-31.
EXCEL_SERIALS = range(18264, 73051)
CHINESE_NUMBERS = {
    "一": 1,
    "两": 2,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
    "十二": 12,
    "十八": 18,
    "二十四": 24,
    "三十六": 36,
}
# Ledgers repeat the same dates and words thousands of times; errors are not cached.
PARSED_CACHE = 8192
DATE_PATTERN = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def normalise(text: str) -> str:
    """Full-width digits and letters to ASCII (NFKC), inner spaces collapsed, ends trimmed."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


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
    elif re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}(:\d{2})?", text):
        return date.fromisoformat(text[:10])
    else:
        raise ValueError(_("“%(value)s” is not a date such as 2020-05-06.") % {"value": text})
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(_("“%(value)s” is not a day of the calendar.") % {"value": text}) from None


@lru_cache(maxsize=PARSED_CACHE)
def parse_interval(text: str) -> int | None:
    """Months: 12, 12个月, 12月, 1年, 一年, 半年, 两年, 24."""
    text = normalise(text).replace("个", "").replace(" ", "")
    if not text:
        return None
    if text == "半年":
        return 6
    match = re.fullmatch(r"(\d+(?:\.\d+)?|[一两二三四五六七八九十]+)(年|月)?", text)
    if match:
        number, unit = match.groups()
        value = float(number) if number[0].isdigit() else CHINESE_NUMBERS.get(number)
        if value is not None:
            months = value * 12 if unit == "年" else value
            if months == int(months) and 1 <= months <= 600:
                return int(months)
    raise ValueError(
        _("“%(value)s” is not an interval such as 12, 12个月, 1年 or 半年.") % {"value": text}
    )


def word_parser(choices: dict[str, str], *, what: str):
    """A parser for a choice field from the usual words, matched after normalising."""
    lookup = {normalise(word).lower(): value for word, value in choices.items()}

    @lru_cache(maxsize=PARSED_CACHE)
    def parse(text: str) -> str:
        key = normalise(text).lower()
        if not key:
            return ""
        if key in lookup:
            return lookup[key]
        raise ValueError(
            _("“%(value)s” is not a known %(what)s; use one of: %(words)s.")
            % {"value": text, "what": what, "words": "、".join(dict.fromkeys(choices))}
        )

    # The first word given for a value is how exports write it.
    parse.canonical = {value: word for word, value in reversed(choices.items())}
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
)
