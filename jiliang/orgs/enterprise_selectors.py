"""Reads of the enterprise database that depend on who is asking: the regulators' search, the
registrations waiting for a bureau, and who may act as an enterprise's regulator."""

from __future__ import annotations

from django.db.models import F

from jiliang.core.scoping import scope_for
from jiliang.orgs import enterprise_filters
from jiliang.orgs.choices import OrganisationKind
from jiliang.orgs.enterprise_models import (
    ACTING_ROLES,
    EnterpriseProfile,
    EnterpriseRegistration,
    normalise_tag,
)
from jiliang.orgs.industries import industry_codes, section_of
from jiliang.orgs.models import Organisation, path_codes

PROBED_REGIONS = 1000
SORTS = {
    "name": ("name", "pk"),
    "region": ("region__path", "name", "pk"),
    "employees": (F("profile__employees").desc(nulls_last=True), "name", "pk"),
    "revenue": (F("profile__revenue").desc(nulls_last=True), "name", "pk"),
    "newest": ("-created", "-pk"),
}


def regulates(user, organisation: Organisation) -> bool:
    """Whether ``user`` acts (admin or staff) for a bureau of ``organisation``'s region or a
    region above it, or is a platform administrator."""
    scope = scope_for(user)
    if scope is None:
        return False
    return (
        scope.is_platform_admin
        or Organisation.objects.filter(
            pk__in=scope.organisation_ids(ACTING_ROLES),
            kind=OrganisationKind.REGULATOR,
            region__code__in=path_codes(organisation.region.path),
        ).exists()
    )


def acts_for_a_bureau(user) -> bool:
    """Whether ``user`` is admin or staff of a bureau, or a platform administrator."""
    scope = scope_for(user)
    return scope is not None and (
        scope.is_platform_admin
        or Organisation.objects.filter(
            pk__in=scope.organisation_ids(ACTING_ROLES), kind=OrganisationKind.REGULATOR
        ).exists()
    )


def enterprise_list(
    *,
    user,
    q: str = "",
    uscc: str = "",
    region=None,
    section: str = "",
    division: str = "",
    size: str = "",
    tags=(),
    extra=None,
    sort: str = "name",
):
    """The enterprises ``user`` sees, filtered: ``q`` a part of the name, ``uscc`` a part of the
    code, ``region`` a subtree, ``section`` (门类) or ``division`` (大类, with its classes) of
    GB/T 4754, ``size`` the effective size class, every tag of ``tags``, and the registered
    filters' values in ``extra`` (``enterprise_filters``); sorted by one of ``SORTS``."""
    enterprises = (
        Organisation.objects.visible_to(user)
        .filter(kind=OrganisationKind.ENTERPRISE)
        .select_related("region", "profile")
    )
    scope = scope_for(user)
    regions = scope.region_ids | scope.regulated_region_ids if scope else frozenset()
    if scope is not None and not scope.is_platform_admin and len(regions) <= PROBED_REGIONS:
        # Implied by visible_to (own organisations OR regulated regions), said once more as a
        # plain condition: the index ``organisation_search`` is then probed region by region
        # instead of read for the whole country (which costs less for a national bureau).
        enterprises = enterprises.filter(region_id__in=regions)
    if q:
        # Chinese has no case: without a cased letter in ``q`` a plain LIKE does (PostgreSQL's
        # case-insensitive one upper-cases every name it reads).
        caseless = q.upper() == q.lower()
        enterprises = enterprises.filter(**{"name__contains" if caseless else "name__icontains": q})
    if uscc:
        enterprises = enterprises.filter(uscc__icontains=uscc)
    if region is not None:
        enterprises = enterprises.filter(region__path__startswith=region.path)
    if section:
        enterprises = enterprises.filter(industry=section)
    if division:
        codes = [code for code in industry_codes() if code.startswith(division)]
        # The division's section as well (the organisation's own column, in the index the
        # search uses), and its profiles as a subquery rather than a join.
        profiles = EnterpriseProfile.objects.filter(industry_code__in=codes)
        enterprises = enterprises.filter(
            industry=section_of(division), pk__in=profiles.values("organisation_id")
        )
    if size:
        enterprises = enterprises.filter(size_class=size)
    for tag in {normalise_tag(tag) for tag in tags} - {""}:
        enterprises = enterprises.filter(profile__tags__name=tag)
    enterprises = enterprise_filters.apply_filters(enterprises, extra or {})
    return enterprises.order_by(*SORTS.get(sort, SORTS["name"]))


def registrations_to_decide(*, user):
    """The pending registrations of enterprises below the bureaus ``user`` acts for (all of
    them for a platform administrator), oldest first."""
    registrations = EnterpriseRegistration.objects.editable_by(user).pending()
    return registrations.select_related("organisation__region", "applicant").order_by(
        "created", "pk"
    )
