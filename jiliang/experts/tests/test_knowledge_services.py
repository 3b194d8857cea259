"""The knowledge base's services: who writes and publishes, typical cases from solved problems
with consent, and the search index following every change."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from jiliang.core.models import AuditEvent
from jiliang.experts.choices import SearchKind
from jiliang.experts.models import KnowledgeEntry, SearchEntry, TypicalCase
from jiliang.experts.search.query import search
from jiliang.experts.services import consultations as consultation_services
from jiliang.experts.services import knowledge as services
from jiliang.experts.tests.knowledge_world import PRESSURE_GAUGE, build_knowledge, solve

pytestmark = pytest.mark.django_db


@pytest.fixture
def knowledge(world):
    return build_knowledge(world)


def indexed(kind, object_id) -> bool:
    return SearchEntry.objects.filter(kind=kind, object_id=object_id).exists()


def test_a_bureau_publishes_a_common_question_found_by_search(world, knowledge):
    entry = knowledge.entry
    assert entry.publisher == world.organisations["regulator_above"]
    assert AuditEvent.objects.filter(action="experts.knowledgeentry.created", object_id=entry.pk)
    assert search("压力表 检定周期")[0].title == PRESSURE_GAUGE
    assert not indexed(SearchKind.FAQ, knowledge.draft.pk)


@pytest.mark.parametrize("actor", ["same_enterprise", "institution", "same_enterprise_viewer"])
def test_only_bureaus_write_common_questions(world, actor):
    with pytest.raises(PermissionDenied):
        services.knowledge_entry_create(actor=world.users[actor], question="问", answer="答")
    assert not KnowledgeEntry.objects.exists()


def test_a_bureau_publishes_only_for_its_own_bureau(world):
    with pytest.raises(PermissionDenied):
        services.knowledge_entry_create(
            actor=world.users["sibling_regulator"],
            question="问",
            answer="答",
            publisher=world.organisations["regulator_above"],
        )


def test_an_empty_question_is_refused(world):
    with pytest.raises(ValidationError) as error:
        services.knowledge_entry_create(
            actor=world.users["regulator_above"], question="  ", answer="答"
        )
    assert "question" in error.value.message_dict


def test_editing_reindexes_and_unpublishing_removes_from_the_search(world, knowledge):
    entry, bureau = knowledge.entry, world.users["regulator_above"]
    services.knowledge_entry_update(
        actor=bureau, entry=entry, data={"question": "加油机检定周期？"}
    )
    assert (
        SearchEntry.objects.get(kind=SearchKind.FAQ, object_id=entry.pk).title == "加油机检定周期？"
    )
    assert search("加油机")[0].object_id == entry.pk
    services.knowledge_entry_unpublish(actor=bureau, entry=entry)
    assert not indexed(SearchKind.FAQ, entry.pk)
    assert AuditEvent.objects.filter(action="experts.knowledgeentry.updated").count() == 2


def test_a_sibling_bureau_may_not_edit_and_an_enterprise_does_not_see_drafts(world, knowledge):
    with pytest.raises(PermissionDenied):
        services.knowledge_entry_update(
            actor=world.users["sibling_regulator"], entry=knowledge.entry, data={"tags": "x"}
        )
    with pytest.raises(Http404):
        services.knowledge_entry_update(
            actor=world.users["same_enterprise"], entry=knowledge.draft, data={"tags": "x"}
        )


def test_a_public_answer_becomes_a_common_question_linked_to_its_source(world, knowledge):
    consultation = knowledge.consultation
    assert indexed(SearchKind.CONSULTATION, consultation.pk)
    entry = services.knowledge_entry_from_consultation(
        actor=world.users["regulator_above"],
        consultation=consultation,
        question="热电偶多久校准一次？",
        answer="一般半年到一年。",
    )
    assert entry.source == consultation
    assert entry.field == "thermal"
    assert indexed(SearchKind.FAQ, entry.pk)


def test_a_private_or_unanswered_question_does_not(world, knowledge):
    bureau = world.users["regulator_above"]
    unanswered = consultation_services.consultation_ask(
        actor=world.users["same_enterprise"], field="thermal", title="温度计校准？"
    )
    with pytest.raises(ValidationError):
        services.knowledge_entry_from_consultation(
            actor=bureau, consultation=unanswered, question="问", answer="答"
        )
    consultation = knowledge.consultation
    consultation.is_public = False
    consultation.save()
    with pytest.raises(Http404):  # the bureau does not see a private question
        services.knowledge_entry_from_consultation(
            actor=bureau, consultation=consultation, question="问", answer="答"
        )
    assert not KnowledgeEntry.objects.filter(source__isnull=False).exists()


def test_an_anonymised_case_describes_the_enterprise_without_its_name(world, knowledge):
    case = services.typical_case_publish(
        actor=world.users["regulator_above"], problem=knowledge.solved
    )
    assert case.enterprise_shown_as == "某制造业小微企业"
    assert world.enterprise.name not in case.enterprise_shown_as
    assert case.publisher == world.organisations["regulator_above"]
    assert indexed(SearchKind.CASE, case.pk)
    assert search("压力变送器 溯源", kinds=[SearchKind.CASE])[0].object_id == case.pk


def test_a_named_case_shows_the_name(world, knowledge):
    assert knowledge.case.enterprise_shown_as == world.enterprise.name


def test_a_case_needs_a_solved_problem_consent_and_a_bureau_above(world, knowledge):
    bureau = world.users["regulator_above"]
    with pytest.raises(ValidationError):
        services.typical_case_publish(actor=bureau, problem=knowledge.named)  # already
    refused = solve(world, "在线测温", "no")
    with pytest.raises(ValidationError):
        services.typical_case_publish(actor=bureau, problem=refused)
    with pytest.raises(Http404):
        services.typical_case_publish(
            actor=world.users["sibling_regulator"], problem=knowledge.solved
        )
    with pytest.raises(PermissionDenied):
        services.typical_case_publish(
            actor=world.users["same_enterprise"], problem=knowledge.solved
        )
    assert TypicalCase.objects.count() == 1


def test_unpublishing_a_case_removes_it_from_the_search(world, knowledge):
    services.typical_case_unpublish(actor=world.users["regulator_above"], case=knowledge.case)
    assert not indexed(SearchKind.CASE, knowledge.case.pk)
    assert AuditEvent.objects.filter(action="experts.typicalcase.updated").exists()
