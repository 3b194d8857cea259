"""Reads of regions, organisations and memberships that depend on who is asking."""

from __future__ import annotations

from django.db.models import Count, Q

from jiliang.core.models import AuditEvent
from jiliang.core.services import require_editable
from jiliang.orgs.models import Membership, Organisation, Region


def region_list(*, user):
    """Visible regions, each with how many active organisations it holds directly."""
    return (
        Region.objects.visible_to(user)
        .select_related("parent")
        .annotate(
            organisation_count=Count("organisations", filter=Q(organisations__is_active=True))
        )
        .order_by("path")
    )


def organisation_list(*, user, kind: str = "", region: Region | None = None, query: str = ""):
    organisations = Organisation.objects.visible_to(user).select_related("region")
    if kind:
        organisations = organisations.filter(kind=kind)
    if region is not None:
        organisations = organisations.filter(region__path__startswith=region.path)
    if query:
        organisations = organisations.filter(Q(name__icontains=query) | Q(uscc__icontains=query))
    return organisations.order_by("region__path", "name")


def membership_list(*, user, organisation: Organisation):
    return (
        Membership.objects.visible_to(user)
        .filter(organisation=organisation)
        .select_related("user")
        .order_by("role", "user__username")
    )


def audit_event_list(*, user, organisation: Organisation):
    """The organisation's audit trail, for its administrators only (403 for other members)."""
    require_editable(user, organisation)
    return (
        AuditEvent.objects.visible_to(user)
        .filter(organisation=organisation)
        .select_related("actor")
        .order_by("-created", "-pk")
    )


def organisation_counts_by_kind(*, user, region: Region | None = None) -> dict[str, int]:
    """How many visible active organisations of each kind (within ``region``'s subtree)."""
    organisations = organisation_list(user=user, region=region).filter(is_active=True)
    rows = organisations.order_by().values("kind").annotate(total=Count("pk"))
    return {row["kind"]: row["total"] for row in rows}
