"""The knowledge part's hooks: the navigation section for every role, the bureau's to-do of
accepted public answers not yet collected, and the audit labels."""

from datetime import date

import pytest

from jiliang.core import audit, navigation
from jiliang.core.roles import DashboardRole
from jiliang.experts.hooks.knowledge import AUDIT_LABELS, bureau_todos
from jiliang.experts.services import knowledge as services
from jiliang.experts.tests.knowledge_world import build_knowledge

pytestmark = pytest.mark.django_db


def test_every_role_finds_the_common_questions():
    for role in DashboardRole:
        assert "knowledge" in [section.key for section in navigation.sections_for(role)]


def test_the_bureau_is_told_of_answers_to_collect(world, django_assert_max_num_queries):
    knowledge = build_knowledge(world)
    bureau = world.users["regulator_above"]
    with django_assert_max_num_queries(3):
        (todo,) = bureau_todos(bureau, date.today())
    assert todo.count == 1
    assert todo.url == "/knowledge/answers-to-collect/"
    assert bureau_todos(world.users["sibling_regulator"], date.today())[0].count == 0
    services.knowledge_entry_from_consultation(
        actor=bureau, consultation=knowledge.consultation, question="问？", answer="答。"
    )
    assert bureau_todos(bureau, date.today())[0].count == 0


def test_the_audit_actions_have_labels():
    assert set(AUDIT_LABELS) <= set(audit.EVENT_TYPES)
