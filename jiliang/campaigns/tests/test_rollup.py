"""The roll-up: hand-computed figures, the incremental path equal to a rebuild after random
sequences of changes, which rows exist, and what entering a value costs."""

import random

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jiliang.campaigns import rollup, services
from jiliang.campaigns.models import WHOLE_CAMPAIGN, Figure, Indicator
from jiliang.campaigns.tests.conftest import at, completed_order, enterprise_in
from jiliang.orgs.models import Region

pytestmark = pytest.mark.usefixtures("english")

# What entering 13 values costs, whatever the region's depth (see the test below).
VALUES_ENTER_QUERIES = 15


def figure(campaign, region, code, period=WHOLE_CAMPAIGN):
    row = Figure.objects.filter(
        campaign=campaign, region=region, period=period, indicator__code=code
    ).first()
    return (row.entered_own, row.entered_subtree) if row else None


def enter(bureaus, campaign, name, period, **values):
    return services.values_enter(
        actor=bureaus.users[name],
        campaign=campaign,
        region=bureaus.regions[name],
        period=period,
        values={code: (value, "") for code, value in values.items()},
    )


def nonzero(figures):
    """Figures without the all-zero rows (a missing row reads as zeros)."""
    return {key: values for key, values in figures.items() if any(values)}


def attempt(service, **kwargs) -> str:
    """ "" when the service went through; the expected refusal's words when it was refused."""
    try:
        service(**kwargs)
    except ValidationError as error:
        text = str(error)
        return next((words for words in ("locked", "cannot be submitted") if words in text), text)
    return ""


def assert_same_as_rebuild(campaign):
    stored, computed = rollup.stored(campaign), rollup.compute(campaign)
    assert nonzero(stored) == nonzero(computed)
    assert set(computed) <= set(stored)  # every row a rebuild makes is there


def test_figures_add_up_the_tree_and_over_the_periods(bureaus, campaign):
    enter(bureaus, campaign, "jinshui", "2020-03", smes_helped=5, service_teams=2)
    enter(bureaus, campaign, "zhongyuan", "2020-03", smes_helped=3)
    enter(bureaus, campaign, "zhengzhou", "2020-03", smes_helped=2)
    enter(bureaus, campaign, "jinshui", "2020-04", smes_helped=1)
    enter(bureaus, campaign, "kaifeng", "2020-04", smes_helped=7)
    regions = bureaus.regions
    assert figure(campaign, regions["jinshui"], "smes_helped", "2020-03") == (5, 5)
    assert figure(campaign, regions["zhengzhou"], "smes_helped", "2020-03") == (2, 10)
    assert figure(campaign, regions["province"], "smes_helped", "2020-03") == (0, 10)
    assert figure(campaign, regions["province"], "smes_helped", "2020-04") == (0, 8)
    assert figure(campaign, regions["jinshui"], "smes_helped") == (6, 6)
    assert figure(campaign, regions["zhengzhou"], "smes_helped") == (2, 11)
    assert figure(campaign, regions["province"], "smes_helped") == (0, 18)
    # Changing a value moves its delta up; the same value again changes nothing.
    enter(bureaus, campaign, "jinshui", "2020-03", smes_helped=1)
    assert enter(bureaus, campaign, "jinshui", "2020-03", smes_helped=1) == []
    assert figure(campaign, regions["zhengzhou"], "smes_helped", "2020-03") == (2, 6)
    assert figure(campaign, regions["province"], "smes_helped") == (0, 14)
    # Removing it (None) too.
    enter(bureaus, campaign, "jinshui", "2020-04", smes_helped=None)
    assert figure(campaign, regions["province"], "smes_helped") == (0, 13)
    assert_same_as_rebuild(campaign)


def test_a_latest_indicator_totals_the_latest_period_with_a_value(bureaus):
    Indicator.objects.filter(code="service_teams").update(aggregation="latest")
    campaign = services.campaign_create(
        actor=bureaus.users["province"],
        organiser=bureaus.organisations["province"],
        name="服务队",
        year=2020,
        period_type="quarterly",
    )
    enter(bureaus, campaign, "jinshui", "2020-Q1", service_teams=3)
    enter(bureaus, campaign, "jinshui", "2020-Q3", service_teams=5)
    enter(bureaus, campaign, "zhongyuan", "2020-Q2", service_teams=2)
    regions = bureaus.regions
    assert figure(campaign, regions["jinshui"], "service_teams") == (5, 5)
    # Over regions they add up: each region's latest value.
    assert figure(campaign, regions["zhengzhou"], "service_teams") == (0, 7)
    enter(bureaus, campaign, "jinshui", "2020-Q1", service_teams=9)  # not the latest
    assert figure(campaign, regions["zhengzhou"], "service_teams") == (0, 7)
    enter(bureaus, campaign, "jinshui", "2020-Q3", service_teams=None)  # Q1 is latest again
    assert figure(campaign, regions["jinshui"], "service_teams") == (9, 9)
    assert figure(campaign, regions["province"], "service_teams") == (0, 11)
    enter(bureaus, campaign, "zhongyuan", "2020-Q4", service_teams=0)  # a value, zero
    assert figure(campaign, regions["province"], "service_teams") == (0, 9)
    assert_same_as_rebuild(campaign)


def test_rows_exist_for_the_campaign_region_then_where_something_happened(bureaus, campaign):
    keys = rollup.period_keys(campaign)
    indicators = campaign.indicators.count()
    assert len(keys) == 13
    assert indicators == 14
    assert Figure.objects.filter(campaign=campaign).count() == 13 * 14
    assert set(Figure.objects.values_list("region__code", flat=True)) == {"410000"}
    enter(bureaus, campaign, "jinshui", "2020-03", smes_helped=0)  # a zero is a value
    assert sorted(Figure.objects.values_list("region__code", flat=True).distinct()) == [
        "410000",
        "410100",
        "410105",
    ]
    assert Figure.objects.filter(campaign=campaign).count() == 3 * 13 * 14
    assert rollup.rebuild(campaign) == 3 * 13 * 14


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_random_changes_keep_the_figures_equal_to_a_rebuild(bureaus, seed):
    """Values entered, changed and removed in random regions and periods, orders completed and
    recounted, reports locking periods: after every step every figure equals a rebuild's."""
    rng = random.Random(seed)
    Indicator.objects.filter(code="instruments_shared").update(aggregation="latest")
    campaign = services.campaign_create(
        actor=bureaus.users["province"],
        organiser=bureaus.organisations["province"],
        name=f"随机{seed}",
        year=2020,
        period_type=rng.choice(["monthly", "quarterly"]),
    )
    # A few regions and indicators, so that cells are written again and again; the latest one
    # and the counted one among them.
    regions = [
        *bureaus.regions.values(),
        *rng.sample(list(Region.objects.filter(parent=bureaus.regions["province"])), 3),
    ]
    regions = [region for region in regions if region.code != "000000"]
    periods = rollup.period_keys(campaign)[:-1]
    codes = ["instruments_shared", "smes_helped", "standards_established", "labs_opened"]
    for _step in range(25):
        action = rng.random()
        if action < 0.75:
            region, period = rng.choice(regions), rng.choice(periods)
            values = {
                code: (rng.choice([None, 0, 1, 2, 5, 40, rng.randrange(1000)]), "")
                for code in rng.sample(codes, rng.randrange(1, 4))
            }
            outcome = attempt(
                services.values_enter,
                actor=bureaus.admin,
                campaign=campaign,
                region=region,
                period=period,
                values=values,
            )
            assert outcome in ("", "locked"), outcome
        elif action < 0.9:
            since = timezone.now()
            enterprise = enterprise_in(bureaus, rng.choice(regions))
            day = at(2020, rng.randrange(1, 13), rng.randrange(1, 29), rng.randrange(24))
            completed_order(bureaus, enterprise, on=day, kind=rng.choice(["standard", "pattern"]))
            services.recount(since=since)
        else:
            region = rng.choice([bureaus.regions["jinshui"], bureaus.regions["kaifeng"]])
            outcome = attempt(
                services.report_submit,
                actor=bureaus.admin,
                campaign=campaign,
                region=region,
                period=periods[0],
            )
            assert outcome in ("", "cannot be submitted"), outcome
        assert_same_as_rebuild(campaign)
    assert services.recount(campaign=campaign) == 0  # the incremental recounts missed nothing


def test_entering_thirteen_values_costs_the_same_few_queries_at_any_depth(
    bureaus, campaign, django_assert_max_num_queries
):
    codes = list(campaign.indicators.values_list("code", flat=True))[:13]
    counts = {}
    for name in ("zhengzhou", "jinshui", "kaifeng"):
        for period, value in (("2020-02", 1), ("2020-02", 2)):  # rows made, then rows there
            user = bureaus.users[name]
            services.values_enter(  # the user's scope is computed once per request
                actor=user,
                campaign=campaign,
                region=bureaus.regions[name],
                period="2020-01",
                values={codes[0]: (value, "")},
            )
            with CaptureQueriesContext(connection) as queries:
                services.values_enter(
                    actor=user,
                    campaign=campaign,
                    region=bureaus.regions[name],
                    period=period,
                    values=dict.fromkeys(codes, (value, "")),
                )
            counts[name, value] = len(queries)
    assert len(set(counts.values())) == 1, counts
    with django_assert_max_num_queries(VALUES_ENTER_QUERIES):
        enter(bureaus, campaign, "jinshui", "2020-05", **dict.fromkeys(codes, 3))
    assert_same_as_rebuild(campaign)


def test_a_change_of_indicators_rebuilds_the_rows(bureaus, campaign):
    enter(bureaus, campaign, "jinshui", "2020-03", smes_helped=5, labs_opened=1)
    services.campaign_update(
        actor=bureaus.users["province"],
        campaign=campaign,
        indicators=Indicator.objects.filter(code__in=["smes_helped", "service_teams"]),
    )
    assert set(Figure.objects.values_list("indicator__code", flat=True)) == {
        "smes_helped",
        "service_teams",
    }
    assert figure(campaign, bureaus.regions["province"], "smes_helped") == (0, 5)
    assert_same_as_rebuild(campaign)


def test_a_rebuild_writes_only_the_rows_that_differ(bureaus, campaign):
    enter(bureaus, campaign, "jinshui", "2020-03", smes_helped=5, labs_opened=1)
    completed_order(bureaus, enterprise_in(bureaus, "kaifeng"), on=at(2020, 4, 2))
    services.recount(campaign=campaign)
    ids = dict(Figure.objects.filter(campaign=campaign).values_list("pk", "entered_subtree"))
    assert rollup.rebuild(campaign) == len(ids)
    # The same rows, not deleted and inserted again.
    assert dict(Figure.objects.filter(campaign=campaign).values_list("pk", "entered_subtree")) == (
        ids
    )
    # A wrong figure is put right, a row too many removed, a missing row made again.
    province = bureaus.regions["province"]
    wrong = Figure.objects.get(
        campaign=campaign, region=province, period="2020-03", indicator__code="smes_helped"
    )
    Figure.objects.filter(pk=wrong.pk).update(entered_subtree=99, counted_own=7)
    missing = Figure.objects.get(
        campaign=campaign,
        region=bureaus.regions["kaifeng"],
        period="2020-04",
        indicator__code="smes_helped",
    )
    missing_pk = missing.pk
    missing.delete()
    extra = Figure.objects.create(
        campaign=campaign,
        region=bureaus.regions["gongyi"],
        period="2020-03",
        indicator=wrong.indicator,
        entered_own=3,
    )
    rollup.rebuild(campaign)
    assert rollup.stored(campaign) == rollup.compute(campaign)
    wrong.refresh_from_db()
    assert (wrong.entered_subtree, wrong.counted_own) == (5, 0)
    assert not Figure.objects.filter(pk=extra.pk).exists()
    assert (
        Figure.objects.get(
            campaign=campaign,
            region=bureaus.regions["kaifeng"],
            period="2020-04",
            indicator__code="smes_helped",
        ).counted_own
        == 1
    )
    # The other rows stayed where they were.
    assert set(ids) - {missing_pk} <= set(Figure.objects.values_list("pk", flat=True))


def test_moving_figures_up_finds_the_rows_by_the_unique_index(bureaus, campaign):
    """The UPDATEs that move deltas up filter on lists of periods, regions and indicators,
    which the unique index (campaign, period, region, indicator) serves; an OR of (period,
    indicator) pairs made SQLite read every row of the campaign."""
    codes = list(campaign.indicators.values_list("code", flat=True))[:13]
    with CaptureQueriesContext(connection) as queries:
        enter(bureaus, campaign, "jinshui", "2020-05", **dict.fromkeys(codes, 3))
    updates = [
        query["sql"] for query in queries if query["sql"].startswith('UPDATE "campaigns_figure"')
    ]
    assert len(updates) == 2  # the region's own rows, then its ancestors' subtree rows
    for sql in updates:
        where = sql.split(" WHERE ", 1)[1]
        assert " OR " not in where
        assert '"period" IN' in where
        assert '"indicator_id" IN' in where
