"""The one tenancy mechanism: ``Model.objects.visible_to(user)`` and ``editable_by(user)``.

Every model whose rows depend on who is looking has a manager built from ``ScopedQuerySet``.
Views (``core.views``) and the API (``core.api``) start every lookup from it, so an object
outside the user's scope is a 404, never a 403 that would confirm it exists.

Scope comes from memberships: a role is held in an organisation; a membership of a regulator
also covers every organisation whose region lies in the regulator's region subtree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db import models
from django.db.models import Q

_SCOPE_CACHE_ATTRIBUTE = "_jiliang_scope"
MANAGER_ROLES = frozenset({"admin", "staff"})


@dataclass(frozen=True)
class UserScope:
    """What one user may reach, computed once per request from their memberships."""

    user_id: int
    is_platform_admin: bool
    role_by_organisation: dict[int, str] = field(default_factory=dict)
    region_ids: frozenset[int] = frozenset()
    regulated_region_ids: frozenset[int] = frozenset()
    # The regions above the regulated ones: a bureau reports into their campaigns.
    reporting_line_region_ids: frozenset[int] = frozenset()
    # The regulated subtrees' root paths: one prefix condition each, where a national bureau's
    # thousands of region ids would make every query long to send and to plan.
    regulated_paths: tuple[str, ...] = ()
    # The subtrees of the regulators where the user is an administrator or staff: there they
    # may change what a bureau manages (a viewer of a bureau only reads).
    managed_paths: tuple[str, ...] = ()

    def organisation_ids(self, roles: frozenset[str] | None = None) -> set[int]:
        """Organisations where the user holds one of ``roles`` (any role when None)."""
        return {
            organisation_id
            for organisation_id, role in self.role_by_organisation.items()
            if roles is None or role in roles
        }


def scope_for(user) -> UserScope | None:
    """The user's scope, cached on the user object (which lives for one request)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    cached = getattr(user, _SCOPE_CACHE_ATTRIBUTE, None)
    if cached is None:
        cached = _compute_scope(user)
        setattr(user, _SCOPE_CACHE_ATTRIBUTE, cached)
    return cached


def forget_scope(user) -> None:
    """Drop the cached scope after the user's memberships changed."""
    if hasattr(user, _SCOPE_CACHE_ATTRIBUTE):
        delattr(user, _SCOPE_CACHE_ATTRIBUTE)


def _compute_scope(user) -> UserScope:
    from jiliang.orgs.choices import OrganisationKind
    from jiliang.orgs.models import Membership

    rows = Membership.objects.filter(user=user, organisation__is_active=True).values_list(
        "organisation_id",
        "role",
        "organisation__kind",
        "organisation__region_id",
        "organisation__region__path",
    )
    role_by_organisation, region_ids, regulated_paths, managed_paths = {}, set(), [], []
    for organisation_id, role, kind, region_id, region_path in rows:
        role_by_organisation[organisation_id] = role
        region_ids.add(region_id)
        if kind == OrganisationKind.REGULATOR:
            regulated_paths.append(region_path)
            if role in MANAGER_ROLES:
                managed_paths.append(region_path)
    # Region ids, not a join on paths: the rows then filter on two indexed columns of their own.
    regulated, above = _regulated_and_above(regulated_paths)
    return UserScope(
        user_id=user.pk,
        is_platform_admin=user.is_staff,
        role_by_organisation=role_by_organisation,
        region_ids=frozenset(region_ids),
        regulated_region_ids=frozenset(regulated),
        reporting_line_region_ids=frozenset(above),
        regulated_paths=tuple(regulated_paths),
        managed_paths=tuple(managed_paths),
    )


def _regulated_and_above(regulated_paths: list[str]) -> tuple[list[int], list[int]]:
    """The regions in the regulated subtrees and those above them, in one query."""
    from jiliang.orgs.models import Region, path_codes

    if not regulated_paths:
        return [], []
    ancestor_codes = {code for path in regulated_paths for code in path_codes(path)[:-1]}
    rows = Region.objects.filter(
        any_of([Q(path__startswith=path) for path in regulated_paths]) | Q(code__in=ancestor_codes)
    ).values_list("pk", "path")
    regulated, above = [], []
    for region_id, path in rows:
        inside = any(path.startswith(regulated_path) for regulated_path in regulated_paths)
        (regulated if inside else above).append(region_id)
    return regulated, above


def managed_region_condition(scope: UserScope, lookup: str = "region") -> Q:
    """Rows whose ``lookup`` region lies in a subtree the user manages as a bureau's
    administrator or staff (``lookup`` "" for regions themselves)."""
    field = f"{lookup}__path__startswith" if lookup else "path__startswith"
    return any_of([Q(**{field: path}) for path in scope.managed_paths])


def any_of(conditions: list[Q]) -> Q:
    """OR the conditions together; an empty list matches nothing."""
    return reduce(or_, conditions, Q(pk__in=[]))


class ScopedQuerySet(models.QuerySet):
    """Base for every user-dependent queryset; subclasses say what a scope reaches."""

    def visible_to(self, user):
        return self._restrict(user, self.visible_condition)

    def editable_by(self, user):
        return self._restrict(user, self.editable_condition)

    def _restrict(self, user, condition):
        scope = scope_for(user)
        if scope is None:
            return self.none()
        if scope.is_platform_admin:
            return self.all()
        return self.filter(condition(scope))

    def visible_condition(self, scope: UserScope) -> Q:
        raise NotImplementedError

    def editable_condition(self, scope: UserScope) -> Q:
        raise NotImplementedError


class OrganisationScopedQuerySet(ScopedQuerySet):
    """Rows that belong to an organisation, reached through ``organisation_field``.

    Members with a role in ``viewer_roles`` see the rows; members with a role in
    ``editor_roles`` change them; when ``regulators_see`` is true, regulators see the rows of
    every organisation in their region subtree (read-only).
    """

    organisation_field = "organisation"
    viewer_roles: frozenset[str] | None = None
    editor_roles = frozenset({"admin", "staff"})
    regulators_see = True

    def _lookup(self, suffix: str) -> str:
        return f"{self.organisation_field}__{suffix}" if self.organisation_field else suffix

    def visible_condition(self, scope):
        condition = Q(**{self._lookup("pk__in"): scope.organisation_ids(self.viewer_roles)})
        if self.regulators_see and scope.regulated_region_ids:
            condition |= Q(**{self._lookup("region_id__in"): scope.regulated_region_ids})
        return condition

    def editable_condition(self, scope):
        return Q(**{self._lookup("pk__in"): scope.organisation_ids(self.editor_roles)})
