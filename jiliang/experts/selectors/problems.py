"""Reads of problems and joint projects, each starting from what the user may see."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from jiliang.core.scoping import scope_for
from jiliang.experts.choices import OVERDUE_PROBLEM_STATES, ProblemState
from jiliang.experts.models import JointProject, Problem, ProblemEvent
from jiliang.experts.models.problems import EDITOR_ROLES

LIST_PARTS = ("enterprise", "region", "assigned_group", "assigned_expert__user", "project")
EXACT_FILTERS = ("state", "field", "category", "urgency")


def problem_list(*, user, filters: dict | None = None, today=None):
    """The problems ``user`` sees, narrowed by ``filters`` (state, overdue, field, category,
    urgency, region, text, enterprise, assigned_to_me), newest first."""
    filters = filters or {}
    # Prefetched, not joined: with the joins SQLite sorts the whole filtered set before
    # paging (50 ms of a 100,000-problem list), without them it walks an index.
    problems = Problem.objects.visible_to(user).prefetch_related(*LIST_PARTS)
    problems = problems.filter(
        **{name: filters[name] for name in EXACT_FILTERS if filters.get(name)}
    )
    if filters.get("overdue"):
        problems = problems.overdue(today or timezone.localdate())
    if filters.get("region"):
        problems = problems.filter(region__path__startswith=filters["region"].path)
    if filters.get("enterprise"):
        problems = problems.filter(enterprise=filters["enterprise"])
    if filters.get("text"):
        text = filters["text"]
        problems = problems.filter(Q(title__icontains=text) | Q(description__icontains=text))
    if filters.get("assigned_to_me"):
        problems = problems.filter(assigned_to(user))
    if filters.get("overdue"):
        return problems.order_by("target_date", "pk")
    return problems


def assigned_to(user) -> Q:
    """The problems assigned to the user, their expert group or an organisation they work for."""
    scope = scope_for(user)
    organisations = scope.organisation_ids(EDITOR_ROLES) if scope else set()
    return Q(
        pk__in=Problem.objects.filter(
            Q(assigned_expert__user_id=user.pk)
            | Q(assigned_group__members__user_id=user.pk)
            | Q(assigned_organisation_id__in=organisations)
        ).values("pk")
    )


def state_counts(*, user, today=None) -> dict:
    """The bureau's triage queue in figures: its subtree's problems in each state, and how
    many are overdue, in one query. Counted on the regulated subtree (the bureau's branch of
    what it sees) alone, so that the triage index answers it without reading the rows."""
    today = today or timezone.localdate()
    overdue = Q(state__in=OVERDUE_PROBLEM_STATES, target_date__lt=today)
    scope = scope_for(user)
    regions = scope.regulated_region_ids if scope else ()
    rows = (
        Problem.objects.filter(region_id__in=regions)
        .order_by()
        .values("state")
        .annotate(count=Count("pk"), overdue=Count("pk", filter=overdue))
    )
    counts = dict.fromkeys(ProblemState.values, 0)
    counts["overdue"] = 0
    for row in rows:
        counts[row["state"]] = row["count"]
        counts["overdue"] += row["overdue"]
    return counts


def problem_detail(*, user, pk: int) -> Problem:
    """One problem with its timeline and documents (404 outside the user's sight)."""
    return (
        Problem.objects.visible_to(user)
        .select_related(*LIST_PARTS, "need", "reported_by", "assigned_organisation")
        .prefetch_related(
            Prefetch("events", ProblemEvent.objects.select_related("actor")), "documents"
        )
        .get(pk=pk)
    )


def to_confirm(*, user) -> int:
    """Proposed solutions the user's enterprises have to confirm (or reopen)."""
    scope = scope_for(user)
    if scope is None:
        return 0
    return (
        Problem.objects.visible_to(user)
        .filter(
            state=ProblemState.PROPOSED,
            enterprise_id__in=scope.organisation_ids(EDITOR_ROLES),
        )
        .count()
    )


def assigned_open(*, user) -> int:
    """Problems assigned to the user (or their group or organisation) still to work on."""
    return (
        problem_list(user=user, filters={"assigned_to_me": True})
        .filter(state__in=[ProblemState.ASSIGNED, ProblemState.IN_PROGRESS])
        .count()
    )


def project_list(*, user):
    return (
        JointProject.objects.visible_to(user)
        .select_related("bureau", "region")
        .annotate(problem_count=Count("problems", distinct=True))
        .order_by("-started_on", "-pk")  # a grouped query drops Meta.ordering
    )


def project_detail(*, user, pk: int) -> JointProject:
    return (
        JointProject.objects.visible_to(user)
        .select_related("bureau", "region")
        .prefetch_related(
            "institutions",
            "enterprises",
            "experts__user",
            "milestones",
            "documents",
            Prefetch("problems", Problem.objects.select_related("enterprise")),
        )
        .get(pk=pk)
    )
