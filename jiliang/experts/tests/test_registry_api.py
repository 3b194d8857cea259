"""The registry's API: registering and changing experts, availability, groups, the filters,
and bad input answered with a 4xx JSON error that changes nothing."""

import pytest

from jiliang.experts.models import Expert, ExpertGroup
from jiliang.experts.services import registry as services
from jiliang.experts.tests.registry_world import build_registry

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def world(matrix_world):
    matrix_world.registry = build_registry(matrix_world)
    return matrix_world


def client(world, actor):
    return world.client_for(actor, api=True, language="en")


def test_an_institution_registers_an_expert(world):
    response = client(world, "institution").post(
        "/api/v1/experts",
        {
            "username": "candidate",
            "organisation": world.organisations["institution"].pk,
            "region": "410105",
            "title": "工程师",
            "committees": ["全国温度计量技术委员会"],
            "fields": [
                {"field": "thermal", "specialties": "热电偶"},
                {"field": "length"},
            ],
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["username"] == "candidate"
    assert body["name"] == "李明"
    assert body["region"] == {"code": "410105", "name": "金水区"}
    assert body["committees"] == ["全国温度计量技术委员会"]
    assert body["fields"] == [
        {"field": "length", "specialties": ""},
        {"field": "thermal", "specialties": "热电偶"},
    ]
    assert body["available_now"] is True


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        ({"fields": [{"field": "alchemy"}]}, 422, "fields.0.field"),
        ({"fields": []}, 422, "fields"),
        ({"fields": [{"field": "length"}, {"field": "length"}]}, 400, "fields"),
        ({"username": "nobody"}, 400, "username"),
        ({"region": "999999"}, 400, "region"),
        ({"organisation": 10**9}, 404, None),
    ],
)
def test_bad_registrations_are_refused(world, change, status, field):
    payload = {
        "username": "candidate",
        "organisation": world.organisations["institution"].pk,
        "title": "工程师",
        "fields": [{"field": "thermal"}],
    } | change
    response = client(world, "institution").post(
        "/api/v1/experts", payload, content_type="application/json"
    )
    assert response.status_code == status, response.json()
    if field:
        assert field in [error["field"] for error in response.json()["errors"]]
    assert not Expert.objects.filter(user__username="candidate").exists()


def test_the_list_filters(world):
    api = client(world, "other_enterprise")
    assert api.get("/api/v1/experts?field=mechanics").json()["count"] == 1
    assert api.get("/api/v1/experts?field=thermal").json()["count"] == 0
    assert api.get("/api/v1/experts?region=410100&q=压力").json()["count"] == 1
    assert api.get("/api/v1/experts?region=410200").json()["count"] == 0
    assert api.get("/api/v1/experts?region=999999").status_code == 404
    assert api.get("/api/v1/experts?field=magic").status_code == 422


def test_the_expert_changes_profile_and_availability(world):
    expert = world.registry.expert
    api = client(world, "institution")
    url = f"/api/v1/experts/{expert.pk}"
    response = api.patch(
        url,
        {"title": "正高级工程师", "fields": [{"field": "optics", "specialties": "光度"}]},
        content_type="application/json",
    )
    assert response.json()["fields"] == [{"field": "optics", "specialties": "光度"}]
    assert api.patch(url, {"region": None}, content_type="application/json").status_code == 400
    response = api.post(
        f"{url}/availability",
        {"is_available": False, "unavailable_until": "2999-01-01"},
        content_type="application/json",
    )
    assert response.json()["available_now"] is False
    response = api.post(
        f"{url}/availability",
        {"is_available": False, "unavailable_until": "2000-01-01"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "unavailable_until"


def test_a_bureau_forms_and_changes_a_group(world):
    expert = world.registry.expert
    api = client(world, "regulator_above")
    response = api.post(
        "/api/v1/expert-groups",
        {
            "bureau": world.organisations["regulator_above"].pk,
            "name": "郑州市技术帮扶小组",
            "kind": "assistance",
            "fields": ["thermal"],
            "members": [expert.pk],
            "leader": expert.pk,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["region"]["code"] == "410100"
    assert body["leader"]["username"] == "institution"
    url = f"/api/v1/expert-groups/{body['id']}"
    response = api.patch(url, {"leader": None, "is_active": False}, content_type="application/json")
    assert (response.json()["leader"], response.json()["is_active"]) == (None, False)
    listed = api.get("/api/v1/expert-groups?field=thermal&active=true").json()
    assert listed["count"] == 0


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        ({"fields": ["magic"]}, 422, "fields.0"),
        ({"members": []}, 422, "members"),
        ({"members": [10**9]}, 404, None),
        ({"leader": 10**9}, 404, None),
        ({"kind": "club"}, 422, "kind"),
    ],
)
def test_bad_groups_are_refused(world, change, status, field):
    payload = {
        "bureau": world.organisations["regulator_above"].pk,
        "name": "组",
        "members": [world.registry.expert.pk],
    } | change
    response = client(world, "regulator_above").post(
        "/api/v1/expert-groups", payload, content_type="application/json"
    )
    assert response.status_code == status, response.json()
    if field:
        assert field in [error["field"] for error in response.json()["errors"]]
    assert ExpertGroup.objects.count() == 1


def test_a_leader_who_is_no_member_is_refused(world):
    other = services.expert_register(
        actor=world.users["institution"],
        user=world.registry.candidate,
        organisation=world.organisations["institution"],
        title="工程师",
        fields={"length": ""},
    )
    group = world.registry.group
    response = client(world, "regulator_above").patch(
        f"/api/v1/expert-groups/{group.pk}", {"leader": other.pk}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "The leader must be one of the members: 李明 is not."
    group.refresh_from_db()
    assert group.leader == world.registry.expert
