"""Answering through the API: every refusal a 4xx JSON naming the question, nothing saved."""

import json

import pytest

from jiliang.needs.models import Response
from jiliang.needs.tests.factories import GOOD, survey

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def form(world):
    return survey(world.organisations["regulator_above"], region=world.regions["410100"])


def call(world, method, path, data=None, actor="same_enterprise"):
    client = world.client_for(actor, api=True, language="en")
    body = {"data": json.dumps(data), "content_type": "application/json"} if data else {}
    return getattr(client, method)("/api/v1" + path, **body)


def test_an_enterprise_answers_through_the_api(world, form):
    (waiting,) = call(world, "get", "/surveys/to-answer").json()
    assert (waiting["questionnaire_id"], waiting["state"]) == (form.pk, "to_answer")
    started = call(world, "post", f"/surveys/{form.pk}/responses", {"enterprise": waiting[
        "enterprise_id"]})  # fmt: skip
    assert started.status_code == 200
    pk = started.json()["id"]
    again = call(
        world, "post", f"/surveys/{form.pk}/responses", {"enterprise": world.enterprise.pk}
    )
    assert again.json()["id"] == pk
    path = f"/survey-responses/{pk}"
    bad = call(world, "put", path + "/answers", {"answers": {"has_lab": "yes", "lab_staff": 501}})
    assert bad.status_code == 400
    assert bad.json()["errors"] == [
        {"field": "lab_staff", "message": "“计量室人数”: 501 is outside its range 0–500 人."}
    ]
    assert not Response.objects.get().answers.exists()
    unknown = call(world, "put", path + "/answers", {"answers": {"colour": "red"}})
    assert unknown.json()["errors"] == [
        {"field": "answers", "message": "The questionnaire has no question named colour."}
    ]
    saved = call(world, "put", path + "/answers", {"answers": {"has_lab": "yes", "lab_staff": 4}})
    assert saved.json()["answers"] == {"has_lab": "yes", "lab_staff": "4"}
    missing = call(world, "post", path + "/submit")
    assert missing.status_code == 400
    assert missing.json()["errors"] == [
        {"field": "needs", "message": "“需要哪些服务” is required."}
    ]
    call(world, "put", path + "/answers", {"answers": {**GOOD, "needs": ["other"],
                                                      "needs.other": "能源计量"}})  # fmt: skip
    submitted = call(world, "post", path + "/submit")
    assert submitted.status_code == 200
    body = submitted.json()
    assert body["status"] == "submitted"
    assert body["region"] == "410105"
    assert body["answers"]["needs.other"] == "能源计量"
    second = call(world, "post", path + "/submit")
    assert second.status_code == 400
    assert second.json()["detail"].startswith("This enterprise has already submitted")


def test_the_owner_sends_out_and_enters_paper_through_the_api(world, form):
    owner = "regulator_above"
    body = call(world, "put", f"/questionnaires/{form.pk}/audience",
                {"audience_region": "999999"}, actor=owner)  # fmt: skip
    assert body.status_code == 400
    assert body.json()["errors"][0]["field"] == "audience_region"
    reminded = call(world, "post", f"/questionnaires/{form.pk}/remind", actor=owner).json()
    assert (reminded["reminded"], reminded["invited"], reminded["submitted"]) == (1, 1, 0)
    entry = {"enterprise": world.enterprise.pk, "answers": {"has_lab": "no"}}
    bad = call(world, "post", f"/surveys/{form.pk}/paper", entry, actor=owner)
    assert bad.status_code == 400
    assert bad.json()["errors"] == [{"field": "needs", "message": "“需要哪些服务” is required."}]
    assert not Response.objects.exists()
    paper = call(world, "post", f"/surveys/{form.pk}/paper",
                 {"enterprise": world.enterprise.pk, "answers": GOOD, "respondent_name": "王芳"},
                 actor=owner)  # fmt: skip
    assert paper.status_code == 201
    assert (paper.json()["source"], paper.json()["entered_by"]) == ("paper", owner)
    closed = call(world, "post", f"/questionnaires/{form.pk}/close", actor=owner)
    assert closed.json()["status"] == "closed"
    late = call(world, "post", f"/surveys/{form.pk}/responses", {"enterprise": world.enterprise.pk})
    assert late.json()["id"] == paper.json()["id"]  # the enterprise's one response
    refused = call(world, "put", f"/survey-responses/{late.json()['id']}/answers",
                   {"answers": {"remarks": "late"}})  # fmt: skip
    assert refused.status_code == 403
