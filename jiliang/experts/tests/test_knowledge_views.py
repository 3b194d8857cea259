"""The knowledge pages for anonymous visitors: search with highlighted results, the empty
query's message, hostile text, the suggestions partial, entries and cases; and what a bureau
writes through the forms."""

import pytest
from django.test import Client
from django.urls import reverse

from jiliang.experts.models import KnowledgeEntry
from jiliang.experts.tests.knowledge_world import PRESSURE_GAUGE, build_knowledge

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def knowledge(world):
    return build_knowledge(world)


def test_an_anonymous_visitor_searches_and_reads(world, knowledge):
    client = Client()
    response = client.get(reverse("knowledge:search"), {"q": "压力表 多久检定一次"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "<mark>压力表</mark>" in page
    hits = response.context["page_obj"].object_list
    assert hits[0].title == PRESSURE_GAUGE
    entry = client.get(hits[0].url)
    assert entry.status_code == 200
    assert "JJG 52-2013" in entry.content.decode()
    assert (
        client.get(reverse("knowledge:entry_detail", args=[knowledge.draft.pk])).status_code == 404
    )
    cases = client.get(reverse("knowledge:case_list")).content.decode()
    assert "电子天平偏载" in cases
    case = client.get(reverse("knowledge:case_detail", args=[knowledge.case.pk])).content.decode()
    assert world.enterprise.name in case


def test_filters_narrow_the_results(world, knowledge):
    response = Client().get(reverse("knowledge:search"), {"q": "电子天平 压力表", "kind": "case"})
    assert [hit.kind for hit in response.context["page_obj"]] == ["case"]


def test_an_empty_query_says_what_to_type_and_lists_the_latest(world, knowledge):
    client = Client()
    client.cookies["django_language"] = "en"
    response = client.get(reverse("knowledge:search"), {"q": "  "})
    assert "Type the words you are looking for" in response.content.decode()
    assert list(response.context["latest"]) == [knowledge.entry]
    first = Client().get(reverse("knowledge:search"))
    assert "message" not in first.context


@pytest.mark.parametrize("q", ['" OR 1=1 --', "NEAR(", "*", "AND", "？！", '"压力表'])
def test_hostile_text_shows_a_page(world, knowledge, q):
    assert Client().get(reverse("knowledge:search"), {"q": q}).status_code == 200


def test_a_too_long_query_is_refused_on_the_form(world):
    response = Client().get(reverse("knowledge:search"), {"q": "长" * 201})
    assert response.status_code == 200
    assert response.context["form"].errors["q"]
    assert "searched" not in response.context


def test_suggestions_for_a_question_being_typed(world, knowledge):
    response = Client().get(reverse("knowledge:suggest"), {"title": "压力表多久检定一次"})
    page = response.content.decode()
    assert reverse("knowledge:entry_detail", args=[knowledge.entry.pk]) in page
    assert "一般<mark>压力表</mark>的<mark>检定</mark>" in page
    assert "<html" not in page
    assert Client().get(reverse("knowledge:suggest"), {"q": ""}).content.decode().strip() == ""


def test_the_ask_form_asks_for_suggestions(world):
    page = world.client_for("same_enterprise").get(reverse("consultations:ask")).content.decode()
    assert f'hx-get="{reverse("knowledge:suggest")}"' in page
    assert 'hx-target="#suggested-answers"' in page


def test_a_bureau_writes_from_a_consultation(world, knowledge):
    client = world.client_for("regulator_above")
    url = reverse("knowledge:entry_from_consultation", args=[knowledge.consultation.pk])
    form = client.get(url)
    assert form.context["form"].initial["question"] == knowledge.consultation.title
    response = client.post(
        url,
        {
            "question": "热电偶多久校准一次？",
            "answer": "一般半年到一年。",
            "field": "thermal",
            "is_published": "on",
            "publisher": world.organisations["regulator_above"].pk,
        },
    )
    entry = KnowledgeEntry.objects.get(source=knowledge.consultation)
    assert response.url == reverse("knowledge:entry_detail", args=[entry.pk])
    collect = client.get(reverse("knowledge:collect"))
    assert list(collect.context["consultations"]) == []


def test_a_bureau_publishes_a_case_from_a_problem(world, knowledge):
    client = world.client_for("regulator_above")
    url = reverse("knowledge:case_publish", args=[knowledge.solved.pk])
    assert client.get(url).context["form"].initial["title"] == "压力变送器溯源"
    response = client.post(
        url, {"title": "变送器溯源", "problem_summary": "无法溯源。", "solution_summary": "送检。"}
    )
    assert response.status_code == 302
    page = Client().get(response.url).content.decode()
    assert "某制造业小微企业" in page
    assert world.enterprise.name not in page
