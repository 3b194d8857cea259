"""The demo campaigns: loaded through the services, idempotent, in every report state."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from jiliang.campaigns import demo, rollup, selectors
from jiliang.campaigns.models import Campaign, EnteredValue, Figure, Quota, Report
from jiliang.core.testing.matrix import database_fingerprint
from jiliang.needs.models import Visit
from jiliang.orders.choices import OrderStatus
from jiliang.orders.models import Order
from jiliang.orgs import demo as orgs_demo

pytestmark = pytest.mark.usefixtures("english")
NAME_2020 = "2020年“计量服务中小企业行”活动"


def demo_fingerprint() -> dict:
    """The rows of what the campaigns' demo writes or depends on (the reminders' demo records
    its run again each time: not this module's business)."""
    return {
        label: rows
        for label, rows in database_fingerprint().items()
        if label.startswith(("campaigns.", "orgs.", "accounts.", "core.audit"))
    }


def user(username):
    return get_user_model().objects.get(username=username)


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """The organisations' demo and the campaigns' (without ledgers and orders: quicker),
    loaded once for the module's tests and rolled back after them."""
    with django_db_blocker.unblock(), transaction.atomic():
        admin = get_user_model().objects.create(
            username="demo-admin", is_staff=True, is_superuser=True
        )
        orgs_demo.load(admin)
        demo.load(admin)
        yield admin
        transaction.set_rollback(True)


@pytest.fixture
def campaign_2020(loaded, db):
    return Campaign.objects.get(name=NAME_2020, year=2020)


def status_of(campaign, code, period):
    report = Report.objects.filter(campaign=campaign, region__code=code, period=period).first()
    return report.status if report else None


def test_quotas_of_the_28_regions_and_zhengzhous_districts(campaign_2020):
    quotas = Quota.objects.filter(campaign=campaign_2020)
    province = campaign_2020.region
    assert quotas.get(region=province).smes_to_help == 1000
    children = quotas.filter(region__parent=province)
    assert children.count() == 28
    assert children.aggregate(Sum("smes_to_help"), Sum("smes_for_mms_training")) == {
        "smes_to_help__sum": 1000,
        "smes_for_mms_training__sum": 300,
    }
    assert quotas.get(region__code="410181").smes_to_help == 20  # 巩义市, under the province
    districts = quotas.filter(region__parent__code="410100")
    assert sorted(districts.values_list("region__code", "smes_to_help")) == [
        ("410102", 35),
        ("410105", 45),
    ]
    overview = selectors.quota_overview(
        user=user("demo-city"),
        campaign=campaign_2020,
        parent=campaign_2020.region.children.get(code="410100"),
    )
    assert overview.warnings == []  # 2020: exactly the city's 80 / 24


def test_reports_in_every_state(campaign_2020):
    c = campaign_2020
    for period in ("2020-01", "2020-02", "2020-03"):
        for code in ("410105", "410100", "410200", "410181"):
            assert status_of(c, code, period) == "approved", (code, period)
    assert status_of(c, "410105", "2020-04") == "submitted"  # awaiting demo-city
    assert status_of(c, "410181", "2020-04") == "submitted"  # awaiting demo-province
    assert status_of(c, "410200", "2020-04") == "returned"
    assert status_of(c, "410100", "2020-04") is None  # entered, open
    assert status_of(c, "410100", "2020-05") == "submitted"
    assert status_of(c, "410200", "2020-05") is None
    returned = Report.objects.get(campaign=c, region__code="410200", period="2020-04")
    assert "走访调研企业数与工作台账不一致" in returned.return_reason
    awaiting_city = selectors.reports_awaiting(user=user("demo-city"), campaign=c)
    assert [(r.region.code, r.period) for r in awaiting_city] == [("410105", "2020-04")]
    awaiting_province = selectors.reports_awaiting(user=user("demo-province"), campaign=c)
    assert sorted((r.region.code, r.period) for r in awaiting_province) == [
        ("410100", "2020-05"),
        ("410181", "2020-04"),
    ]
    # Dated as the bureaus would have: after the period, 开封市's February past its deadline.
    january = Report.objects.get(campaign=c, region__code="410181", period="2020-01")
    assert timezone.localdate(january.submitted_at).isoformat() < "2020-02-11"
    february = Report.objects.get(campaign=c, region__code="410200", period="2020-02")
    assert timezone.localdate(february.submitted_at).isoformat() > "2020-03-10"


def test_figures_entered_and_rolled_up(campaign_2020):
    c = campaign_2020
    entered = EnteredValue.objects.filter(campaign=c)
    assert set(entered.values_list("region__code", flat=True)) == {
        "410000",
        "410100",
        "410105",
        "410200",
        "410181",
    }
    assert entered.filter(region__code="410181", period="2020-06").count() == 14
    # The incremental roll-up the services kept equals a rebuild from the sources.
    assert rollup.stored(c) == rollup.compute(c)
    table = selectors.rollup_table(
        user=user("demo-province"), campaign=c, region=c.region, period="2020-03"
    )
    assert table.own.cell("promo_materials").entered == 5000  # 河南省本级
    zhengzhou = next(row for row in table.children if row.region.code == "410100")
    own_and_district = sum(
        value
        for value in entered.filter(
            region__code__in=["410100", "410105"], period="2020-03", indicator__code="smes_helped"
        ).values_list("value", flat=True)
    )
    assert zhengzhou.cell("smes_helped").entered == own_and_district
    assert table.total.cell("smes_helped").counted == 0  # 2020: the demo's orders are recent


def test_current_year_campaign_over_allocates_zhengzhou(loaded, db):
    year = timezone.localdate().year
    campaign = Campaign.objects.get(year=year, name=f"{year}年“计量服务中小企业行”活动")
    overview = selectors.quota_overview(
        user=user("demo-city"),
        campaign=campaign,
        parent=campaign.region.children.get(code="410100"),
    )
    assert len(overview.warnings) == 2  # 85 > 80 and 26 > 24: shown, not refused
    assert "85" in overview.warnings[0]


def helped_in(year: int) -> int:
    """The enterprises the demo helped in ``year``: by a completed order or a service given
    in a visit of a service team (the needs app's demo)."""
    completed = Order.objects.filter(status=OrderStatus.COMPLETED, completed_at__year=year)
    served = Visit.objects.filter(visited_on__year=year, service_person_times__gt=0)
    return len(
        set(completed.values_list("enterprise", flat=True))
        | set(served.values_list("enterprise", flat=True))
    )


def test_the_demo_command_twice_changes_nothing_and_counts_the_demo_orders(db):
    # Whatever the module's other tests loaded goes: the command loads everything itself, the
    # campaigns after the orders. (Rolled back after the test.)
    Campaign.objects.all().delete()
    call_command("demo", stdout=io.StringIO())
    before = demo_fingerprint()
    call_command("demo", stdout=io.StringIO())
    assert demo_fingerprint() == before
    year = timezone.localdate().year
    current = Campaign.objects.get(year=year, name=f"{year}年“计量服务中小企业行”活动")
    enterprises = helped_in(year)
    assert enterprises > 0
    helped = Figure.objects.get(
        campaign=current, region=current.region, period="total", indicator__code="smes_helped"
    )
    assert helped.counted_subtree == enterprises
    assert rollup.stored(current) == rollup.compute(current)
    old = Campaign.objects.get(year=2020, name=NAME_2020)
    helped = Figure.objects.get(
        campaign=old, region=old.region, period="total", indicator__code="smes_helped"
    )
    assert helped.counted_subtree == helped_in(2020)  # no order then: the teams' visits


def test_the_bureaus_see_a_returned_report_and_late_regions_chased(campaign_2020):
    from jiliang.campaigns import lateness
    from jiliang.campaigns.models import Chase

    c = campaign_2020
    today = timezone.localdate()
    for username, code, period in (
        ("demo-province", "410200", "2020-04"),
        ("demo-city", "410105", "2020-06"),
    ):
        assert status_of(c, code, period) == "returned"
        late = lateness.late_reports(user=user(username), campaign=c, today=today)
        [entry] = [e for e in late if (e.region.code, e.period.key) == (code, period)]
        assert entry.status == "returned"
        assert entry.chases == (2 if username == "demo-province" else 1)
    chases = Chase.objects.filter(campaign=c, region__code="410200")
    assert sorted(chases.values_list("day", flat=True))[0] < today
