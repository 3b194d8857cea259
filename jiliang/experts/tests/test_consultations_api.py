"""/api/v1/consultations: asking, the thread, replies by role, accepting with a rating,
reassigning and closing; bad input is a 4xx naming the field, and changes nothing."""

import json

import pytest

from jiliang.experts.choices import ConsultationState
from jiliang.experts.models import Consultation, ConsultationReply
from jiliang.experts.tests.consultations_world import build_consultations

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def work(world):
    return build_consultations(world)


def post(world, actor, path, data):
    client = world.client_for(actor, api=True, language="en")
    return client.post(
        f"/api/v1/consultations{path}", data=json.dumps(data), content_type="application/json"
    )


def get(world, actor, path="", **params):
    return world.client_for(actor, api=True, language="en").get(
        f"/api/v1/consultations{path}", params
    )


def test_ask_and_the_thread(world, work):
    response = post(
        world, "same_enterprise", "", {"field": "mechanics", "title": "压力表", "body": "多久检定"}
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["assigned_expert"] == work.other.pk  # never routed before
    assert body["organisation"] == world.enterprise.pk
    assert body["remaining_workdays"] == 3
    assert body["state"] == "open"
    detail = get(world, "same_enterprise", f"/{work.answered.pk}").json()
    assert [r["is_answer"] for r in detail["replies"]] == [True]


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"field": "mechanics", "title": ""}, "title", "at least 1 character"),
        ({"field": "mechanics", "title": "问", "body": "长" * 50_000}, "body", "at most 5000"),
        ({"field": "astrology", "title": "问"}, "field", ""),
    ],
)
def test_bad_questions_are_a_422_naming_the_field(world, work, payload, field, message):
    before = Consultation.objects.count()
    response = post(world, "same_enterprise", "", payload)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert [e["field"] for e in errors] == [field]
    assert message in errors[0]["message"]
    assert Consultation.objects.count() == before


def test_lists_mine_assigned_and_public_with_filters(world, work):
    ids = {c["id"] for c in get(world, "institution").json()["items"]}
    assert ids == {work.private.pk, work.answered.pk, work.public.pk}
    assigned = get(world, "institution", scope="assigned", state="open").json()["items"]
    assert {c["id"] for c in assigned} == {work.private.pk, work.public.pk}
    seen_by_stranger = get(world, "other_enterprise").json()["items"]
    assert [c["id"] for c in seen_by_stranger] == [work.public.pk]
    assert get(world, "same_enterprise", scope="mine", overdue=True).json()["items"] == []


def test_answering_a_question_not_assigned_to_you_is_refused(world, work):
    response = post(world, "other_enterprise", f"/{work.public.pk}/replies", {"body": "我答"})
    assert response.status_code == 403
    assert "assigned" in response.json()["detail"]
    hidden = post(world, "other_enterprise", f"/{work.private.pk}/replies", {"body": "我答"})
    assert hidden.status_code == 404
    assert not ConsultationReply.objects.filter(consultation=work.public).exists()


def test_answer_follow_up_accept_and_close(world, work):
    answer = post(world, "institution", f"/{work.public.pk}/replies", {"body": "一般不超过半年"})
    assert answer.status_code == 201
    assert answer.json()["is_answer"]
    follow = post(world, "same_enterprise", f"/{work.public.pk}/replies", {"body": "强检吗？"})
    assert follow.status_code == 201
    assert not follow.json()["is_answer"]
    accepted = post(
        world,
        "same_enterprise",
        f"/{work.public.pk}/accept",
        {"reply": answer.json()["id"], "rating": 4, "comment": "清楚"},
    )
    assert accepted.status_code == 200, accepted.json()
    assert (accepted.json()["state"], accepted.json()["rating"]) == ("accepted", 4)
    closed = post(world, "same_enterprise", f"/{work.public.pk}/close", {})
    assert closed.json()["state"] == ConsultationState.CLOSED


@pytest.mark.parametrize("rating", [0, 6])
def test_a_rating_outside_1_to_5_is_a_422(world, work, rating):
    reply = work.answered.replies.get()
    response = post(
        world,
        "same_enterprise",
        f"/{work.answered.pk}/accept",
        {"reply": reply.pk, "rating": rating},
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["rating"]
    work.answered.refresh_from_db()
    assert work.answered.rating is None


def test_accepting_a_reply_of_another_thread_is_a_404(world, work):
    reply = work.answered.replies.get()
    response = post(
        world, "same_enterprise", f"/{work.public.pk}/accept", {"reply": reply.pk, "rating": 5}
    )
    assert response.status_code == 404


def test_reassigning_to_the_expert_it_already_has_is_a_400(world, work):
    response = post(world, "institution", f"/{work.public.pk}/reassign", {"expert": work.expert.pk})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "expert"


def test_a_public_question_names_its_asker_only_to_those_who_would_see_it_private(world, work):
    def asker(actor):
        shown = get(world, actor, f"/{work.public.pk}").json()
        return shown["asker"], shown["organisation"]

    named = ("same_enterprise", world.enterprise.pk)
    assert asker("same_enterprise_viewer") == named
    assert asker("institution") == named  # the expert answering
    assert asker("platform_admin") == named
    assert asker("other_enterprise") == (None, None)
    assert asker("regulator_above") == (None, None)
    listed = get(world, "other_enterprise").json()["items"]
    assert [(c["asker"], c["organisation"]) for c in listed] == [(None, None)]
