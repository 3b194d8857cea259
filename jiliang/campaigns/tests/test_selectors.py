"""The campaign reads: the roll-up table, the trend, completeness, the reports awaiting a
decision, quota overviews and entered values, each through the reader's scope and in a fixed
number of queries whatever the number of child regions.

Figures are made through the services (entered values, reports) and the roll-up's own path
for platform counts (``rollup.counted_changed``, what a recount calls).
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from jiliang.campaigns import rollup, selectors, services
from jiliang.campaigns.models import WHOLE_CAMPAIGN, Indicator, Report
from jiliang.campaigns.periods import period_of
from jiliang.campaigns.tests.conftest import ZHENGZHOU_CHILDREN
from jiliang.orgs.models import Region

SHANGHAI = ZoneInfo("Asia/Shanghai")
MAX_TABLE_QUERIES = 8


def enter(bureaus, campaign, name, period, **values):
    services.values_enter(
        actor=bureaus.users[name],
        campaign=campaign,
        region=bureaus.regions[name],
        period=period,
        values={code: (value, "") for code, value in values.items()},
    )


def count(campaign, region, period, code, number):
    """The platform counted ``number`` for the region (its own figure) in ``period``."""
    indicator = Indicator.objects.get(code=code)
    rollup.counted_changed(campaign, {region.pk: {(period, indicator.pk): number}})


def quota(bureaus, campaign, actor, name, to_help, for_training):
    return services.quota_set(
        actor=bureaus.users[actor],
        campaign=campaign,
        region=bureaus.regions[name],
        smes_to_help=to_help,
        smes_for_mms_training=for_training,
    )


@pytest.fixture
def figures(bureaus, campaign):
    enter(bureaus, campaign, "jinshui", "2020-03", smes_helped=3, service_teams=1)
    enter(bureaus, campaign, "zhongyuan", "2020-03", smes_helped=2)
    enter(bureaus, campaign, "zhengzhou", "2020-03", smes_helped=1)
    enter(bureaus, campaign, "zhengzhou", "2020-04", smes_helped=4)
    enter(bureaus, campaign, "kaifeng", "2020-03", smes_helped=5, mms_enterprises=2)
    enter(bureaus, campaign, "province", "2020-03", service_teams=7)
    for period in ("2020-03", WHOLE_CAMPAIGN):
        count(campaign, bureaus.regions["jinshui"], period, "smes_helped", 6)
    quota(bureaus, campaign, "province", "province", 100, 20)
    quota(bureaus, campaign, "province", "zhengzhou", 20, 4)
    quota(bureaus, campaign, "province", "kaifeng", 10, 4)
    return campaign


def table(bureaus, campaign, reader, region, period):
    return selectors.rollup_table(
        user=bureaus.users[reader],
        campaign=campaign,
        region=bureaus.regions[region],
        period=period,
    )


def child(table, region):
    return next(row for row in table.children if row.region == region)


# The roll-up table -----------------------------------------------------------------------------


def test_the_province_table_of_a_period(bureaus, figures):
    result = table(bureaus, figures, "province", "province", "2020-03")
    assert result.period == period_of(figures, "2020-03")
    assert result.codes[0] == "smes_helped"
    assert len(result.indicators) == figures.indicators.count() == 14
    # The province's own figures: what its bureau entered, nothing of its regions'.
    assert result.own.cell("service_teams").entered == 7
    assert result.own.smes_helped == 0
    assert result.own.quota is None
    # The subtree: entered by everyone, counted apart.
    total = result.total.cell("smes_helped")
    assert (total.entered, total.counted, total.together) == (11, 6, 17)
    assert result.total.cell("service_teams").together == 8
    assert result.total.achievement == pytest.approx(0.17)
    assert result.total.report_status is None  # the campaign's region does not report
    # The children: every region reporting to the province, cities first, then the
    # province-administered counties.
    children = Region.objects.filter(parent=bureaus.regions["province"])
    assert {row.region for row in result.children} == set(children)
    levels = [row.region.level for row in result.children]
    assert levels.index("direct_county") > max(
        index for index, level in enumerate(levels) if level == "city"
    )
    assert result.children[0].region == bureaus.regions["zhengzhou"]
    zhengzhou = child(result, bureaus.regions["zhengzhou"])
    assert (zhengzhou.cell("smes_helped").entered, zhengzhou.cell("smes_helped").counted) == (6, 6)
    assert zhengzhou.achievement == pytest.approx(12 / 20)
    assert zhengzhou.quota.smes_to_help == 20
    kaifeng = child(result, bureaus.regions["kaifeng"])
    assert kaifeng.achievement == pytest.approx(0.5)
    assert kaifeng.mms_achievement == pytest.approx(2 / 4)
    gongyi = child(result, bureaus.regions["gongyi"])
    assert gongyi.smes_helped == 0
    assert (gongyi.quota, gongyi.achievement, gongyi.mms_achievement) == (None, None, None)
    assert gongyi.report_status == "open"
    # The children's rows and the province's own add up to the total.
    for position, code in enumerate(result.codes):
        assert (
            sum(row.cells[position].together for row in result.children)
            + result.own.cells[position].together
            == result.total.cells[position].together
        ), code


def test_the_whole_campaign_adds_the_periods_up(bureaus, figures):
    result = table(bureaus, figures, "province", "province", WHOLE_CAMPAIGN)
    zhengzhou = child(result, bureaus.regions["zhengzhou"])
    assert zhengzhou.cell("smes_helped").entered == 10
    assert zhengzhou.cell("smes_helped").counted == 6
    assert zhengzhou.achievement == pytest.approx(16 / 20)
    assert zhengzhou.report_status is None  # no report covers the whole campaign
    assert result.total.achievement == pytest.approx((15 + 6) / 100)


def test_a_period_without_figures_is_zeros(bureaus, figures):
    result = table(bureaus, figures, "province", "province", "2020-07")
    assert all(cell.together == 0 for row in result.children for cell in row.cells)
    assert child(result, bureaus.regions["zhengzhou"]).achievement == 0


def test_a_city_and_a_county_see_their_own_tables(bureaus, figures):
    city = table(bureaus, figures, "zhengzhou", "zhengzhou", "2020-03")
    assert [row.region.code for row in city.children] == list(ZHENGZHOU_CHILDREN)
    assert city.own.smes_helped == 1
    assert city.total.cell("smes_helped").entered == 6
    assert city.total.report_status == "open"
    county = table(bureaus, figures, "jinshui", "jinshui", "2020-03")
    assert county.children == []
    assert county.own.cells == county.total.cells
    assert county.total.cell("smes_helped").together == 9
    # A viewer of the province bureau and a platform administrator read as well.
    assert table(bureaus, figures, "viewer", "province", "2020-03").total.smes_helped == 17
    assert table(bureaus, figures, "platform_admin", "jinshui", "2020-03").own.smes_helped == 9


@pytest.mark.parametrize(
    ("reader", "region"),
    [
        ("jinshui", "province"),  # a county does not see the province's row
        ("jinshui", "zhengzhou"),
        ("jinshui", "zhongyuan"),  # nor its neighbour's
        ("zhengzhou", "kaifeng"),
        ("kaifeng", "zhengzhou"),
        ("zhengzhou", "province"),
    ],
)
def test_a_region_outside_the_readers_subtree_is_not_found(bureaus, figures, reader, region):
    with pytest.raises(Http404):
        table(bureaus, figures, reader, region, "2020-03")


def test_those_who_do_not_see_the_campaign_read_nothing(bureaus, figures, django_user_model):
    from jiliang.campaigns.tests.conftest import _member, enterprise_in

    enterprise = enterprise_in(bureaus, "jinshui")
    member = _member(bureaus.admin, "enterprise-member", enterprise, "admin")
    for user in (member, None):
        with pytest.raises(Http404):
            selectors.rollup_table(
                user=user, campaign=figures, region=bureaus.regions["jinshui"], period="2020-03"
            )
    assert list(selectors.campaign_list(user=member)) == []
    assert list(selectors.viewable_regions(user=member, campaign=figures)) == []


@pytest.mark.parametrize("period", ["2020-13", "2019-01", "2020-Q1", "", "total2"])
def test_an_unknown_period_is_named(bureaus, figures, period):
    with pytest.raises(ValidationError) as raised:
        table(bureaus, figures, "province", "province", period)
    assert "period" in raised.value.message_dict


def test_a_region_outside_the_campaign_is_named(bureaus, figures):
    with pytest.raises(ValidationError) as raised:
        table(bureaus, figures, "platform_admin", "nation", "2020-03")
    assert "region" in raised.value.message_dict
    with pytest.raises(Http404):  # a region id that does not exist
        selectors.rollup_table(user=bureaus.admin, campaign=figures, region=10**9, period="2020-03")


def test_the_childrens_report_status(bureaus, figures):
    services.report_submit(
        actor=bureaus.users["jinshui"],
        campaign=figures,
        region=bureaus.regions["jinshui"],
        period="2020-03",
    )
    city = table(bureaus, figures, "zhengzhou", "zhengzhou", "2020-03")
    statuses = {row.region.code: row.report_status for row in city.children}
    assert statuses == {
        code: "submitted" if code == "410105" else "open" for code in ZHENGZHOU_CHILDREN
    }
    assert child(city, bureaus.regions["jinshui"]).report.submitted_by == bureaus.users["jinshui"]
    assert table(bureaus, figures, "zhengzhou", "zhengzhou", "2020-04").children[0].report is None


def test_the_table_costs_the_same_queries_whatever_the_number_of_children(
    bureaus, figures, django_assert_max_num_queries
):
    """The province has 28 children, Zhengzhou 2, Jinshui none: the same queries each."""
    counts = {}
    for reader, region in (
        ("province", "province"),
        ("zhengzhou", "zhengzhou"),
        ("jinshui", "jinshui"),
    ):
        user = bureaus.users[reader]
        selectors.rollup_table(  # the user's scope is computed once per request
            user=user, campaign=figures, region=bureaus.regions[region], period="2020-03"
        )
        with CaptureQueriesContext(connection) as queries:
            result = selectors.rollup_table(
                user=user, campaign=figures, region=bureaus.regions[region], period="2020-03"
            )
        counts[region] = len(queries)
        # The roll-up is read, never the sources it is made of.
        tables = " ".join(query["sql"].lower() for query in queries.captured_queries)
        assert "campaigns_enteredvalue" not in tables
        assert "orders_order" not in tables
    assert len(set(counts.values())) == 1, counts
    with django_assert_max_num_queries(MAX_TABLE_QUERIES):
        result = selectors.rollup_table(
            user=bureaus.users["province"],
            campaign=figures,
            region=bureaus.regions["province"],
            period="2020-03",
        )
        assert len(result.children) == 28
        # Reading the rows afterwards costs nothing more.
        [(row.quota, row.report, row.region.name, row.achievement) for row in result.children]


# Trend -----------------------------------------------------------------------------------------


def test_the_trend_per_period(bureaus, figures, django_assert_max_num_queries):
    with django_assert_max_num_queries(MAX_TABLE_QUERIES):
        points = selectors.trend(
            user=bureaus.users["zhengzhou"], campaign=figures, region=bureaus.regions["zhengzhou"]
        )
    assert [point["period"] for point in points] == [f"2020-{month:02d}" for month in range(1, 13)]
    march, april = points[2], points[3]
    assert (march["entered"]["smes_helped"], march["counted"]["smes_helped"]) == (6, 6)
    assert march["together"]["smes_helped"] == 12
    assert april["together"]["smes_helped"] == 4
    assert points[0]["together"]["smes_helped"] == 0
    assert march["start"] == date(2020, 3, 1)
    assert march["end"] == date(2020, 3, 31)
    assert set(march["together"]) == {i.code for i in figures.indicators.all()}
    with pytest.raises(Http404):
        selectors.trend(
            user=bureaus.users["kaifeng"], campaign=figures, region=bureaus.regions["zhengzhou"]
        )


# Completeness ----------------------------------------------------------------------------------


def submit(bureaus, campaign, name, period, when):
    report = services.report_submit(
        actor=bureaus.users[name], campaign=campaign, region=bureaus.regions[name], period=period
    )
    Report.objects.filter(pk=report.pk).update(submitted_at=when)  # as if submitted then
    return report


def test_completeness_of_a_city(bureaus, campaign, django_assert_max_num_queries):
    on_time = datetime(2020, 4, 10, 23, 30, tzinfo=SHANGHAI)  # the deadline day, in China
    submit(bureaus, campaign, "jinshui", "2020-03", on_time)
    submit(bureaus, campaign, "zhongyuan", "2020-03", datetime(2020, 4, 11, 8, tzinfo=SHANGHAI))
    submit(bureaus, campaign, "zhongyuan", "2020-06", datetime(2020, 5, 2, tzinfo=SHANGHAI))
    returned = submit(
        bureaus, campaign, "jinshui", "2020-02", datetime(2020, 3, 5, tzinfo=SHANGHAI)
    )
    services.report_return(actor=bureaus.users["zhengzhou"], report=returned, reason="请核对")
    today = date(2020, 5, 15)  # the deadlines of January to April have passed
    with django_assert_max_num_queries(MAX_TABLE_QUERIES):
        lines = selectors.completeness(
            user=bureaus.users["zhengzhou"],
            campaign=campaign,
            region=bureaus.regions["zhengzhou"],
            period="2020-03",
            today=today,
        )
    by_code = {line["region"].code: line for line in lines}
    assert [line["is_total"] for line in lines] == [False] * len(ZHENGZHOU_CHILDREN) + [True]
    # The districts without a bureau are listed, expecting nothing.
    assert by_code["410103"]["reporting"] is False
    assert by_code["410103"]["expected"] == 0
    assert lines[-1]["region"] == bureaus.regions["zhengzhou"]
    jinshui, zhongyuan, total = by_code["410105"], by_code["410102"], lines[-1]
    assert (jinshui["expected"], jinshui["received"], jinshui["on_time"]) == (1, 1, 1)
    assert (zhongyuan["expected"], zhongyuan["received"], zhongyuan["on_time"]) == (1, 1, 0)
    assert (total["expected"], total["received"], total["on_time"]) == (2, 2, 1)
    assert (total["received_rate"], total["on_time_rate"]) == (1.0, 0.5)

    lines = selectors.completeness(
        user=bureaus.users["zhengzhou"],
        campaign=campaign,
        region=bureaus.regions["zhengzhou"],
        today=today,
    )
    by_code = {line["region"].code: line for line in lines}
    # Jinshui: January to April expected, March received on time, February returned.
    assert (by_code["410105"]["expected"], by_code["410105"]["received"]) == (4, 1)
    assert by_code["410105"]["on_time_rate"] == 0.25
    # Zhongyuan: June is not due yet but was submitted: expected and on time.
    assert (by_code["410102"]["expected"], by_code["410102"]["received"]) == (5, 2)
    assert by_code["410102"]["on_time"] == 1
    assert lines[-1]["expected"] == 9
    assert lines[-1]["received"] == 3


def test_completeness_lists_regions_without_a_bureau_expecting_nothing(bureaus, campaign):
    lines = selectors.completeness(
        user=bureaus.users["province"],
        campaign=campaign,
        region=bureaus.regions["province"],
        today=date(2021, 6, 1),
    )
    by_code = {line["region"].code: line for line in lines}
    assert len(lines) == 29
    assert by_code["410181"]["reporting"] is False
    assert by_code["410181"]["expected"] == 0
    assert by_code["410181"]["received_rate"] is None
    assert by_code["410100"]["reporting"] is True
    assert by_code["410100"]["expected"] == 12
    assert by_code["410100"]["received_rate"] == 0
    assert lines[-1]["expected"] == 24  # Zhengzhou and Kaifeng have bureaus


def test_completeness_refuses_the_whole_campaign_as_a_period(bureaus, campaign):
    with pytest.raises(ValidationError) as raised:
        selectors.completeness(
            user=bureaus.users["province"],
            campaign=campaign,
            region=bureaus.regions["province"],
            period=WHOLE_CAMPAIGN,
        )
    assert "period" in raised.value.message_dict


# Reports awaiting a decision -------------------------------------------------------------------


def test_reports_awaiting_the_bureau_above(bureaus, campaign):
    report = services.report_submit(
        actor=bureaus.users["jinshui"],
        campaign=campaign,
        region=bureaus.regions["jinshui"],
        period="2020-03",
    )

    def awaiting(name):
        return list(selectors.reports_awaiting(user=bureaus.users[name], campaign=campaign))

    assert awaiting("zhengzhou") == [report]
    assert awaiting("platform_admin") == [report]
    for name in ("province", "jinshui", "zhongyuan", "kaifeng", "viewer"):
        assert awaiting(name) == [], name
    services.report_approve(actor=bureaus.users["zhengzhou"], report=report)
    assert awaiting("zhengzhou") == []
    other = services.report_submit(
        actor=bureaus.users["zhongyuan"],
        campaign=campaign,
        region=bureaus.regions["zhongyuan"],
        period="2020-03",
    )
    services.report_approve(actor=bureaus.users["zhengzhou"], report=other)
    city = services.report_submit(
        actor=bureaus.users["zhengzhou"],
        campaign=campaign,
        region=bureaus.regions["zhengzhou"],
        period="2020-03",
    )
    assert awaiting("province") == [city]


def test_report_list_filters(bureaus, campaign):
    for name in ("jinshui", "zhongyuan"):
        services.report_submit(
            actor=bureaus.users[name],
            campaign=campaign,
            region=bureaus.regions[name],
            period="2020-03",
        )
    services.report_submit(
        actor=bureaus.users["kaifeng"],
        campaign=campaign,
        region=bureaus.regions["kaifeng"],
        period="2020-04",
    )

    def regions(name, **filters):
        return [
            report.region.code
            for report in selectors.report_list(
                user=bureaus.users[name], campaign=campaign, **filters
            )
        ]

    assert regions("province") == ["410102", "410105", "410200"]
    assert regions("province", period="2020-03") == ["410102", "410105"]
    assert regions("province", status="approved") == []
    assert regions("zhengzhou") == ["410102", "410105"]
    assert regions("jinshui") == ["410105"]
    assert regions("kaifeng") == ["410200"]


# Quotas and entered values ---------------------------------------------------------------------


def test_quota_overview_sums_and_warns(bureaus, campaign):
    quota(bureaus, campaign, "province", "province", 100, 20)
    quota(bureaus, campaign, "province", "zhengzhou", 80, 10)
    quota(bureaus, campaign, "province", "kaifeng", 30, 5)
    overview = selectors.quota_overview(
        user=bureaus.users["province"], campaign=campaign, parent=bureaus.regions["province"]
    )
    assert overview.parent_quota.smes_to_help == 100
    assert len(overview.children) == 28
    assert overview.children[0][0] == bureaus.regions["zhengzhou"]
    assert overview.children[0][1].smes_to_help == 80
    assert (overview.smes_to_help_sum, overview.smes_for_mms_training_sum) == (110, 15)
    assert len(overview.warnings) == 1
    assert "110" in overview.warnings[0]
    city = selectors.quota_overview(
        user=bureaus.users["zhengzhou"], campaign=campaign, parent=bureaus.regions["zhengzhou"]
    )
    assert city.parent_quota.smes_to_help == 80
    assert [quota for _region, quota in city.children] == [None] * len(ZHENGZHOU_CHILDREN)
    assert city.warnings == []
    with pytest.raises(Http404):
        selectors.quota_overview(
            user=bureaus.users["zhengzhou"], campaign=campaign, parent=bureaus.regions["province"]
        )


def test_entered_values_of_a_region(bureaus, figures):
    rows = selectors.entered_values(
        user=bureaus.users["zhengzhou"],
        campaign=figures,
        region=bureaus.regions["jinshui"],
        period="2020-03",
    )
    values = {row["indicator"].code: row["value"] for row in rows}
    assert values["smes_helped"] == 3
    assert values["service_teams"] == 1
    assert values["questionnaires"] is None
    assert rows[0]["entered_by"] == bureaus.users["jinshui"]
    with pytest.raises(ValidationError):
        selectors.entered_values(
            user=bureaus.users["jinshui"],
            campaign=figures,
            region=bureaus.regions["jinshui"],
            period=WHOLE_CAMPAIGN,
        )
    with pytest.raises(Http404):
        selectors.entered_values(
            user=bureaus.users["zhongyuan"],
            campaign=figures,
            region=bureaus.regions["jinshui"],
            period="2020-03",
        )


def test_home_region_and_viewable_regions(bureaus, campaign):
    def home(name):
        return selectors.home_region(user=bureaus.users[name], campaign=campaign)

    assert home("province") == bureaus.regions["province"]
    assert home("viewer") == bureaus.regions["province"]
    assert home("platform_admin") == bureaus.regions["province"]
    assert home("zhengzhou") == bureaus.regions["zhengzhou"]
    assert home("jinshui") == bureaus.regions["jinshui"]
    regions = selectors.viewable_regions(user=bureaus.users["zhengzhou"], campaign=campaign)
    assert {region.code for region in regions} == {"410100", *ZHENGZHOU_CHILDREN}
    # A campaign of Zhengzhou: the province's bureau sees it from above, whole.
    city_campaign = services.campaign_create(
        actor=bureaus.users["zhengzhou"],
        organiser=bureaus.organisations["zhengzhou"],
        name="郑州市计量服务",
        year=2020,
        period_type="quarterly",
    )
    assert (
        selectors.home_region(user=bureaus.users["province"], campaign=city_campaign)
        == (bureaus.regions["zhengzhou"])
    )
    assert selectors.home_region(user=bureaus.users["kaifeng"], campaign=city_campaign) is None
    assert city_campaign not in selectors.campaign_list(user=bureaus.users["kaifeng"])
    assert city_campaign in selectors.campaign_list(user=bureaus.users["jinshui"])
