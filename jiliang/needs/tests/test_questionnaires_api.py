"""The questionnaires API: create with a whole definition, read it, change questions, XLSForm in
and out, copies; refusals are 4xx JSON naming the field or question."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jiliang.needs.choices import QuestionnaireStatus
from jiliang.needs.models import Question, Questionnaire
from jiliang.needs.tests.test_questionnaires_xlsform import GOOD, workbook

pytestmark = pytest.mark.usefixtures("english")

DEFINITION = {
    "title": "调研",
    "sections": [
        {
            "name": "basic",
            "title": "基本情况",
            "questions": [
                {"name": "has_lab", "kind": "single", "label": "有计量室吗",
                 "choices": [{"value": "yes", "label": "是"}, {"value": "no", "label": "否"}]},
                {"name": "staff", "kind": "number", "label": "人员", "unit": "人", "minimum": 0,
                 "relevant": {"question": "has_lab", "op": "equals", "value": "yes"}},
            ],
        }
    ],
}  # fmt: skip


@pytest.fixture
def api(world):
    return world.client_for("regulator_above", api=True, language="en")


def post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def patch(client, url, data):
    return client.patch(url, json.dumps(data), content_type="application/json")


@pytest.fixture
def created(api):
    response = post(api, "/api/v1/questionnaires", DEFINITION)
    assert response.status_code == 201, response.json()
    return response.json()


def test_create_and_read_the_definition(api, created, world):
    assert created["owner"] == world.organisations["regulator_above"].pk
    assert created["status"] == "draft"
    body = api.get(f"/api/v1/questionnaires/{created['id']}/definition").json()
    (section,) = body["sections"]
    has_lab, staff = section["questions"]
    assert has_lab["choices"][0] == {"value": "yes", "label": "是"}
    assert staff["relevant"] == {"question": "has_lab", "op": "equals", "value": "yes"}
    assert (staff["unit"], staff["minimum"], staff["position"]) == ("人", "0.0000", 2)
    listed = api.get("/api/v1/questionnaires").json()
    assert [item["id"] for item in listed["items"]] == [created["id"]]


def test_a_definition_with_logic_on_a_later_question_is_refused(api):
    bad = json.loads(json.dumps(DEFINITION))
    bad["sections"][0]["questions"][0]["relevant"] = {"question": "staff", "op": "answered"}
    response = post(api, "/api/v1/questionnaires", bad)
    assert response.status_code == 400
    body = response.json()
    assert body["errors"][0]["field"] == "relevant"
    assert "“has_lab” refers to “staff”" in body["detail"]
    assert not Questionnaire.objects.exists()


def test_add_change_move_and_delete_questions(api, created):
    base = f"/api/v1/questionnaires/{created['id']}"
    response = post(api, f"{base}/questions", {
        "section": "basic", "name": "when", "kind": "date", "label": "日期"})  # fmt: skip
    assert response.status_code == 201
    question = response.json()
    assert question["position"] == 3
    response = patch(api, f"{base}/questions/{question['id']}", {"label": "成立日期", "index": 0})
    assert response.status_code == 200, response.json()
    assert (response.json()["label"], response.json()["position"]) == ("成立日期", 1)
    staff = Question.objects.get(name="staff")
    response = patch(api, f"{base}/questions/{staff.pk}", {"label": "改", "index": 0})
    assert response.status_code == 400
    assert "refers to “has_lab”" in response.json()["detail"]
    staff.refresh_from_db()
    assert staff.label == "人员"  # the refused move undid the change of label
    has_lab = Question.objects.get(name="has_lab")
    assert api.delete(f"{base}/questions/{has_lab.pk}").status_code == 400
    assert api.delete(f"{base}/questions/{question['id']}").status_code == 204
    response = post(api, f"{base}/questions", {"section": "nope", "kind": "text", "label": "x"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "section"


def test_an_open_questionnaire_is_a_conflict(api, created):
    Questionnaire.objects.filter(pk=created["id"]).update(status=QuestionnaireStatus.OPEN)
    base = f"/api/v1/questionnaires/{created['id']}"
    response = post(api, f"{base}/questions", {"section": "basic", "kind": "text", "label": "x"})
    assert response.status_code == 409
    assert "no longer a draft" in response.json()["detail"]
    assert patch(api, base, {"title": "新"}).status_code == 409
    assert patch(api, base, {"closes_on": "2031-01-01"}).status_code == 200
    copy = post(api, f"{base}/copy", {})
    assert copy.status_code == 201
    assert copy.json()["copied_from"] == created["id"]
    assert copy.json()["status"] == "draft"


def test_xlsform_import_and_export(api):
    upload = SimpleUploadedFile("small.xlsx", workbook())
    response = api.post("/api/v1/questionnaires/import", {"file": upload})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["title"] == "小调研"
    assert [section["name"] for section in body["sections"]] == ["basic", "more"]
    exported = api.get(f"/api/v1/questionnaires/{body['id']}/xlsform")
    assert exported.status_code == 200
    again = api.post(
        "/api/v1/questionnaires/import",
        {"file": SimpleUploadedFile("again.xlsx", exported.content)},
    ).json()
    assert again["sections"] == [
        {**section, "id": mine["id"], "questions": [
            {**question, "id": theirs["id"]}
            for question, theirs in zip(section["questions"], mine["questions"], strict=True)]}
        for section, mine in zip(body["sections"], again["sections"], strict=True)
    ]  # fmt: skip


def test_a_bad_xlsform_names_the_row(api):
    survey = [list(row) for row in GOOD]
    survey[3] = ["decimal", "staff", "人员", "", "", "${later} > 2"]
    response = api.post(
        "/api/v1/questionnaires/import", {"file": SimpleUploadedFile("bad.xlsx", workbook(survey))}
    )
    assert response.status_code == 400
    body = response.json()
    assert body["errors"][0]["field"] == "file"
    assert body["detail"].startswith("Sheet survey, row 5, column F (relevant)")
    assert not Questionnaire.objects.exists()
