"""Demo orders between the two demo enterprises and the demo institution (idempotent, through the
services), spread over the past ten weeks: at least one in every state, completed ones on time
and late, so that the institution's queue, the remaining days and the regulators' statistics
show what they would after weeks of use.

Every step is replayed on its own past working day: the services are called with that day as
``today``, and with the clock (``django.utils.timezone.now``) set to that day's office hours, so
that creation, submission and completion times, the deadlines (working days, official holidays
excluded), the order numbers, the audit trail behind each order's history and the notifications
all carry that day. The orders are created oldest first, so that their numbers grow with their
dates.

Both demo enterprises are SMEs, so their orders are in the green channel (5 working days for a
verification or calibration); an approval has 20 (行政许可法 §42) and its clock stops for the
expert review (§45). Instruments are taken from the demo ledgers by what they are and how soon
they are due, the most overdue first; the mandatory instruments of 恒信 due within the next 30
days (instruments.demo) are left out of every order, for its mandatory filing to find.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from unittest import mock

from django.contrib.auth import get_user_model
from django.utils import timezone

from jiliang.core import workdays
from jiliang.core.dates import period_end
from jiliang.instruments.choices import Conclusion, InstrumentStatus, Traceability
from jiliang.instruments.demo import demo_organisation
from jiliang.instruments.models import Instrument
from jiliang.orders import certificates, institution_services, services
from jiliang.orders.choices import OrderKind, ServiceMode
from jiliang.orders.models import Order, OrderPause
from jiliang.orders.numbering import DEFAULT_PATTERN

V, CAL = Traceability.VERIFICATION, Traceability.CALIBRATION
PASS, RESTRICTED = Conclusion.PASS, Conclusion.RESTRICTED
# Numbers above those of the demo ledgers' records (at most 099999), one series per year.
FIRST_CERTIFICATE = 100001
# The institute's measurement standards: (a word of the instruments it serves, name,
# certificate of its assessment, uncertainty or accuracy, days it is valid yet).
STANDARDS = [
    ("压力表", "精密压力表标准装置", "[2019]豫量标法证字第012号", "0.25 级", 540),
    ("卡尺", "量块标准装置", "[2018]豫量标法证字第045号", "3 等量块", 410),
    ("天平", "E2 等级砝码标准装置", "[2020]豫量标法证字第031号", "E2 等级", 720),
    ("秤", "F1 等级砝码标准装置", "[2020]豫量标法证字第032号", "F1 等级", 720),
    ("万用表", "多功能校准源标准装置", "[2021]豫量标法证字第076号", "U=0.005%（k=2）", 300),
    ("报警器", "可燃气体检测报警器检定装置", "[2017]豫量标法证字第108号", "U=2%（k=2）", 200),
]
TRADE_INSTRUMENTS = ["电子台秤", "电子计价秤", "电子汽车衡", "燃油加油机"]
# When in the day each step happens (the minutes shift a little from order to order).
HOURS = {
    "create": (8, 40),
    "submit": (9, 5),
    "accept": (10, 10),
    "receive": (14, 20),
    "result": (15, 30),
    "complete": (16, 40),
    "return": (11, 0),
    "cancel": (9, 40),
    "pause": (10, 50),
    "visit": (11, 30),
}


@dataclass(frozen=True)
class Customer:
    organisation: str  # key of orgs.demo.ORGANISATIONS
    username: str  # its administrator, who orders
    contact_name: str
    contact_phone: str
    site_address: str


HENGXIN = Customer(
    "hengxin", "demo-enterprise", "周敏", "0371-63958821", "郑州市金水区国基路88号 恒信公司动力科"
)
HUACHUANG = Customer(
    "huachuang", "demo-enterprise-b", "邓辉", "0379-64321876", "洛阳市涧西区 华创公司质量部"
)
INSTITUTION_USERNAME = "demo-institution"


def load(admin) -> None:
    institute = demo_organisation("institute")
    enterprises = [demo_organisation(customer.organisation) for customer in (HENGXIN, HUACHUANG)]
    if Order.objects.filter(institution=institute, enterprise__in=enterprises).exists():
        return
    _Loader(institute).load()


class _Loader:
    def __init__(self, institute):
        self.institute = institute
        self.staff = get_user_model().objects.get(username=INSTITUTION_USERNAME)
        self.now = timezone.now()
        self.today = timezone.localdate(self.now)
        self.taken: set[int] = set()  # instruments given to an order of the demo
        self.certificates = FIRST_CERTIFICATE
        self.sequence = 0  # orders created so far
        self.created_on: Counter[date] = Counter()  # orders created on each day

    def load(self) -> None:
        """The orders, oldest first; each step ``n`` working days ago (W n)."""
        self.certificate_settings()
        self.standard_of_huachuang()  # W47
        self.dial_gauges()  # W40
        self.clamp_meters()  # W37
        self.safety_gauges()  # W31
        self.hygrometers()  # W28
        self.scales()  # W23
        self.pressure_gauges()  # W21
        self.filing()  # W18
        self.standard_of_hengxin()  # W17
        self.cancelled()  # W15
        self.balances()  # W15
        self.gas_detectors()  # W13
        self.multimeter()  # W11
        self.mailed()  # W9
        self.callipers()  # W4
        self.returned()  # W3
        self.accepted()  # W2
        self.submitted_by_hengxin()  # W1
        self.draft_of_hengxin()  # W1
        self.submitted_by_huachuang()  # W0
        self.draft_of_huachuang()  # W0

    def certificate_settings(self) -> None:
        """The institute numbers its certificates by a rule (HNJL2026-00001) and keeps its
        measurement standards; a result names those made for its kind of instrument."""
        institution_services.number_rule_set(
            actor=self.staff, institution=self.institute, prefix="HNJL", pattern=DEFAULT_PATTERN
        )
        self.standards = {
            keyword: institution_services.standard_create(
                actor=self.staff,
                institution=self.institute,
                name=name,
                certificate_number=number,
                accuracy=accuracy,
                valid_until=self.today + timedelta(days=days),
            )
            for keyword, name, number, accuracy, days in STANDARDS
        }

    # Completed -----------------------------------------------------------------------------

    def standard_of_huachuang(self) -> None:
        """An approval completed within its 20 working days, the expert review not counted."""
        order = self.order(
            HUACHUANG,
            OrderKind.STANDARD_ASSESSMENT,
            [],
            47,
            description=(
                "企业最高计量标准新建考核：数字多用表校准装置，主标准器为 6½ 位数字多用表和"
                "多功能校准源（质量部计量组）。"
            ),
        )
        self.submit(order, 47)
        self.accept(order, 45)
        self.receive(order, 44)
        self.pause(order, 35, ended=29)
        with self.clock(25, "result"):
            services.item_record_result(
                actor=self.staff,
                item=order.items.get(),
                conclusion=PASS,
                result_date=self.workdays_ago(25),
                certificate_number=f"[{self.workdays_ago(25).year}]豫量标企证字第0137号",
                valid_until=period_end(self.workdays_ago(25), 48),
            )
        self.complete(order, 24)

    def dial_gauges(self) -> None:
        """Completed on its deadline day: on time."""
        order = self.order(
            HENGXIN,
            OrderKind.VERIFICATION,
            self.pick(HENGXIN, 3, 40, names=["百分表", "千分表"], traceability=V),
            40,
            description="质检部百分表、千分表周期检定",
        )
        self.run(order, submit=40, accept=39, receive=38, results=34, complete=33)

    def clamp_meters(self) -> None:
        order = self.order(
            HENGXIN,
            OrderKind.CALIBRATION,
            self.pick(HENGXIN, 2, 37, names=["钳形电流表"], traceability=CAL),
            37,
            description="动力科钳形电流表校准",
        )
        self.run(order, submit=37, accept=36, receive=35, results=32, complete=31)

    def safety_gauges(self) -> None:
        """The boiler room's and compressor station's safety gauges, one of them restricted."""
        order = self.order(
            HENGXIN,
            OrderKind.VERIFICATION,
            self.pick(HENGXIN, 3, 31, names=["压力表", "兆欧表", "接地电阻测试仪"], traceability=V),
            31,
            description="动力科压力表、兆欧表周期检定（安全防护用）",
        )
        self.run(
            order,
            submit=30,
            accept=29,
            receive=28,
            results=25,
            complete=24,
            conclusions=[PASS, PASS, RESTRICTED],
        )

    def hygrometers(self) -> None:
        """Completed three working days late."""
        order = self.order(
            HUACHUANG,
            OrderKind.CALIBRATION,
            self.pick(HUACHUANG, 2, 28, names=["温湿度计"], traceability=CAL),
            28,
            description="SMT车间、仓库温湿度计校准",
        )
        self.run(order, submit=28, accept=27, receive=27, results=20, complete=19)

    def scales(self) -> None:
        """A mandatory verification finished after its limit: free of any fee (1987 办法
        §15), flagged as finished late."""
        order = self.order(
            HENGXIN,
            OrderKind.MANDATORY_VERIFICATION,
            self.pick(HENGXIN, 2, 23, names=TRADE_INSTRUMENTS, mandatory=True),
            23,
            description="贸易结算用计量器具强制检定（加油站、仓储物流部）",
        )
        self.run(order, submit=23, accept=22, receive=21, results=14, complete=13)

    def pressure_gauges(self) -> None:
        order = self.order(
            HUACHUANG,
            OrderKind.VERIFICATION,
            self.pick(HUACHUANG, 2, 21, names=["压力表"], traceability=V),
            21,
            description="设备部空压机房压力表周期检定",
        )
        self.run(order, submit=21, accept=20, receive=20, results=18, complete=17)

    def filing(self) -> None:
        """强检备案 and 预约 in one step, of every mandatory instrument then due within 30 days;
        completed on time."""
        with self.clock(18, "create"):
            order = services.mandatory_filing(
                actor=self.enterprise_user(HENGXIN),
                enterprise=demo_organisation(HENGXIN.organisation),
                institution=self.institute,
                today=self.workdays_ago(18),
                service_mode=ServiceMode.DROP_OFF,
                contact_name=HENGXIN.contact_name,
                contact_phone=HENGXIN.contact_phone,
            )
        self.sequence += 1
        self.taken.update(order.items.values_list("instrument_id", flat=True))
        self.run(order, submit=18, accept=17, receive=16, results=13, complete=12)

    def balances(self) -> None:
        """A verification completed two working days late (no fee waived: not mandatory)."""
        order = self.order(
            HENGXIN,
            OrderKind.VERIFICATION,
            self.pick(HENGXIN, 2, 15, names=["电子天平"], traceability=V),
            15,
            description="质检部、计量室电子天平周期检定",
        )
        self.run(order, submit=14, accept=13, receive=13, results=6, complete=6)

    def multimeter(self) -> None:
        """A multimeter calibrated, errors and uncertainty stated."""
        order = self.order(
            HUACHUANG,
            OrderKind.CALIBRATION,
            self.pick(HUACHUANG, 1, 11, names=["数字万用表"], traceability=CAL),
            11,
            description="研发中心数字万用表校准",
        )
        self.run(order, submit=11, accept=10, receive=10, results=8, complete=7)

    # Open ----------------------------------------------------------------------------------

    def standard_of_hengxin(self) -> None:
        """An approval accepted 16 working days ago, its clock stopped for the expert review
        since 5 working days (the pause is recorded today, so that the deadline shown counts
        it up to today)."""
        order = self.order(
            HENGXIN,
            OrderKind.STANDARD_ASSESSMENT,
            [],
            17,
            description=(
                "企业最高计量标准新建考核：0.4级精密压力表标准装置，测量范围 0~2.5 MPa，"
                "主标准器为 0.05 级活塞式压力计（计量室恒温间）。"
            ),
        )
        self.submit(order, 17)
        self.accept(order, 16)
        services.pause_start(
            actor=self.staff,
            order=order,
            reason=OrderPause.Reason.EXPERT_REVIEW,
            started=self.workdays_ago(5),
        )

    def gas_detectors(self) -> None:
        """On site, past its deadline: the visit scheduled on acceptance, fixed gas detectors
        verified on the day, one of them done."""
        order = self.order(
            HENGXIN,
            OrderKind.VERIFICATION,
            self.pick(HENGXIN, 2, 13, names=["可燃气体报警器"], traceability=V),
            13,
            service_mode=ServiceMode.ON_SITE,
            site_address=HENGXIN.site_address + "（锅炉房、职工食堂后厨）",
            wished_from=self.workdays_ago(10),
            wished_to=self.workdays_ago(8),
            description="固定式可燃气体报警器现场检定，需停气配合，请提前一天电话联系。",
        )
        self.run(order, submit=13, accept=12)
        with self.clock(12, "visit"):
            services.order_schedule_visit(
                actor=self.staff, order=order, visit_date=self.workdays_ago(9)
            )
        self.receive(order, 9)  # the visit: the clock starts
        self.results(order, 4, count=1, generate=True)

    def mailed(self) -> None:
        """Mailed in by courier, past its deadline, no result yet."""
        order = self.order(
            HUACHUANG,
            OrderKind.CALIBRATION,
            self.pick(HUACHUANG, 2, 9, names=["温湿度计", "直流稳压电源"], traceability=CAL),
            9,
            service_mode=ServiceMode.MAIL,
            carrier="顺丰",
            tracking_number="SF1462093857231",
            description="温湿度计、直流稳压电源邮寄校准，校准后请原路寄回。",
        )
        self.run(order, submit=9, accept=8, receive=7)

    def callipers(self) -> None:
        """Dropped off two working days ago: the calliper already marked 送检中 in the ledger
        and the next one due, the first already verified."""
        order = self.order(
            HENGXIN,
            OrderKind.VERIFICATION,
            self.pick(HENGXIN, 1, 4, status=InstrumentStatus.AT_VERIFICATION)
            + self.pick(HENGXIN, 1, 4, names=["游标卡尺", "数显卡尺"], traceability=V),
            4,
            description="质检部量具周期检定",
        )
        self.run(order, submit=3, accept=3, receive=2)
        self.results(order, 1, count=1, generate=True)

    def returned(self) -> None:
        """Returned: a multimeter is calibrated, not verified."""
        order = self.order(
            HUACHUANG,
            OrderKind.VERIFICATION,
            self.pick(HUACHUANG, 1, 3, names=["数字万用表"], traceability=CAL),
            3,
            description="SMT车间数字万用表检定",
        )
        self.submit(order, 3)
        with self.clock(2, "return"):
            services.order_return(
                actor=self.staff,
                order=order,
                reason=(
                    "数字万用表不在强制检定目录内，本院按 JJF 1587-2016《数字多用表校准规范》"
                    "提供校准服务。请将服务类型改为“校准”后重新提交。"
                ),
            )

    def accepted(self) -> None:
        """Accepted, the items not yet brought in: no clock yet."""
        order = self.order(
            HENGXIN,
            OrderKind.CALIBRATION,
            self.pick(HENGXIN, 2, 2, names=["数字万用表", "扭力扳手"], traceability=CAL),
            2,
            description="动力科万用表、装配车间扭力扳手校准",
        )
        self.run(order, submit=2, accept=1)

    def submitted_by_hengxin(self) -> None:
        """Callipers and micrometers due soon, to be brought in next week."""
        order = self.order(
            HENGXIN,
            OrderKind.VERIFICATION,
            self.pick(HENGXIN, 3, 1, names=["数显卡尺", "游标卡尺", "外径千分尺"], traceability=V),
            1,
            wished_from=self.today + timedelta(days=3),
            wished_to=self.today + timedelta(days=10),
            description="机加工车间量具周期检定",
        )
        self.submit(order, 1)

    def submitted_by_huachuang(self) -> None:
        order = self.order(
            HUACHUANG,
            OrderKind.VERIFICATION,
            self.pick(HUACHUANG, 1, 0, names=["游标卡尺"], traceability=V),
            0,
            description="质量部游标卡尺周期检定",
        )
        self.submit(order, 0)

    # Closed before any work, and drafts -----------------------------------------------------

    def cancelled(self) -> None:
        """Cancelled by the enterprise the day after submitting it."""
        order = self.order(
            HENGXIN,
            OrderKind.CALIBRATION,
            self.pick(HENGXIN, 2, 15, names=["红外测温仪"], traceability=CAL),
            15,
            description="红外测温仪校准（改为年底与其他仪器一并送检）",
        )
        self.submit(order, 15)
        with self.clock(14, "cancel"):
            services.order_cancel(actor=self.enterprise_user(HENGXIN), order=order)

    def draft_of_hengxin(self) -> None:
        self.order(
            HENGXIN,
            OrderKind.CALIBRATION,
            self.pick(HENGXIN, 2, 1, names=["温湿度计"], traceability=CAL),
            1,
            description="计量室、仓库温湿度计校准",
        )

    def draft_of_huachuang(self) -> None:
        self.order(
            HUACHUANG,
            OrderKind.CALIBRATION,
            self.pick(HUACHUANG, 2, 0, names=["炉温测试仪", "耐压测试仪"], traceability=CAL),
            0,
            description="SMT车间炉温测试仪、组装车间耐压测试仪校准",
        )

    # Steps, each on its working day ----------------------------------------------------------

    def order(
        self, customer: Customer, kind: str, instruments: list, created: int, **fields
    ) -> Order:
        """A draft created ``created`` working days ago."""
        fields.setdefault("service_mode", ServiceMode.DROP_OFF)
        with self.clock(created, "create"):
            order = services.order_create(
                actor=self.enterprise_user(customer),
                enterprise=demo_organisation(customer.organisation),
                institution=self.institute,
                kind=kind,
                instruments=instruments,
                contact_name=customer.contact_name,
                contact_phone=customer.contact_phone,
                **fields,
            )
        self.sequence += 1
        return order

    def run(
        self,
        order: Order,
        *,
        submit: int,
        accept: int | None = None,
        receive: int | None = None,
        results: int | None = None,
        complete: int | None = None,
        conclusions=(),
        count: int | None = None,
    ) -> None:
        """Submitted, accepted, received, its results recorded and completed so many working
        days ago, as far as given."""
        self.submit(order, submit)
        if accept is not None:
            self.accept(order, accept)
        if receive is not None:
            self.receive(order, receive)
        if results is not None:
            self.results(order, results, conclusions, count)
        if complete is not None:
            self.complete(order, complete)

    def submit(self, order: Order, workdays_ago: int) -> None:
        with self.clock(workdays_ago, "submit"):
            services.order_submit(actor=order.created_by, order=order)

    def accept(self, order: Order, workdays_ago: int) -> None:
        """Accepted: an approval's clock starts here."""
        with self.clock(workdays_ago, "accept"):
            services.order_accept(
                actor=self.staff, order=order, today=self.workdays_ago(workdays_ago)
            )

    def receive(self, order: Order, workdays_ago: int) -> None:
        """The items received (or the visit made): a verification's or calibration's clock
        starts here."""
        with self.clock(workdays_ago, "receive"):
            services.order_receive(
                actor=self.staff, order=order, today=self.workdays_ago(workdays_ago)
            )

    def pause(self, order: Order, started: int, ended: int) -> None:
        """The approval's clock stopped for the expert review from ``started`` to ``ended``."""
        with self.clock(started, "pause"):
            pause = services.pause_start(
                actor=self.staff,
                order=order,
                reason=OrderPause.Reason.EXPERT_REVIEW,
                started=self.workdays_ago(started),
            )
        with self.clock(ended, "pause"):
            services.pause_end(actor=self.staff, pause=pause, ended=self.workdays_ago(ended))

    def complete(self, order: Order, workdays_ago: int) -> None:
        """Completed: late when after the deadline (a mandatory verification is then flagged
        as finished late)."""
        with self.clock(workdays_ago, "complete"):
            services.order_complete(
                actor=self.staff, order=order, today=self.workdays_ago(workdays_ago)
            )

    def results(
        self,
        order: Order,
        workdays_ago: int,
        conclusions=(),
        count: int | None = None,
        generate: bool = False,
    ) -> None:
        """A result for the first ``count`` items (all by default): a verification states its
        validity, a calibration its errors and their uncertainty; each its regulation, the
        standards used and the conditions. ``generate``: no number typed, the certificate
        generated (numbered by the institute's rule)."""
        day = self.workdays_ago(workdays_ago)
        items = list(order.items.select_related("instrument").order_by("instrument__next_due"))
        for position, item in enumerate(items[:count]):
            instrument = item.instrument
            conclusion = conclusions[position] if position < len(conclusions) else PASS
            calibration = order.kind == OrderKind.CALIBRATION
            on_site = order.service_mode == ServiceMode.ON_SITE
            result = {
                "conclusion": conclusion,
                "result_date": day,
                "certificate_number": "" if generate else self.certificate_number(calibration, day),
                "regulation": certificates.suggested_regulation(item),
                "standards": [
                    standard
                    for keyword, standard in self.standards.items()
                    if keyword in instrument.name
                ],
                "temperature": Decimal("20.0") + position,
                "humidity": Decimal("52.0") - 3 * position,
                "place": order.site_address if on_site else "本院计量检测大楼实验室",
            }
            if calibration:
                result["measured_error"] = "最大示值误差 +0.3%"
                result["expanded_uncertainty"] = "U=0.1%（k=2）"
            elif instrument.interval_months:
                result["valid_until"] = period_end(day, instrument.interval_months)
            if conclusion == RESTRICTED:
                result["measured_error"] = "部分量程示值误差超差，限在合格量程内使用"
            with self.clock(workdays_ago, "result", position):
                services.item_record_result(actor=self.staff, item=item, **result)
                if generate:
                    certificates.certificate_generate(actor=self.staff, item=item)

    @contextmanager
    def clock(self, workdays_ago: int, step: str, extra_minutes: int = 0) -> Iterator[None]:
        """The services' clock at ``step``'s hour of the working day ``workdays_ago`` working
        days before today (never later than now)."""
        day = self.workdays_ago(workdays_ago)
        hour, minute = HOURS[step]
        if step == "create":  # orders of the same day in the order of their numbers
            minute += 7 * self.created_on[day]
            self.created_on[day] += 1
        else:
            minute += (self.sequence * 7) % 20 + extra_minutes
        moment = datetime.combine(
            day,
            time(hour + minute // 60, minute % 60),
            tzinfo=timezone.get_current_timezone(),
        )
        with mock.patch.object(timezone, "now", return_value=min(moment, self.now)):
            yield

    # Helpers ----------------------------------------------------------------------------

    def pick(
        self,
        customer: Customer,
        count: int,
        ordered: int,
        *,
        names=(),
        traceability: str = "",
        mandatory: bool = False,
        status: str = InstrumentStatus.IN_USE,
    ) -> list[Instrument]:
        """The ``count`` instruments of the ledger due soonest (the most overdue first) that
        fit, were last verified before the order (``ordered`` working days ago), and that no
        other demo order holds; ``mandatory``: overdue ones only (those due soon are left for
        the enterprise's mandatory filing)."""
        instruments = (
            Instrument.objects.filter(
                organisation=demo_organisation(customer.organisation),
                status=status,
                next_due__isnull=False,
                last_record_date__lt=self.workdays_ago(ordered),
            )
            .exclude(pk__in=self.taken)
            .order_by("next_due", "management_number")
        )
        condition = Instrument.objects.mandatory_condition()
        if mandatory:
            instruments = instruments.filter(condition, next_due__lt=self.today)
        else:
            instruments = instruments.exclude(condition)
        if names:
            instruments = instruments.filter(name__in=names)
        if traceability:
            instruments = instruments.filter(traceability=traceability)
        chosen = list(instruments[:count])
        if len(chosen) < count:
            raise ValueError(f"The demo ledger of {customer.organisation} lacks {names}.")
        self.taken.update(instrument.pk for instrument in chosen)
        return chosen

    def enterprise_user(self, customer: Customer):
        return get_user_model().objects.get(username=customer.username)

    def workdays_ago(self, count: int) -> date:
        """The working day ``count`` working days before today (today itself for 0)."""
        day = self.today
        while count:
            day -= timedelta(days=1)
            count -= int(workdays.is_workday(day))
        return day

    def certificate_number(self, calibration: bool, day: date) -> str:
        number = f"{'JZ' if calibration else 'JD'}{day.year}-{self.certificates:06d}"
        self.certificates += 1
        return number
