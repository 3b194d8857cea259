"""Reads of regions, organisations and memberships that depend on who is asking."""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.db.models import Count, Q

from jiliang.core.models import AuditEvent
from jiliang.core.scoping import MANAGER_ROLES, scope_for
from jiliang.core.services import require_editable
from jiliang.orgs.choices import OrganisationKind
from jiliang.orgs.models import Membership, Organisation, Region

SYSTEM = "system"  # the operator of what jobs and reminders do


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


def audit_event_list(
    *,
    user,
    organisation: Organisation,
    group: str = "",
    operator: str = "",
    since: date | None = None,
    until: date | None = None,
):
    """The organisation's audit trail, for its administrators only (403 for other members):
    the events of one app (``group``, its label), of one ``operator`` (a user's id, or
    ``SYSTEM`` for the jobs'), between two days."""
    require_editable(user, organisation)
    events = AuditEvent.objects.visible_to(user).filter(organisation=organisation)
    if group:
        events = events.filter(action__startswith=f"{group}.")
    if operator == SYSTEM:
        events = events.filter(actor__isnull=True)
    elif operator:
        events = events.filter(actor_id=operator)
    if since:
        events = events.filter(created__date__gte=since)
    if until:
        events = events.filter(created__date__lte=until)
    return events.select_related("actor").order_by("-created", "-pk")


def audit_operators(*, user, organisation: Organisation):
    """Everyone who acted in the organisation's audit trail, to filter it by."""
    require_editable(user, organisation)
    acted = AuditEvent.objects.visible_to(user).filter(organisation=organisation).values("actor")
    return get_user_model().objects.filter(pk__in=acted).order_by("username")


def organisation_counts_by_kind(*, user, region: Region | None = None) -> dict[str, int]:
    """How many visible active organisations of each kind (within ``region``'s subtree)."""
    organisations = organisation_list(user=user, region=region).filter(is_active=True)
    rows = organisations.order_by().values("kind").annotate(total=Count("pk"))
    return {row["kind"]: row["total"] for row in rows}


def regions_near(
    origin: Region | tuple[float, float],
    km: float,
    *,
    user=None,
    levels: tuple[str, ...] | list[str] = (),
) -> list[tuple[Region, float]]:
    """The regions whose centre lies within ``km`` of ``origin`` (a region's centre, or a
    (longitude, latitude) point), nearest first, each with its distance in km; a region given
    as ``origin`` is among them, at 0 km.

    Regions without a centre are left out, and everything when ``origin`` has none. With
    ``user``, only the regions visible to them; with ``levels``, only regions of those levels.
    The database reads the regions in a box around the circle (``RegionQuerySet.around``); the
    great-circle distance (``Region.distance_km``) decides.
    """
    centre = origin.centre if isinstance(origin, Region) else tuple(origin)
    if centre is None or km < 0:
        return []
    regions = Region.objects.visible_to(user) if user is not None else Region.objects.all()
    if levels:
        regions = regions.filter(level__in=list(levels))
    nearby = []
    for region in regions.around(centre, km).select_related("parent"):
        distance = region.distance_km(centre)
        if distance <= km:
            nearby.append((region, distance))
    return sorted(nearby, key=lambda pair: (pair[1], pair[0].path))


def managed_bureaus(*, user):
    """The active bureaus the user acts for as an administrator or staff (every bureau for a
    platform administrator): those that form teams and groups and publish in their name."""
    scope = scope_for(user)
    bureaus = Organisation.objects.filter(kind=OrganisationKind.REGULATOR, is_active=True)
    if scope is None:
        return bureaus.none()
    if not scope.is_platform_admin:
        bureaus = bureaus.filter(pk__in=scope.organisation_ids(MANAGER_ROLES))
    return bureaus.select_related("region").order_by("region__path", "name")
