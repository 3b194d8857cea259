"""What problems plug in: the enterprise's 360° page (open problems first), the dashboards'
to-dos, the enterprise search's filter, the navigation and the audit labels."""

from datetime import timedelta

import pytest
from django.utils import timezone

from jiliang.core import navigation
from jiliang.core.dashboards import registry
from jiliang.core.roles import DashboardRole
from jiliang.experts.hooks import problems as hooks
from jiliang.experts.services import problems as services
from jiliang.experts.tests.problems_world import build_problems
from jiliang.orgs import enterprise_filters
from jiliang.orgs.models import Organisation

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def world(matrix_world):
    return matrix_world


@pytest.fixture
def work(world):
    return build_problems(world)


def panel(world, actor):
    shown = registry.organisation_page(world.users[actor], world.enterprise)
    return next((p.context for p in shown if p.key == "experts.problems"), None)


def test_the_enterprise_page_shows_its_problems_open_first(world, work):
    services.problem_confirm(actor=world.users["same_enterprise"], problem=work.proposed, rating=5)
    for actor in ("same_enterprise", "regulator_above"):
        shown = panel(world, actor)["problems"]
        assert shown[-1] == work.proposed, actor  # solved: last
        assert len(shown) == 4
    assert [p.pk for p in panel(world, "institution")["problems"]] == [
        work.started.pk,
        work.assigned.pk,
        work.proposed.pk,
    ]
    assert panel(world, "sibling_regulator") is None


def test_the_bureau_is_told_of_new_and_overdue_problems(world, work, django_assert_max_num_queries):
    late = work.assigned.target_date + timedelta(days=1)
    with django_assert_max_num_queries(4):
        todos = hooks.bureau_todos(world.users["regulator_above"], late)
    assert [(t.label, t.count) for t in todos] == [
        ("New problems to triage", 1),
        ("Problems past their target date", 2),  # assigned and in progress; not proposed
    ]
    assert todos[1].url == "/problems/?overdue=1"
    assert [t.count for t in hooks.bureau_todos(world.users["sibling_regulator"], late)] == [0, 0]


def test_the_enterprise_and_the_assignees_are_told(world, work, django_assert_max_num_queries):
    today = timezone.localdate()
    with django_assert_max_num_queries(3):
        todos = hooks.enterprise_todos(world.users["same_enterprise"], today)
    assert [(t.count, t.url) for t in todos] == [(1, "/problems/?state=proposed")]
    assert [
        t.count for t in hooks.enterprise_todos(world.users["same_enterprise_viewer"], today)
    ] == [0]
    with django_assert_max_num_queries(3):
        todos = hooks.assignee_todos(work.expert.user, today)
    assert [t.count for t in todos] == [1]
    assert [t.count for t in hooks.assignee_todos(world.users["institution"], today)] == [2]


def test_the_enterprise_search_finds_those_with_open_problems(world, work):
    enterprises = Organisation.objects.filter(kind="enterprise")
    found = enterprise_filters.apply_filters(enterprises, {"open_problems": "1"})
    assert list(found) == [world.enterprise]


def test_problems_are_in_every_navigation_but_the_administrators():
    for role in DashboardRole:
        keys = {section.key: section for section in navigation.sections_for(role)}
        assert ("problems" in keys) == (role != DashboardRole.ADMINISTRATOR), role
    section = {s.key: s for s in navigation.sections()}["problems"]
    assert (section.order, section.icon, section.url) == (43, "tools", "/problems/")
