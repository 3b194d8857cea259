"""The platform's own counts: distinct enterprises helped per period and per campaign, standards
established, the plug-in point for other apps' sources, incremental recounts and late records."""

from datetime import date, timedelta
from itertools import count

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jiliang.campaigns import counting, rollup, services, tasks
from jiliang.campaigns.models import WHOLE_CAMPAIGN, Figure, Indicator, RecountRun, Report
from jiliang.campaigns.services import recounting
from jiliang.campaigns.tasks import recount_task
from jiliang.campaigns.tests.conftest import at, completed_order, counted, enterprise_in
from jiliang.core.models import AuditEvent
from jiliang.instruments.models import Instrument
from jiliang.orders.models import Order

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def helped(bureaus):
    """Enterprise A (金水区) helped in March twice and in May, B (金水区) in March by a
    pattern approval, C (开封市) in March by a standard assessment; one completion before the
    year and one after it; one order open."""
    a = enterprise_in(bureaus, "jinshui", name="甲企业")
    b = enterprise_in(bureaus, "jinshui", name="乙企业")
    c = enterprise_in(bureaus, "kaifeng", name="丙企业")
    completed_order(bureaus, a, on=at(2020, 3, 2))
    completed_order(bureaus, a, on=at(2020, 3, 20), kind="authorisation")
    completed_order(bureaus, a, on=at(2020, 5, 6))
    completed_order(bureaus, b, on=at(2020, 3, 31, 23, 30), kind="pattern")
    completed_order(bureaus, c, on=at(2020, 3, 9))
    completed_order(bureaus, c, on=at(2019, 12, 31, 23, 59))
    completed_order(bureaus, c, on=at(2021, 1, 1, 0, 1))
    return {"a": a, "b": b, "c": c}


def test_enterprises_helped_are_distinct_per_period_and_over_the_campaign(
    bureaus, helped, campaign
):
    # The campaign was created after the orders: its figures are counted at once.
    jinshui, zhengzhou, province = (
        bureaus.regions[name] for name in ("jinshui", "zhengzhou", "province")
    )
    kaifeng = bureaus.regions["kaifeng"]
    assert counted(campaign, jinshui, "smes_helped", "2020-03") == 2  # A (twice) and B
    assert counted(campaign, jinshui, "smes_helped", "2020-05") == 1
    assert counted(campaign, jinshui, "smes_helped") == 2  # A in March and May counts once
    assert counted(campaign, kaifeng, "smes_helped", "2020-03") == 1
    assert counted(campaign, kaifeng, "smes_helped") == 1  # not the 2019 nor the 2021 order
    assert counted(campaign, kaifeng, "smes_helped", "2020-01") == 0
    # Own counts are the region's own enterprises; subtree counts add the regions below.
    assert counted(campaign, zhengzhou, "smes_helped", "2020-03") == 0
    assert counted(campaign, zhengzhou, "smes_helped", "2020-03", "counted_subtree") == 2
    assert counted(campaign, province, "smes_helped", "2020-03", "counted_subtree") == 3
    assert counted(campaign, province, "smes_helped", WHOLE_CAMPAIGN, "counted_subtree") == 3
    # Only standard assessments establish standards, one per order.
    assert counted(campaign, jinshui, "standards_established") == 2
    assert counted(campaign, jinshui, "standards_established", "2020-03") == 1
    assert counted(campaign, kaifeng, "standards_established") == 1
    # Nothing entered: the counted figures do not leak into the entered ones.
    assert not Figure.objects.filter(campaign=campaign).exclude(entered_subtree=0).exists()
    assert rollup.stored(campaign) == rollup.compute(campaign)


def test_a_completion_just_before_midnight_in_china_counts_in_that_days_month(
    bureaus, helped, campaign
):
    # B's order completed at 23:30 on 31 March in China (15:30 UTC): March, not April.
    assert counted(campaign, bureaus.regions["jinshui"], "smes_helped", "2020-04") == 0
    order = Order.objects.get(enterprise=helped["b"])
    Order.objects.filter(pk=order.pk).update(completed_at=at(2020, 4, 1, 0, 30))
    services.recount(campaign=campaign)
    assert counted(campaign, bureaus.regions["jinshui"], "smes_helped", "2020-04") == 1
    assert counted(campaign, bureaus.regions["jinshui"], "smes_helped", "2020-03") == 1


def test_a_city_campaign_counts_only_its_own_regions(bureaus, helped):
    campaign = services.campaign_create(
        actor=bureaus.users["zhengzhou"],
        organiser=bureaus.organisations["zhengzhou"],
        name="郑州市计量服务中小企业行",
        year=2020,
        period_type="quarterly",
    )
    assert counted(campaign, bureaus.regions["jinshui"], "smes_helped", "2020-Q1") == 2
    assert counted(campaign, bureaus.regions["jinshui"], "smes_helped", "2020-Q2") == 1
    assert not Figure.objects.filter(campaign=campaign, region=bureaus.regions["kaifeng"]).exists()
    assert (
        counted(
            campaign, bureaus.regions["zhengzhou"], "smes_helped", WHOLE_CAMPAIGN, "counted_subtree"
        )
        == 2
    )


def test_recount_since_looks_only_at_records_changed_since(bureaus, campaign):
    jinshui = bureaus.regions["jinshui"]
    enterprise = enterprise_in(bureaus, "jinshui")
    before = timezone.now()
    order = completed_order(bureaus, enterprise, on=at(2020, 6, 1))
    assert counted(campaign, jinshui, "smes_helped", "2020-06") == 0  # not recounted yet
    assert services.recount(since=before) == 4  # June and the whole campaign, 2 indicators
    assert counted(campaign, jinshui, "smes_helped", "2020-06") == 1
    assert counted(campaign, jinshui, "standards_established") == 1
    # A change that does not touch ``updated`` (as if long ago) is not seen by a recount
    # since now, but by a full one.
    Order.objects.filter(pk=order.pk).update(
        completed_at=at(2020, 7, 1), updated=before - timedelta(days=1)
    )
    assert services.recount(since=before) == 0
    assert counted(campaign, jinshui, "smes_helped", "2020-06") == 1
    assert services.recount(campaign=campaign) == 4  # June down, July up, 2 indicators
    assert counted(campaign, jinshui, "smes_helped", "2020-06") == 0
    assert counted(campaign, jinshui, "smes_helped", "2020-07") == 1
    assert rollup.stored(campaign) == rollup.compute(campaign)
    assert services.recount() == 0  # nothing left to change


def test_a_late_record_changes_the_counted_figures_of_an_approved_report(bureaus, campaign):
    jinshui = bureaus.regions["jinshui"]
    services.values_enter(
        actor=bureaus.users["jinshui"],
        campaign=campaign,
        region=jinshui,
        period="2020-03",
        values={"smes_helped": (4, "走访")},
    )
    report = services.report_submit(
        actor=bureaus.users["jinshui"], campaign=campaign, region=jinshui, period="2020-03"
    )
    report = services.report_approve(actor=bureaus.users["zhengzhou"], report=report)
    assert report.approved_figures["smes_helped"] == {
        "entered_own": 4,
        "entered_subtree": 4,
        "counted_own": 0,
        "counted_subtree": 0,
    }
    before = timezone.now()
    completed_order(bureaus, enterprise_in(bureaus, "jinshui"), on=at(2020, 3, 15))
    assert services.recount(since=before) > 0
    assert counted(campaign, jinshui, "smes_helped", "2020-03") == 1
    report.refresh_from_db()
    assert report.status == "approved"  # the approval stands, with what it approved
    assert report.approved_figures["smes_helped"]["counted_own"] == 0
    row = Figure.objects.get(
        campaign=campaign, region=jinshui, period="2020-03", indicator__code="smes_helped"
    )
    assert (row.entered_own, row.counted_own) == (4, 1)


@pytest.fixture
def consultations(bureaus):
    """Plug-in sources registered as another app would, removed afterwards. Their records are
    instruments standing in for consultations: the enterprise consulted on the instrument's
    commissioning date (a DateField, where the orders give a moment). The source does not
    filter on the campaign's year: the counter leaves out what falls outside."""
    numbers = count(1)

    def consultations_of(*, region_path, region_ids, changed_since):
        rows = Instrument.objects.filter(organisation__region__path__startswith=region_path)
        if region_ids is not None:
            rows = rows.filter(organisation__region_id__in=region_ids)
        if changed_since is not None:
            rows = rows.filter(updated__gte=changed_since)
        return rows

    @counting.helped_source
    def consultations_answered(*, start, end, region_path, region_ids=None, changed_since=None):
        return counting.events(
            consultations_of(
                region_path=region_path, region_ids=region_ids, changed_since=changed_since
            ),
            region="organisation__region_id",
            subject="organisation_id",
            day="commissioning_date",
        )

    @counting.counter("consultations")
    def consultation_count(*, start, end, region_path, region_ids=None, changed_since=None):
        return counting.events(
            consultations_of(
                region_path=region_path, region_ids=region_ids, changed_since=changed_since
            ),
            region="organisation__region_id",
            subject="pk",
            day="commissioning_date",
        )

    def consult(enterprise, day):
        return Instrument.objects.create(
            organisation=enterprise,
            management_number=f"ZX-{next(numbers)}",
            name="咨询",
            commissioning_date=day,
        )

    yield consult
    counting.COUNTERS[counting.ENTERPRISES_HELPED].sources.remove(consultations_answered)
    del counting.COUNTERS["consultations"]


def test_other_apps_add_sources_and_counters(bureaus, helped, campaign, consultations):
    jinshui = bureaus.regions["jinshui"]
    assert "consultations" in counting.counter_names()
    # A helped in March by a consultation too: still one; a new enterprise D in June; D's
    # consultations of the years before and after are not the campaign's.
    d = enterprise_in(bureaus, "jinshui", name="丁企业")
    consultations(helped["a"], date(2020, 3, 5))
    consultations(d, date(2020, 6, 5))
    consultations(d, date(2019, 12, 31))
    consultations(d, date(2021, 1, 1))
    now = timezone.now()
    indicator = services.indicator_create(
        actor=bureaus.admin,
        code="consultations",
        name="解答企业咨询",
        unit="次",
        counter="consultations",
        position=20,
    )
    services.campaign_update(
        actor=bureaus.users["province"],
        campaign=campaign,
        indicators=[*campaign.indicators.all(), indicator],
    )
    assert counted(campaign, jinshui, "consultations") == 2
    assert counted(campaign, jinshui, "consultations", "2020-01") == 0
    assert counted(campaign, jinshui, "smes_helped", "2020-03") == 2
    assert counted(campaign, jinshui, "smes_helped", "2020-06") == 1
    assert counted(campaign, jinshui, "smes_helped") == 3  # A, B and D
    consultations(helped["b"], date(2020, 6, 9))
    assert counting.touched(campaign, since=now) == {
        (jinshui.pk, "2020-06"),
        (jinshui.pk, WHOLE_CAMPAIGN),
    }
    services.recount(since=now)
    assert counted(campaign, jinshui, "smes_helped", "2020-06") == 2
    assert counted(campaign, jinshui, "consultations", "2020-06") == 2
    assert rollup.stored(campaign) == rollup.compute(campaign)


def test_a_source_returns_a_queryset_of_events(bureaus, campaign):
    @counting.counter("guesses")
    def guesses(*, start, end, region_path, region_ids=None, changed_since=None):
        return [(bureaus.regions["jinshui"].pk, 1, date(2020, 3, 1))]

    try:
        with pytest.raises(TypeError, match=r"guesses must return a queryset of counting\.events"):
            counting.get_counter("guesses").count(campaign)
    finally:
        del counting.COUNTERS["guesses"]


def test_counting_casts_no_row_to_a_day(bureaus, helped, campaign):
    """The sources filter and sort their moments by the local midnights of the periods, so a
    database index on them serves (a ``__date`` lookup would cast every row, in Python on
    SQLite); the counts are those of the local days all the same (the tests above)."""
    since = timezone.now()
    completed_order(bureaus, enterprise_in(bureaus, "kaifeng"), on=at(2020, 10, 31, 23, 59))
    with CaptureQueriesContext(connection) as queries:
        services.recount(since=since)
        services.recount(campaign=campaign)
    statements = " ".join(query["sql"] for query in queries).lower()
    assert "orders_order" in statements
    for cast in ("at time zone", "django_datetime_cast_date"):
        assert cast not in statements
    assert counted(campaign, bureaus.regions["kaifeng"], "smes_helped", "2020-10") == 1
    assert counted(campaign, bureaus.regions["kaifeng"], "smes_helped", "2020-11") == 0


def test_an_indicator_names_only_a_registered_counter(bureaus):
    with pytest.raises(ValidationError, match="crystal_ball is not a platform count"):
        services.indicator_create(
            actor=bureaus.admin, code="guessing", name="猜测", unit="个", counter="crystal_ball"
        )
    assert not Indicator.objects.filter(code="guessing").exists()
    assert {"enterprises_helped", "standards_approved"} <= set(counting.counter_names())


def test_the_periodic_recount_looks_since_the_previous_run(bureaus, campaign, monkeypatch):
    first = services.recount_due()
    assert first.full
    assert first.finished_at
    completed_order(bureaus, enterprise_in(bureaus, "kaifeng"), on=at(2020, 8, 8))
    seen = []
    original = services.recount

    def spy(**kwargs):
        seen.append(kwargs["since"])
        return original(**kwargs)

    monkeypatch.setattr(recounting, "recount", spy)
    # Not the nightly full recount's ten minutes, whenever the suite runs.
    monkeypatch.setattr(tasks, "FULL_RECOUNT_HOUR", (timezone.localtime().hour + 12) % 24)
    recount_task.call_local()
    second = RecountRun.objects.first()
    assert seen == [first.started_at - services.RECOUNT_OVERLAP]
    assert not second.full
    assert second.rows_changed == 4
    assert counted(campaign, bureaus.regions["kaifeng"], "smes_helped", "2020-08") == 1


def test_the_command_rebuilds_and_recounts(bureaus, campaign, capsys):
    jinshui = bureaus.regions["jinshui"]
    Figure.objects.filter(campaign=campaign).update(entered_subtree=99)
    call_command("campaigns", "rebuild", "--campaign", str(campaign.pk))
    assert not Figure.objects.filter(campaign=campaign, entered_subtree=99).exists()
    completed_order(bureaus, enterprise_in(bureaus, "jinshui"), on=at(2020, 2, 2))
    call_command("campaigns", "recount")
    assert '"changed": 4' in capsys.readouterr().out
    assert counted(campaign, jinshui, "smes_helped", "2020-02") == 1
    assert not Report.objects.exists()


def test_a_full_recount_writes_only_the_counted_figures_that_differ(
    bureaus, helped, campaign, monkeypatch
):
    Figure.objects.filter(campaign=campaign).update(counted_own=0, counted_subtree=0)
    Figure.objects.filter(campaign=campaign, period="2020-03").exclude(
        indicator__counter=""
    ).update(counted_own=7)
    assert services.recount(campaign=campaign) > 0
    assert rollup.stored(campaign) == rollup.compute(campaign)
    assert counted(campaign, bureaus.regions["jinshui"], "smes_helped") == 2
    # A recount since a moment that touches many regions recounts the whole campaign.
    monkeypatch.setattr(recounting, "REBUILD_ABOVE_REGIONS", 1)
    since = timezone.now()
    completed_order(bureaus, enterprise_in(bureaus, "zhongyuan"), on=at(2020, 9, 1))
    completed_order(bureaus, enterprise_in(bureaus, "gongyi"), on=at(2020, 9, 2))
    assert services.recount(since=since) == 8  # 2 regions × (September, whole) × 2 indicators
    assert rollup.stored(campaign) == rollup.compute(campaign)
    assert counted(campaign, bureaus.regions["gongyi"], "smes_helped", "2020-09") == 1


def test_platform_administrators_edit_indicators_in_the_admin(bureaus, client):
    client.force_login(bureaus.admin)
    form = {
        "code": "problems_solved_online",
        "name": "线上解决问题",
        "name_en": "",
        "unit": "个",
        "aggregation": "sum",
        "position": 30,
        "is_active": "on",
    }
    response = client.post("/admin/campaigns/indicator/add/", {**form, "counter": "crystal_ball"})
    assert response.status_code == 200  # the form again, with its error
    assert not Indicator.objects.filter(code="problems_solved_online").exists()
    response = client.post(
        "/admin/campaigns/indicator/add/", {**form, "counter": "standards_approved"}
    )
    assert response.status_code == 302
    indicator = Indicator.objects.get(code="problems_solved_online")
    assert indicator.counter == "standards_approved"
    assert AuditEvent.objects.filter(action="campaigns.indicator.created").exists()
    response = client.post(
        f"/admin/campaigns/indicator/{indicator.pk}/change/",
        {**form, "name": "线上解决企业问题", "counter": ""},
    )
    assert response.status_code == 302
    indicator.refresh_from_db()
    assert (indicator.name, indicator.counter) == ("线上解决企业问题", "")
    assert client.get("/admin/campaigns/campaign/").status_code == 200
    assert client.get("/admin/campaigns/campaign/add/").status_code == 403
    staffless = bureaus.users["province"]
    client.force_login(staffless)
    assert client.get("/admin/campaigns/indicator/").status_code == 302  # to the admin's login
