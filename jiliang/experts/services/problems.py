"""Enterprises' metrology problems: stating one (or turning a visit's need, or what a bureau
heard, into one), attaching documents, triage by the bureau, and the solution's way from
assigned to solved or not solvable; every write of a problem."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from jiliang.core import audit
from jiliang.core.services import require_editable, require_organisation_role
from jiliang.core.workdays import add_workdays
from jiliang.experts.choices import (
    OVERDUE_PROBLEM_STATES,
    CaseConsent,
    ProblemSource,
    ProblemState,
)
from jiliang.experts.models import Problem, ProblemDocument, ProblemEvent
from jiliang.experts.models.problems import EDITOR_ROLES
from jiliang.experts.services import problem_parties as parties
from jiliang.needs.models import Need
from jiliang.orgs.choices import OrganisationKind
from jiliang.orgs.models import Organisation

S = ProblemState
STATED_FIELDS = ("title", "category", "field", "description", "tried", "urgency")
MAX_TARGET_WORKDAYS = 250
REOPENABLE = frozenset({S.PROPOSED, S.SOLVED, S.UNSOLVABLE})
ASSIGNABLE = frozenset({S.NEW, S.ASSIGNED, S.IN_PROGRESS})


# Stating ----------------------------------------------------------------------------------------


def _create(actor, enterprise, *, source, need=None, documents=(), **values) -> Problem:
    if enterprise.kind != OrganisationKind.ENTERPRISE:
        raise ValidationError({"enterprise": _("Only an enterprise has problems to solve.")})
    unknown = set(values) - set(STATED_FIELDS)
    if unknown:
        raise ValueError(f"Unknown problem fields: {sorted(unknown)}")
    problem = Problem(
        enterprise=enterprise,
        region=enterprise.region,
        source=source,
        need=need,
        reported_by=actor,
        **values,
    )
    problem.full_clean()
    try:
        with transaction.atomic():
            problem.save()
    except IntegrityError:
        # Another request made the same need a problem between the check and the write.
        raise ValidationError({"need": _("This need is already a problem.")}) from None
    for upload in documents:
        _add_document(actor, problem, upload)
    ProblemEvent.objects.create(problem=problem, actor=actor, state=S.NEW)
    audit.record(
        actor=actor,
        action="experts.problem.created",
        instance=problem,
        organisation=enterprise,
        changes={"source": [None, source]},
    )
    parties.tell_parties(
        problem,
        actor,
        _("New problem of %(enterprise)s: %(title)s")
        % {"enterprise": enterprise, "title": problem.title},
        [problem.get_category_display(), problem.get_field_display()],
    )
    return problem


@transaction.atomic
def problem_create(*, actor, enterprise, documents=(), **values) -> Problem:
    """An enterprise (its admin or staff) states a problem of its own."""
    require_organisation_role(actor, enterprise, EDITOR_ROLES)
    return _create(
        actor, enterprise, source=ProblemSource.ENTERPRISE, documents=documents, **values
    )


@transaction.atomic
def problem_record(*, actor, enterprise, documents=(), **values) -> Problem:
    """A bureau records a problem it heard of an enterprise of its region subtree."""
    if not Organisation.objects.visible_to(actor).filter(pk=enterprise.pk).exists():
        raise Http404
    if not (parties.is_platform_admin(actor) or parties.acting_bureaus(actor, enterprise.region)):
        raise ValidationError(
            {"enterprise": _("Record problems of enterprises of your own region only.")}
        )
    return _create(actor, enterprise, source=ProblemSource.BUREAU, documents=documents, **values)


@transaction.atomic
def problem_from_need(*, actor, need: Need, **values) -> Problem:
    """A visit's need becomes a problem, by the bureau over the enterprise or a member of the
    team that visited; the need's description is the problem's unless another is given."""
    require_editable(actor, need)
    if not may_turn_into_problem(actor, need):
        raise ValidationError(
            {"need": _("Only the bureau or the team that visited turns this need into a problem.")}
        )
    if need.problems.exists():
        raise ValidationError({"need": _("This need is already a problem.")})
    values.setdefault("description", need.description)
    values.setdefault("title", need.get_topic_display())
    return _create(actor, need.enterprise, source=ProblemSource.VISIT, need=need, **values)


def may_turn_into_problem(actor, need: Need) -> bool:
    """Whether the actor is the bureau over the need's enterprise or of the team that visited."""
    team = need.visit.team if need.visit_id else None
    return bool(
        (team is not None and team.members.filter(user_id=actor.pk).exists())
        or parties.is_platform_admin(actor)
        or parties.acting_bureaus(actor, need.enterprise.region)
    )


def _add_document(actor, problem: Problem, upload, name: str = "") -> ProblemDocument:
    document = ProblemDocument(
        problem=problem, file=upload, name=(name or upload.name or "")[:200], uploaded_by=actor
    )
    document.full_clean()
    document.save()
    return document


@transaction.atomic
def problem_document_add(*, actor, problem: Problem, file, name: str = "") -> ProblemDocument:
    """The enterprise, the assignees or the bureau attach a PDF, PNG or JPEG file."""
    require_editable(actor, problem)
    document = _add_document(actor, problem, file, name)
    audit.record(
        actor=actor,
        action="experts.problem.document_added",
        instance=problem,
        organisation=problem.enterprise,
        changes={"document": [None, document.name]},
    )
    return document


# Triage -----------------------------------------------------------------------------------------


def _outside_region(actor, problem, region) -> bool:
    if parties.is_platform_admin(actor):
        return False
    paths = [bureau.region.path for bureau in parties.acting_bureaus(actor, problem.region)]
    return not any(region.path.startswith(path) for path in paths)


def _check_assignees(actor, problem, *, group, expert, institution, reason) -> None:
    """An assignee outside the bureau's region subtree, or (an expert or a group) outside the
    problem's field, needs a reason; an institution is a metrology institution."""
    errors = {}
    if not (group or expert or institution):
        errors["expert"] = _("Assign an expert group, an expert or an institution.")
    if institution and institution.kind != OrganisationKind.INSTITUTION:
        errors["institution"] = _("Choose a metrology institution or industry metrology centre.")
    if group and not group.is_active:
        errors["group"] = _("This expert group no longer works.")
    if expert and not expert.user.is_active:
        errors["expert"] = _("This expert can no longer sign in.")
    if errors:
        raise ValidationError(errors)
    if reason.strip():
        return
    why = {}
    for name, chosen in (("group", group), ("expert", expert), ("institution", institution)):
        if chosen and _outside_region(actor, problem, chosen.region):
            why.setdefault(name, []).append(
                _("%(name)s is outside your region: say why.") % {"name": chosen}
            )
    field = problem.get_field_display()
    if group and not group.covers(problem.field):
        why.setdefault("group", []).append(
            _("%(name)s does not cover %(field)s: say why.") % {"name": group, "field": field}
        )
    if expert and not expert.fields.filter(field=problem.field).exists():
        why.setdefault("expert", []).append(
            _("%(name)s does not know %(field)s: say why.") % {"name": expert, "field": field}
        )
    if why:
        reasons = [message for messages in why.values() for message in messages]
        raise ValidationError({"assignment_reason": reasons, **why})


@transaction.atomic
def problem_assign(
    *,
    actor,
    problem: Problem,
    target_workdays: int,
    group=None,
    expert=None,
    institution=None,
    assignment_reason: str = "",
    today=None,
) -> Problem:
    """The bureau over the problem assigns (or reassigns) it with a target in working days."""
    parties.require_bureau(actor, problem)
    if problem.state not in ASSIGNABLE:
        raise _not_now(problem)
    if not isinstance(target_workdays, int) or not 1 <= target_workdays <= MAX_TARGET_WORKDAYS:
        raise ValidationError(
            {
                "target_workdays": _("Give a target of 1 to %(max)s working days.")
                % {"max": MAX_TARGET_WORKDAYS}
            }
        )
    _check_assignees(
        actor,
        problem,
        group=group,
        expert=expert,
        institution=institution,
        reason=assignment_reason,
    )
    today = today or timezone.localdate()
    fields = {
        "assigned_group": group,
        "assigned_expert": expert,
        "assigned_organisation": institution,
        "assignment_reason": assignment_reason.strip(),
        "assigned_at": timezone.now(),
        "target_workdays": target_workdays,
        "target_date": add_workdays(today, target_workdays),
        "overdue_flagged_on": None,
    }
    _move(actor, problem, S.ASSIGNED, fields, action="assigned", note=assignment_reason)
    return problem


# The way to a solution ---------------------------------------------------------------------------


def _not_now(problem: Problem) -> ValidationError:
    return ValidationError(
        {
            "state": _("The problem is %(state)s: this cannot be done now.")
            % {"state": problem.get_state_display()}
        }
    )


def _move(actor, problem: Problem, state, fields: dict, *, action: str, note: str = "") -> None:
    """Apply the step only if the problem is still in the state the actor saw (a conditional
    UPDATE): of two steps racing from one state, the second finds it changed and is refused."""
    seen = problem.state
    candidate = Problem(**{f.attname: getattr(problem, f.attname) for f in Problem._meta.fields})
    for name, value in {**fields, "state": state}.items():
        setattr(candidate, name, value)
    candidate.full_clean(validate_unique=False)
    stored = {name: getattr(candidate, name) for name in fields}
    changed = Problem.objects.filter(pk=problem.pk, state=seen).update(
        state=state, updated=timezone.now(), **stored
    )
    if not changed:
        problem.refresh_from_db()
        raise _not_now(problem)
    problem.refresh_from_db()
    ProblemEvent.objects.create(problem=problem, actor=actor, state=state, note=note.strip())
    audit.record(
        actor=actor,
        action=f"experts.problem.{action}",
        instance=problem,
        organisation=problem.enterprise,
        changes={"state": [seen, state]},
    )
    parties.tell_parties(
        problem,
        actor,
        _("Problem “%(title)s”: %(state)s")
        % {"title": problem.title, "state": problem.get_state_display()},
        [note.strip()],
    )


def _require_state(problem: Problem, *states) -> None:
    if problem.state not in states:
        raise _not_now(problem)


def _required_text(name: str, value: str, message: str) -> str:
    if not (value or "").strip():
        raise ValidationError({name: message})
    return value.strip()


@transaction.atomic
def problem_start(*, actor, problem: Problem) -> Problem:
    """An assignee starts working on the problem."""
    parties.require_assignee(actor, problem)
    _require_state(problem, S.ASSIGNED)
    _move(actor, problem, S.IN_PROGRESS, {}, action="started")
    return problem


@transaction.atomic
def problem_propose(*, actor, problem: Problem, solution: str) -> Problem:
    """An assignee proposes a solution, which the enterprise then confirms or not."""
    parties.require_assignee(actor, problem)
    _require_state(problem, S.IN_PROGRESS)
    solution = _required_text("solution", solution, _("Describe the proposed solution."))
    _move(
        actor,
        problem,
        S.PROPOSED,
        {"solution": solution, "proposed_at": timezone.now()},
        action="proposed",
        note=solution,
    )
    return problem


@transaction.atomic
def problem_confirm(
    *, actor, problem: Problem, rating, comment: str = "", case_consent: str = CaseConsent.NO
) -> Problem:
    """The enterprise (its admin or staff only) confirms the proposed solution solved its
    problem, rates it from 1 to 5 and says whether it may be published as a typical case."""
    parties.require_enterprise(actor, problem)
    _require_state(problem, S.PROPOSED)
    if not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 5:
        raise ValidationError({"rating": _("A rating is from 1 to 5.")})
    if case_consent not in CaseConsent.values:
        raise ValidationError({"case_consent": _("Choose whether the case may be published.")})
    fields = {
        "solved_at": timezone.now(),
        "rating": rating,
        "rating_comment": (comment or "").strip(),
        "case_consent": case_consent,
    }
    _move(actor, problem, S.SOLVED, fields, action="confirmed", note=fields["rating_comment"])
    return problem


@transaction.atomic
def problem_unsolvable(*, actor, problem: Problem, reason: str) -> Problem:
    """An assignee or the bureau closes the problem as not solvable, saying why."""
    if not parties.is_bureau(actor, problem):
        parties.require_assignee(actor, problem)
        _require_state(problem, S.ASSIGNED, S.IN_PROGRESS, S.PROPOSED)
    else:
        _require_state(problem, S.NEW, S.ASSIGNED, S.IN_PROGRESS, S.PROPOSED)
    reason = _required_text("reason", reason, _("Say why the problem cannot be solved."))
    _move(
        actor,
        problem,
        S.UNSOLVABLE,
        {"unsolvable_reason": reason},
        action="unsolvable",
        note=reason,
    )
    return problem


@transaction.atomic
def problem_reopen(*, actor, problem: Problem, note: str, today=None) -> Problem:
    """The enterprise reopens a proposed solution (back to in progress) or a closed problem
    (back to its assignees, or to the bureau when it has none); a reopened solved problem is no
    longer counted solved."""
    parties.require_enterprise(actor, problem)
    _require_state(problem, *REOPENABLE)
    note = _required_text("note", note, _("Say why the problem is reopened."))
    fields = {"solved_at": None, "rating": None, "rating_comment": "", "unsolvable_reason": ""}
    if problem.state == S.PROPOSED:
        state = S.IN_PROGRESS
    elif (
        problem.assigned_group_id or problem.assigned_expert_id or problem.assigned_organisation_id
    ):
        state = S.ASSIGNED
        if problem.target_workdays:
            fields["target_date"] = add_workdays(
                today or timezone.localdate(), problem.target_workdays
            )
            fields["overdue_flagged_on"] = None
    else:
        state = S.NEW
    _move(actor, problem, state, fields, action="reopened", note=note)
    return problem


# Overdue ----------------------------------------------------------------------------------------


def flag_overdue(today=None) -> int:
    """Flag each problem past its target date once to the bureau above it (the daily task)."""
    today = today or timezone.localdate()
    flagged = 0
    overdue = Problem.objects.overdue(today).filter(overdue_flagged_on__isnull=True)
    for problem in overdue.select_related("region", "enterprise").iterator():
        with transaction.atomic():
            if not Problem.objects.filter(
                pk=problem.pk, overdue_flagged_on__isnull=True, state__in=OVERDUE_PROBLEM_STATES
            ).update(overdue_flagged_on=today):
                continue
            audit.record(
                actor=None,
                action="experts.problem.overdue",
                instance=problem,
                organisation=problem.enterprise,
                changes={"target_date": [None, problem.target_date.isoformat()]},
            )
            parties.send(
                problem,
                parties.bureau_recipients(problem),
                _("Problem overdue: %(title)s") % {"title": problem.title},
                [
                    str(problem.enterprise),
                    _("Target date: %(day)s") % {"day": problem.target_date.isoformat()},
                ],
            )
            flagged += 1
    return flagged
