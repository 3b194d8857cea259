"""/api/v1/knowledge/search, /api/v1/knowledge-entries and /api/v1/typical-cases: reading for
everyone, writing for bureaus; bad input is a 4xx naming the parameter."""

import json

import pytest
from django.test import Client

from jiliang.experts.models import KnowledgeEntry, TypicalCase
from jiliang.experts.tests.knowledge_world import PRESSURE_GAUGE, build_knowledge
from jiliang.experts.tests.test_search_query import HOSTILE

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def knowledge(world):
    return build_knowledge(world)


def send(world, actor, method, path, data=None):
    client = world.client_for(actor, api=True) if actor != "anonymous" else Client()
    kwargs = {"data": json.dumps(data), "content_type": "application/json"} if data else {}
    return getattr(client, method)(f"/api/v1{path}", **kwargs)


def test_anyone_searches(world, knowledge):
    response = Client().get("/api/v1/knowledge/search", {"q": "压力表 多久检定一次"})
    assert response.status_code == 200
    first = response.json()[0]
    assert first["title"] == PRESSURE_GAUGE
    assert first["kind"] == "faq"
    assert first["url"] == f"/knowledge/entries/{knowledge.entry.pk}/"
    assert "<mark>" in first["snippet"]
    cases = Client().get("/api/v1/knowledge/search", {"q": "电子天平", "kind": "case"}).json()
    assert [hit["object_id"] for hit in cases] == [knowledge.case.pk]


@pytest.mark.parametrize("q", ["", "   ", "长" * 201])
def test_an_empty_or_too_long_query_is_a_422_naming_q(world, q):
    response = Client().get("/api/v1/knowledge/search", {"q": q})
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["q"]


def test_a_missing_query_or_a_bad_filter_is_a_422(world):
    assert Client().get("/api/v1/knowledge/search").status_code == 422
    bad = Client().get("/api/v1/knowledge/search", {"q": "压力表", "kind": "secret"})
    assert bad.status_code == 422


@pytest.mark.parametrize("q", [text[:200] for text in HOSTILE])
def test_hostile_search_text_is_answered(world, knowledge, q):
    response = Client().get("/api/v1/knowledge/search", {"q": q})
    assert response.status_code == 200
    assert isinstance(response.json(), list)


def test_entries_published_for_everyone_drafts_for_their_bureau(world, knowledge):
    public = send(world, "anonymous", "get", "/knowledge-entries").json()["items"]
    assert [item["id"] for item in public] == [knowledge.entry.pk]
    mine = send(world, "regulator_above", "get", "/knowledge-entries").json()["items"]
    assert {item["id"] for item in mine} == {knowledge.entry.pk, knowledge.draft.pk}
    assert (
        send(world, "anonymous", "get", f"/knowledge-entries/{knowledge.draft.pk}").status_code
        == 404
    )


def test_a_bureau_writes_edits_and_unpublishes(world, knowledge):
    created = send(
        world,
        "regulator_above",
        "post",
        "/knowledge-entries",
        {"question": "加油机多久检定一次？", "answer": "一般半年。", "field": "mechanics"},
    )
    assert created.status_code == 201, created.json()
    entry_id = created.json()["id"]
    found = Client().get("/api/v1/knowledge/search", {"q": "加油机"}).json()
    assert [hit["object_id"] for hit in found] == [entry_id]
    patched = send(
        world, "regulator_above", "patch", f"/knowledge-entries/{entry_id}", {"is_published": False}
    )
    assert patched.status_code == 200
    assert Client().get("/api/v1/knowledge/search", {"q": "加油机"}).json() == []


def test_from_a_consultation(world, knowledge):
    response = send(
        world,
        "regulator_above",
        "post",
        "/knowledge-entries",
        {
            "question": "热电偶多久校准？",
            "answer": "半年到一年。",
            "source": knowledge.consultation.pk,
        },
    )
    assert response.status_code == 201, response.json()
    assert response.json()["source"] == knowledge.consultation.pk


@pytest.mark.parametrize(
    ("actor", "status"),
    [("anonymous", 401), ("same_enterprise", 403), ("institution", 403)],
)
def test_only_bureaus_write(world, knowledge, actor, status):
    response = send(world, actor, "post", "/knowledge-entries", {"question": "问", "answer": "答"})
    assert response.status_code == status
    assert KnowledgeEntry.objects.count() == 2


def test_bad_entries_are_refused(world, knowledge):
    empty = send(
        world, "regulator_above", "post", "/knowledge-entries", {"question": "", "answer": "答"}
    )
    assert empty.status_code == 422
    assert empty.json()["errors"][0]["field"] == "question"
    blank = send(
        world, "regulator_above", "post", "/knowledge-entries", {"question": " ", "answer": "答"}
    )
    assert blank.status_code == 400
    assert blank.json()["errors"][0]["field"] == "question"


def test_typical_cases(world, knowledge):
    listed = send(world, "anonymous", "get", "/typical-cases").json()["items"]
    assert [item["enterprise_shown_as"] for item in listed] == [world.enterprise.name]
    published = send(
        world, "regulator_above", "post", "/typical-cases", {"problem": knowledge.solved.pk}
    )
    assert published.status_code == 201, published.json()
    assert published.json()["enterprise_shown_as"] == "某制造业小微企业"
    again = send(
        world, "regulator_above", "post", "/typical-cases", {"problem": knowledge.solved.pk}
    )
    assert again.status_code == 400
    hidden = send(
        world, "sibling_regulator", "post", "/typical-cases", {"problem": knowledge.solved.pk}
    )
    assert hidden.status_code == 404
    assert TypicalCase.objects.count() == 2
