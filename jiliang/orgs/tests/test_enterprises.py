"""The enterprise profile, its size class and section, the regulators' search and the filter
registry other apps plug into."""

import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jiliang.core.models import AuditEvent
from jiliang.orgs import enterprise_filters, services
from jiliang.orgs.enterprise_models import GIVEN_REASON
from jiliang.orgs.enterprise_selectors import enterprise_list
from jiliang.orgs.enterprise_services import enterprise_profile_update
from jiliang.orgs.models import EnterpriseProfile, Organisation

pytestmark = pytest.mark.django_db


def profile_of(world, actor="same_enterprise"):
    return EnterpriseProfile.objects.get(organisation=world.organisations[actor])


def update(world, actor, data, tags=None, target="same_enterprise"):
    return enterprise_profile_update(
        actor=world.users[actor], profile=profile_of(world, target), data=data, tags=tags
    )


def test_a_new_enterprise_keeps_the_size_class_given_as_set_by_hand(world):
    profile = profile_of(world)
    assert profile.size_class_override == "small"
    assert profile.size_class_override_reason == GIVEN_REASON
    assert not profile.computed_size_class
    assert not hasattr(world.organisations["institution"], "profile") or not (
        EnterpriseProfile.objects.filter(organisation=world.organisations["institution"]).exists()
    )


def test_the_figures_classify_the_enterprise_and_the_code_gives_its_section(world):
    # The size class given without figures gives way to the rule's.
    profile = update(
        world, "same_enterprise", {"industry_code": "51", "employees": 25, "revenue": Decimal(6000)}
    )
    enterprise = Organisation.objects.get(pk=world.enterprise.pk)
    assert profile.computed_size_class == "medium"  # 批发业: 20人, 5000万元
    assert (enterprise.size_class, enterprise.industry) == ("medium", "F")
    event = AuditEvent.objects.filter(action="orgs.profile.updated").latest("pk")
    assert event.changes["industry"] == ["C", "F"]
    assert event.changes["size_class"] == ["small", "medium"]
    assert not profile.size_class_override
    assert not profile.size_class_override_reason


def test_a_reclassifying_update_writes_the_profile_once(world):
    with CaptureQueriesContext(connection) as queries:
        update(world, "same_enterprise", {"employees": 25, "industry_code": "51", "revenue": 6000})
    table = EnterpriseProfile._meta.db_table
    writes = [q["sql"] for q in queries if q["sql"].startswith(f'UPDATE "{table}"')]
    assert len(writes) == 1
    assert "computed_size_class" in writes[0]
    assert "employees" in writes[0]
    assert profile_of(world).computed_size_class == "medium"


def test_a_regulator_above_overrides_the_size_class_with_a_reason(world):
    update(world, "same_enterprise", {"industry_code": "40", "employees": 30, "revenue": 400})
    with pytest.raises(ValidationError) as error:
        update(world, "regulator_above", {"size_class_override": "medium"})
    assert "size_class_override_reason" in error.value.message_dict or error.value.messages
    profile = update(
        world,
        "regulator_above",
        {"size_class_override": "medium", "size_class_override_reason": "集团子公司，按集团口径"},
    )
    assert (profile.computed_size_class, profile.size_class) == ("small", "medium")
    assert Organisation.objects.get(pk=world.enterprise.pk).size_class == "medium"


def test_the_enterprise_itself_may_not_override(world):
    with pytest.raises(PermissionDenied):
        update(world, "same_enterprise", {"size_class_override": "micro"})


@pytest.mark.parametrize("actor", ["sibling_regulator", "other_enterprise", "institution"])
def test_outsiders_cannot_reach_the_profile(world, actor):
    from django.http import Http404

    with pytest.raises(Http404):
        update(world, actor, {"employees": 3})


def test_the_viewer_sees_but_may_not_change(world):
    with pytest.raises(PermissionDenied):
        update(world, "same_enterprise_viewer", {"employees": 3})


def test_figures_missing_for_the_class_are_named(world):
    with pytest.raises(ValidationError) as error:
        update(
            world,
            "platform_admin",
            {"industry_code": "47", "revenue": 100, "size_class_override": ""},
        )
    assert set(error.value.message_dict) == {"total_assets"}


def test_tags_are_normalised_and_shared(world):
    update(world, "same_enterprise", {}, tags=["专精特新", " Export  Oriented ", "专精特新"])
    update(world, "other_enterprise", {}, tags=["export oriented"], target="other_enterprise")
    assert sorted(profile_of(world).tags.values_list("name", flat=True)) == [
        "export oriented",
        "专精特新",
    ]
    assert profile_of(world, "other_enterprise").tags.get().pk == (
        profile_of(world).tags.get(name="export oriented").pk
    )


def test_the_organisation_form_cannot_contradict_the_profile(world):
    update(world, "platform_admin", {"industry_code": "40", "employees": 30, "revenue": 400})
    admin = world.users["same_enterprise"]
    with pytest.raises(ValidationError) as error:
        services.organisation_update(
            actor=admin, organisation=world.enterprise, data={"industry": "F"}
        )
    assert "industry" in error.value.message_dict
    enterprise = Organisation.objects.get(pk=world.enterprise.pk)
    with pytest.raises(ValidationError) as error:
        services.organisation_update(
            actor=admin, organisation=enterprise, data={"size_class": "large"}
        )
    assert "size_class" in error.value.message_dict


def test_without_figures_the_organisation_form_still_sets_the_size_class(world):
    services.organisation_update(
        actor=world.users["same_enterprise"],
        organisation=world.enterprise,
        data={"size_class": "micro"},
    )
    assert profile_of(world).size_class == "micro"


# The search ---------------------------------------------------------------------------------


def names(user, **filters):
    return [enterprise.name for enterprise in enterprise_list(user=user, **filters)]


def test_the_search_filters_within_the_regulators_subtree(world):
    update(
        world,
        "same_enterprise",
        {"industry_code": "40", "employees": 30, "revenue": 400},
        tags=["专精特新"],
    )
    user = world.users["regulator_above"]
    assert names(user) == ["same_enterprise organisation"]  # 开封's enterprise is not his
    assert names(user, q="ENTERPRISE org") == ["same_enterprise organisation"]
    assert names(user, division="40", size="small", tags=["专精特新"]) == [
        "same_enterprise organisation"
    ]
    assert names(user, section="F") == []
    assert names(user, uscc=world.enterprise.uscc[-6:]) == ["same_enterprise organisation"]
    assert names(world.users["sibling_regulator"], division="40") == []
    admin = world.users["platform_admin"]
    assert names(admin, sort="employees") == [
        "same_enterprise organisation",
        "other_enterprise organisation",
    ]


def test_a_division_matches_its_classes(world):
    update(
        world,
        "platform_admin",
        {"industry_code": "7020", "employees": 150, "revenue": 600, "size_class_override": ""},
    )
    assert names(world.users["platform_admin"], division="70") == ["same_enterprise organisation"]


def test_another_app_registers_a_filter(world, client):
    def only_named(enterprises, value):
        return enterprises.filter(name__startswith=value)

    enterprise_filters.register(
        "starts", "Starts with", only_named, choices=[("same", "same"), ("other", "other")]
    )
    enterprise_filters.register("flagged", "Flagged", lambda qs, value: qs.none())
    try:
        admin = world.users["platform_admin"]
        assert names(admin, extra={"starts": "other"}) == ["other_enterprise organisation"]
        assert names(admin, extra={"starts": "unknown"}) != []  # not a choice: ignored
        assert names(admin, extra={"flagged": "1"}) == []
        page = world.client_for("platform_admin").get(
            reverse("orgs:enterprise_list"), {"starts": "other"}
        )
        assert [o.name for o in page.context["object_list"]] == ["other_enterprise organisation"]
        assert "Starts with" in page.content.decode()
        api = world.client_for("platform_admin", api=True).get(
            "/api/v1/enterprises", {"flagged": "1"}
        )
        assert api.json()["count"] == 0
    finally:
        enterprise_filters.unregister("starts")
        enterprise_filters.unregister("flagged")


def test_a_filter_key_must_be_free():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        enterprise_filters.register("size", "Size", lambda qs, value: qs)


def test_the_list_reads_a_page_in_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    client = world.client_for("platform_admin")
    with django_assert_max_num_queries(12):
        response = client.get(reverse("orgs:enterprise_list"), {"q": "organisation"})
    assert response.status_code == 200


def test_the_list_names_the_industry(world):
    update(world, "platform_admin", {"industry_code": "40", "employees": 30, "revenue": 400})
    page = world.client_for("platform_admin", language="en").get(
        reverse("orgs:enterprise_list"), {"q": "organisation"}
    )
    assert "<td>40 仪器仪表制造业</td>" in page.content.decode()
    assert "<td>C Manufacturing</td>" in page.content.decode()  # a section without a profile


# The API ------------------------------------------------------------------------------------


def test_the_api_searches_and_patches_the_profile(world):
    client = world.client_for("same_enterprise", api=True)
    url = f"/api/v1/enterprises/{world.enterprise.pk}/profile"
    response = client.patch(
        url,
        json.dumps(
            {
                "industry_code": "40",
                "employees": 30,
                "revenue": "400",
                "measurement_standards": ["压力标准装置", "长度标准器组"],
                "tags": ["专精特新"],
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["industry_name"] == "仪器仪表制造业"
    assert body["measurement_standards"] == ["压力标准装置", "长度标准器组"]
    regulator = world.client_for("regulator_above", api=True)
    found = regulator.get("/api/v1/enterprises", {"division": "40", "tags": "专精特新"}).json()
    assert [item["id"] for item in found["items"]] == [world.enterprise.pk]


@pytest.mark.parametrize(
    ("payload", "status", "field"),
    [
        ({"employees": -1}, 422, "employees"),
        ({"employees": "many"}, 422, "employees"),
        ({"revenue": "-5"}, 422, "revenue"),
        ({"revenue": "lots"}, 422, "revenue"),
        ({"industry_code": "99"}, 400, "industry_code"),
        ({"size_class_override": "large"}, 403, None),
    ],
)
def test_bad_profile_input_is_refused_naming_the_field(world, payload, status, field):
    client = world.client_for("same_enterprise", api=True)
    response = client.patch(
        f"/api/v1/enterprises/{world.enterprise.pk}/profile",
        json.dumps(payload),
        content_type="application/json",
    )
    assert response.status_code == status, response.json()
    if field:
        assert field in {error["field"] for error in response.json()["errors"]}


def test_another_regions_enterprise_is_not_found(world):
    other = world.organisations["other_enterprise"].pk
    client = world.client_for("regulator_above", api=True)
    assert client.get(f"/api/v1/enterprises/{other}/profile").status_code == 404
    page = world.client_for("regulator_above").get(reverse("orgs:profile_update", args=[other]))
    assert page.status_code == 404


def test_the_profile_form_names_bad_numbers(world):
    client = world.client_for("same_enterprise")
    response = client.post(
        reverse("orgs:profile_update", args=[world.enterprise.pk]),
        {"employees": "-3", "revenue": "abc", "measurement_system": "none"},
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) >= {"employees", "revenue"}


def test_the_360_page_shows_the_profile_and_the_other_apps_panels(world):
    update(world, "same_enterprise", {"main_products": "精密轴承座"}, tags=["专精特新"])
    page = world.client_for("regulator_above").get(world.enterprise.get_absolute_url())
    html = page.content.decode()
    assert 'id="enterprise-profile"' in html
    assert "精密轴承座" in html
    assert "专精特新" in html
    keys = [panel.key for panel in page.context["panels"]]
    assert keys[0] == "orgs.profile"
    own = world.client_for("same_enterprise").get(world.enterprise.get_absolute_url())
    assert "instruments.ledger" in [panel.key for panel in own.context["panels"]]
