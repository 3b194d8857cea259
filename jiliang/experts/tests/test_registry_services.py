"""Registering experts, their fields and availability, and expert groups: who may, what is
refused (with a message saying why), and the audit trail."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from jiliang.accounts.services import user_create
from jiliang.core.models import AuditEvent
from jiliang.experts.models import Expert, ExpertGroup
from jiliang.experts.services import registry as services
from jiliang.experts.tests.registry_world import build_registry
from jiliang.orgs import services as org_services
from jiliang.orgs.models import Membership, Region

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def world(matrix_world):
    matrix_world.registry = build_registry(matrix_world)
    return matrix_world


def user(world, username):
    return user_create(
        actor=world.users["platform_admin"], username=username, email=f"{username}@example.com"
    )


def register(world, actor, account, **kwargs):
    values = {
        "organisation": world.organisations["institution"],
        "title": "高级工程师",
        "fields": {"thermal": "温度"},
    } | kwargs
    return services.expert_register(actor=world.users[actor], user=account, **values)


# Registering ------------------------------------------------------------------------------------


def test_the_bureau_over_the_region_registers_a_member_of_the_institution(world):
    candidate = world.registry.candidate
    expert = register(
        world, "regulator_above", candidate, committees=" 全国温度计量技术委员会 \n\n"
    )
    assert expert.region == world.organisations["institution"].region
    assert expert.committee_list() == ["全国温度计量技术委员会"]
    assert list(expert.fields.values_list("field", "specialties")) == [("thermal", "温度")]
    event = AuditEvent.objects.get(action="experts.expert.created", object_id=str(expert.pk))
    assert event.organisation == world.organisations["institution"]
    assert event.changes["fields"] == [None, "Thermal: 温度"]


def test_the_organisations_admin_makes_a_stranger_a_member_with_the_expert_role(world):
    stranger = user(world, "stranger")
    register(world, "institution", stranger)
    membership = Membership.objects.get(user=stranger)
    assert (membership.organisation, membership.role) == (
        world.organisations["institution"],
        "expert",
    )


def test_a_bureau_cannot_make_a_stranger_a_member_of_an_institution(world):
    stranger = user(world, "stranger")
    with pytest.raises(ValidationError) as refused:
        register(world, "regulator_above", stranger)
    assert "is not a member of" in refused.value.message_dict["user"][0]
    assert not Expert.objects.filter(user=stranger).exists()
    assert not Membership.objects.filter(user=stranger).exists()


def test_a_sibling_bureau_may_not_register_experts_of_another_region(world):
    with pytest.raises(PermissionDenied, match="Only the bureaus over"):
        register(world, "sibling_regulator", world.registry.candidate)
    assert not Expert.objects.filter(user=world.registry.candidate).exists()


def test_an_enterprises_admin_registers_its_own_experts_only(world):
    with pytest.raises(PermissionDenied):
        register(world, "same_enterprise", world.registry.candidate)
    viewer = world.users["same_enterprise_viewer"]
    expert = register(world, "same_enterprise", viewer, organisation=world.enterprise)
    assert expert.region == world.enterprise.region


def test_a_bureau_may_not_place_an_expert_outside_its_region(world):
    with pytest.raises(PermissionDenied):
        register(
            world,
            "regulator_above",
            world.registry.candidate,
            region=Region.objects.get(code="410200"),
        )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({}, "at least one field"),
        ({"alchemy": "金"}, "Unknown fields of metrology: alchemy."),
        ({"thermal": "温" * 301}, "at most 300 characters"),
    ],
)
def test_the_fields_must_be_known_ones(world, fields, message):
    with pytest.raises(ValidationError) as refused:
        register(world, "institution", world.registry.candidate, fields=fields)
    assert message in str(refused.value)
    assert not Expert.objects.filter(user=world.registry.candidate).exists()


def test_an_expert_is_registered_once(world):
    with pytest.raises(ValidationError, match="already a registered expert"):
        register(world, "institution", world.users["institution"])


# Changing ---------------------------------------------------------------------------------------


def test_the_profile_and_fields_change_with_an_audit_trail(world):
    expert = world.registry.expert
    services.expert_update(
        actor=world.users["regulator_above"],
        expert=expert,
        data={"title": "正高级工程师"},
        fields={"mechanics": "压力", "length": "量块"},
    )
    expert.refresh_from_db()
    assert expert.title == "正高级工程师"
    assert dict(expert.fields.values_list("field", "specialties")) == {
        "mechanics": "压力",
        "length": "量块",
    }
    event = AuditEvent.objects.get(action="experts.expert.updated")
    assert event.changes["title"] == ["高级工程师", "正高级工程师"]
    assert event.changes["fields"] == ["Mechanics: 压力、力值", "Length: 量块; Mechanics: 压力"]


def test_the_same_fields_again_change_nothing(world):
    expert = world.registry.expert
    services.expert_update(
        actor=world.users["institution"],
        expert=expert,
        data={"title": expert.title},
        fields={"mechanics": "压力、力值"},
    )
    assert not AuditEvent.objects.filter(action="experts.expert.updated").exists()


def test_an_edit_cannot_move_the_expert_out_of_the_bureaus_reach(world):
    expert = world.registry.expert
    with pytest.raises(PermissionDenied):
        services.expert_update(
            actor=world.users["regulator_above"],
            expert=expert,
            data={"region": Region.objects.get(code="410200")},
        )
    assert Expert.objects.get(pk=expert.pk).region.code == "410100"


def test_others_may_not_change_an_expert(world):
    with pytest.raises(PermissionDenied):
        services.expert_update(
            actor=world.users["sibling_regulator"],
            expert=world.registry.expert,
            data={"title": "x"},
        )


def test_a_viewer_of_the_bureau_reads_the_registry_and_changes_nothing(world):
    bureau = world.organisations["regulator_above"]
    viewer = user(world, "bureau_viewer")
    org_services.membership_add(
        actor=world.users["platform_admin"], organisation=bureau, user=viewer, role="viewer"
    )
    with pytest.raises(PermissionDenied):
        services.expert_update(actor=viewer, expert=world.registry.expert, data={"title": "x"})
    assert not Expert.objects.editable_by(viewer).exists()
    assert not ExpertGroup.objects.editable_by(viewer).exists()
    assert Expert.objects.get(pk=world.registry.expert.pk).title == "高级工程师"


# Availability -----------------------------------------------------------------------------------


def test_the_expert_is_away_until_a_day_then_routable_again(world):
    expert = world.registry.expert
    back = timezone.localdate() + timedelta(days=5)
    services.expert_set_availability(
        actor=expert.user, expert=expert, is_available=False, unavailable_until=back
    )
    assert not Expert.objects.available().filter(pk=expert.pk).exists()
    later = back + timedelta(days=1)
    assert Expert.objects.available(today=later).filter(pk=expert.pk).exists()
    services.expert_set_availability(
        actor=expert.user, expert=expert, is_available=True, unavailable_until=back
    )
    expert.refresh_from_db()
    assert (expert.is_available, expert.unavailable_until) == (True, None)
    assert AuditEvent.objects.filter(action="experts.expert.availability_changed").count() == 2


def test_a_day_passed_is_refused(world):
    expert = world.registry.expert
    with pytest.raises(ValidationError, match="The day has passed"):
        services.expert_set_availability(
            actor=expert.user,
            expert=expert,
            is_available=False,
            unavailable_until=timezone.localdate() - timedelta(days=1),
        )


def test_others_may_not_set_an_experts_availability(world):
    with pytest.raises(PermissionDenied):
        services.expert_set_availability(
            actor=world.users["same_enterprise"], expert=world.registry.expert, is_available=False
        )


# Groups -----------------------------------------------------------------------------------------


def second_expert(world):
    return register(world, "institution", world.registry.candidate)


def form_group(world, actor="regulator_above", **kwargs):
    values = {
        "bureau": world.organisations["regulator_above"],
        "name": "郑州市技术帮扶小组",
        "members": [world.registry.expert],
    } | kwargs
    return services.group_create(actor=world.users[actor], **values)


def test_a_bureau_forms_a_group_for_its_region(world):
    other = second_expert(world)
    group = form_group(
        world,
        kind="assistance",
        fields=["thermal", "mechanics", "thermal"],
        members=[world.registry.expert, other],
        leader=other,
    )
    assert group.region == world.organisations["regulator_above"].region
    assert group.fields == ["thermal", "mechanics"]  # once each, in the fields' order
    assert set(group.members.all()) == {world.registry.expert, other}
    event = AuditEvent.objects.get(action="experts.expertgroup.created", object_id=str(group.pk))
    assert event.organisation == world.organisations["regulator_above"]


def test_only_a_bureaus_admin_or_staff_forms_its_groups(world):
    with pytest.raises(Http404):
        form_group(world, actor="institution")
    admin = world.users["platform_admin"]
    viewer = user(world, "bureau-viewer")
    org_services.membership_add(
        actor=admin, organisation=world.organisations["regulator_above"], user=viewer, role="viewer"
    )
    world.users["bureau_viewer"] = viewer
    with pytest.raises(PermissionDenied):
        form_group(world, actor="bureau_viewer")


def test_only_a_bureau_forms_groups(world):
    with pytest.raises(ValidationError, match="Only a bureau forms expert groups"):
        form_group(world, actor="platform_admin", bureau=world.organisations["institution"])


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"fields": ["mechanics", "magic"]}, "fields", "Unknown fields of metrology: magic."),
        ({"members": []}, "members", "at least one member"),
        ({"kind": "club"}, "kind", "not a valid choice"),
    ],
)
def test_a_group_is_refused_bad_input(world, kwargs, field, message):
    with pytest.raises(ValidationError) as refused:
        form_group(world, **kwargs)
    assert message in refused.value.message_dict[field][0]
    assert ExpertGroup.objects.count() == 1


def test_the_leader_must_be_a_member(world):
    other = second_expert(world)
    with pytest.raises(ValidationError) as refused:
        form_group(world, leader=other)
    assert refused.value.message_dict["leader"] == [
        "The leader must be one of the members: 李明 is not."
    ]
    group = world.registry.group
    with pytest.raises(ValidationError):
        services.group_update(
            actor=world.users["regulator_above"], group=group, data={}, members=[other]
        )
    with pytest.raises(ValidationError):
        services.group_update(
            actor=world.users["regulator_above"], group=group, data={"leader": other}
        )
    assert list(group.members.all()) == [world.registry.expert]


def test_the_bureau_changes_and_deactivates_its_group(world):
    group, other = world.registry.group, second_expert(world)
    services.group_update(
        actor=world.users["regulator_above"],
        group=group,
        data={"leader": other, "fields": []},
        members=[world.registry.expert, other],
    )
    services.group_update(
        actor=world.users["regulator_above"], group=group, data={"is_active": False}
    )
    group.refresh_from_db()
    assert (group.leader, group.fields, group.is_active) == (other, [], False)
    changes = [
        event.changes
        for event in AuditEvent.objects.filter(action="experts.expertgroup.updated").order_by("pk")
    ]
    assert changes[0]["members"] == [str(world.registry.expert), f"{world.registry.expert}, 李明"]
    assert changes[1] == {"is_active": [True, False]}


def test_others_may_not_change_a_group(world):
    with pytest.raises(PermissionDenied):
        services.group_update(
            actor=world.users["sibling_regulator"], group=world.registry.group, data={"name": "x"}
        )
