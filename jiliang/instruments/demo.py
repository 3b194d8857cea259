"""Demo ledgers of the two demo enterprises (idempotent, through the services).

Each instrument gets one to four past records placed so that its next due date falls where its
situation says: most well ahead, some due within 30 days, some overdue (mandatory ones among
both), a few restricted, failed, sealed, at verification or retired. Random choices are seeded;
dates follow today.
"""

import random
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from jiliang.core.dates import add_months, period_end
from jiliang.instruments import demo_import, services
from jiliang.instruments.catalogue import load_fixture, suggest
from jiliang.instruments.choices import (
    Conclusion,
    InstrumentStatus,
    MandatoryForm,
    Purpose,
    RecordKind,
    Traceability,
)
from jiliang.instruments.models import CatalogueItem, Instrument
from jiliang.orgs import demo as orgs_demo
from jiliang.orgs.models import Organisation

V, CAL, SELF = Traceability.VERIFICATION, Traceability.CALIBRATION, Traceability.SELF_CALIBRATION
ONCE, EXEMPT = Traceability.ONE_TIME, Traceability.EXEMPT
TRADE, SAFETY, HEALTH = Purpose.TRADE_SETTLEMENT, Purpose.SAFETY, Purpose.HEALTH
ENVIRONMENT, OTHER = Purpose.ENVIRONMENT, Purpose.OTHER
FIRST_ONLY = {MandatoryForm.FIRST_ONLY_DISCARD, MandatoryForm.FIRST_ONLY_ROTATE}
RECORD_KIND = {
    V: RecordKind.VERIFICATION,
    ONCE: RecordKind.VERIFICATION,
    CAL: RecordKind.CALIBRATION,
    SELF: RecordKind.SELF_CALIBRATION,
}
CERTIFICATE_PREFIX = {
    RecordKind.VERIFICATION: "JD",
    RecordKind.CALIBRATION: "JZ",
    RecordKind.SELF_CALIBRATION: "ZJ",
}

# situation: (days from today to the next due date, None for well ahead; latest conclusion;
# status; note)
SITUATIONS = {
    "normal": (None, Conclusion.PASS, InstrumentStatus.IN_USE, ""),
    "due_soon": ((3, 27), Conclusion.PASS, InstrumentStatus.IN_USE, ""),
    "overdue": ((-120, -3), Conclusion.PASS, InstrumentStatus.IN_USE, ""),
    "mandatory_due_soon": ((10, 27), Conclusion.PASS, InstrumentStatus.IN_USE, ""),
    "mandatory_overdue": ((-120, -3), Conclusion.PASS, InstrumentStatus.IN_USE, ""),
    "at_verification": (
        (1, 20),
        Conclusion.PASS,
        InstrumentStatus.AT_VERIFICATION,
        "已送检，等待证书。",
    ),
    "restricted": (
        None,
        Conclusion.RESTRICTED,
        InstrumentStatus.IN_USE,
        "部分量程超差，限在合格量程内使用。",
    ),
    "failed": (None, Conclusion.FAIL, InstrumentStatus.SUSPENDED, "检定不合格，停用待修。"),
    "repair": (None, Conclusion.FAIL, InstrumentStatus.REPAIR, "检定不合格，已送厂家维修。"),
    "sealed": (None, Conclusion.PASS, InstrumentStatus.SEALED, "产品线调整，暂时封存。"),
    "retired": (None, Conclusion.PASS, InstrumentStatus.RETIRED, "磨损超差，无修复价值，已报废。"),
}
# Given first, to periodically verified mandatory instruments only (trade instruments first, then
# the safety pressure gauges): the overdue ones go into the
# demo's past orders (orders.demo), the ones due in 10 to 27 days into none, so that the
# enterprise's mandatory filing finds them.
MANDATORY_SITUATIONS = {"mandatory_overdue", "mandatory_due_soon"}
DUE_SITUATIONS = {"due_soon", "overdue", "at_verification", *MANDATORY_SITUATIONS}


@dataclass(frozen=True)
class Ledger:
    organisation: str  # key of orgs.demo.ORGANISATIONS
    prefix: str  # of the management numbers
    departments: dict[str, tuple[list[str], list[str]]]  # department: (locations, custodians)
    # (name, model, manufacturer, range, accuracy, traceability, interval in months, purpose,
    # ABC class, departments separated by spaces, how many)
    instruments: list[tuple]
    other_institution: str  # performs a quarter of the verifications and calibrations
    own_lab: str  # performs the self-calibrations
    situations: list[tuple[str, int]]  # how many instruments in each situation but "normal"


# fmt: off
HENGXIN = Ledger(
    organisation="hengxin",
    prefix="HX-JL-",
    departments={
        "计量室": (["综合楼2F计量室", "计量室恒温间"], ["孙建国", "周敏"]),
        "机加工车间": (
            ["机加工车间数控区", "机加工车间车床区", "机加工车间磨床区", "热处理工段"],
            ["王海涛", "李建军", "赵志刚", "刘晓东"],
        ),
        "装配车间": (["装配一线", "装配二线", "试车台"], ["陈立新", "杨帆", "黄伟"]),
        "质检部": (["进货检验室", "成品检验室", "理化实验室"], ["吴芳", "郑丽", "马俊"]),
        "动力科": (["空压机站", "锅炉房", "配电室", "水泵房"], ["朱国强", "胡永胜"]),
        "仓储物流部": (["原材料库", "成品库", "地磅房"], ["林涛", "何静"]),
        "食堂": (["职工食堂后厨", "职工食堂售饭区"], ["高秀兰"]),
        "医务室": (["综合楼1F医务室"], ["梁晓燕"]),
        "加油站": (["厂区加油站"], ["宋保国"]),
    },
    instruments=[
        ("游标卡尺", "0-150mm", "哈尔滨量具刃具", "0~150 mm", "0.02 mm",
         V, 6, OTHER, "B", "机加工车间 装配车间 质检部", 30),
        ("数显卡尺", "111-101-10", "桂林广陆", "0~150 mm", "±0.03 mm",
         V, 6, OTHER, "B", "机加工车间 质检部", 15),
        ("游标卡尺", "0-300mm", "上海量具刃具", "0~300 mm", "0.02 mm",
         V, 6, OTHER, "B", "机加工车间 质检部", 6),
        ("外径千分尺", "0-25mm", "哈尔滨量具刃具", "0~25 mm", "0.01 mm",
         V, 6, OTHER, "B", "机加工车间 质检部", 15),
        ("外径千分尺", "25-50mm", "成都成量", "25~50 mm", "0.01 mm",
         V, 6, OTHER, "B", "机加工车间 质检部", 8),
        ("内径千分尺", "5-30mm", "哈尔滨量具刃具", "5~30 mm", "0.01 mm",
         V, 6, OTHER, "B", "机加工车间", 6),
        ("百分表", "0-10mm", "成都成量", "0~10 mm", "0.01 mm",
         V, 6, OTHER, "B", "机加工车间 装配车间 质检部", 12),
        ("千分表", "0-1mm", "哈尔滨量具刃具", "0~1 mm", "0.001 mm", V, 6, OTHER, "B", "质检部", 4),
        ("杠杆百分表", "0-0.8mm", "桂林广陆", "0~0.8 mm", "0.01 mm",
         SELF, 6, OTHER, "C", "机加工车间", 4),
        ("高度规", "0-300mm", "桂林广陆", "0~300 mm", "0.02 mm",
         V, 12, OTHER, "B", "质检部 计量室", 4),
        ("量块", "83块 1级", "成都成量", "0.5~100 mm", "1级", V, 12, OTHER, "A", "计量室", 3),
        ("塞尺", "0.02-1.00mm 32片", "上海量具刃具", "0.02~1.00 mm", "±0.005 mm",
         SELF, 12, OTHER, "C", "装配车间 机加工车间", 6),
        ("直角尺", "200×130mm", "上海量具刃具", "200×130 mm", "0级",
         SELF, 12, OTHER, "C", "机加工车间 质检部", 3),
        ("螺纹塞规", "M10×1.5-6H", "哈尔滨量具刃具", "M10×1.5", "6H",
         SELF, 6, OTHER, "B", "机加工车间 质检部", 8),
        ("钢直尺", "0-300mm", "上海量具刃具", "0~300 mm", "±0.1 mm",
         ONCE, None, OTHER, "C", "机加工车间 装配车间", 8),
        ("钢卷尺", "5m", "长城精工", "0~5 m", "Ⅱ级",
         ONCE, None, OTHER, "C", "装配车间 仓储物流部", 6),
        ("扭力扳手", "96312", "世达", "20~100 N·m", "±4%", CAL, 12, OTHER, "B", "装配车间", 6),
        ("洛氏硬度计", "HR-150A", "莱州华银", "20~70 HRC", "±1.5 HRC",
         V, 12, OTHER, "B", "质检部", 2),
        ("里氏硬度计", "TH110", "北京时代", "170~960 HLD", "±6 HLD",
         CAL, 12, OTHER, "C", "质检部", 1),
        ("三坐标测量机", "Global 07.10.07", "海克斯康", "700×1000×700 mm", "MPE_E=(1.7+L/333) μm",
         CAL, 12, OTHER, "A", "计量室", 1),
        ("表面粗糙度仪", "TR200", "北京时代", "Ra 0.025~12.5 μm", "±10%",
         CAL, 12, OTHER, "B", "质检部", 2),
        ("影像测量仪", "VMS-3020", "万濠精密仪器", "300×200 mm", "(3+L/200) μm",
         CAL, 12, OTHER, "B", "质检部", 1),
        ("压力表", "Y-100", "红旗仪表", "0~1.6 MPa", "1.6级", V, 6, SAFETY, "B", "动力科", 18),
        ("压力表", "Y-60", "上海自动化仪表", "0~1.0 MPa", "2.5级",
         V, 6, SAFETY, "B", "机加工车间 装配车间", 8),
        ("耐震压力表", "YN-100", "红旗仪表", "0~25 MPa", "1.6级",
         V, 6, SAFETY, "B", "机加工车间", 4),
        ("精密压力表", "YB-150", "红旗仪表", "0~2.5 MPa", "0.4级", V, 12, OTHER, "A", "计量室", 2),
        ("电子天平", "ME204E", "梅特勒-托利多", "0~220 g", "Ⅰ级",
         V, 12, OTHER, "A", "质检部 计量室", 2),
        ("电子天平", "JA2003", "上海恒平", "0~200 g", "Ⅱ级", V, 12, OTHER, "B", "质检部", 3),
        ("电子台秤", "TCS-150", "上海耀华", "0~150 kg", "Ⅲ级", V, 12, TRADE, "A", "仓储物流部", 4),
        ("电子汽车衡", "SCS-60", "梅特勒-托利多(常州)", "0~60 t", "Ⅲ级",
         V, 12, TRADE, "A", "仓储物流部", 1),
        ("电子计价秤", "ACS-30", "上海友声", "0~30 kg", "Ⅲ级", V, 12, TRADE, "A", "食堂", 2),
        ("砝码", "F1 1mg~200g", "上海天平仪器厂", "1 mg~200 g", "F1等级",
         V, 12, OTHER, "A", "计量室", 1),
        ("铸铁砝码", "M1 20kg", "上海天平仪器厂", "20 kg", "M1等级",
         V, 24, OTHER, "B", "计量室 仓储物流部", 2),
        ("温湿度计", "TH101B", "深圳华汉维", "-20~60 ℃，10~99 %RH", "±0.5 ℃，±5 %RH",
         CAL, 12, OTHER, "C", "计量室 质检部 仓储物流部", 8),
        ("热电偶", "WRN-130 K型", "上海自动化仪表三厂", "0~1000 ℃", "Ⅱ级",
         CAL, 12, OTHER, "B", "机加工车间", 6),
        ("红外测温仪", "59 MAX", "福禄克", "-30~350 ℃", "±2 ℃", CAL, 12, OTHER, "C", "动力科", 2),
        ("寒暑表", "", "", "-30~50 ℃", "1 ℃", EXEMPT, None, OTHER, "C", "仓储物流部", 3),
        ("数字万用表", "15B+", "福禄克", "0~1000 V", "±0.5%",
         CAL, 12, OTHER, "B", "动力科 装配车间", 5),
        ("数字万用表", "VC890D", "深圳胜利仪器", "0~600 V", "±0.8%",
         CAL, 12, OTHER, "C", "动力科 机加工车间", 4),
        ("钳形电流表", "UT203", "优利德", "0~400 A", "±2%", CAL, 12, OTHER, "C", "动力科", 3),
        ("兆欧表", "ZC-7", "上海第六电表厂", "0~500 MΩ", "1.0级", V, 12, SAFETY, "B", "动力科", 2),
        ("数字兆欧表", "UT511", "优利德", "0~10 GΩ", "±3%", V, 12, SAFETY, "B", "动力科", 1),
        ("接地电阻测试仪", "ZC-8", "上海第六电表厂", "0~100 Ω", "±3%",
         V, 12, SAFETY, "B", "动力科", 2),
        ("三相电子式电能表", "DTSU666", "正泰", "3×1.5(6) A", "1级",
         ONCE, None, OTHER, "C", "机加工车间 装配车间 食堂 动力科", 6),
        ("电流表", "42L6-A", "正泰", "0~300 A", "2.5级", ONCE, None, OTHER, "C", "动力科", 6),
        ("可燃气体报警器", "ES2000T", "深圳特安", "0~100 %LEL", "±5%FS",
         V, 12, SAFETY, "B", "动力科 食堂", 4),
        ("声级计", "AWA5688", "杭州爱华", "28~133 dB(A)", "2级",
         V, 12, ENVIRONMENT, "B", "动力科", 1),
        ("燃油加油机", "ZXJ-2222", "正星科技", "5~50 L/min", "±0.3%",
         V, 6, TRADE, "A", "加油站", 2),
        ("电子血压计", "HEM-7136", "欧姆龙(大连)", "0~299 mmHg", "±3 mmHg",
         V, 6, HEALTH, "A", "医务室", 1),
        ("台式血压计", "XJ11D", "江苏鱼跃", "0~300 mmHg", "±3 mmHg",
         V, 6, HEALTH, "A", "医务室", 1),
        ("玻璃体温计", "三角型", "江苏鱼跃", "35~42 ℃", "+0.10/−0.15 ℃",
         V, None, HEALTH, "A", "医务室", 5),
        ("冷水水表", "LXS-20E", "宁波水表", "DN20，Q3=4 m³/h", "2级",
         V, 72, TRADE, "A", "食堂", 3),
        ("膜式燃气表", "G6", "重庆前卫", "0.06~10 m³/h", "1.5级", V, 120, TRADE, "A", "食堂", 1),
    ],
    other_institution="郑州市计量技术研究所",
    own_lab="本公司计量室",
    situations=[("mandatory_overdue", 4), ("mandatory_due_soon", 3), ("due_soon", 12),
                ("overdue", 9), ("at_verification", 1), ("restricted", 4), ("failed", 1),
                ("repair", 1), ("sealed", 1), ("retired", 3)],
)

HUACHUANG = Ledger(
    organisation="huachuang",
    prefix="HC-JL-",
    departments={
        "SMT车间": (["SMT一线", "SMT二线"], ["张磊", "许婷"]),
        "组装车间": (["组装一线", "老化房", "包装线"], ["韩冬", "冯雪"]),
        "质量部": (["IQC检验室", "OQC检验室", "可靠性实验室"], ["邓辉", "曹琳"]),
        "研发中心": (["研发实验室", "EMC预测试室"], ["彭博", "田甜"]),
        "设备部": (["空压机房", "配电室"], ["袁刚"]),
        "仓库": (["原料仓", "成品仓"], ["蒋涛"]),
        "食堂": (["员工食堂"], ["潘桂英"]),
    },
    instruments=[
        ("数字万用表", "17B+", "福禄克", "0~1000 V", "±0.5%",
         CAL, 12, OTHER, "B", "SMT车间 组装车间 研发中心 设备部", 8),
        ("数字示波器", "DS1104Z Plus", "普源精电", "100 MHz", "±3%",
         CAL, 12, OTHER, "B", "研发中心 质量部", 4),
        ("直流稳压电源", "GPD-3303S", "固纬电子", "0~30 V，0~3 A", "±(0.03%+10 mV)",
         CAL, 12, OTHER, "C", "研发中心 组装车间", 4),
        ("LCR数字电桥", "TH2830", "同惠电子", "50 Hz~100 kHz", "0.1%",
         CAL, 12, OTHER, "B", "质量部", 2),
        ("耐压测试仪", "CS2672C", "南京长盛", "0~5 kV", "±5%",
         CAL, 12, OTHER, "A", "组装车间 质量部", 2),
        ("腕带测试仪", "SL-031", "深圳西斯特", "0.75~35 MΩ", "±10%",
         SELF, 6, OTHER, "C", "SMT车间 组装车间", 2),
        ("温湿度计", "TH101B", "深圳华汉维", "-20~60 ℃，10~99 %RH", "±0.5 ℃，±5 %RH",
         CAL, 12, OTHER, "C", "SMT车间 仓库 质量部", 6),
        ("炉温测试仪", "KIC X5", "KIC", "-150~1050 ℃", "±1.0 ℃", CAL, 12, OTHER, "A", "SMT车间", 1),
        ("游标卡尺", "0-150mm", "哈尔滨量具刃具", "0~150 mm", "0.02 mm",
         V, 6, OTHER, "B", "质量部 组装车间", 4),
        ("电子天平", "FA2004", "上海舜宇恒平", "0~200 g", "Ⅰ级", V, 12, OTHER, "B", "质量部", 1),
        ("接地电阻测试仪", "UT521", "优利德", "0~2000 Ω", "±2%", V, 12, SAFETY, "B", "设备部", 1),
        ("数字兆欧表", "UT511", "优利德", "0~10 GΩ", "±3%", V, 12, SAFETY, "B", "设备部", 1),
        # Process gauges (其他), not safety ones: verified at will, not under 强制检定.
        ("压力表", "Y-100", "红旗仪表", "0~1.6 MPa", "1.6级", V, 6, OTHER, "B", "设备部", 3),
        ("电子台秤", "TCS-150", "上海耀华", "0~150 kg", "Ⅲ级", V, 12, TRADE, "A", "仓库", 2),
        ("电子计价秤", "ACS-15", "上海友声", "0~15 kg", "Ⅲ级", V, 12, TRADE, "A", "食堂", 1),
        ("冷水水表", "LXS-25E", "宁波水表", "DN25，Q3=6.3 m³/h", "2级",
         V, 72, TRADE, "A", "设备部", 1),
    ],
    other_institution="洛阳市质量计量检测中心",
    own_lab="质量部计量组",
    situations=[("due_soon", 3), ("overdue", 2), ("restricted", 1), ("failed", 1), ("sealed", 1),
                ("retired", 1)],
)
# fmt: on


def load(admin) -> None:
    load_fixture(CatalogueItem)  # the reference rows, even in a database emptied by tests
    catalogue = list(CatalogueItem.objects.all())
    institute = demo_organisation("institute")
    for ledger in (HENGXIN, HUACHUANG):
        organisation = demo_organisation(ledger.organisation)
        if not Instrument.objects.filter(organisation=organisation).exists():
            _Loader(admin, ledger, organisation, institute).load(catalogue)
    demo_import.load(demo_organisation(HUACHUANG.organisation))


def demo_organisation(key: str) -> Organisation:
    _kind, _name, region_code, prefix, *_rest = orgs_demo.ORGANISATIONS[key]
    serial = list(orgs_demo.ORGANISATIONS).index(key) + 1
    return Organisation.objects.get(uscc=orgs_demo.demo_uscc(prefix, region_code, serial))


def _periodic(instrument) -> bool:
    """Verified or calibrated again every ``interval_months``."""
    return instrument.traceability in (V, CAL, SELF) and instrument.mandatory_form not in FIRST_ONLY


def _has_due_date(instrument) -> bool:
    return _periodic(instrument) or instrument.mandatory_form == MandatoryForm.FIRST_ONLY_ROTATE


class _Loader:
    """Writes one enterprise's ledger through the services."""

    def __init__(self, admin, ledger: Ledger, organisation, institute):
        self.admin, self.ledger, self.organisation = admin, ledger, organisation
        self.institute = institute
        self.rng = random.Random(2020)
        self.today = timezone.localdate()

    def load(self, catalogue) -> None:
        instruments = [
            self._instrument(row, catalogue)
            for row in self.ledger.instruments
            for _ in range(row[-1])
        ]
        for number, instrument in enumerate(instruments, 1):
            instrument.management_number = f"{self.ledger.prefix}{number:04d}"
        # Special situations go to instruments with a due date; out of service, restricted or
        # failed ones only to instruments outside mandatory verification.
        candidates = [i for i in instruments if _has_due_date(i)]
        self.rng.shuffle(candidates)
        situations = {}
        for situation, count in self.ledger.situations:
            eligible = [
                i
                for i in candidates
                if i.management_number not in situations
                and (situation in DUE_SITUATIONS or not i.is_mandatory)
                and (situation not in MANDATORY_SITUATIONS or (i.is_mandatory and _periodic(i)))
            ]
            if situation in MANDATORY_SITUATIONS:
                # The trade instruments first: orders.demo verifies the overdue ones.
                eligible.sort(key=lambda i: i.purpose != TRADE)
            situations.update((i.management_number, situation) for i in eligible[:count])
        for instrument in instruments:
            situation = situations.get(instrument.management_number, "normal")
            self._create(instrument, situation, corrected=instrument is instruments[0])

    def _instrument(self, row, catalogue) -> Instrument:
        name, model, maker, measuring_range, accuracy, traceability, interval, purpose = row[:8]
        abc_class, departments = row[8:10]
        department = self.rng.choice(departments.split())
        locations, custodians = self.ledger.departments[department]
        return Instrument(
            name=name,
            model=model,
            manufacturer=maker,
            measuring_range=measuring_range,
            accuracy=accuracy,
            department=department,
            location=self.rng.choice(locations),
            custodian=self.rng.choice(custodians),
            abc_class=abc_class,
            traceability=traceability,
            interval_months=interval,
            purpose=purpose,
            catalogue_item=suggest(name, catalogue),
        )

    def _create(self, instrument, situation: str, corrected: bool) -> None:
        """Create the instrument and its records; ``corrected``: its latest record is first
        entered with a mistyped certificate number, then corrected."""
        due_in, conclusion, status, note = SITUATIONS[situation]
        dates = self._record_dates(instrument, due_in)
        instrument.serial_number = (
            f"{instrument.commissioning_date:%y}{self.rng.randint(0, 99999):05d}"
        )
        instrument.status = (
            InstrumentStatus.IN_USE if status == InstrumentStatus.RETIRED else status
        )
        instrument.notes = note
        instrument = services.instrument_create(
            actor=self.admin,
            organisation=self.organisation,
            **{field: getattr(instrument, field) for field in services.INSTRUMENT_FIELDS},
        )
        for day in dates:
            latest = day == dates[-1]
            fields = self._record_fields(instrument, day, conclusion if latest else Conclusion.PASS)
            if latest and corrected:
                number = fields["certificate_number"]
                mistyped = services.record_create(
                    actor=self.admin,
                    instrument=instrument,
                    **{**fields, "certificate_number": number[:-2] + number[-1] + number[-2]},
                )
                fields.update(supersedes=mistyped, notes="更正：证书编号录入错误。")
            services.record_create(actor=self.admin, instrument=instrument, **fields)
        if status == InstrumentStatus.RETIRED:
            services.instrument_update(
                actor=self.admin, instrument=instrument, data={"status": status}
            )

    def _record_dates(self, instrument, due_in) -> list:
        """Record dates, oldest first, that put the next due date ``due_in`` (a range of days)
        from today, or well ahead; sets the commissioning date before the first record."""
        rng, today = self.rng, self.today
        if not _has_due_date(instrument):  # one record at commissioning, or none when exempt
            instrument.commissioning_date = today - timedelta(days=rng.randint(30, 3650))
            return [] if instrument.traceability == EXEMPT else [instrument.commissioning_date]
        months = instrument.interval_months
        low, high = due_in or (35, months * 30 - 5)
        latest = add_months(today + timedelta(days=rng.randint(low, high) + 1), -months)
        if not _periodic(instrument):  # replaced when due: the use life runs from commissioning
            instrument.commissioning_date = latest
            return [latest]
        earlier = [
            add_months(latest, -months * back) + timedelta(days=rng.randint(-7, 7))
            for back in range(rng.randint(0, 3), 0, -1)
        ]
        first = (earlier or [latest])[0]
        days_since_ten_years_ago = (first - today).days + 3650
        instrument.commissioning_date = first - timedelta(
            days=rng.randint(0, max(0, days_since_ten_years_ago))
        )
        return [*earlier, latest]

    def _record_fields(self, instrument, day, conclusion) -> dict:
        kind = RECORD_KIND[instrument.traceability]
        if kind == RecordKind.SELF_CALIBRATION:
            performed_by = {"institution_name": self.ledger.own_lab}
        elif self.rng.random() < 0.75:
            performed_by = {"institution": self.institute}
        else:
            performed_by = {"institution_name": self.ledger.other_institution}
        # Verification certificates state their validity; calibration certificates and the
        # results notice of a failed verification do not.
        states_validity = (
            kind == RecordKind.VERIFICATION
            and _periodic(instrument)
            and conclusion != Conclusion.FAIL
        )
        number = self.rng.randint(1, 99999)
        return {
            "date": day,
            "kind": kind,
            **performed_by,
            "certificate_number": f"{CERTIFICATE_PREFIX[kind]}{day.year}-{number:06d}",
            "conclusion": conclusion,
            "valid_until": period_end(day, instrument.interval_months) if states_validity else None,
        }
