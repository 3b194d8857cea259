"""What the problems part of the experts app plugs into: demo, navigation, audit labels, the
enterprise's 360° page, to-dos, the enterprise search's filter and the campaign counters
(problems solved, and the enterprises helped by a solved problem)."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django.db.models import Case, Exists, IntegerField, OuterRef, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiliang.campaigns.counting import counter, events, helped_source, within
from jiliang.core import audit, demos, navigation
from jiliang.core.dashboards import DashboardRole, Severity, ToDo, registry
from jiliang.experts.choices import OPEN_PROBLEM_STATES, ProblemState
from jiliang.experts.models import Problem
from jiliang.experts.selectors import problems as selectors
from jiliang.experts.services.problems import may_turn_into_problem
from jiliang.needs import need_actions
from jiliang.orgs import enterprise_filters

# Campaign counters ------------------------------------------------------------------------------


def _solved(**bounds):
    return within(
        Problem.objects.filter(state=ProblemState.SOLVED),
        region="region",
        day="solved_at",
        **bounds,
    )


@counter("problems_solved")
def problems_solved(**bounds):
    """个: a problem confirmed solved by its enterprise, in the problem's region on the day it
    was confirmed (a reopened one drops out until it is confirmed again)."""
    return events(_solved(**bounds), region="region_id", subject="pk", day="solved_at")


@helped_source
def helped_by_a_solution(**bounds):
    """An enterprise was helped on the day its problem was confirmed solved."""
    return events(_solved(**bounds), region="region_id", subject="enterprise_id", day="solved_at")


# The enterprise search's filter -----------------------------------------------------------------


def has_open_problems(enterprises, value):
    return enterprises.filter(
        Exists(Problem.objects.filter(enterprise=OuterRef("pk"), state__in=OPEN_PROBLEM_STATES))
    )


# The enterprise's 360° page ---------------------------------------------------------------------

PANEL_ROWS = 5
OPEN_FIRST = ["new", "assigned", "in_progress", "proposed"]


def organisation_problems(user, organisation) -> dict | None:
    """The enterprise's problems, open ones first, for whoever sees them."""
    problems = selectors.problem_list(user=user, filters={"enterprise": organisation})
    open_first = Case(
        When(state__in=OPEN_FIRST, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    shown = list(problems.order_by(open_first, "-created", "-pk")[: PANEL_ROWS + 1])
    if not shown:
        return None
    return {
        "organisation": organisation,
        "problems": shown[:PANEL_ROWS],
        "more": len(shown) > PANEL_ROWS,
        "today": timezone.localdate(),
    }


# Dashboard to-dos -------------------------------------------------------------------------------


def _list_url(**query) -> str:
    return f"{reverse('problems:problem_list')}?{urlencode(query)}"


def bureau_todos(user, today: date) -> list[ToDo]:
    counts = selectors.state_counts(user=user, today=today)
    return [
        ToDo(
            label=_("New problems to triage"),
            count=counts[ProblemState.NEW],
            url=_list_url(state=ProblemState.NEW),
            severity=Severity.WARNING,
        ),
        ToDo(
            label=_("Problems past their target date"),
            count=counts["overdue"],
            url=_list_url(overdue=1),
            severity=Severity.DANGER,
        ),
    ]


def enterprise_todos(user, today: date) -> list[ToDo]:
    return [
        ToDo(
            label=_("Proposed solutions to confirm"),
            count=selectors.to_confirm(user=user),
            url=_list_url(state=ProblemState.PROPOSED),
            severity=Severity.WARNING,
        )
    ]


def assignee_todos(user, today: date) -> list[ToDo]:
    return [
        ToDo(
            label=_("Problems assigned to me"),
            count=selectors.assigned_open(user=user),
            url=_list_url(mine=1),
            severity=Severity.INFO,
        )
    ]


# Registration -----------------------------------------------------------------------------------

AUDIT_LABELS = {
    "experts.problem.created": gettext_lazy("Problem stated"),
    "experts.problem.document_added": gettext_lazy("Document attached to a problem"),
    "experts.problem.assigned": gettext_lazy("Problem assigned"),
    "experts.problem.started": gettext_lazy("Work on a problem started"),
    "experts.problem.proposed": gettext_lazy("Solution proposed"),
    "experts.problem.confirmed": gettext_lazy("Problem confirmed solved"),
    "experts.problem.unsolvable": gettext_lazy("Problem closed as not solvable"),
    "experts.problem.reopened": gettext_lazy("Problem reopened"),
    "experts.problem.overdue": gettext_lazy("Problem flagged overdue"),
    "experts.jointproject.created": gettext_lazy("Joint project started"),
    "experts.jointproject.updated": gettext_lazy("Joint project changed"),
    "experts.jointproject.milestone_added": gettext_lazy("Milestone added"),
    "experts.jointproject.milestone_done": gettext_lazy("Milestone done"),
    "experts.jointproject.document_added": gettext_lazy("Document added to a joint project"),
    "experts.jointproject.completed": gettext_lazy("Joint project completed"),
    "experts.jointproject.abandoned": gettext_lazy("Joint project abandoned"),
}
ALL_BUT_ADMINISTRATOR = frozenset(DashboardRole) - {DashboardRole.ADMINISTRATOR}


def problem_from_need_url(user, need) -> str | None:
    """The need's page offers the bureau and the visiting team to make it a problem, once."""
    if need.problems.exists() or not may_turn_into_problem(user, need):
        return None
    return reverse("problems:problem_from_need", args=[need.pk])


def register() -> None:
    """Called from ``ExpertsConfig.ready()``."""
    audit.register_event_types(AUDIT_LABELS)
    demos.registry.register("experts.problems", "jiliang.experts.demos.problems.load", order=51)
    navigation.register(
        navigation.Section(
            "problems",
            gettext_lazy("Problems"),
            "tools",
            ALL_BUT_ADMINISTRATOR,
            "problems:problem_list",
            order=43,
        )
    )
    registry.register_organisation_panel(
        "experts.problems",
        template_name="experts/problems/_organisation_problems.html",
        context=organisation_problems,
        order=32,
    )
    registry.register_todos(
        "experts.problems.bureau", bureau_todos, roles=DashboardRole.REGULATOR, order=32
    )
    registry.register_todos(
        "experts.problems.enterprise", enterprise_todos, roles=DashboardRole.ENTERPRISE, order=32
    )
    registry.register_todos(
        "experts.problems.assignee",
        assignee_todos,
        roles=[DashboardRole.INSTITUTION, DashboardRole.EXPERT],
        order=32,
    )
    enterprise_filters.register(
        "open_problems", gettext_lazy("Has open problems"), has_open_problems
    )
    need_actions.register(
        need_actions.NeedAction(
            "problem", gettext_lazy("Turn into a problem for the experts"), problem_from_need_url
        )
    )
