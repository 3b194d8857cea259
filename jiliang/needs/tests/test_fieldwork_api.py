"""The fieldwork API: teams, visits with their needs, needs; 4xx JSON naming the field."""

import json

import pytest

from jiliang.needs.models import Need, ServiceTeam, Visit
from jiliang.needs.tests.fieldwork_world import build_fieldwork, draft_order

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def work(world):
    return build_fieldwork(world)


def send(world, actor, method, path, data=None):
    client = world.client_for(actor, api=True)
    kwargs = {"data": json.dumps(data), "content_type": "application/json"} if data else {}
    return getattr(client, method)(f"/api/v1{path}", **kwargs)


def fields(response) -> set[str]:
    return {error["field"] for error in response.json()["errors"]}


def test_a_bureau_forms_a_team_and_assigns_enterprises(world):
    body = {
        "bureau": world.organisations["regulator_above"].pk,
        "name": "API 服务队",
        "formed_on": "2020-02-01",
        "leader": "institution",
        "enterprises": [world.enterprise.pk],
    }
    response = send(world, "regulator_above", "post", "/teams", body)
    assert response.status_code == 201, response.json()
    team = response.json()
    assert [m["username"] for m in team["members"]] == ["institution"]
    assert [e["id"] for e in team["enterprises"]] == [world.enterprise.pk]
    # Another region's enterprise by id: out of sight.
    other = {**body, "enterprises": [world.organisations["other_enterprise"].pk]}
    assert send(world, "regulator_above", "post", "/teams", other).status_code == 404
    unknown = send(world, "regulator_above", "post", "/teams", {**body, "leader": "nobody"})
    assert unknown.status_code == 400
    assert fields(unknown) == {"leader"}
    assert ServiceTeam.objects.count() == 1
    path = f"/teams/{team['id']}/assignments"
    assert (
        send(world, "regulator_above", "put", path, {"enterprises": []}).json()["enterprises"] == []
    )


def test_a_member_records_a_visit_with_needs(world, work):
    body = {
        "team": work.team.pk,
        "enterprise": world.enterprise.pk,
        "visited_on": "2020-05-06",
        "members_present": [world.users["institution"].pk],
        "findings": "台账不全",
        "service_person_times": 3,
        "materials_handed_out": 20,
        "needs": [
            {"topic": "training", "description": "计量员培训", "urgency": "high"},
            {"topic": "policy", "description": "能源计量"},
        ],
    }
    response = send(world, "institution", "post", "/visits", body)
    assert response.status_code == 201, response.json()
    visit = response.json()
    assert [(n["topic"], n["urgency"]) for n in visit["needs"]] == [
        ("training", "high"),
        ("policy", "normal"),
    ]
    listed = send(world, "same_enterprise", "get", f"/visits?enterprise={world.enterprise.pk}")
    assert {row["id"] for row in listed.json()["items"]} == {work.visit.pk, visit["id"]}
    patched = send(world, "institution", "patch", f"/visits/{visit['id']}", {"findings": "补"})
    assert patched.json()["findings"] == "补"


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        ({"visited_on": "2999-01-01"}, 400, "visited_on"),
        ({"members_present": "enterprise-user"}, 400, "members_present"),
        ({"needs": [{"topic": "nonsense", "description": "x"}]}, 422, "needs.0.topic"),
        ({"enterprise": "other_enterprise"}, 404, None),
    ],
)
def test_a_bad_visit_is_a_4xx_naming_the_field(world, work, change, status, field):
    body = {
        "team": work.team.pk,
        "enterprise": world.enterprise.pk,
        "visited_on": "2020-05-06",
        "members_present": [world.users["institution"].pk],
        **change,
    }
    if body["members_present"] == "enterprise-user":
        body["members_present"] = [world.users["same_enterprise"].pk]
    if body["enterprise"] == "other_enterprise":
        body["enterprise"] = world.organisations["other_enterprise"].pk
    before = (Visit.objects.count(), Need.objects.count())
    response = send(world, "institution", "post", "/visits", body)
    assert response.status_code == status, response.json()
    if field:
        assert field in fields(response)
    assert (Visit.objects.count(), Need.objects.count()) == before


def test_a_visit_to_an_enterprise_the_team_does_not_serve_names_the_enterprise(world, work):
    response = send(
        world,
        "regulator_above",
        "post",
        "/visits",
        {
            "team": work.team.pk,
            "enterprise": world.organisations["institution"].pk,  # seen, not an enterprise
            "visited_on": "2020-05-06",
            "members_present": [world.users["institution"].pk],
        },
    )
    assert response.status_code == 404
    work.team.assignments.all().delete()
    response = send(
        world,
        "regulator_above",
        "post",
        "/visits",
        {
            "team": work.team.pk,
            "enterprise": world.enterprise.pk,
            "visited_on": "2020-05-06",
            "members_present": [world.users["institution"].pk],
        },
    )
    assert response.status_code == 400
    assert fields(response) == {"enterprise"}


def test_needs_are_listed_filtered_moved_on_and_linked_to_an_order(world, work):
    raised = send(
        world,
        "same_enterprise",
        "post",
        "/needs",
        {"enterprise": world.enterprise.pk, "topic": "mms", "description": "体系"},
    )
    assert raised.status_code == 201
    listed = send(world, "regulator_above", "get", "/needs?urgency=high&open=true")
    assert [row["id"] for row in listed.json()["items"]] == [work.need.pk]
    region = world.regions["410105"].pk
    assert (
        len(send(world, "regulator_above", "get", f"/needs?region={region}").json()["items"]) == 2
    )
    met = send(world, "institution", "post", f"/needs/{work.need.pk}/status", {"status": "met"})
    assert met.status_code == 400
    assert fields(met) == {"resolution"}
    order = draft_order(world)
    linked = send(
        world, "same_enterprise", "post", f"/needs/{raised.json()['id']}/order", {"order": order.pk}
    )
    assert linked.json()["order"] == order.pk
    assert linked.json()["status"] == "in_progress"


def test_listing_takes_the_same_queries_for_more_rows(world, work):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(path):
        with CaptureQueriesContext(connection) as captured:
            assert send(world, "regulator_above", "get", path).status_code == 200
        return len(captured.captured_queries)

    queries("/teams")  # the token's first use is recorded once
    before = (queries("/teams"), queries("/visits"))
    member = world.users["institution"]
    for day in ("2020-04-01", "2020-04-02"):
        send(
            world,
            "institution",
            "post",
            "/visits",
            {
                "team": work.team.pk,
                "enterprise": world.enterprise.pk,
                "visited_on": day,
                "members_present": [member.pk],
                "needs": [{"topic": "policy", "description": "政策"}],
            },
        )
    send(
        world,
        "regulator_above",
        "post",
        "/teams",
        {
            "bureau": world.organisations["regulator_above"].pk,
            "name": "第二队",
            "formed_on": "2020-02-01",
            "leader": "institution",
            "enterprises": [world.enterprise.pk],
        },
    )
    assert (queries("/teams"), queries("/visits")) == before
