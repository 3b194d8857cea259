"""Demo orders between the two demo enterprises and the demo institution (idempotent, through the
services): at least one in every state, their clocks started on past working days so that
deadlines and remaining days look as they would today, some overdue.

Both demo enterprises are SMEs, so their orders are in the green channel (5 working days for a
verification or calibration); the approval has 20 (行政许可法 §42) and its clock is paused for the
expert review (§45). The instruments are taken from the demo ledgers by what they are and how
soon they are due, the most overdue first, so that the orders follow the ledger. The services
stamp submission and completion with the current time: orders are submitted and completed
today, while their acceptance, receipt and results fall on the past working days given.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from jiliang.core import workdays
from jiliang.core.dates import period_end
from jiliang.instruments.choices import Conclusion, InstrumentStatus, Traceability
from jiliang.instruments.demo import demo_organisation
from jiliang.instruments.models import Instrument
from jiliang.orders import services
from jiliang.orders.choices import OrderKind, ServiceMode
from jiliang.orders.models import Order, OrderPause

V, CAL = Traceability.VERIFICATION, Traceability.CALIBRATION
PASS, RESTRICTED = Conclusion.PASS, Conclusion.RESTRICTED
# Numbers above those of the demo ledgers' records (at most 099999), one series per year.
FIRST_CERTIFICATE = 100001


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
        self.today = timezone.localdate()
        self.taken: set[int] = set()  # instruments given to an order of the demo
        self.certificates = FIRST_CERTIFICATE

    def load(self) -> None:
        self.hengxin()
        self.huachuang()

    # The orders -------------------------------------------------------------------------

    def hengxin(self) -> None:
        # Completed on time: the boiler room's and compressor station's safety gauges, the most
        # overdue of the ledger.
        gauges = self.order(
            HENGXIN,
            OrderKind.VERIFICATION,
            self.pick(HENGXIN, 3, names=["压力表", "兆欧表", "接地电阻测试仪"], traceability=V),
            description="动力科压力表、兆欧表周期检定（安全防护用）",
        )
        self.receive(gauges, 4)
        self.results(gauges, self.workdays_ago(1), [PASS, PASS, RESTRICTED])
        self.complete(gauges)

        # Mandatory verification finished after its limit: free of any fee (1987 办法 §15).
        scales = self.order(
            HENGXIN,
            OrderKind.MANDATORY_VERIFICATION,
            self.pick(HENGXIN, 2, names=["电子台秤"], mandatory=True),
            description="仓储物流部贸易结算用电子台秤强制检定（移位安装后重新检定）",
        )
        self.receive(scales, 11)
        self.results(scales, self.workdays_ago(3))
        self.complete(scales)

        # In service on site, past its deadline: fixed gas detectors, one of them done.
        detectors = self.order(
            HENGXIN,
            OrderKind.VERIFICATION,
            self.pick(HENGXIN, 2, names=["可燃气体报警器"], traceability=V),
            service_mode=ServiceMode.ON_SITE,
            site_address=HENGXIN.site_address + "（锅炉房、职工食堂后厨）",
            wished_from=self.workdays_ago(10),
            wished_to=self.workdays_ago(8),
            description="固定式可燃气体报警器现场检定，需停气配合，请提前一天电话联系。",
        )
        self.receive(detectors, 9)
        self.results(detectors, self.workdays_ago(4), count=1)

        # In service, dropped off: the calliper already marked 送检中 in the ledger and the next
        # one due, the first already verified.
        callipers = self.order(
            HENGXIN,
            OrderKind.VERIFICATION,
            self.pick(HENGXIN, 1, status=InstrumentStatus.AT_VERIFICATION)
            + self.pick(HENGXIN, 1, names=["游标卡尺", "数显卡尺"], traceability=V),
            description="质检部量具周期检定",
        )
        self.receive(callipers, 2)
        self.results(callipers, self.workdays_ago(1), count=1)

        # Accepted, the items not yet brought in.
        accepted = self.order(
            HENGXIN,
            OrderKind.CALIBRATION,
            self.pick(HENGXIN, 2, names=["数字万用表", "扭力扳手"], traceability=CAL),
            description="动力科万用表、装配车间扭力扳手校准",
        )
        self.submit(accepted)
        services.order_accept(actor=self.staff, order=accepted, today=self.today)

        # An approval accepted 16 working days ago, its clock stopped for the expert review.
        standard = self.order(
            HENGXIN,
            OrderKind.STANDARD_ASSESSMENT,
            [],
            description=(
                "企业最高计量标准新建考核：0.4级精密压力表标准装置，测量范围 0~2.5 MPa，"
                "主标准器为 0.05 级活塞式压力计（计量室恒温间）。"
            ),
        )
        self.submit(standard)
        services.order_accept(actor=self.staff, order=standard, today=self.workdays_ago(16))
        services.pause_start(
            actor=self.staff,
            order=standard,
            reason=OrderPause.Reason.EXPERT_REVIEW,
            started=self.workdays_ago(5),
        )

        # Submitted: callipers and micrometers due soon, to be brought in next week.
        submitted = self.order(
            HENGXIN,
            OrderKind.VERIFICATION,
            self.pick(HENGXIN, 3, names=["数显卡尺", "游标卡尺", "外径千分尺"], traceability=V),
            wished_from=self.today + timedelta(days=3),
            wished_to=self.today + timedelta(days=10),
            description="机加工车间量具周期检定",
        )
        self.submit(submitted)

        # Filing (强检备案 and 预约) of every mandatory instrument due within 30 days, if any.
        try:
            filing = services.mandatory_filing(
                actor=self.enterprise_user(HENGXIN),
                enterprise=demo_organisation(HENGXIN.organisation),
                institution=self.institute,
                today=self.today,
                service_mode=ServiceMode.DROP_OFF,
                contact_name=HENGXIN.contact_name,
                contact_phone=HENGXIN.contact_phone,
            )
        except ValidationError as error:
            if "instruments" not in error.message_dict:
                raise
        else:
            self.taken.update(filing.items.values_list("instrument_id", flat=True))
            self.submit(filing)

        # A draft, still being put together.
        self.order(
            HENGXIN,
            OrderKind.CALIBRATION,
            self.pick(HENGXIN, 2, names=["温湿度计"], traceability=CAL),
            description="计量室、仓库温湿度计校准",
        )

        # Cancelled by the enterprise after submitting it.
        cancelled = self.order(
            HENGXIN,
            OrderKind.CALIBRATION,
            self.pick(HENGXIN, 2, names=["红外测温仪"], traceability=CAL),
            description="红外测温仪校准（改为年底与其他仪器一并送检）",
        )
        self.submit(cancelled)
        services.order_cancel(actor=self.enterprise_user(HENGXIN), order=cancelled)

    def huachuang(self) -> None:
        # Completed on time: a multimeter calibrated, errors and uncertainty stated.
        multimeter = self.order(
            HUACHUANG,
            OrderKind.CALIBRATION,
            self.pick(HUACHUANG, 1, names=["数字万用表"], traceability=CAL),
            description="研发中心数字万用表校准",
        )
        self.receive(multimeter, 3)
        self.results(multimeter, self.workdays_ago(1))
        self.complete(multimeter)

        # Returned: a multimeter is calibrated, not verified.
        returned = self.order(
            HUACHUANG,
            OrderKind.VERIFICATION,
            self.pick(HUACHUANG, 1, names=["数字万用表"], traceability=CAL),
            description="SMT车间数字万用表检定",
        )
        self.submit(returned)
        services.order_return(
            actor=self.staff,
            order=returned,
            reason=(
                "数字万用表不在强制检定目录内，本院按 JJF 1587-2016《数字多用表校准规范》"
                "提供校准服务。请将服务类型改为“校准”后重新提交。"
            ),
        )

        # In service, mailed in by courier.
        mailed = self.order(
            HUACHUANG,
            OrderKind.CALIBRATION,
            self.pick(HUACHUANG, 2, names=["温湿度计", "直流稳压电源"], traceability=CAL),
            service_mode=ServiceMode.MAIL,
            carrier="顺丰",
            tracking_number="SF1462093857231",
            description="温湿度计、直流稳压电源邮寄校准，校准后请原路寄回。",
        )
        self.receive(mailed, 3)

        # Submitted in the green channel.
        submitted = self.order(
            HUACHUANG,
            OrderKind.VERIFICATION,
            self.pick(HUACHUANG, 1, names=["游标卡尺"], traceability=V),
            description="质量部游标卡尺周期检定",
        )
        self.submit(submitted)

        # A draft.
        self.order(
            HUACHUANG,
            OrderKind.CALIBRATION,
            self.pick(HUACHUANG, 2, names=["炉温测试仪", "耐压测试仪"], traceability=CAL),
            description="SMT车间炉温测试仪、组装车间耐压测试仪校准",
        )

    # Steps ------------------------------------------------------------------------------

    def order(self, customer: Customer, kind: str, instruments: list, **fields) -> Order:
        fields.setdefault("service_mode", ServiceMode.DROP_OFF)
        return services.order_create(
            actor=self.enterprise_user(customer),
            enterprise=demo_organisation(customer.organisation),
            institution=self.institute,
            kind=kind,
            instruments=instruments,
            contact_name=customer.contact_name,
            contact_phone=customer.contact_phone,
            **fields,
        )

    def submit(self, order: Order) -> None:
        services.order_submit(actor=order.created_by, order=order)

    def receive(self, order: Order, workdays_ago: int) -> None:
        """Submitted, accepted and received ``workdays_ago`` working days ago: the clock of a
        verification or calibration starts there."""
        self.submit(order)
        services.order_accept(actor=self.staff, order=order, today=self.workdays_ago(workdays_ago))
        services.order_receive(actor=self.staff, order=order, today=self.workdays_ago(workdays_ago))

    def complete(self, order: Order) -> None:
        """Completed today: the service stamps the completion with the current time."""
        services.order_complete(actor=self.staff, order=order, today=self.today)

    def results(self, order: Order, day: date, conclusions=(), count: int | None = None) -> None:
        """A result for the first ``count`` items (all by default): a verification states its
        validity, a calibration its errors and their uncertainty."""
        items = list(order.items.select_related("instrument").order_by("instrument__next_due"))
        for position, item in enumerate(items[:count]):
            instrument = item.instrument
            conclusion = conclusions[position] if position < len(conclusions) else PASS
            calibration = order.kind == OrderKind.CALIBRATION
            result = {
                "conclusion": conclusion,
                "result_date": day,
                "certificate_number": self.certificate_number(calibration, day),
            }
            if calibration:
                result["measured_error"] = "最大示值误差 +0.3%"
                result["expanded_uncertainty"] = "U=0.1%（k=2）"
            elif instrument.interval_months:
                result["valid_until"] = period_end(day, instrument.interval_months)
            if conclusion == RESTRICTED:
                result["measured_error"] = "部分量程示值误差超差，限在合格量程内使用"
            services.item_record_result(actor=self.staff, item=item, **result)

    # Helpers ----------------------------------------------------------------------------

    def pick(
        self,
        customer: Customer,
        count: int,
        *,
        names=(),
        traceability: str = "",
        mandatory: bool = False,
        status: str = InstrumentStatus.IN_USE,
    ) -> list[Instrument]:
        """The ``count`` instruments of the ledger due soonest (the most overdue first) that
        fit, and that no other demo order holds."""
        instruments = (
            Instrument.objects.filter(
                organisation=demo_organisation(customer.organisation),
                status=status,
                next_due__isnull=False,
            )
            .exclude(pk__in=self.taken)
            .order_by("next_due", "management_number")
        )
        condition = Instrument.objects.mandatory_condition()
        instruments = instruments.filter(condition) if mandatory else instruments.exclude(condition)
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
