"""The organisation pages and the Django admin, as administrators use them."""

import pytest
from django.urls import reverse

from jiliang.core.models import AuditEvent
from jiliang.orgs.demo import demo_uscc
from jiliang.orgs.models import Membership, Organisation, Region

pytestmark = pytest.mark.django_db


def test_admin_form_shows_a_bad_check_digit_as_a_field_error(world):
    client = world.client_for("platform_admin")
    good = demo_uscc("91", "410105", 55)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    response = client.post(
        reverse("admin:orgs_organisation_add"),
        {
            "kind": "enterprise",
            "name": "坏代码企业",
            "uscc": bad,
            "region": world.regions["410105"].pk,
            "size_class": "small",
            "industry": "C",
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert "uscc" in response.context["adminform"].form.errors
    assert not Organisation.objects.filter(name="坏代码企业").exists()


def test_admin_creates_organisations_through_the_service(world):
    client = world.client_for("platform_admin")
    response = client.post(
        reverse("admin:orgs_organisation_add"),
        {
            "kind": "enterprise",
            "name": "新企业",
            "uscc": demo_uscc("91", "410105", 56),
            "region": world.regions["410105"].pk,
            "size_class": "micro",
            "industry": "F",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    organisation = Organisation.objects.get(name="新企业")
    assert AuditEvent.objects.filter(
        action="orgs.organisation.created", object_id=str(organisation.pk)
    ).exists()


def move_zhengzhou_in_admin(world, new_parent_code):
    return world.client_for("platform_admin").post(
        reverse("admin:orgs_region_change", args=[world.regions["410100"].pk]),
        {
            "code": "410100",
            "name": "郑州市",
            "level": "city",
            "parent": world.regions[new_parent_code].pk,
        },
    )


def test_admin_region_form_refuses_a_cycle(world):
    response = move_zhengzhou_in_admin(world, "410105")
    assert response.status_code == 200
    assert "parent" in response.context["adminform"].form.errors
    assert Region.objects.get(code="410100").parent.code == "410000"


def test_admin_region_move_updates_paths(world):
    response = move_zhengzhou_in_admin(world, "410200")
    assert response.status_code == 302
    assert Region.objects.get(code="410105").path.startswith("/000000/410000/410200/410100/")


@pytest.mark.parametrize("actor", ["same_enterprise", "regulator_above", "institution"])
def test_only_platform_staff_reach_the_admin(world, actor):
    response = world.client_for(actor).get(reverse("admin:index"))
    assert response.status_code == 302


def test_organisation_profile_form_shows_field_errors_and_keeps_data(world):
    client = world.client_for("same_enterprise")
    response = client.post(
        reverse("orgs:organisation_update", args=[world.enterprise.pk]),
        {"name": "", "contact_email": "not-mail", "size_class": "small", "industry": "C"},
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"name", "contact_email"}
    world.enterprise.refresh_from_db()
    assert world.enterprise.name == "same_enterprise organisation"


def test_adding_a_new_colleague_creates_the_account_and_the_membership(world):
    client = world.client_for("same_enterprise")
    response = client.post(
        reverse("orgs:membership_add", args=[world.enterprise.pk]),
        {
            "username": "li.ming",
            "role": "staff",
            "full_name": "李明",
            "email": "li@example.com",
            "password": "Metrology-2026!",
        },
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user__username="li.ming")
    assert membership.organisation == world.enterprise
    assert membership.user.check_password("Metrology-2026!")


def test_adding_without_password_shows_the_error_on_the_field(world):
    client = world.client_for("same_enterprise")
    response = client.post(
        reverse("orgs:membership_add", args=[world.enterprise.pk]),
        {"username": "nobody-yet", "role": "staff"},
    )
    assert response.status_code == 200
    assert "password" in response.context["form"].errors


def test_removing_the_last_admin_shows_a_message(world):
    own = Membership.objects.get(user=world.users["same_enterprise"])
    response = world.client_for("same_enterprise").post(
        reverse("orgs:membership_remove", args=[own.pk])
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert Membership.objects.filter(pk=own.pk).exists()


def test_organisation_list_filters_and_pages(world, django_assert_max_num_queries):
    client = world.client_for("platform_admin")
    response = client.get(reverse("orgs:organisation_list"), {"kind": "regulator"})
    names = {o.name for o in response.context["object_list"]}
    assert names == {"regulator_above organisation", "sibling_regulator organisation"}
    with django_assert_max_num_queries(8):
        client.get(reverse("orgs:organisation_list"))
