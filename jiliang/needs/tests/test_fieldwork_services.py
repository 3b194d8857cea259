"""Service teams, visits and needs through the services: what is refused (naming the field,
nothing saved) and what is recorded."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from jiliang.core.models import AuditEvent
from jiliang.needs.models import Need, ServiceTeam, Visit
from jiliang.needs.services import fieldwork as services
from jiliang.needs.tests.fieldwork_world import build_fieldwork, draft_order

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def work(world):
    return build_fieldwork(world)


def field_errors(error) -> dict:
    return error.value.message_dict


def test_a_bureau_forms_a_team_with_its_leader_as_member(world, work):
    team = work.team
    assert list(team.members.values_list("user__username", "organisation__kind")) == [
        ("institution", "institution")
    ]
    assert list(team.assignments.values_list("enterprise", flat=True)) == [world.enterprise.pk]
    assert AuditEvent.objects.filter(action="needs.serviceteam.created").count() == 1


def test_another_regions_enterprise_is_refused_naming_the_field(world):
    with pytest.raises(ValidationError) as error:
        services.team_create(
            actor=world.users["regulator_above"],
            bureau=world.organisations["regulator_above"],
            name="越界",
            formed_on=date(2020, 1, 1),
            leader=world.users["institution"],
            enterprises=[world.organisations["other_enterprise"]],
        )
    assert "other_enterprise organisation" in field_errors(error)["enterprises"][0]
    assert not ServiceTeam.objects.exists()


def test_only_institution_staff_and_experts_join(world):
    with pytest.raises(ValidationError) as error:
        services.team_create(
            actor=world.users["regulator_above"],
            bureau=world.organisations["regulator_above"],
            name="企业队",
            formed_on=date(2020, 1, 1),
            leader=world.users["same_enterprise"],
        )
    assert "members" in field_errors(error)
    assert not ServiceTeam.objects.exists()


@pytest.mark.parametrize(
    ("actor", "refusal"),
    [("sibling_regulator", Http404), ("same_enterprise", Http404), ("institution", Http404)],
)
def test_only_a_bureaus_editors_form_its_teams(world, actor, refusal):
    with pytest.raises(refusal):
        services.team_create(
            actor=world.users[actor],
            bureau=world.organisations["regulator_above"],
            name="冒名",
            formed_on=date(2020, 1, 1),
            leader=world.users["institution"],
        )


def test_editing_keeps_the_leader_a_member_and_checks_the_enterprises(world, work):
    with pytest.raises(ValidationError) as error:
        services.team_update(
            actor=world.users["regulator_above"],
            team=work.team,
            data={},
            enterprises=[world.organisations["other_enterprise"]],
        )
    assert "enterprises" in field_errors(error)
    services.team_update(
        actor=world.users["regulator_above"], team=work.team, data={"name": "新名"}, members=[]
    )
    work.team.refresh_from_db()
    assert work.team.name == "新名"
    assert list(work.team.members.values_list("user__username", flat=True)) == ["institution"]


def visit(world, work, **changes):
    values = {
        "actor": world.users["institution"],
        "team": work.team,
        "enterprise": world.enterprise,
        "members_present": [world.users["institution"]],
        "visited_on": date(2020, 4, 1),
        "needs": [{"topic": "training", "description": "培训", "urgency": "normal"}],
    }
    return services.visit_create(**{**values, **changes})


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"enterprise": "other_enterprise"}, "enterprise"),
        ({"visited_on": "tomorrow"}, "visited_on"),
        ({"visited_on": date(2019, 12, 31)}, "visited_on"),  # before the team was formed
        ({"members_present": ["same_enterprise"]}, "members_present"),
        ({"members_present": []}, "members_present"),
        ({"needs": [{"topic": "training", "description": ""}]}, "needs"),
        ({"needs": [{"topic": "unknown", "description": "x"}]}, "needs"),
    ],
)
def test_a_bad_visit_is_refused_naming_the_field_and_nothing_is_saved(world, work, changes, field):
    if changes.get("enterprise"):
        changes["enterprise"] = world.organisations[changes["enterprise"]]
    if changes.get("visited_on") == "tomorrow":
        changes["visited_on"] = timezone.localdate() + timedelta(days=1)
    if "members_present" in changes:
        changes["members_present"] = [world.users[name] for name in changes["members_present"]]
    before = (Visit.objects.count(), Need.objects.count())
    with pytest.raises(ValidationError) as error:
        visit(world, work, **changes)
    assert field in field_errors(error)
    assert (Visit.objects.count(), Need.objects.count()) == before


def test_a_visit_and_its_needs_are_recorded_together(world, work):
    recorded = visit(world, work)
    assert recorded.recorded_by == world.users["institution"]
    assert list(recorded.needs.values_list("topic", "raised_by__username", "enterprise")) == [
        ("training", "institution", world.enterprise.pk)
    ]


@pytest.mark.parametrize(
    ("actor", "refusal"),
    [
        ("sibling_regulator", Http404),
        ("same_enterprise", Http404),  # sees the visits to it, not the team
        ("other_enterprise", Http404),
    ],
)
def test_only_members_and_the_bureau_record_visits(world, work, actor, refusal):
    with pytest.raises(refusal):
        visit(world, work, actor=world.users[actor])


def test_the_bureau_records_and_corrects_visits(world, work):
    recorded = visit(world, work, actor=world.users["regulator_above"])
    services.visit_update(
        actor=world.users["regulator_above"],
        visit=recorded,
        data={"materials_handed_out": 12, "findings": "补记"},
    )
    recorded.refresh_from_db()
    assert (recorded.materials_handed_out, recorded.findings) == (12, "补记")
    with pytest.raises(ValidationError) as error:
        services.visit_update(
            actor=world.users["institution"],
            visit=recorded,
            data={},
            enterprise=world.organisations["other_enterprise"],
        )
    assert "enterprise" in field_errors(error)


def test_a_deactivated_team_records_no_visit(world, work):
    services.team_deactivate(actor=world.users["regulator_above"], team=work.team)
    with pytest.raises(ValidationError) as error:
        visit(world, work)
    assert "team" in field_errors(error)


def test_an_enterprise_raises_its_own_need_its_viewer_does_not(world):
    need = services.need_create(
        actor=world.users["same_enterprise"],
        enterprise=world.enterprise,
        topic="mms",
        description="建立测量管理体系",
    )
    assert (need.status, need.urgency, need.visit) == ("open", "normal", None)
    with pytest.raises(PermissionDenied):
        services.need_create(
            actor=world.users["same_enterprise_viewer"],
            enterprise=world.enterprise,
            topic="mms",
            description="x",
        )


def test_a_need_is_met_with_a_resolution_and_then_stays_met(world, work):
    actor = world.users["institution"]
    with pytest.raises(ValidationError) as error:
        services.need_set_status(actor=actor, need=work.need, status="met")
    assert "resolution" in field_errors(error)
    services.need_set_status(actor=actor, need=work.need, status="met", resolution="上门校准")
    work.need.refresh_from_db()
    assert (work.need.status, work.need.resolution) == ("met", "上门校准")
    with pytest.raises(ValidationError) as error:
        services.need_set_status(actor=actor, need=work.need, status="closed")
    assert "status" in field_errors(error)
    with pytest.raises(PermissionDenied):
        services.need_set_status(
            actor=world.users["same_enterprise_viewer"], need=work.need, status="closed"
        )


def test_the_enterprise_turns_a_need_into_its_order(world, work):
    order = draft_order(world)
    other = draft_order(world, world.organisations["other_enterprise"])
    with pytest.raises(ValidationError) as error:
        services.need_link_order(actor=world.users["platform_admin"], need=work.need, order=other)
    assert "order" in field_errors(error)
    with pytest.raises(Http404):  # the team member sees no order of the enterprise
        services.need_link_order(actor=world.users["institution"], need=work.need, order=order)
    services.need_link_order(actor=world.users["same_enterprise"], need=work.need, order=order)
    work.need.refresh_from_db()
    assert (work.need.order, work.need.status) == (order, "in_progress")


def test_a_new_leader_joins_the_team(world, work):
    from jiliang.accounts.services import user_create
    from jiliang.orgs.services import membership_add

    admin = world.users["platform_admin"]
    expert = user_create(actor=admin, username="expert-2", email="e2@example.com")
    membership_add(
        actor=admin, organisation=world.organisations["institution"], user=expert, role="expert"
    )
    services.team_update(
        actor=world.users["regulator_above"], team=work.team, data={}, leader=expert
    )
    work.team.refresh_from_db()
    assert work.team.leader == expert
    assert set(work.team.members.values_list("user__username", flat=True)) == {
        "institution",
        "expert-2",
    }
    event = AuditEvent.objects.filter(action="needs.serviceteam.updated").get()
    assert set(event.changes) == {"leader", "members"}
