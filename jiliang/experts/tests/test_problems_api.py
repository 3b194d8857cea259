"""The problems API: the main flow, filters, uploads, and the bad-input list answered with a 4xx
naming the field and nothing changed."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from jiliang.accounts import services as account_services
from jiliang.core.testing.matrix import database_fingerprint
from jiliang.experts.tests.problems_world import PDF, build_problems

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def world(matrix_world):
    return matrix_world


@pytest.fixture
def work(world):
    return build_problems(world)


def post(world, actor, path, data=None):
    client = world.client_for(actor, api=True)
    return client.post(
        f"/api/v1{path}", data=json.dumps(data or {}), content_type="application/json"
    )


def get(world, actor, path):
    return world.client_for(actor, api=True).get(f"/api/v1{path}")


def test_state_assign_propose_confirm(world, work):
    created = post(
        world,
        "same_enterprise",
        "/problems",
        {
            "enterprise": world.enterprise.pk,
            "title": "量块溯源",
            "category": "traceability",
            "field": "mechanics",
            "description": "量块无法溯源。",
        },
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assigned = post(
        world,
        "regulator_above",
        f"/problems/{pk}/assign",
        {"expert": work.expert.pk, "target_workdays": 5},
    )
    assert assigned.json()["state"] == "assigned"
    assert assigned.json()["target_date"]
    # The institution is no assignee of this one: it does not even see it.
    assert post(world, "institution", f"/problems/{pk}/start").status_code == 404
    assert (
        post(world, "same_enterprise", f"/problems/{pk}/unsolvable", {"reason": "x"}).status_code
        == 403
    )
    token = account_services.token_create(actor=work.expert.user, user=work.expert.user, name="t")
    expert = Client(headers={"authorization": f"Bearer {token[1]}"})
    assert expert.post(f"/api/v1/problems/{pk}/start").json()["state"] == "in_progress"
    proposed = expert.post(
        f"/api/v1/problems/{pk}/propose",
        data=json.dumps({"solution": "送省院。"}),
        content_type="application/json",
    )
    assert proposed.json()["state"] == "proposed"
    confirmed = post(
        world, "same_enterprise", f"/problems/{pk}/confirm", {"rating": 4, "comment": "好"}
    )
    body = confirmed.json()
    assert body["state"] == "solved"
    assert body["rating"] == 4
    assert [event["state"] for event in body["events"]] == [
        "new",
        "assigned",
        "in_progress",
        "proposed",
        "solved",
    ]


@pytest.mark.parametrize("rating", [7, 0, -3])
def test_a_rating_outside_1_to_5_is_400_naming_the_rating(world, work, rating):
    before = database_fingerprint()
    response = post(
        world, "same_enterprise", f"/problems/{work.proposed.pk}/confirm", {"rating": rating}
    )
    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == ["rating"]
    assert database_fingerprint() == before


def test_confirming_a_problem_one_does_not_own(world, work):
    before = database_fingerprint()
    path = f"/problems/{work.proposed.pk}/confirm"
    assert post(world, "other_enterprise", path, {"rating": 5}).status_code == 404
    assert post(world, "institution", path, {"rating": 5}).status_code == 403
    assert database_fingerprint() == before


def test_an_assignment_outside_region_and_field_without_a_reason(world, work):
    before = database_fingerprint()
    response = post(
        world,
        "regulator_above",
        f"/problems/{work.fresh.pk}/assign",
        {"expert": work.far_expert.pk, "target_workdays": 5},
    )
    assert response.status_code == 400
    fields = {error["field"] for error in response.json()["errors"]}
    assert {"assignment_reason", "expert"} == fields
    assert database_fingerprint() == before
    response = post(
        world,
        "regulator_above",
        f"/problems/{work.fresh.pk}/assign",
        {"expert": work.far_expert.pk, "target_workdays": 5, "assignment_reason": "唯一热工专家"},
    )
    assert response.json()["assigned_expert"] == work.far_expert.pk


def test_the_list_filters_by_state_and_overdue(world, work):
    listed = get(world, "regulator_above", "/problems?state=new").json()
    assert [item["id"] for item in listed["items"]] == [work.fresh.pk]
    assert get(world, "regulator_above", "/problems?overdue=true").json()["count"] == 0
    assert get(world, "regulator_above", "/problems?state=bogus").status_code == 422
    assert get(world, "sibling_regulator", "/problems").json()["count"] == 0
    mine = get(world, "institution", "/problems?assigned_to_me=true").json()
    assert mine["count"] == 3


def test_documents_upload_and_download(world, work):
    client = world.client_for("institution", api=True)
    path = f"/api/v1/problems/{work.assigned.pk}/documents"
    upload = SimpleUploadedFile("方案.pdf", PDF, content_type="application/pdf")
    response = client.post(path, {"file": upload, "name": "方案"})
    assert response.status_code == 201, response.json()
    document = response.json()["id"]
    assert client.get(f"{path}/{document}").status_code == 200
    fake = SimpleUploadedFile("x.pdf", b"<html><script>", content_type="application/pdf")
    refused = client.post(path, {"file": fake})
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["field"] == "file"
    outsider = world.client_for("other_enterprise", api=True)
    upload.seek(0)
    assert outsider.post(path, {"file": upload}).status_code == 404


def test_project_documents_upload(world, work):
    path = f"/api/v1/joint-projects/{work.project.pk}/documents"
    upload = SimpleUploadedFile("纪要.pdf", PDF, content_type="application/pdf")
    client = world.client_for("regulator_above", api=True)
    assert client.post(path, {"file": upload}).status_code == 201
    upload.seek(0)
    assert world.client_for("institution", api=True).post(path, {"file": upload}).status_code == 403


def test_a_huge_text_is_422(world, work):
    response = post(
        world, "institution", f"/problems/{work.started.pk}/propose", {"solution": "字" * 50000}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "solution"
