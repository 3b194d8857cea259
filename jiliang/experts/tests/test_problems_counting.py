"""Problems in the campaign counters: ``problems_solved`` counts the problems confirmed solved
per region of the problem on the day of the confirmation (a reopened one drops out), and the
enterprise is helped that day."""

from datetime import datetime

import pytest
from django.utils import timezone

from jiliang.campaigns import counting, services
from jiliang.campaigns.models import WHOLE_CAMPAIGN
from jiliang.campaigns.tests.conftest import build_bureaus, counted, enterprise_in
from jiliang.experts.choices import ProblemState
from jiliang.experts.models import Problem

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def bureaus(db):
    return build_bureaus()


def problem(enterprise, solved=None, state=ProblemState.SOLVED):
    return Problem.objects.create(
        enterprise=enterprise,
        region=enterprise.region,
        title="压力变送器溯源",
        category="traceability",
        field="mechanics",
        description="无法溯源。",
        state=state,
        solved_at=timezone.make_aware(datetime(*solved, 10)) if solved else None,
        rating=5 if solved else None,
    )


@pytest.fixture
def records(bureaus):
    """A (金水区): two solved in March 2020, one in May; B (金水区): one in March; left out: a
    proposed one, a reopened one (no longer solved), one solved in 2019."""
    a = enterprise_in(bureaus, "jinshui", name="甲企业")
    b = enterprise_in(bureaus, "jinshui", name="乙企业")
    problem(a, (2020, 3, 5))
    problem(a, (2020, 3, 20))
    problem(a, (2020, 5, 6))
    problem(b, (2020, 3, 9))
    problem(a, state=ProblemState.PROPOSED)
    problem(b, state=ProblemState.ASSIGNED)  # reopened: solved_at cleared
    problem(a, (2019, 12, 31))
    return {"a": a, "b": b}


@pytest.fixture
def campaign(bureaus, records):
    return services.campaign_create(
        actor=bureaus.users["province"],
        organiser=bureaus.organisations["province"],
        name="2020年计量服务中小企业行",
        year=2020,
        period_type="monthly",
    )


def test_problems_solved_per_region_and_period(bureaus, campaign):
    jinshui = bureaus.regions["jinshui"]
    counts = counting.get_counter("problems_solved").count(campaign)
    assert counts[jinshui.pk, "2020-03"] == 3
    assert counts[jinshui.pk, "2020-05"] == 1
    assert counts[jinshui.pk, WHOLE_CAMPAIGN] == 4
    solved = Problem.objects.filter(state=ProblemState.SOLVED, solved_at__year=2020, region=jinshui)
    assert counts[jinshui.pk, WHOLE_CAMPAIGN] == solved.count()


def test_a_reopened_problem_drops_out(bureaus, campaign):
    jinshui = bureaus.regions["jinshui"]
    reopened = Problem.objects.filter(solved_at__month=5).get()
    Problem.objects.filter(pk=reopened.pk).update(
        state=ProblemState.IN_PROGRESS, solved_at=None, updated=timezone.now()
    )
    counts = counting.get_counter("problems_solved").count(campaign)
    assert counts.get((jinshui.pk, "2020-05"), 0) == 0
    assert counts[jinshui.pk, WHOLE_CAMPAIGN] == 3


def test_the_enterprise_is_helped_on_the_day_its_problem_was_solved(bureaus, campaign):
    jinshui = bureaus.regions["jinshui"]
    assert counted(campaign, jinshui, "smes_helped", "2020-03") == 2  # A (twice: once) and B
    assert counted(campaign, jinshui, "smes_helped", "2020-05") == 1
    assert counted(campaign, jinshui, "smes_helped") == 2
