"""Demo campaigns (idempotent, through the services): the Henan 2020 campaign of the notice, with
the quotas of all 28 regions of attachment 1, and the same campaign in the current year, whose
counted figures come from the demo's completed orders.

2020年“计量服务中小企业行”活动 is organised by the province bureau (demo-province). Its quotas are
imported from the attachment (``orgs/fixtures/henan-2020-quota.csv``: 1000 SMEs to help, 300 for
measurement management system training), and 郑州市 re-allocates its 80 / 24 to its two
districts. The bureaus of 金水区 (demo-county), 郑州市 (demo-city), 开封市 (demo-kaifeng) and 巩义市
(demo-gongyi, a province-administered county) enter their monthly figures; their reports are
in every state:

- January to March: approved all the way up (金水区 by the city, the cities and 巩义市 by the
  province); 开封市's February report was late;
- April: 金水区's report awaits demo-city, 巩义市's awaits demo-province, 开封市's was returned
  with a reason; 郑州市 entered its figures but cannot submit before 金水区's report is approved;
- May: 金水区 approved, 郑州市's report awaits demo-province; 开封市 entered figures, open;
- June: 巩义市 entered figures, open; 金水区's report was returned by demo-city.

Both bureaus chased (催报) a region late to report: demo-province 开封市's April report twice
(a week ago and at loading), demo-city 金水区's June report once.

The province bureau entered figures of its own (a province-wide promotion day in March), shown
as 河南省本级 in the tables.

Counted figures: the platform counts what happened on it (enterprises with a completed order
in the period...). The demo's orders are completed today, so the 2020 campaign counts nothing;
the campaign of the current year (``current_year_campaign``) does: its quotas are the same
table imported again, 郑州市's districts are allocated more than the city's quota (the warning
the city sees), and the bureaus' reports of the past months are approved but the last month's
(in the states above). Loaded after the orders (``jiliang demo``), the counted figures include
the demo orders' completions.

Services stamp submissions and decisions with the current time; the demo then dates them as
the bureaus would have made them (a few days after each period), so that completeness and
on-time rates mean something, and a chase a week back; nothing else is written around the
services.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.utils import timezone

from jiliang.campaigns import services
from jiliang.campaigns.choices import PeriodType, ReportStatus
from jiliang.campaigns.models import Campaign, Chase, Indicator, Report
from jiliang.campaigns.periods import periods_of
from jiliang.campaigns.reference import load_reference_indicators
from jiliang.campaigns.spreadsheets import read_quota_table
from jiliang.orgs import services as org_services
from jiliang.orgs.demo import demo_uscc, demo_user
from jiliang.orgs.models import Membership, Organisation, Region
from jiliang.orgs.reference import QUOTA_TABLE

NAME = "{year}年“计量服务中小企业行”活动"
ORGANISER = "demo-province"
# The bureaus that report, their users and the bureau above them.
# username: (full name, region code, bureau name (created if missing), decided by)
REPORTERS = {
    "demo-county": ("孙丽", "410105", "郑州市金水区市场监督管理局", "demo-city"),
    "demo-city": ("陈静", "410100", None, ORGANISER),
    "demo-kaifeng": ("周涛", "410200", None, ORGANISER),
    "demo-gongyi": ("吴刚", "410181", None, ORGANISER),
}
# 郑州市's 80 / 24 re-allocated to its districts: exactly in 2020, too much in the current year.
DISTRICT_QUOTAS = {
    2020: {"410102": (35, 10, ""), "410105": (45, 14, "含郑东新区")},
    "current": {"410102": (40, 12, ""), "410105": (45, 14, "含郑东新区")},
}
RETURN_REASON = "走访调研企业数与工作台账不一致（台账 32 家，上报 45 家），请核实后重新上报。"
# How big a region's monthly figures are, per indicator: (low, high) for a city.
MONTHLY = {
    "smes_helped": (3, 9),
    "service_teams": (1, 3),
    "enterprises_visited": (10, 40),
    "technical_services": (50, 200),
    "questionnaires": (20, 80),
    "promo_materials": (200, 800),
    "symposium_training": (30, 150),
    "labs_opened": (0, 2),
    "instruments_shared": (2, 10),
    "problems_solved": (3, 12),
    "standards_established": (0, 2),
    "mms_enterprises": (0, 3),
    "course_enterprises": (5, 20),
    "course_learners": (20, 80),
}
NOTES = {
    ("410181", "smes_helped"): "含耐材产业集群集中服务日帮扶企业",
    ("410200", "promo_materials"): "“5·20世界计量日”宣传活动发放",
}


@dataclass(frozen=True)
class Step:
    """What a bureau does with one period: enter its figures, then take its report to
    ``status`` (open: figures entered only; returned: submitted, then sent back)."""

    username: str
    period_index: int  # 0 = the campaign's first period
    status: str
    late_days: int = 0  # submitted this many days after the deadline (0: on time)


def steps_2020() -> list[Step]:
    approved, submitted = ReportStatus.APPROVED, ReportStatus.SUBMITTED
    steps = []
    for month in range(3):  # January to March: approved all the way up
        steps += [
            Step("demo-county", month, approved),
            Step("demo-city", month, approved),
            Step("demo-kaifeng", month, approved, late_days=6 if month == 1 else 0),
            Step("demo-gongyi", month, approved),
        ]
    steps += [  # April
        Step("demo-county", 3, submitted),
        Step("demo-gongyi", 3, submitted),
        Step("demo-kaifeng", 3, ReportStatus.RETURNED),
        Step("demo-city", 3, ReportStatus.OPEN),
    ]
    steps += [  # May
        Step("demo-county", 4, approved),
        Step("demo-city", 4, submitted),
        Step("demo-kaifeng", 4, ReportStatus.OPEN),
    ]
    steps += [  # June
        Step("demo-gongyi", 5, ReportStatus.OPEN),
        Step("demo-county", 5, ReportStatus.RETURNED),
    ]
    return steps


def steps_current(campaign, today) -> list[Step]:
    """Approved for every period whose deadline passed but the last ended one, whose reports
    are in the states of 2020's April."""
    ended = [index for index, period in enumerate(periods_of(campaign)) if period.end < today]
    if not ended:
        return []
    steps = []
    for index in ended[:-1]:
        steps += [
            Step("demo-county", index, ReportStatus.APPROVED),
            Step("demo-city", index, ReportStatus.APPROVED),
            Step("demo-kaifeng", index, ReportStatus.APPROVED, late_days=3 if index == 1 else 0),
            Step("demo-gongyi", index, ReportStatus.APPROVED),
        ]
    last = ended[-1]
    steps += [
        Step("demo-county", last, ReportStatus.SUBMITTED),
        Step("demo-gongyi", last, ReportStatus.SUBMITTED),
        Step("demo-kaifeng", last, ReportStatus.RETURNED),
        Step("demo-city", last, ReportStatus.OPEN),
    ]
    return steps


def load(admin) -> None:
    """Both campaigns, unless they exist (call after the orgs' and the orders' demos)."""
    load_reference_indicators(Indicator)  # emptied with the database by transactional tests
    users = _users(admin)
    today = timezone.localdate()
    _campaign(users, 2020, lambda campaign: steps_2020(), DISTRICT_QUOTAS[2020])
    if today.year != 2020:
        _campaign(
            users,
            today.year,
            lambda campaign: steps_current(campaign, today),
            DISTRICT_QUOTAS["current"],
        )


def _campaign(users, year: int, plan_for, district_quotas) -> Campaign | None:
    organiser_user = users[ORGANISER]
    bureau = _bureau("410000")
    name = NAME.format(year=year)
    if Campaign.objects.filter(region=bureau.region, year=year, name=name).exists():
        return None
    campaign = services.campaign_create(
        actor=organiser_user,
        organiser=bureau,
        name=name,
        year=year,
        period_type=PeriodType.MONTHLY,
        deadline_days=10,
    )
    _quotas(users, campaign, district_quotas)
    periods = periods_of(campaign)
    plan = plan_for(campaign)
    for step in plan:
        _enter(users, campaign, step, periods[step.period_index].key)
    # Reports go up in the order of the chain: the districts' before the city's.
    for step in sorted(plan, key=lambda step: (step.period_index, step.username != "demo-county")):
        _report(users, campaign, step, periods[step.period_index])
    if year == 2020:
        _chases(users, campaign, periods)
        services.values_enter(
            actor=organiser_user,
            campaign=campaign,
            region=bureau.region,
            period=periods[2].key,
            values={
                "promo_materials": (5000, "全省“计量服务中小企业行”集中宣传日"),
                "symposium_training": (320, "全省测量管理体系培训班"),
            },
        )
    return campaign


def _chases(users, campaign, periods) -> None:
    """The province chased 开封市's returned April report twice (the first time a week ago),
    the city 金水区's returned June report once."""
    kaifeng = _region_of("demo-kaifeng")
    first = services.report_chase(
        actor=users[ORGANISER], campaign=campaign, region=kaifeng, period=periods[3].key
    )
    week_ago = first.chased_at - timedelta(days=7)
    Chase.objects.filter(pk=first.pk).update(chased_at=week_ago, day=timezone.localdate(week_ago))
    services.report_chase(
        actor=users[ORGANISER], campaign=campaign, region=kaifeng, period=periods[3].key
    )
    services.report_chase(
        actor=users["demo-city"],
        campaign=campaign,
        region=_region_of("demo-county"),
        period=periods[5].key,
    )


def _quotas(users, campaign, district_quotas) -> None:
    province = campaign.region
    services.quota_set(
        actor=users[ORGANISER],
        campaign=campaign,
        region=province,
        smes_to_help=1000,
        smes_for_mms_training=300,
        note="全省任务",
    )
    rows = read_quota_table(QUOTA_TABLE.read_bytes(), filename=QUOTA_TABLE.name)
    services.quotas_import(actor=users[ORGANISER], campaign=campaign, parent=province, rows=rows)
    for code, (to_help, for_training, note) in district_quotas.items():
        services.quota_set(
            actor=users["demo-city"],
            campaign=campaign,
            region=Region.objects.get(code=code),
            smes_to_help=to_help,
            smes_for_mms_training=for_training,
            note=note,
        )


def monthly_values(region_code: str, period_key: str) -> dict[str, tuple[int, str]]:
    """A bureau's figures of one month: a county's about half a city's; the same every run."""
    rng = random.Random(f"{region_code}/{period_key}")
    scale = 0.5 if region_code in ("410105", "410181") else 1.0
    values = {}
    for code, (low, high) in MONTHLY.items():
        value = round(rng.randint(low, high) * scale)
        values[code] = (value, NOTES.get((region_code, code), ""))
    return values


def _enter(users, campaign, step: Step, period_key: str) -> None:
    region = _region_of(step.username)
    services.values_enter(
        actor=users[step.username],
        campaign=campaign,
        region=region,
        period=period_key,
        values=monthly_values(region.code, period_key),
    )


def _report(users, campaign, step: Step, period) -> None:
    if step.status == ReportStatus.OPEN:
        return
    region = _region_of(step.username)
    report = services.report_submit(
        actor=users[step.username], campaign=campaign, region=region, period=period.key
    )
    decider = users[REPORTERS[step.username][3]]
    if step.status == ReportStatus.APPROVED:
        report = services.report_approve(actor=decider, report=report)
    elif step.status == ReportStatus.RETURNED:
        report = services.report_return(actor=decider, report=report, reason=RETURN_REASON)
    # Dated as the bureaus would have done it: a few days after the period ended.
    rng = random.Random(f"{region.code}/{period.key}/dates")
    submitted = period.end + timedelta(days=rng.randint(2, 8))
    if step.late_days:
        submitted = period.deadline + timedelta(days=step.late_days)
    decided = submitted + timedelta(days=rng.randint(1, 3))
    moment = timezone.get_current_timezone()
    changes = {"submitted_at": datetime.combine(submitted, time(9 + rng.randint(0, 7)), moment)}
    last = submitted
    if report.status != ReportStatus.SUBMITTED:
        changes["decided_at"] = datetime.combine(decided, time(10 + rng.randint(0, 6)), moment)
        last = decided
    if last < timezone.localdate():  # never dated in the future
        Report.objects.filter(pk=report.pk).update(**changes)


def _users(admin) -> dict:
    """The demo users of the bureaus, created with their memberships (and 金水区's bureau) if
    missing; the orgs demo made demo-city's and demo-province's."""
    users = {ORGANISER: demo_user(admin, ORGANISER, "赵磊")}
    for serial, (username, (full_name, code, bureau_name, _decider)) in enumerate(
        REPORTERS.items(), 1
    ):
        user = demo_user(admin, username, full_name)
        bureau = _bureau(code, name=bureau_name, admin=admin, serial=serial)
        if not Membership.objects.filter(user=user, organisation=bureau).exists():
            org_services.membership_add(actor=admin, organisation=bureau, user=user, role="admin")
        users[username] = user
    return users


def _bureau(code: str, *, name: str | None = None, admin=None, serial: int = 0) -> Organisation:
    """The regulator of the region ``code`` (the orgs demo's), created under ``name`` if
    there is none."""
    region = Region.objects.get(code=code)
    bureau = (
        Organisation.objects.filter(kind="regulator", region=region, is_active=True)
        .order_by("pk")
        .first()
    )
    if bureau is not None:
        return bureau
    return org_services.organisation_create(
        actor=admin,
        kind="regulator",
        name=name,
        uscc=demo_uscc("11", code, 700 + serial),
        region=region,
        address="郑州市金水区",
        contact_name="",
        contact_phone=f"0371-6590{serial:04d}",
        contact_email=f"bureau{serial}@example.com",
        size_class="",
        industry="",
    )


def _region_of(username: str) -> Region:
    return Region.objects.get(code=REPORTERS[username][1])
