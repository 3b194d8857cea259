"""Reads of the fieldwork part: teams, the people and enterprises a team may take, visits and
needs, each from what the user sees."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from jiliang.needs.choices import OPEN_NEED_STATUSES, NeedUrgency
from jiliang.needs.models import Need, ServiceTeam, TeamAssignment, Visit
from jiliang.orgs.choices import OrganisationKind
from jiliang.orgs.models import Membership, Organisation
from jiliang.orgs.selectors import managed_bureaus

# Who may join a team: staff of a metrology institution, experts of an association.
MEMBER_KINDS = (OrganisationKind.INSTITUTION, OrganisationKind.ASSOCIATION)
NEED_FILTERS = ("topic", "status", "urgency")


def member_organisation(user) -> Organisation | None:
    """The institution or association the user works for (the first by name), None if none."""
    membership = (
        Membership.objects.filter(
            user=user, organisation__kind__in=MEMBER_KINDS, organisation__is_active=True
        )
        .select_related("organisation")
        .order_by("organisation__name", "pk")
        .first()
    )
    return membership.organisation if membership else None


def member_candidates(*, query: str = "") -> QuerySet:
    """The people a bureau may put in a team, by username or name."""
    users = get_user_model().objects.filter(
        is_active=True,
        memberships__organisation__kind__in=MEMBER_KINDS,
        memberships__organisation__is_active=True,
    )
    if query:
        users = users.filter(
            Q(username__icontains=query)
            | Q(first_name__icontains=query)
            | Q(last_name__icontains=query)
        )
    return users.distinct().order_by("username")


def candidate_named(word: str):
    """The one person a username or a name means among those who may join a team."""
    word = word.strip()
    users = member_candidates()
    matches = list(users.filter(username=word)[:1]) or list(users.filter(first_name=word)[:2])
    if len(matches) != 1:
        raise ValidationError(
            _("%(word)s names nobody who may join a team (or several people).") % {"word": word}
        )
    return matches[0]


def team_bureaus(*, user) -> QuerySet:
    """The bureaus whose teams the user forms (admin or staff of a regulator)."""
    return managed_bureaus(user=user)


def assignable_enterprises(*, bureau) -> QuerySet:
    """The enterprises of the bureau's region subtree."""
    return Organisation.objects.filter(
        kind=OrganisationKind.ENTERPRISE,
        is_active=True,
        region__path__startswith=bureau.region.path,
    ).order_by("name", "pk")


def team_list(*, user, active=None) -> QuerySet:
    teams = ServiceTeam.objects.visible_to(user).select_related("bureau", "leader")
    if active is not None:
        teams = teams.filter(is_active=active)
    return teams.annotate(
        member_count=Count("members", distinct=True),
        enterprise_count=Count("assignments", distinct=True),
    ).order_by("-formed_on", "name", "pk")


def recording_teams(*, user) -> QuerySet:
    """The active teams the user is a member of: where they record visits."""
    return ServiceTeam.objects.visible_to(user).filter(is_active=True, members__user=user)


def team_enterprises(*, team) -> QuerySet:
    """The team's enterprises, each with ``visited`` (whether the team has visited it)."""
    visited = Visit.objects.filter(team=team, enterprise=OuterRef("pk"))
    return (
        Organisation.objects.filter(team_assignments__team=team)
        .select_related("region")
        .annotate(visited=Exists(visited))
        .order_by("name", "pk")
    )


def visit_list(*, user, team=None, enterprise=None) -> QuerySet:
    visits = Visit.objects.visible_to(user).select_related("team", "enterprise", "recorded_by")
    if team is not None:
        visits = visits.filter(team=team)
    if enterprise is not None:
        visits = visits.filter(enterprise=enterprise)
    return visits.annotate(need_count=Count("needs")).order_by("-visited_on", "-pk")


def need_list(*, user, filters: dict | None = None) -> QuerySet:
    """The needs the user sees, newest first; ``filters`` by topic, status, urgency, region (a
    region id: its subtree), enterprise, team (the enterprises assigned to it) and ``open``."""
    filters = filters or {}
    needs = Need.objects.visible_to(user).select_related("enterprise__region", "visit", "order")
    for name in NEED_FILTERS:
        if filters.get(name):
            needs = needs.filter(**{name: filters[name]})
    if filters.get("open"):
        needs = needs.filter(status__in=OPEN_NEED_STATUSES)
    if filters.get("enterprise"):
        needs = needs.filter(enterprise=filters["enterprise"])
    if filters.get("region"):
        needs = needs.filter(enterprise__region__path__startswith=filters["region"].path)
    if filters.get("team"):
        assigned = TeamAssignment.objects.filter(team=filters["team"]).values("enterprise")
        needs = needs.filter(enterprise__in=assigned)
    return needs


def not_yet_visited(*, user) -> int:
    """The enterprises assigned to the user's active teams that their team has not visited."""
    visited = Visit.objects.filter(team=OuterRef("team"), enterprise=OuterRef("enterprise"))
    return (
        TeamAssignment.objects.filter(team__in=recording_teams(user=user))
        .exclude(Exists(visited))
        .values("enterprise")
        .distinct()
        .count()
    )


def open_urgent_needs(*, user) -> int:
    return need_list(user=user, filters={"open": True, "urgency": NeedUrgency.HIGH}).count()
