"""An enterprise registers itself; a bureau above its region confirms or rejects it."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from jiliang.core.dashboards import registry
from jiliang.core.roles import DashboardRole
from jiliang.core.scoping import scope_for
from jiliang.orgs.demo import demo_uscc
from jiliang.orgs.enterprise_selectors import registrations_to_decide
from jiliang.orgs.enterprise_services import enterprise_register, registration_decide
from jiliang.orgs.models import EnterpriseRegistration, Organisation, Region
from jiliang.orgs.panels import registration_todos

pytestmark = pytest.mark.django_db


def register(uscc=None, **changes):
    fields = {
        "name": "郑州自荐科技有限公司",
        "uscc": uscc or demo_uscc("91", "410105", 777),
        "region": Region.objects.get(code="410105"),
        "contact_name": "周敏",
        "contact_phone": "0371-60001234",
        "contact_email": "zhou@example.com",
        "username": "zhoumin",
        "password": "a-long-Passw0rd!",
        "figures": {"industry_code": "65", "employees": 12, "revenue": 300},
        **changes,
    }
    return enterprise_register(**fields)


def test_a_registration_waits_and_cannot_act(world):
    registration = register()
    enterprise = registration.organisation
    assert not enterprise.is_active
    assert enterprise.size_class == "small"  # 软件: 10人, 50万元
    assert scope_for(registration.applicant).organisation_ids() == set()
    assert EnterpriseRegistration.objects.visible_to(registration.applicant).get() == registration
    assert not Organisation.objects.visible_to(registration.applicant).exists()


def test_the_bureaus_above_see_a_to_do_and_confirm(world, django_assert_max_num_queries):
    registration = register()
    above = world.users["regulator_above"]
    assert list(registrations_to_decide(user=above)) == [registration]
    assert list(registrations_to_decide(user=world.users["sibling_regulator"])) == []
    with django_assert_max_num_queries(3):  # the scope (2), the count
        (todo,) = registration_todos(above, None)
    assert (todo.count, todo.url) == (1, reverse("orgs:registration_list"))
    assert todo in registry.todos(above, DashboardRole.REGULATOR, None)
    registration_decide(actor=above, registration=registration, confirm=True)
    registration.organisation.refresh_from_db()
    assert registration.organisation.is_active
    applicant = registration.applicant
    applicant.refresh_from_db()
    assert scope_for(applicant).organisation_ids() == {registration.organisation.pk}
    with pytest.raises(ValidationError):
        registration_decide(actor=above, registration=registration, confirm=False, reason="x")


def test_a_rejection_says_why_and_leaves_the_enterprise_inactive(world):
    registration = register()
    above = world.users["regulator_above"]
    with pytest.raises(ValidationError) as error:
        registration_decide(actor=above, registration=registration, confirm=False)
    assert "reason" in error.value.message_dict
    registration_decide(actor=above, registration=registration, confirm=False, reason="信息不实")
    registration.refresh_from_db()
    assert (registration.status, registration.reason) == ("rejected", "信息不实")
    assert not Organisation.objects.get(pk=registration.organisation_id).is_active


@pytest.mark.parametrize(
    ("actor", "error"),
    [("sibling_regulator", Http404), ("same_enterprise", Http404), ("institution", Http404)],
)
def test_others_cannot_decide(world, actor, error):
    registration = register()
    with pytest.raises(error):
        registration_decide(actor=world.users[actor], registration=registration, confirm=True)


def test_a_viewer_of_the_bureau_sees_but_cannot_decide(world):
    registration = register()
    from jiliang.orgs import services

    viewer = world.users["same_enterprise_viewer"]
    services.membership_add(
        actor=world.users["platform_admin"],
        organisation=world.organisations["regulator_above"],
        user=viewer,
        role="viewer",
    )
    with pytest.raises(PermissionDenied):
        registration_decide(actor=viewer, registration=registration, confirm=True)


@pytest.mark.parametrize(
    ("uscc", "field"),
    [("91410105MA0000000X", "uscc"), (None, "uscc")],
)
def test_bad_or_taken_codes_are_refused(world, uscc, field):
    taken = world.enterprise.uscc
    client = world.client_for("anonymous")
    response = client.post(
        reverse("orgs:registration_create"),
        {
            "name": "某企业",
            "uscc": uscc or taken,
            "region": "金水区",
            "industry_code": "65",
            "employees": "12",
            "revenue": "300",
            "contact_name": "周敏",
            "contact_phone": "0371-60001234",
            "contact_email": "zhou@example.com",
            "username": "zhoumin",
            "password": "a-long-Passw0rd!",
        },
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not EnterpriseRegistration.objects.exists()


def test_the_registration_page_registers_and_signs_in(world):
    client = world.client_for("anonymous")
    response = client.post(
        reverse("orgs:registration_create"),
        {
            "name": "郑州自荐科技有限公司",
            "uscc": demo_uscc("91", "410105", 778),
            "region": "410105",
            "industry_code": "65",
            "employees": "12",
            "revenue": "300",
            "contact_name": "周敏",
            "contact_phone": "0371-60001234",
            "contact_email": "zhou@example.com",
            "username": "zhoumin",
            "password": "a-long-Passw0rd!",
        },
    )
    registration = EnterpriseRegistration.objects.get()
    assert response.status_code == 302
    assert response.url == registration.get_absolute_url()
    assert client.get(response.url).status_code == 200
    assert client.get(reverse("core:dashboard")).status_code == 200  # signed in, acting for none
    own = reverse("orgs:organisation_detail", args=[registration.organisation_id])
    assert client.get(own).status_code == 404


def test_registration_requests_are_limited_per_address(world, monkeypatch):
    from jiliang.orgs import enterprise_views

    monkeypatch.setattr(enterprise_views, "REGISTRATION_REQUESTS_PER_HOUR", 2)
    client = world.client_for("anonymous")
    url = reverse("orgs:registration_create")
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 429]
