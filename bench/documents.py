"""Benchmark: the PDFs people wait for, each against the same PDF without CJK text.

Measured, medians of 5 in one process (fonts opened and WeasyPrint loaded once, as in a
running server):
(l) ``instruments.labels.render_labels_pdf`` of 1,000 instruments on A4 sheets (38 pages),
    names of organisations and instruments in Chinese, a third of them 40 characters long
    (cut to two lines), every QR code different. Baseline (l0): the same labels with every
    name in ASCII (the printed words 合格, 有效期至… stay: they are the label's). Target: under
    5 s.
(s) ``campaigns.documents.statistics_pdf`` of a province: 28 child regions and the province's
    own line, the 14 indicators of the activity table with their Chinese names, the quota and
    the two completion rates. Baseline (s0): the same table with the regions, indicators and
    campaign named in ASCII. Target: under 2 s.
Nothing is read from or written to a database: the objects are built in memory, as the
selectors would return them.

Run with ``make bench`` or ``python bench/documents.py``.
"""

import os
import random
import sys
from datetime import date

from timing import median_ms, throwaway_state

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiliang.settings")
throwaway_state()

import django  # noqa: E402

django.setup()

from jiliang.campaigns.documents import statistics_pdf  # noqa: E402
from jiliang.campaigns.models import Campaign, Indicator, Quota  # noqa: E402
from jiliang.campaigns.periods import Period  # noqa: E402
from jiliang.campaigns.selectors import Cell, RollupRow, RollupTable  # noqa: E402
from jiliang.instruments.labels import render_labels_pdf  # noqa: E402
from jiliang.instruments.models import Instrument  # noqa: E402
from jiliang.orgs.models import Organisation, Region  # noqa: E402

REPEATS = 5
LABELS = 1000
TODAY = date(2025, 6, 1)
LABEL_TARGET_S, STATISTICS_TARGET_S = 5, 2
INSTRUMENT_NAMES = [
    ("弹性元件式一般压力表", "Pressure gauge"),
    ("电子天平（分析天平）", "Analytical balance"),
    ("游标卡尺", "Vernier caliper"),
    ("工作用玻璃液体温度计及配套使用的恒温槽与读数放大装置（含校准证书附件）", "Thermometer"),
]
INDICATORS = [
    "帮扶中小企业",
    "组成计量技术服务队",
    "走访企业",
    "开展计量技术服务",
    "发放调查问卷",
    "发放宣传资料",
    "举办座谈会、培训会",
    "开放实验室",
    "共享仪器设备",
    "解决计量问题",
    "指导企业建立计量标准",
    "帮助企业建立和完善测量管理体系",
    "参加计量课程企业",
    "开展计量比对",
]


def instruments(cjk: bool) -> list[Instrument]:
    organisation = Organisation(name="郑州市精密机械制造有限公司" if cjk else "Precision Works Ltd")
    made = []
    for number in range(LABELS):
        name = INSTRUMENT_NAMES[number % len(INSTRUMENT_NAMES)][0 if cjk else 1]
        made.append(
            Instrument(
                pk=number + 1,
                organisation=organisation,
                management_number=f"ZZJM-{number:05d}",
                name=name,
                last_record_date=date(2025, 3, 1),
                next_due=date(2026, 3, 1) if number % 5 else date(2025, 1, 1),
                last_conclusion=("pass", "restricted", "pass")[number % 3],
            )
        )
    return made


def labels(items) -> bytes:
    return render_labels_pdf(
        items,
        layout="sheet",
        url_for=lambda instrument: f"https://jiliang.example.cn/instruments/{instrument.pk}/",
        today=TODAY,
    )


def province_table(cjk: bool) -> RollupTable:
    rng = random.Random(2026)
    indicators = [
        Indicator(code=f"i{at}", name=name if cjk else f"Indicator {at}", unit="家" if cjk else "n")
        for at, name in enumerate(INDICATORS)
    ]

    def row(name):
        return RollupRow(
            region=Region(name=name),
            cells=[Cell(rng.randint(0, 500), rng.randint(0, 500)) for _ in indicators],
            quota=Quota(smes_to_help=100, smes_for_mms_training=30),
            achievement=rng.random(),
            mms_achievement=rng.random(),
        )

    campaign = Campaign(
        name="2020年“计量服务中小企业行”活动" if cjk else "Campaign 2020",
        year=2020,
        organiser=Organisation(name="河南省市场监督管理局" if cjk else "Henan bureau"),
    )
    children = [row(f"第{at}市" if cjk else f"City {at}") for at in range(28)]
    return RollupTable(
        campaign=campaign,
        region=Region(name="河南省" if cjk else "Henan"),
        period=Period("2020-03", date(2020, 3, 1), date(2020, 3, 31), date(2020, 4, 10)),
        indicators=indicators,
        own=row("河南省" if cjk else "Henan"),
        total=row("合计"),
        children=children,
    )


def verdict(seconds: float, target: float) -> str:
    return f"{'met' if seconds < target else 'NOT met'} ({seconds:.2f} s < {target} s)"


def main() -> None:
    labels(instruments(True)[:27])  # fonts opened, as in a server that printed before
    statistics_pdf(province_table(True))
    load = os.getloadavg()[0]
    print(f"medians of {REPEATS} (load average {load:.1f} on {os.cpu_count()} CPUs):")
    cjk, ascii_ = instruments(True), instruments(False)
    base = median_ms(labels, ascii_, repeats=REPEATS) / 1000
    seconds = median_ms(labels, cjk, repeats=REPEATS) / 1000
    print(
        f"  (l0) labels of {LABELS:,} instruments, ASCII names {base:6.2f} s\n"
        f"  (l)  labels of {LABELS:,} instruments, Chinese names {seconds:6.2f} s | ratio "
        f"(l)/(l0) {seconds / base:5.2f} | {len(labels(cjk)) / 1024:,.0f} KiB"
    )
    table, plain = province_table(True), province_table(False)
    statistics_base = median_ms(statistics_pdf, plain, repeats=REPEATS) / 1000
    statistics = median_ms(statistics_pdf, table, repeats=REPEATS) / 1000
    print(
        f"  (s0) statistics PDF of a province, ASCII names {statistics_base:6.2f} s\n"
        f"  (s)  statistics PDF of a province, Chinese names {statistics:6.2f} s | ratio "
        f"(s)/(s0) {statistics / statistics_base:5.2f}"
    )
    print(
        f"  labels of {LABELS:,} instruments under {LABEL_TARGET_S} s: "
        f"{verdict(seconds, LABEL_TARGET_S)}"
    )
    print(
        f"  statistics PDF of a province under {STATISTICS_TARGET_S} s: "
        f"{verdict(statistics, STATISTICS_TARGET_S)}"
    )


if __name__ == "__main__":
    sys.exit(main())
