"""Building questionnaires through the services: drafts only, the owner's admin and staff, skip
logic that only looks back, copies."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from jiliang.core.models import AuditEvent
from jiliang.needs.choices import QuestionnaireStatus
from jiliang.needs.models import Choice, Question, Questionnaire
from jiliang.needs.selectors.questionnaires import definition
from jiliang.needs.services import questionnaires as services

pytestmark = pytest.mark.usefixtures("english")

YES_NO = [{"value": "yes", "label": "是"}, {"value": "no", "label": "否"}]
SCALE = [{"value": str(n), "label": str(n)} for n in range(1, 6)]


@pytest.fixture
def bureau(world):
    return world.organisations["regulator_above"]


@pytest.fixture
def owner_user(world):
    return world.users["regulator_above"]


@pytest.fixture
def draft(bureau, owner_user):
    """Two sections: basic (has_lab, staff) and needs (needs_training, shown if has_lab = yes)."""
    questionnaire = services.questionnaire_create(
        actor=owner_user,
        owner=bureau,
        title="调研",
        sections=[
            {
                "name": "basic",
                "title": "基本情况",
                "questions": [
                    {"name": "has_lab", "kind": "single", "label": "有计量室吗", "choices": YES_NO},
                    {"name": "staff", "kind": "number", "label": "计量人员", "unit": "人",
                     "minimum": 0, "maximum": 500, "profile_field": "metrology_staff_count"},
                ],
            },
            {
                "name": "needs",
                "title": "需求",
                "relevant": {"question": "has_lab", "op": "equals", "value": "yes"},
                "questions": [
                    {"name": "needs_training", "kind": "multiple", "label": "培训",
                     "allows_other": True, "choices": YES_NO, "required": True},
                ],
            },
        ],
    )  # fmt: skip
    return questionnaire


def names(questionnaire):
    return list(questionnaire.questions.order_by("position").values_list("name", flat=True))


def test_create_builds_the_definition_and_records_it(draft, owner_user):
    assert draft.status == QuestionnaireStatus.DRAFT
    assert draft.created_by == owner_user
    assert names(draft) == ["has_lab", "staff", "needs_training"]
    assert list(draft.sections.values_list("name", "position")) == [("basic", 1), ("needs", 2)]
    assert AuditEvent.objects.filter(action="needs.questionnaire.created").count() == 1


def test_only_admin_and_staff_of_a_bureau_or_institution_create(world, bureau):
    with pytest.raises(Http404):
        services.questionnaire_create(actor=world.users["institution"], owner=bureau, title="x")
    with pytest.raises(PermissionDenied):  # a member without the right role
        services.questionnaire_create(
            actor=world.users["same_enterprise_viewer"], owner=world.enterprise, title="x"
        )
    with pytest.raises(ValidationError, match="bureau or an institution"):
        services.questionnaire_create(
            actor=world.users["same_enterprise"], owner=world.enterprise, title="x"
        )
    assert not Questionnaire.objects.exists()


def test_the_bureau_above_reads_but_does_not_change(world, bureau, owner_user):
    questionnaire = services.questionnaire_create(actor=owner_user, owner=bureau, title="x")
    assert Questionnaire.objects.visible_to(world.users["platform_admin"]).exists()
    with pytest.raises(Http404):
        services.section_add(
            actor=world.users["sibling_regulator"], questionnaire=questionnaire, title="s"
        )


def test_skip_logic_naming_a_later_question_is_refused(draft, owner_user):
    basic = draft.sections.get(name="basic")
    with pytest.raises(ValidationError, match=r"“late”.*not a question before it") as caught:
        services.question_add(
            actor=owner_user,
            section=basic,
            name="early",
            kind="text",
            label="早",
            relevant={"question": "late", "op": "answered"},
        )
    assert "relevant" in caught.value.message_dict
    assert not Question.objects.filter(name="early").exists()


def test_moving_a_question_above_the_one_its_logic_reads_is_refused(draft, owner_user):
    services.question_add(
        actor=owner_user,
        section=draft.sections.get(name="basic"),
        name="lab_area",
        kind="number",
        label="面积",
        relevant={"question": "has_lab", "op": "equals", "value": "yes"},
    )
    with pytest.raises(ValidationError, match="“lab_area” refers to “has_lab”"):
        services.question_move(actor=owner_user, question=Question.objects.get(name="lab_area"),
                               index=0)  # fmt: skip
    assert names(draft) == ["has_lab", "staff", "lab_area", "needs_training"]


def test_deleting_a_question_that_later_logic_reads_is_refused(draft, owner_user):
    with pytest.raises(ValidationError, match="refers to “has_lab”"):
        services.question_delete(actor=owner_user, question=Question.objects.get(name="has_lab"))
    assert Question.objects.filter(name="has_lab").exists()


def test_moves_renumber_through_the_questionnaire(draft, owner_user):
    staff = Question.objects.get(name="staff")
    services.question_move(actor=owner_user, question=staff, index=0)
    assert names(draft) == ["staff", "has_lab", "needs_training"]
    services.question_move(
        actor=owner_user, question=staff, section=draft.sections.get(name="needs"), index=5
    )
    assert names(draft) == ["has_lab", "needs_training", "staff"]
    services.section_add(actor=owner_user, questionnaire=draft, title="末")
    last = draft.sections.get(position=3)
    services.question_add(actor=owner_user, section=last, kind="date", label="日期", name="when")
    services.section_move(actor=owner_user, section=last, index=0)
    assert names(draft) == ["when", "has_lab", "needs_training", "staff"]
    with pytest.raises(ValidationError, match="“需求” refers to “has_lab”"):
        services.section_move(actor=owner_user, section=draft.sections.get(name="basic"), index=2)


def test_a_question_is_checked_against_its_kind(draft, owner_user):
    basic = draft.sections.get(name="basic")
    cases = [
        ({"kind": "single", "choices": YES_NO[:1]}, "at least two choices"),
        ({"kind": "matrix", "choices": SCALE}, "at least one row"),
        ({"kind": "text", "unit": "人"}, "Only a number has a unit"),
        ({"kind": "date", "allows_other": True}, "Only a choice question"),
        ({"kind": "text", "choices": YES_NO}, "Only a choice question or a matrix"),
        ({"kind": "number", "minimum": 5, "maximum": 1}, "maximum is below the minimum"),
        ({"kind": "text", "profile_field": "is_active"}, "No such profile field"),
        ({"kind": "single", "choices": [YES_NO[0], YES_NO[0]]}, "given twice"),
        ({"kind": "text", "name": "staff"}, "already exists"),
    ]
    for fields, message in cases:
        with pytest.raises(ValidationError, match=message):
            services.question_add(actor=owner_user, section=basic, label="问", **fields)
    assert names(draft) == ["has_lab", "staff", "needs_training"]


def test_update_replaces_choices_and_rows(draft, owner_user):
    question = services.question_add(
        actor=owner_user,
        section=draft.sections.get(name="needs"),
        name="satisfaction",
        kind="matrix",
        label="满意度",
        choices=SCALE,
        rows=[{"value": "price", "label": "价格"}],
    )
    services.question_update(
        actor=owner_user,
        question=question,
        data={"label": "服务满意度", "required": True},
        rows=[{"value": "price", "label": "价格"}, {"value": "speed", "label": "速度"}],
    )
    question.refresh_from_db()
    assert question.label == "服务满意度"
    assert list(question.choices.filter(is_row=True).values_list("value", flat=True)) == [
        "price",
        "speed",
    ]
    assert question.choices.filter(is_row=False).count() == 5


def test_an_open_questionnaire_is_frozen(draft, owner_user):
    Questionnaire.objects.filter(pk=draft.pk).update(status=QuestionnaireStatus.OPEN)
    draft.refresh_from_db()
    with pytest.raises(services.QuestionnaireFrozen, match="no longer a draft"):
        services.question_delete(actor=owner_user, question=Question.objects.get(name="staff"))
    with pytest.raises(services.QuestionnaireFrozen):
        services.questionnaire_update(actor=owner_user, questionnaire=draft, data={"title": "y"})
    with pytest.raises(services.QuestionnaireFrozen):
        services.section_add(actor=owner_user, questionnaire=draft, title="s")
    # Its dates may still move.
    services.questionnaire_update(
        actor=owner_user, questionnaire=draft, data={"closes_on": "2030-01-01"}
    )
    assert Question.objects.filter(questionnaire=draft).count() == 3


def test_copy_is_a_deep_copy_as_a_new_draft(draft, owner_user, world):
    Questionnaire.objects.filter(pk=draft.pk).update(status=QuestionnaireStatus.CLOSED)
    draft.refresh_from_db()
    copy = services.questionnaire_copy(actor=owner_user, questionnaire=draft)
    assert copy.pk != draft.pk
    assert copy.copied_from == draft
    assert copy.status == QuestionnaireStatus.DRAFT
    assert copy.title == "调研 (copy)"
    assert definition(copy)["sections"] == definition(draft)["sections"]
    assert Choice.objects.filter(question__questionnaire=copy).count() == 4
    # The copy's parts are its own.
    services.question_delete(actor=owner_user, question=copy.questions.get(name="needs_training"))
    assert draft.questions.filter(name="needs_training").exists()


def test_from_template(bureau, owner_user):
    questionnaire = services.questionnaire_from_template(actor=owner_user, owner=bureau)
    assert questionnaire.title == "企业计量需求调研问卷"
    assert 30 <= questionnaire.questions.count() <= 40
    kinds = set(questionnaire.questions.values_list("kind", flat=True))
    assert kinds == {"single", "multiple", "text", "number", "date", "matrix", "region", "file"}
    assert questionnaire.questions.exclude(relevant=None).count() >= 10
    staff = questionnaire.questions.get(name="metrology_staff")
    assert (staff.unit, staff.profile_field) == ("人", "metrology_staff_count")
