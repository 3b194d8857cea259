"""The knowledge demo: the fixture's common questions published by 河南省市场监督管理局 and
searchable, the typical cases of the demo's solved problems with consent, the public answered
consultations indexed, one common question made from one; loading twice adds nothing."""

import json

import pytest
from django.contrib.auth import get_user_model

from jiliang.experts.choices import CaseConsent, ProblemState, SearchKind
from jiliang.experts.demos import consultations, problems, registry
from jiliang.experts.demos import knowledge as demo
from jiliang.experts.models import KnowledgeEntry, Problem, SearchEntry, TypicalCase
from jiliang.experts.search.query import search
from jiliang.orgs import demo as orgs_demo


@pytest.fixture(scope="module")
def loaded(module_db):
    admin = get_user_model().objects.create_superuser("demo-admin", "a@example.com", "x")
    orgs_demo.load(admin)
    for part in (registry, problems, consultations, demo):
        part.load(admin)
    return admin


def test_the_knowledge_base_is_published_and_searchable(loaded, db):
    items = json.loads(demo.KNOWLEDGE_BASE.read_text(encoding="utf-8"))
    entries = KnowledgeEntry.objects.filter(publisher__name=demo.BUREAU, source__isnull=True)
    assert entries.count() == len(items) >= 150
    assert SearchEntry.objects.filter(kind=SearchKind.FAQ).count() == len(items) + 1
    assert search("压力表 多久检定一次", limit=3)[0].title == "一般压力表的检定周期是多长？"


def test_typical_cases_of_solved_problems_with_consent(loaded, db):
    consenting = Problem.objects.filter(state=ProblemState.SOLVED).exclude(
        case_consent=CaseConsent.NO
    )
    assert TypicalCase.objects.count() == consenting.count() >= 1
    for case in TypicalCase.objects.select_related("problem__enterprise"):
        named = case.problem.case_consent == CaseConsent.NAMED
        assert (case.enterprise_shown_as == case.problem.enterprise.name) == named
    assert SearchEntry.objects.filter(kind=SearchKind.CASE).count() == TypicalCase.objects.count()


def test_public_answered_consultations_are_indexed_and_one_is_collected(loaded, db):
    assert SearchEntry.objects.filter(kind=SearchKind.CONSULTATION).exists()
    assert KnowledgeEntry.objects.filter(source__isnull=False).count() == 1


def test_loading_twice_adds_nothing(loaded, db):
    before = (
        KnowledgeEntry.objects.count(),
        TypicalCase.objects.count(),
        SearchEntry.objects.count(),
    )
    demo.load(loaded)
    after = (
        KnowledgeEntry.objects.count(),
        TypicalCase.objects.count(),
        SearchEntry.objects.count(),
    )
    assert after == before
