"""Joint projects (联合攻关): a bureau brings institutions, experts and enterprises together on
hard problems, with milestones, documents and an outcome; every write of a project."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiliang.core import audit
from jiliang.core.services import model_update, require_editable, require_organisation_role
from jiliang.experts.choices import OPEN_PROBLEM_STATES, ProjectState
from jiliang.experts.models import (
    JointProject,
    Problem,
    ProblemEvent,
    ProjectDocument,
    ProjectMilestone,
)
from jiliang.experts.models.problems import EDITOR_ROLES
from jiliang.experts.services import problem_parties as parties
from jiliang.orgs.choices import OrganisationKind

PROJECT_FIELDS = ["title", "goal", "started_on"]


def _audit(actor, project, action: str, changes=None) -> None:
    audit.record(
        actor=actor,
        action=f"experts.jointproject.{action}",
        instance=project,
        organisation=project.bureau,
        changes=changes,
    )


def _check_members(project, *, institutions, enterprises) -> None:
    errors = {}
    if any(o.kind != OrganisationKind.INSTITUTION for o in institutions):
        errors["institutions"] = _("Choose metrology institutions and industry centres.")
    if any(o.kind != OrganisationKind.ENTERPRISE for o in enterprises):
        errors["enterprises"] = _("Choose enterprises.")
    if errors:
        raise ValidationError(errors)


def _join_problems(actor, project, problems) -> None:
    """The problems join the project (their enterprises with them); each must be an open
    problem of the bureau's region subtree, in no other project."""
    wrong = [
        problem
        for problem in problems
        if problem.state not in OPEN_PROBLEM_STATES
        or not problem.region.path.startswith(project.bureau.region.path)
        or (problem.project_id and problem.project_id != project.pk)
    ]
    if wrong:
        raise ValidationError(
            {
                "problems": _(
                    "Choose open problems of your region that are in no other project: %(names)s."
                )
                % {"names": ", ".join(str(problem) for problem in wrong)}
            }
        )
    for problem in problems:
        if problem.project_id == project.pk:
            continue
        Problem.objects.filter(pk=problem.pk).update(project=project, updated=timezone.now())
        problem.project = project
        ProblemEvent.objects.create(
            problem=problem,
            actor=actor,
            state=problem.state,
            note=_("Joined the joint project “%(title)s”.") % {"title": project.title},
        )
        parties.tell_parties(
            problem,
            actor,
            _("Problem “%(title)s” joined a joint project") % {"title": problem.title},
            [project.title],
        )
    project.enterprises.add(*{problem.enterprise_id for problem in problems})


@transaction.atomic
def project_create(
    *,
    actor,
    bureau,
    title: str,
    goal: str,
    started_on=None,
    problems=(),
    institutions=(),
    experts=(),
    enterprises=(),
) -> JointProject:
    """A bureau (its admin or staff) turns one or more hard problems into a joint project."""
    require_organisation_role(actor, bureau, EDITOR_ROLES)
    if bureau.kind != OrganisationKind.REGULATOR:
        raise ValidationError({"bureau": _("Only a bureau runs joint projects.")})
    project = JointProject(
        bureau=bureau,
        region=bureau.region,
        title=title,
        goal=goal,
        started_on=started_on or timezone.localdate(),
    )
    project.full_clean()
    _check_members(project, institutions=institutions, enterprises=enterprises)
    project.save()
    project.institutions.set(institutions)
    project.experts.set(experts)
    project.enterprises.set(enterprises)
    _join_problems(actor, project, list(problems))
    _audit(actor, project, "created")
    return project


@transaction.atomic
def project_update(
    *, actor, project, data: dict, institutions=None, experts=None, enterprises=None, problems=None
) -> JointProject:
    """Change the title, goal or start; replace the participants given; add problems."""
    require_editable(actor, project)
    _check_members(project, institutions=institutions or (), enterprises=enterprises or ())
    changes = model_update(instance=project, data=data, fields=PROJECT_FIELDS)
    for name, chosen in (
        ("institutions", institutions),
        ("experts", experts),
        ("enterprises", enterprises),
    ):
        if chosen is not None:
            getattr(project, name).set(chosen)
            changes[name] = [None, ", ".join(str(item) for item in chosen)]
    if problems:
        _join_problems(actor, project, list(problems))
        changes["problems"] = [None, ", ".join(str(problem) for problem in problems)]
    if changes:
        _audit(actor, project, "updated", changes)
    return project


def _require_active(project) -> None:
    if project.state != ProjectState.ACTIVE:
        raise ValidationError(
            {
                "state": _("The project is %(state)s.")
                % {"state": project.get_state_display().lower()}
            }
        )


@transaction.atomic
def milestone_add(*, actor, project, title: str, due_on, note: str = "") -> ProjectMilestone:
    require_editable(actor, project)
    _require_active(project)
    milestone = ProjectMilestone(project=project, title=title, due_on=due_on, note=note)
    milestone.full_clean()
    milestone.save()
    _audit(actor, project, "milestone_added", {"milestone": [None, title]})
    return milestone


@transaction.atomic
def milestone_done(*, actor, milestone, done_on=None) -> ProjectMilestone:
    project = milestone.project
    require_editable(actor, project)
    if milestone.done_on:
        raise ValidationError({"done_on": _("This milestone is already done.")})
    done_on = done_on or timezone.localdate()
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": _("A milestone cannot be done in the future.")})
    model_update(instance=milestone, data={"done_on": done_on}, fields=["done_on"])
    _audit(actor, project, "milestone_done", {"milestone": [None, milestone.title]})
    return milestone


@transaction.atomic
def project_document_add(*, actor, project, file, name: str = "") -> ProjectDocument:
    require_editable(actor, project)
    document = ProjectDocument(
        project=project, file=file, name=(name or file.name or "")[:200], uploaded_by=actor
    )
    document.full_clean()
    document.save()
    _audit(actor, project, "document_added", {"document": [None, document.name]})
    return document


def _finish(actor, project, state, outcome: str, action: str) -> JointProject:
    require_editable(actor, project)
    _require_active(project)
    if not (outcome or "").strip():
        raise ValidationError({"outcome": _("Describe the outcome.")})
    changed = JointProject.objects.filter(pk=project.pk, state=ProjectState.ACTIVE).update(
        state=state,
        outcome=outcome.strip(),
        finished_on=timezone.localdate(),
        updated=timezone.now(),
    )
    if not changed:
        project.refresh_from_db()
        _require_active(project)
    project.refresh_from_db()
    _audit(actor, project, action, {"state": [ProjectState.ACTIVE, state]})
    return project


@transaction.atomic
def project_complete(*, actor, project, outcome: str) -> JointProject:
    """The project ends with its outcome (the problems' own confirmations stay theirs)."""
    return _finish(actor, project, ProjectState.COMPLETED, outcome, "completed")


@transaction.atomic
def project_abandon(*, actor, project, outcome: str) -> JointProject:
    return _finish(actor, project, ProjectState.ABANDONED, outcome, "abandoned")
