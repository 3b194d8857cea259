"""Who takes part in a problem (its enterprise, its assignees, the bureaus above it), what each
may do, and telling them of every step."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from jiliang.core.scoping import scope_for
from jiliang.experts.models import Problem
from jiliang.experts.models.problems import EDITOR_ROLES
from jiliang.notifications.services import notify
from jiliang.orgs.choices import OrganisationKind
from jiliang.orgs.models import Membership, Organisation, path_codes

NOTIFICATION_KIND = "problem"


def require_visible(actor, problem: Problem) -> None:
    if not Problem.objects.visible_to(actor).filter(pk=problem.pk).exists():
        raise Http404


def bureaus_over(region):
    """The bureaus whose region subtree holds ``region``: its own and those above it."""
    return Organisation.objects.filter(
        kind=OrganisationKind.REGULATOR, is_active=True, region__code__in=path_codes(region.path)
    )


def acting_bureaus(actor, region) -> list[Organisation]:
    """The bureaus over ``region`` in which ``actor`` is an administrator or staff."""
    scope = scope_for(actor)
    if scope is None:
        return []
    mine = scope.organisation_ids(EDITOR_ROLES)
    return [bureau for bureau in bureaus_over(region).select_related("region") if bureau.pk in mine]


def is_platform_admin(actor) -> bool:
    scope = scope_for(actor)
    return bool(scope and scope.is_platform_admin)


def is_bureau(actor, problem: Problem) -> bool:
    return is_platform_admin(actor) or bool(acting_bureaus(actor, problem.region))


def is_enterprise(actor, problem: Problem) -> bool:
    scope = scope_for(actor)
    return bool(scope) and (
        scope.is_platform_admin or problem.enterprise_id in scope.organisation_ids(EDITOR_ROLES)
    )


def is_assignee(actor, problem: Problem) -> bool:
    scope = scope_for(actor)
    if scope is None:
        return False
    if scope.is_platform_admin:
        return True
    if problem.assigned_expert_id and problem.assigned_expert.user_id == actor.pk:
        return True
    if problem.assigned_organisation_id in scope.organisation_ids(EDITOR_ROLES):
        return True
    return bool(
        problem.assigned_group_id
        and problem.assigned_group.members.filter(user_id=actor.pk).exists()
    )


def require_party(actor, problem: Problem, check, message: str) -> None:
    """404 when the problem is out of sight; 403 unless ``check(actor, problem)``."""
    require_visible(actor, problem)
    if not check(actor, problem):
        raise PermissionDenied(message)


def require_bureau(actor, problem: Problem) -> None:
    require_party(
        actor, problem, is_bureau, _("Only the bureaus over the enterprise's region do this.")
    )


def require_enterprise(actor, problem: Problem) -> None:
    require_party(
        actor,
        problem,
        is_enterprise,
        _("Only the enterprise's administrators and staff do this."),
    )


def require_assignee(actor, problem: Problem) -> None:
    require_party(actor, problem, is_assignee, _("Only those the problem is assigned to do this."))


def require_bureau_or_assignee(actor, problem: Problem) -> None:
    require_party(
        actor,
        problem,
        lambda user, problem: is_bureau(user, problem) or is_assignee(user, problem),
        _("Only the bureau and those the problem is assigned to do this."),
    )


def require_any_party(actor, problem: Problem) -> None:
    require_party(
        actor,
        problem,
        lambda user, problem: any(
            check(user, problem) for check in (is_bureau, is_assignee, is_enterprise)
        ),
        _("Only the enterprise, the assignees and the bureau do this."),
    )


def _editors(organisations):
    return Membership.objects.filter(
        organisation__in=organisations, role__in=EDITOR_ROLES, user__is_active=True
    ).select_related("user")


def bureau_recipients(problem: Problem) -> list:
    """The administrators and staff of the nearest bureau above the problem (its own region's
    when there is one, else the next one up)."""
    bureaus = list(bureaus_over(problem.region).select_related("region"))
    if not bureaus:
        return []
    deepest = max(len(bureau.region.path) for bureau in bureaus)
    nearest = [bureau for bureau in bureaus if len(bureau.region.path) == deepest]
    return [membership.user for membership in _editors(nearest)]


def assignee_recipients(problem: Problem) -> list:
    users = []
    if problem.assigned_expert_id:
        users.append(problem.assigned_expert.user)
    if problem.assigned_group_id:
        users += [member.user for member in problem.assigned_group.members.select_related("user")]
    if problem.assigned_organisation_id:
        users += [m.user for m in _editors([problem.assigned_organisation_id])]
    return users


def enterprise_recipients(problem: Problem) -> list:
    return [membership.user for membership in _editors([problem.enterprise_id])]


def tell_parties(problem: Problem, actor, title: str, lines=()) -> None:
    """Tell the enterprise, the assignees and the bureau (all but ``actor``) after commit."""
    recipients = {
        user.pk: user
        for user in [
            *enterprise_recipients(problem),
            *assignee_recipients(problem),
            *bureau_recipients(problem),
        ]
        if user.is_active and (actor is None or user.pk != actor.pk)
    }
    send(problem, list(recipients.values()), title, lines)


def send(problem: Problem, recipients: list, title: str, lines=()) -> None:
    url = problem.get_absolute_url()
    lines = [line for line in lines if line]
    transaction.on_commit(
        lambda: notify(
            recipients=recipients,
            kind=NOTIFICATION_KIND,
            title=title,
            lines=lines,
            url=url,
            organisation=problem.enterprise,
        )
    )
