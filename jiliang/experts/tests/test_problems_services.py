"""Problems' services: stating, triage (with the reasons an assignment outside the region or
field needs), each step to solved or not solvable, reopening, overdue flagging, and each refusal
of the bad-input list leaving everything as it was."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from jiliang.core.models import AuditEvent
from jiliang.core.workdays import add_workdays
from jiliang.experts.choices import ProblemSource, ProblemState
from jiliang.experts.models import Problem, ProblemEvent
from jiliang.experts.services import problems as services
from jiliang.experts.tasks import flag_overdue_problems_task
from jiliang.experts.tests.problems_world import assign, build_problems, pdf, state
from jiliang.needs.models import Need
from jiliang.notifications.models import Notification

pytestmark = pytest.mark.usefixtures("english")
S = ProblemState


@pytest.fixture
def world(matrix_world):
    return matrix_world


@pytest.fixture
def work(world):
    return build_problems(world)


def told(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("title", flat=True))


def fingerprint(problem):
    problem.refresh_from_db()
    return (
        problem.state,
        problem.rating,
        problem.assigned_expert_id,
        problem.events.count(),
        AuditEvent.objects.count(),
    )


# Stating ----------------------------------------------------------------------------------------


def test_an_enterprise_states_a_problem_with_an_attachment(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        problem = state(world, documents=[pdf()], tried="自行比对", urgency="high")
    assert problem.state == S.NEW
    assert problem.source == ProblemSource.ENTERPRISE
    assert problem.region == world.enterprise.region
    assert problem.documents.get().file.name.endswith(".pdf")
    assert list(problem.events.values_list("state", flat=True)) == [S.NEW]
    assert AuditEvent.objects.filter(action="experts.problem.created").exists()
    assert any("New problem" in title for title in told(world.users["regulator_above"]))


def test_an_attachment_that_is_not_a_document_is_refused(world):
    bad = SimpleUploadedFile(
        "x.pdf", b"<html><script>alert(1)</script>", content_type="application/pdf"
    )
    with pytest.raises(ValidationError) as refused:
        state(world, documents=[bad])
    assert "file" in refused.value.message_dict
    assert not Problem.objects.exists()


def test_a_viewer_or_another_enterprise_cannot_state_a_problem(world):
    with pytest.raises(PermissionDenied):
        services.problem_create(
            actor=world.users["same_enterprise_viewer"],
            enterprise=world.enterprise,
            title="t",
            category="other",
            field="length",
            description="d",
        )
    with pytest.raises(Http404):
        services.problem_create(
            actor=world.users["other_enterprise"],
            enterprise=world.enterprise,
            title="t",
            category="other",
            field="length",
            description="d",
        )


def test_an_empty_description_or_unknown_field_is_refused(world):
    with pytest.raises(ValidationError) as refused:
        state(world, description="", field="astrology")
    assert {"description", "field"} <= set(refused.value.message_dict)


def test_a_bureau_records_a_problem_it_heard(world):
    problem = services.problem_record(
        actor=world.users["regulator_above"],
        enterprise=world.enterprise,
        title="在线测温偏差",
        category="process",
        field="thermal",
        description="炉温在线测量偏差大。",
    )
    assert problem.source == ProblemSource.BUREAU
    with pytest.raises(Http404):
        services.problem_record(
            actor=world.users["sibling_regulator"],
            enterprise=world.enterprise,
            title="t",
            category="other",
            field="length",
            description="d",
        )


def test_a_need_becomes_a_problem_once(world):
    need = Need.objects.create(
        enterprise=world.enterprise, topic="calibration", description="压力表送检难。"
    )
    problem = services.problem_from_need(
        actor=world.users["regulator_above"], need=need, category="equipment", field="mechanics"
    )
    assert problem.source == ProblemSource.VISIT
    assert problem.need == need
    assert problem.description == "压力表送检难。"
    with pytest.raises(ValidationError) as refused:
        services.problem_from_need(
            actor=world.users["regulator_above"], need=need, category="other", field="length"
        )
    assert "need" in refused.value.message_dict


# Triage -----------------------------------------------------------------------------------------


def test_the_bureau_assigns_with_a_target_in_working_days(work, world):
    problem = work.assigned
    assert problem.state == S.ASSIGNED
    assert problem.target_workdays == 10
    assert problem.target_date == add_workdays(problem.assigned_at.date(), 10)
    assert problem.assigned_expert == work.expert
    assert problem.events.last().state == S.ASSIGNED


def test_an_expert_outside_the_region_and_field_needs_a_reason(work, world):
    before = fingerprint(work.fresh)
    with pytest.raises(ValidationError) as refused:
        assign(world, work.fresh, work.far_expert, institution=None)
    errors = refused.value.message_dict
    assert "assignment_reason" in errors
    assert "expert" in errors
    assert any("outside your region" in message for message in errors["expert"])
    assert any("does not know" in message for message in errors["expert"])
    assert fingerprint(work.fresh) == before
    assign(
        world, work.fresh, work.far_expert, institution=None, assignment_reason="省内唯一热工专家"
    )
    assert work.fresh.assigned_expert == work.far_expert


def test_only_the_bureau_over_the_problem_assigns(work, world):
    for actor, error in (
        ("sibling_regulator", Http404),
        ("same_enterprise", PermissionDenied),
        ("institution", Http404),  # a new problem is not the institution's to see yet
    ):
        with pytest.raises(error):
            services.problem_assign(
                actor=world.users[actor],
                problem=work.fresh,
                expert=work.expert,
                target_workdays=5,
            )


def test_an_assignment_needs_an_assignee_and_a_sensible_target(work, world):
    with pytest.raises(ValidationError) as refused:
        assign(world, work.fresh, institution=None)
    assert "expert" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        assign(world, work.fresh, work.expert, target_workdays=0)
    assert "target_workdays" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        assign(world, work.fresh, institution=world.organisations["other_enterprise"])
    assert "institution" in refused.value.message_dict


# The way to a solution --------------------------------------------------------------------------


def test_from_assigned_to_solved(work, world, django_capture_on_commit_callbacks):
    expert = work.expert.user
    problem = work.assigned
    with django_capture_on_commit_callbacks(execute=True):
        services.problem_start(actor=expert, problem=problem)
        services.problem_propose(actor=expert, problem=problem, solution="加配能源计量器具。")
        services.problem_confirm(
            actor=world.users["same_enterprise"],
            problem=problem,
            rating=5,
            comment="很有帮助",
            case_consent="anonymous",
        )
    assert problem.state == S.SOLVED
    assert problem.solved_at
    assert problem.rating == 5
    assert problem.case_consent == "anonymous"
    assert list(problem.events.values_list("state", flat=True)) == [
        S.NEW,
        S.ASSIGNED,
        S.IN_PROGRESS,
        S.PROPOSED,
        S.SOLVED,
    ]
    assert any("Solved" in title for title in told(expert))
    assert any("Solution proposed" in title for title in told(world.users["same_enterprise"]))


@pytest.mark.parametrize("rating", [0, 6, 7, -1, True])
def test_a_rating_outside_1_to_5_is_refused(work, world, rating):
    before = fingerprint(work.proposed)
    with pytest.raises(ValidationError) as refused:
        services.problem_confirm(
            actor=world.users["same_enterprise"], problem=work.proposed, rating=rating
        )
    assert "rating" in refused.value.message_dict
    assert fingerprint(work.proposed) == before


def test_only_the_enterprise_confirms(work, world):
    before = fingerprint(work.proposed)
    for actor, error in (
        ("other_enterprise", Http404),
        ("same_enterprise_viewer", PermissionDenied),
        ("institution", PermissionDenied),
        ("regulator_above", PermissionDenied),
    ):
        with pytest.raises(error):
            services.problem_confirm(actor=world.users[actor], problem=work.proposed, rating=4)
    assert fingerprint(work.proposed) == before


def test_steps_out_of_order_are_refused(work, world):
    with pytest.raises(ValidationError):
        services.problem_confirm(
            actor=world.users["same_enterprise"], problem=work.assigned, rating=4
        )
    with pytest.raises(ValidationError):
        services.problem_propose(actor=work.expert.user, problem=work.assigned, solution="尚未开始")
    with pytest.raises(PermissionDenied):
        services.problem_start(actor=world.users["same_enterprise"], problem=work.assigned)
    services.problem_start(actor=work.expert.user, problem=work.assigned)
    with pytest.raises(ValidationError) as refused:
        services.problem_propose(actor=work.expert.user, problem=work.assigned, solution=" ")
    assert "solution" in refused.value.message_dict


def test_not_solvable_with_a_reason_by_an_assignee_or_the_bureau(work, world):
    with pytest.raises(ValidationError) as refused:
        services.problem_unsolvable(actor=work.expert.user, problem=work.assigned, reason="")
    assert "reason" in refused.value.message_dict
    services.problem_unsolvable(
        actor=work.expert.user, problem=work.assigned, reason="需要国家基准，省内无法溯源。"
    )
    assert work.assigned.state == S.UNSOLVABLE
    services.problem_unsolvable(
        actor=world.users["regulator_above"], problem=work.fresh, reason="不属于计量问题。"
    )
    assert work.fresh.state == S.UNSOLVABLE
    with pytest.raises(PermissionDenied):
        services.problem_unsolvable(
            actor=world.users["same_enterprise"], problem=work.proposed, reason="x"
        )


def test_reopening(work, world):
    enterprise = world.users["same_enterprise"]
    services.problem_reopen(actor=enterprise, problem=work.proposed, note="方案不可行。")
    assert work.proposed.state == S.IN_PROGRESS
    propose_again = work.proposed
    services.problem_propose(
        actor=world.users["institution"], problem=propose_again, solution="改用红外测温。"
    )
    services.problem_confirm(actor=enterprise, problem=propose_again, rating=3)
    with pytest.raises(ValidationError) as refused:
        services.problem_reopen(actor=enterprise, problem=propose_again, note="  ")
    assert "note" in refused.value.message_dict
    services.problem_reopen(actor=enterprise, problem=propose_again, note="问题复现。")
    propose_again.refresh_from_db()
    assert propose_again.state == S.ASSIGNED
    assert propose_again.solved_at is None
    assert propose_again.rating is None
    services.problem_unsolvable(
        actor=world.users["regulator_above"], problem=work.fresh, reason="x"
    )
    services.problem_reopen(actor=enterprise, problem=work.fresh, note="补充了资料。")
    assert work.fresh.state == S.NEW
    with pytest.raises(PermissionDenied):
        services.problem_reopen(
            actor=world.users["same_enterprise_viewer"], problem=work.assigned, note="x"
        )


def test_a_document_is_attached_by_the_parties_only(work, world):
    services.problem_document_add(actor=work.expert.user, problem=work.assigned, file=pdf())
    assert work.assigned.documents.count() == 2  # the enterprise's, the expert's
    with pytest.raises(PermissionDenied):
        services.problem_document_add(
            actor=world.users["same_enterprise_viewer"], problem=work.assigned, file=pdf()
        )


# Overdue ----------------------------------------------------------------------------------------


def test_overdue_problems_are_flagged_to_the_bureau_once(
    work, world, django_capture_on_commit_callbacks
):
    late = work.assigned.target_date + timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.flag_overdue(today=late) == 2  # assigned and in progress
        assert services.flag_overdue(today=late + timedelta(days=1)) == 0
    work.assigned.refresh_from_db()
    assert work.assigned.overdue_flagged_on == late
    overdue = [t for t in told(world.users["regulator_above"]) if t.startswith("Problem overdue")]
    assert sorted(overdue) == [
        "Problem overdue: 压力表溯源",
        "Problem overdue: 能源计量器具配备不足",
    ]
    assert not work.proposed.is_overdue(late)  # proposed: the assignees owe nothing
    assert ProblemEvent.objects.filter(problem=work.assigned).count() == 2


def test_the_daily_task_leaves_problems_within_their_target_alone(work):
    flag_overdue_problems_task.call_local()
    work.assigned.refresh_from_db()
    assert work.assigned.overdue_flagged_on is None
