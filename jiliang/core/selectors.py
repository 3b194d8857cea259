"""Per-request reads shared by the layout and the dashboards."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils import timezone

from jiliang.accounts.selectors import own_memberships
from jiliang.core.dashboards import registry
from jiliang.core.roles import DashboardRole, dashboard_role
from jiliang.orgs import selectors as org_selectors
from jiliang.orgs.models import Organisation, Region

_MEMBERSHIPS_ATTRIBUTE = "_jiliang_memberships"


def request_memberships(request) -> list:
    """The signed-in user's memberships, read once per request."""
    if not hasattr(request, _MEMBERSHIPS_ATTRIBUTE):
        setattr(request, _MEMBERSHIPS_ATTRIBUTE, list(own_memberships(user=request.user)))
    return getattr(request, _MEMBERSHIPS_ATTRIBUTE)


def request_role(request) -> DashboardRole:
    return dashboard_role(request.user, request_memberships(request))


def dashboard_context(request) -> dict:
    """What the dashboard of the user's role shows: the role's own figures, and the to-dos and
    panels the apps registered for the role (``core.dashboards``). ``dashboard_todos`` is None
    when no app gives the role any to-dos, or the user belongs to no organisation yet."""
    user = request.user
    role = request_role(request)
    memberships = request_memberships(request)
    context = {
        "role": role,
        "memberships": memberships,
        "dashboard_todos": None,
        "dashboard_panels": [],
    }
    if memberships or user.is_staff:
        today = timezone.localdate()
        if registry.todo_providers(role):
            context["dashboard_todos"] = registry.todos(user, role, today)
        context["dashboard_panels"] = registry.panels(user, role, today)
    if role == DashboardRole.REGULATOR:
        regions = [m.organisation.region for m in memberships if m.organisation.kind == "regulator"]
        context["regulated"] = [
            {
                "region": region,
                "counts": org_selectors.organisation_counts_by_kind(user=user, region=region),
                "children": org_selectors.region_list(user=user).filter(parent=region),
            }
            for region in regions
        ]
    elif role == DashboardRole.ADMINISTRATOR:
        context["totals"] = {
            "regions": Region.objects.visible_to(user).count(),
            "organisations": Organisation.objects.visible_to(user).count(),
            "users": get_user_model().objects.visible_to(user).count(),
        }
        context["counts"] = org_selectors.organisation_counts_by_kind(user=user)
    return context
