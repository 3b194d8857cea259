"""The consultation channel's services: routing round robin, due dates in working days,
escalation once, who answers, follow-ups, accepting and rating."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from jiliang.core.models import AuditEvent
from jiliang.experts.choices import ConsultationState
from jiliang.experts.models import Consultation, ConsultationReply
from jiliang.experts.services import consultations as services
from jiliang.experts.services import registry as registry_services
from jiliang.experts.tests.consultations_world import (
    ask,
    build_consultations,
    new_user,
    register_expert,
)
from jiliang.notifications.models import Notification

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def work(world):
    return build_consultations(world)


def told(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("title", flat=True))


def on_day(monkeypatch, day: date):
    monkeypatch.setattr(timezone, "localdate", lambda *args: day)


# Asking and routing -----------------------------------------------------------------------------


def test_questions_go_round_robin_to_the_available_experts_of_the_field(world, work):
    third = register_expert(world, new_user(world, "expert-c"))
    register_expert(world, new_user(world, "thermal-1"), field="thermal")
    assigned = [ask(world, f"问题 {n}").assigned_expert for n in range(4)]
    # expert-b and expert-c were never routed; then the institution's (routed longest ago).
    assert assigned == [work.other, third, work.expert, work.other]
    work.other.refresh_from_db()
    latest = Consultation.objects.order_by("-pk").first()
    assert latest.assigned_at == work.other.last_routed
    assert "A question for you: 问题 3" in told(work.other.user)


def test_an_expert_asking_is_not_routed_their_own_question(world, work):
    consultation = ask(world, "专家的问题", actor="institution")
    assert consultation.assigned_expert == work.other
    assert ask(world, "再问", actor="institution").assigned_expert == work.other


def test_unavailable_experts_are_skipped(world, work):
    registry_services.expert_set_availability(
        actor=world.users["platform_admin"], expert=work.other, is_available=False
    )
    assert ask(world, "问题").assigned_expert == work.expert


def test_the_question_is_filed_under_the_askers_first_organisation(world, work):
    consultation = ask(world, "问题")
    assert consultation.organisation == world.enterprise
    assert consultation.region == world.enterprise.region
    assert consultation.state == ConsultationState.OPEN
    loner = new_user(world, "loner")
    alone = services.consultation_ask(actor=loner, field="thermal", title="个人问题")
    assert alone.organisation is None
    assert alone.region is None
    assert AuditEvent.objects.filter(action="experts.consultation.asked").count() == 5


def test_the_answer_is_due_in_three_working_days_holidays_left_out(world, work, monkeypatch):
    on_day(monkeypatch, date(2026, 9, 30))  # 国庆节 from 1 October
    consultation = ask(world, "节前问题")
    assert consultation.answer_due_on == date(2026, 10, 10)  # a make-up working Saturday
    on_day(monkeypatch, date(2026, 12, 4))  # a Friday
    assert ask(world, "周五问题").answer_due_on == date(2026, 12, 9)


def test_the_time_limit_shows_the_remaining_working_days(world, work, monkeypatch):
    consultation = work.private
    on_day(monkeypatch, consultation.answer_due_on)
    assert consultation.remaining_workdays == 0
    on_day(monkeypatch, consultation.answer_due_on + timedelta(days=7))
    assert consultation.remaining_workdays < 0
    assert consultation.workdays_overdue >= 1
    assert work.answered.remaining_workdays is None  # not awaiting an answer


@pytest.mark.parametrize(
    ("title", "body", "field"),
    [("", "", "title"), ("   ", "", "title"), ("问题", "长" * 50_000, "body")],
)
def test_an_empty_or_overlong_question_is_refused(world, work, title, body, field):
    before = Consultation.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.consultation_ask(
            actor=world.users["same_enterprise"], field="mechanics", title=title, body=body
        )
    assert field in refused.value.message_dict
    assert Consultation.objects.count() == before


def test_without_an_available_expert_the_question_escalates_to_the_fields_group(world, work):
    consultation = ask(world, "热工问题", field="thermal")
    assert consultation.assigned_expert is None
    assert consultation.escalated_group is None
    registry_services.group_update(
        actor=world.users["regulator_above"], group=work.group, data={"fields": []}
    )
    consultation = ask(world, "声学问题", field="acoustics")
    assert consultation.assigned_expert is None
    assert consultation.escalated_group == work.group
    assert "A question for your group 郑州市力学专家服务组: 声学问题" in told(work.other.user)


def test_a_question_that_found_no_expert_goes_to_one_available_later(world, work):
    waiting = ask(world, "热工问题", field="thermal")
    assert waiting.assigned_expert is None
    assert services.route_waiting() == 0
    thermal = register_expert(world, new_user(world, "thermal-expert"), field="thermal")
    assert services.route_waiting() == 1
    waiting.refresh_from_db()
    assert waiting.assigned_expert == thermal
    assert waiting.answer_due_on > timezone.localdate()
    assert "A question for you: 热工问题" in told(thermal.user)
    assert services.route_waiting() == 0


# Escalation -------------------------------------------------------------------------------------


def test_an_overdue_question_escalates_once_to_the_nearest_group(world, work):
    later = work.private.answer_due_on + timedelta(days=1)
    assert services.escalate_overdue(today=work.private.answer_due_on) == 0
    assert services.escalate_overdue(today=later) == 2  # private and public; not the answered
    assert services.escalate_overdue(today=later + timedelta(days=5)) == 0
    work.private.refresh_from_db()
    assert work.private.escalated_group == work.group
    assert work.private.escalated_at
    assert (
        told(work.other.user).count(
            "A question for your group 郑州市力学专家服务组: 压力表检定周期"
        )
        == 1
    )
    assert AuditEvent.objects.filter(action="experts.consultation.escalated").count() == 2


def test_a_member_of_the_escalated_group_may_answer(world, work):
    services.escalate_overdue(today=work.private.answer_due_on + timedelta(days=1))
    reply = services.consultation_reply(
        actor=work.other.user, consultation=work.private, body="组内专家的回答"
    )
    assert reply.expert == work.other
    work.private.refresh_from_db()
    assert work.private.state == ConsultationState.ANSWERED


# Answering --------------------------------------------------------------------------------------


def test_the_assigned_expert_answers_and_the_asker_is_told(world, work):
    reply = services.consultation_reply(
        actor=world.users["institution"], consultation=work.private, body="每半年检定一次"
    )
    work.private.refresh_from_db()
    assert reply.is_answer
    assert reply.expert == work.expert
    assert work.private.state == ConsultationState.ANSWERED
    assert work.private.answered_at
    assert "Your question has an answer: 压力表检定周期" in told(world.users["same_enterprise"])


def test_answering_a_question_not_assigned_to_you_is_refused(world, work):
    stranger = work.other.user  # an expert of the field, but not assigned
    with pytest.raises(PermissionDenied, match="assigned"):
        services.consultation_reply(actor=stranger, consultation=work.public, body="我来回答")
    with pytest.raises(Http404):  # a private question is out of sight
        services.consultation_reply(actor=stranger, consultation=work.private, body="我来回答")
    assert not ConsultationReply.objects.filter(author=stranger).exists()
    work.public.refresh_from_db()
    assert work.public.state == ConsultationState.OPEN


def test_a_follow_up_reopens_the_thread_with_a_new_due_date(world, work, monkeypatch):
    first_answer = work.answered.answered_at
    on_day(monkeypatch, date(2026, 12, 4))
    reply = services.consultation_reply(
        actor=world.users["same_enterprise"], consultation=work.answered, body="能否再说明一下？"
    )
    work.answered.refresh_from_db()
    assert not reply.is_answer
    assert work.answered.state == ConsultationState.OPEN
    assert work.answered.answer_due_on == date(2026, 12, 9)
    assert "A follow-up question: 压力变送器校准" in told(world.users["institution"])
    services.consultation_reply(
        actor=world.users["institution"], consultation=work.answered, body="补充说明"
    )
    work.answered.refresh_from_db()
    assert work.answered.state == ConsultationState.ANSWERED
    assert work.answered.answered_at == first_answer  # the first answer's moment stays


# Accepting, rating, reassigning, closing --------------------------------------------------------


def answer_of(consultation):
    return consultation.replies.get(expert__isnull=False)


def test_the_asker_accepts_and_rates_an_answer(world, work):
    services.consultation_accept(
        actor=world.users["same_enterprise"],
        consultation=work.answered,
        reply=answer_of(work.answered),
        rating=5,
        comment="非常有帮助",
    )
    work.answered.refresh_from_db()
    assert work.answered.state == ConsultationState.ACCEPTED
    assert (work.answered.rating, work.answered.rating_comment) == (5, "非常有帮助")
    assert work.answered.accepted_reply == answer_of(work.answered)
    assert "Your answer was accepted: 压力变送器校准" in told(world.users["institution"])


@pytest.mark.parametrize("rating", [0, 6, -1])
def test_a_rating_outside_1_to_5_is_refused(world, work, rating):
    with pytest.raises(ValidationError) as refused:
        services.consultation_accept(
            actor=world.users["same_enterprise"],
            consultation=work.answered,
            reply=answer_of(work.answered),
            rating=rating,
        )
    assert refused.value.message_dict == {"rating": ["A rating is from 1 to 5."]}
    work.answered.refresh_from_db()
    assert work.answered.state == ConsultationState.ANSWERED
    assert work.answered.rating is None


def test_only_the_asker_accepts_and_only_an_experts_answer(world, work):
    with pytest.raises(PermissionDenied):
        services.consultation_accept(
            actor=world.users["same_enterprise_viewer"],
            consultation=work.answered,
            reply=answer_of(work.answered),
            rating=4,
        )
    follow_up = services.consultation_reply(
        actor=world.users["same_enterprise"], consultation=work.answered, body="追问一下"
    )
    with pytest.raises(ValidationError, match="answer"):
        services.consultation_accept(
            actor=world.users["same_enterprise"],
            consultation=work.answered,
            reply=follow_up,
            rating=4,
        )


def test_accepting_a_public_answer_indexes_it(world, work, monkeypatch):
    indexed = []
    monkeypatch.setattr(services, "index_consultation", indexed.append)
    reply = services.consultation_reply(
        actor=world.users["institution"], consultation=work.public, body="一般不超过半年"
    )
    for consultation, answer in ((work.answered, answer_of(work.answered)), (work.public, reply)):
        services.consultation_accept(
            actor=world.users["same_enterprise"],
            consultation=consultation,
            reply=answer,
            rating=4,
        )
    assert [c.pk for c in indexed] == [work.public.pk]  # the private one stays out


def test_the_assigned_expert_or_the_bureau_reassigns(world, work):
    services.consultation_reassign(
        actor=world.users["institution"], consultation=work.public, expert=work.other
    )
    work.public.refresh_from_db()
    assert work.public.assigned_expert == work.other
    assert "A question for you: 一般压力表的检定周期是多长？" in told(work.other.user)
    services.consultation_reassign(
        actor=world.users["regulator_above"], consultation=work.public, expert=work.expert
    )
    work.public.refresh_from_db()
    assert work.public.assigned_expert == work.expert
    moved = "A question went to another expert: 一般压力表的检定周期是多长？"
    assert told(world.users["same_enterprise"]).count(moved) == 2
    assert moved in told(work.other.user)  # handed from them by the bureau
    assert moved not in told(world.users["institution"])  # they handed it over themselves
    for actor in ("sibling_regulator", "same_enterprise"):
        with pytest.raises(PermissionDenied):
            services.consultation_reassign(
                actor=world.users[actor], consultation=work.public, expert=work.other
            )
    thermal = register_expert(world, new_user(world, "thermal-1"), field="thermal")
    with pytest.raises(ValidationError, match="field"):
        services.consultation_reassign(
            actor=world.users["institution"], consultation=work.public, expert=thermal
        )


def test_the_asker_closes_and_nothing_more_is_answered(world, work):
    services.consultation_close(actor=world.users["same_enterprise"], consultation=work.private)
    work.private.refresh_from_db()
    assert work.private.state == ConsultationState.CLOSED
    assert "A question was closed: 压力表检定周期" in told(world.users["institution"])
    with pytest.raises(ValidationError, match="closed"):
        services.consultation_reply(
            actor=world.users["institution"], consultation=work.private, body="迟到的回答"
        )
    with pytest.raises(PermissionDenied):
        services.consultation_close(actor=world.users["institution"], consultation=work.public)


def test_a_follow_up_waits_for_an_answer(world, work):
    with pytest.raises(ValidationError, match="answered"):
        services.consultation_reply(
            actor=world.users["same_enterprise"], consultation=work.private, body="有人吗？"
        )
    work.private.refresh_from_db()
    assert not work.private.replies.exists()
