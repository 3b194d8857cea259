"""What fieldwork plugs in: the enterprise's 360° page, the dashboards' to-dos, the enterprise
search's filters and the navigation."""

import pytest
from django.utils import timezone

from jiliang.core import navigation
from jiliang.core.dashboards import registry
from jiliang.core.roles import DashboardRole
from jiliang.needs.hooks import fieldwork as hooks
from jiliang.needs.tests.fieldwork_world import build_fieldwork
from jiliang.orgs import enterprise_filters
from jiliang.orgs.models import Organisation

pytestmark = pytest.mark.usefixtures("english")
OURS = {"needs.visits", "needs.needs"}


@pytest.fixture
def work(world):
    return build_fieldwork(world)


def panels(world, actor):
    shown = registry.organisation_page(world.users[actor], world.enterprise)
    return {panel.key: panel.context for panel in shown if panel.key in OURS}


def test_the_enterprise_page_shows_its_visits_and_needs_to_who_sees_them(world, work):
    for actor in ("same_enterprise", "regulator_above", "institution"):
        shown = panels(world, actor)
        assert [v.pk for v in shown["needs.visits"]["visits"]] == [work.visit.pk], actor
        assert [n.pk for n in shown["needs.needs"]["needs"]] == [work.need.pk], actor
    assert panels(world, "sibling_regulator") == {}


def test_a_member_is_told_of_enterprises_not_visited_yet(
    world, work, django_assert_max_num_queries
):
    today = timezone.localdate()
    member = world.users["institution"]
    assert [t.count for t in hooks.member_todos(member, today)] == [0]
    work.team.assignments.create(enterprise=world.organisations["other_enterprise"])
    with django_assert_max_num_queries(3):
        todos = hooks.member_todos(member, today)
    assert [(t.label, t.count) for t in todos] == [("Assigned enterprises not visited yet", 1)]


def test_the_bureau_is_told_of_open_urgent_needs(world, work, django_assert_max_num_queries):
    today = timezone.localdate()
    with django_assert_max_num_queries(3):
        todos = hooks.bureau_todos(world.users["regulator_above"], today)
    assert [(t.count, t.url) for t in todos] == [(1, "/fieldwork/needs/?open=1&urgency=high")]
    assert [t.count for t in hooks.bureau_todos(world.users["sibling_regulator"], today)] == [0]
    assert hooks.bureau_todos(world.users["same_enterprise"], today) == []


def test_the_enterprise_search_finds_the_never_visited_and_those_with_open_needs(world, work):
    keys = {entry.key for entry in enterprise_filters.registered()}
    assert {"never_visited", "open_needs"} <= keys
    enterprises = Organisation.objects.filter(kind="enterprise")
    never = enterprise_filters.apply_filters(enterprises, {"never_visited": "1"})
    assert list(never) == [world.organisations["other_enterprise"]]
    needing = enterprise_filters.apply_filters(enterprises, {"open_needs": "1"})
    assert list(needing) == [world.enterprise]
    work.need.status = "met"
    work.need.save()
    assert not enterprise_filters.apply_filters(enterprises, {"open_needs": "1"}).exists()


def test_teams_and_needs_are_in_the_navigation():
    for role in (DashboardRole.REGULATOR, DashboardRole.INSTITUTION, DashboardRole.EXPERT):
        assert "service_teams" in {s.key for s in navigation.sections_for(role)}
    enterprise = {s.key: s.url for s in navigation.sections_for(DashboardRole.ENTERPRISE)}
    assert enterprise["needs"] == "/fieldwork/needs/"
