"""Writes to regions, organisations and memberships: validation, scope, audit, atomicity."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from jiliang.accounts.services import user_create
from jiliang.core.models import AuditEvent
from jiliang.orgs import services
from jiliang.orgs.demo import demo_uscc
from jiliang.orgs.models import Membership, Organisation, Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return user_create(actor=None, username="root", email="", is_staff=True)


def enterprise_fields(**overrides):
    return {
        "kind": "enterprise",
        "name": "测试企业",
        "uscc": demo_uscc("91", "410105", 1),
        "region": Region.objects.get(code="410105"),
        "size_class": "small",
        "industry": "C",
        **overrides,
    }


def test_a_wrong_check_digit_is_a_clear_error_and_nothing_is_saved(admin):
    good = demo_uscc("91", "410105", 1)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(ValidationError) as error:
        services.organisation_create(actor=admin, **enterprise_fields(uscc=bad))
    assert "check digit" in str(error.value.message_dict["uscc"]) or "校验" in str(
        error.value.message_dict["uscc"]
    )
    assert not Organisation.objects.exists()
    assert not AuditEvent.objects.filter(action="orgs.organisation.created").exists()


@pytest.mark.parametrize("value", ["91410105MA000000", "91410105MA0000001I", "abc"])
def test_malformed_codes_are_refused_by_field(admin, value):
    with pytest.raises(ValidationError) as error:
        services.organisation_create(actor=admin, **enterprise_fields(uscc=value))
    assert "uscc" in error.value.message_dict


def test_the_code_is_normalised_before_validation(admin):
    code = demo_uscc("91", "410105", 1)
    spaced = f" {code[:6]} {code[6:]} ".lower()
    organisation = services.organisation_create(actor=admin, **enterprise_fields(uscc=spaced))
    assert organisation.uscc == code


def test_a_duplicate_code_is_refused(admin):
    services.organisation_create(actor=admin, **enterprise_fields())
    with pytest.raises(ValidationError) as error:
        services.organisation_create(actor=admin, **enterprise_fields(name="另一家"))
    assert "uscc" in error.value.message_dict
    assert Organisation.objects.count() == 1


def test_enterprises_need_size_and_industry_and_others_may_not_have_them(admin):
    with pytest.raises(ValidationError) as error:
        services.organisation_create(actor=admin, **enterprise_fields(size_class=""))
    assert "size_class" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.organisation_create(actor=admin, **enterprise_fields(kind="regulator"))


def test_only_platform_admins_create_organisations(admin):
    user = user_create(actor=None, username="someone", email="")
    with pytest.raises(PermissionDenied):
        services.organisation_create(actor=user, **enterprise_fields())


def test_a_region_cannot_become_its_own_ancestor(admin):
    zhengzhou = Region.objects.get(code="410100")
    jinshui = Region.objects.get(code="410105")
    for new_parent in (zhengzhou, jinshui):
        with pytest.raises(ValidationError) as error:
            services.region_update(actor=admin, region=zhengzhou, data={"parent": new_parent})
        assert "parent" in error.value.message_dict
    zhengzhou.refresh_from_db()
    assert zhengzhou.parent.code == "410000"
    assert Region.objects.get(code="410105").path == "/000000/410000/410100/410105/"


def test_moving_a_region_moves_its_subtree(admin):
    zhengzhou = Region.objects.get(code="410100")
    kaifeng = Region.objects.get(code="410200")
    services.region_update(actor=admin, region=zhengzhou, data={"parent": kaifeng})
    assert Region.objects.get(code="410105").path == "/000000/410000/410200/410100/410105/"
    assert AuditEvent.objects.filter(
        action="orgs.region.updated", object_id=str(zhengzhou.pk)
    ).exists()


def test_region_codes_are_unique(admin):
    province = Region.objects.get(code="410000")
    with pytest.raises(ValidationError):
        services.region_create(
            actor=admin, code="410100", name="重复", level="city", parent=province
        )


def test_an_admin_cannot_add_members_to_an_organisation_they_do_not_manage(world):
    enterprise_admin = world.users["same_enterprise"]
    stranger = world.users["other_enterprise"]
    with pytest.raises(Http404):
        services.membership_add(
            actor=enterprise_admin,
            organisation=world.organisations["other_enterprise"],
            user=stranger,
            role="admin",
        )
    with pytest.raises(PermissionDenied):
        services.membership_add(
            actor=world.users["regulator_above"],
            organisation=world.enterprise,
            user=stranger,
            role="admin",
        )
    assert not Membership.objects.filter(user=stranger, organisation=world.enterprise).exists()


def test_adding_a_new_person_without_password_creates_nothing(world):
    with pytest.raises(ValidationError) as error:
        services.membership_add_person(
            actor=world.users["same_enterprise"],
            organisation=world.enterprise,
            username="newcomer",
            role="staff",
        )
    assert "password" in error.value.message_dict
    assert not Membership.objects.filter(user__username="newcomer").exists()


def test_a_weak_password_for_a_new_member_rolls_the_account_back(world):
    with pytest.raises(ValidationError):
        services.membership_add_person(
            actor=world.users["same_enterprise"],
            organisation=world.enterprise,
            username="newcomer",
            role="staff",
            password="123",
        )
    assert not get_user_model().objects.filter(username="newcomer").exists()


def test_the_same_person_cannot_be_added_twice(world):
    with pytest.raises(ValidationError):
        services.membership_add(
            actor=world.users["same_enterprise"],
            organisation=world.enterprise,
            user=world.users["same_enterprise_viewer"],
            role="staff",
        )


def test_the_last_administrator_stays(world):
    admin_membership = Membership.objects.get(user=world.users["same_enterprise"])
    with pytest.raises(ValidationError):
        services.membership_change_role(
            actor=world.users["same_enterprise"], membership=admin_membership, role="viewer"
        )
    with pytest.raises(ValidationError):
        services.membership_remove(
            actor=world.users["same_enterprise"], membership=admin_membership
        )
    admin_membership.refresh_from_db()
    assert admin_membership.role == "admin"


def test_role_changes_are_audited_and_apply_from_the_next_request(world):
    viewer = world.users["same_enterprise_viewer"]
    membership = Membership.objects.get(user=viewer)
    assert not Organisation.objects.editable_by(viewer).exists()
    services.membership_change_role(
        actor=world.users["same_enterprise"], membership=membership, role="admin"
    )
    next_request_user = get_user_model().objects.get(pk=viewer.pk)
    assert list(Organisation.objects.editable_by(next_request_user)) == [world.enterprise]
    event = AuditEvent.objects.get(action="orgs.membership.updated")
    assert event.changes == {"role": ["viewer", "admin"]}
    assert event.actor == world.users["same_enterprise"]
    assert event.organisation == world.enterprise


def test_organisation_admins_edit_their_profile_but_not_their_identity(world):
    services.organisation_update(
        actor=world.users["same_enterprise"],
        organisation=world.enterprise,
        data={"address": "郑州市金水区经三路"},
    )
    with pytest.raises(ValueError, match="uscc"):
        services.organisation_update(
            actor=world.users["same_enterprise"],
            organisation=world.enterprise,
            data={"uscc": demo_uscc("91", "410105", 77)},
        )
    event = AuditEvent.objects.filter(action="orgs.organisation.updated").get()
    assert event.changes == {"address": ["", "郑州市金水区经三路"]}


def test_audit_events_are_append_only(world):
    event = AuditEvent.objects.first()
    event.action = "tampered"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()
    with pytest.raises(ValidationError):
        AuditEvent.objects.all().delete()
    with pytest.raises(ValidationError):
        AuditEvent.objects.update(action="tampered")


def test_only_an_organisations_admins_read_its_audit_trail(world):
    def readers(user):
        return AuditEvent.objects.visible_to(user).filter(organisation=world.enterprise).exists()

    assert readers(world.users["same_enterprise"])
    assert not readers(world.users["same_enterprise_viewer"])
    assert not readers(world.users["regulator_above"])
    assert not readers(world.users["other_enterprise"])
