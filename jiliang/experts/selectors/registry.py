"""Reads of the expert registry: experts and expert groups (open to everyone signed in), the
experts a question may be routed to, the groups it escalates to, and an expert's record."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Length
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from jiliang.core.scoping import managed_region_condition, scope_for
from jiliang.experts.choices import ProblemState
from jiliang.experts.models import Consultation, Expert, ExpertField, ExpertGroup, Problem
from jiliang.orgs.choices import OrganisationKind
from jiliang.orgs.models import Organisation, Region, path_codes

RECORD_ROWS = 20
# Organisations whose experts a bureau picks from a list (enterprises are too many to list;
# their administrators register their own experts).
LISTED_KINDS = (
    OrganisationKind.INSTITUTION,
    OrganisationKind.ASSOCIATION,
    OrganisationKind.REGULATOR,
)


def region_by_code(code: str) -> Region:
    """The region of a GB/T 2260 code (regions are public reference data)."""
    region = Region.objects.filter(code=code.strip()).first()
    if region is None:
        raise ValidationError({"region": _("No region has the code %(code)s.") % {"code": code}})
    return region


def covering(field: str) -> Q:
    """Groups covering ``field``: those listing it, and those listing none (every field).
    ``fields`` is a JSON list of codes; its text holds each one quoted, on both databases."""
    return Q(fields=[]) | Q(fields__icontains=f'"{field}"')


# Experts ----------------------------------------------------------------------------------------


def _expert_parts(experts: QuerySet) -> QuerySet:
    return experts.select_related("user", "organisation", "region").prefetch_related("fields")


def expert_list(*, user, filters: dict | None = None) -> QuerySet:
    """The registry, narrowed by ``field`` (a MetrologyField), ``region`` (its subtree),
    ``available`` (True: taking questions now) and ``text`` (name, title, organisation,
    specialties or committees)."""
    filters = filters or {}
    experts = Expert.objects.visible_to(user)
    if filters.get("field"):
        experts = experts.filter(
            Exists(ExpertField.objects.filter(expert=OuterRef("pk"), field=filters["field"]))
        )
    if filters.get("region"):
        experts = experts.filter(region__path__startswith=filters["region"].path)
    if filters.get("available"):
        experts = experts.filter(pk__in=Expert.objects.available().values("pk"))
    text = (filters.get("text") or "").strip()
    if text:
        specialties = ExpertField.objects.filter(expert=OuterRef("pk"), specialties__icontains=text)
        experts = experts.filter(
            Q(user__first_name__icontains=text)
            | Q(user__last_name__icontains=text)
            | Q(user__username__icontains=text)
            | Q(title__icontains=text)
            | Q(organisation__name__icontains=text)
            | Q(committees__icontains=text)
            | Exists(specialties)
        )
    return _expert_parts(experts)


def expert_detail(*, user, pk: int) -> Expert:
    return get_object_or_404(_expert_parts(Expert.objects.visible_to(user)), pk=pk)


def expert_named(word: str) -> Expert:
    """The one expert a username or a full name means."""
    word = word.strip()
    experts = Expert.objects.select_related("user")
    matches = list(experts.filter(user__username=word)[:1]) or list(
        experts.filter(user__first_name=word)[:2]
    )
    if len(matches) != 1:
        raise ValidationError(
            _("%(word)s names no registered expert (or several).") % {"word": word}
        )
    return matches[0]


def registrar_organisations(*, user) -> QuerySet:
    """The organisations the user may register experts of in the form: those they
    administer, and the institutions, associations and bureaus of their bureaus' regions."""
    scope = scope_for(user)
    if scope is None:
        return Organisation.objects.none()
    administered = scope.organisation_ids(frozenset({"admin"}))
    organisations = Organisation.objects.visible_to(user).filter(is_active=True)
    if not scope.is_platform_admin:
        organisations = organisations.filter(
            Q(pk__in=administered) | managed_region_condition(scope)
        )
    return organisations.filter(Q(kind__in=LISTED_KINDS) | Q(pk__in=administered)).order_by(
        "region__path", "name"
    )


def expert_regions() -> QuerySet:
    """The regions holding experts, with those above them (the list's region filter)."""
    paths = Expert.objects.values_list("region__path", flat=True).distinct()
    codes = {code for path in paths for code in path_codes(path)}
    return Region.objects.filter(code__in=codes).order_by("path")


def expert_groups(expert: Expert) -> QuerySet:
    return expert.groups.filter(is_active=True).select_related("bureau", "region")


def expert_record(expert: Expert, *, user) -> dict:
    """What the expert solved (problems confirmed solved: how many, and those the user may
    see) and answered (questions they answered that the user may see: the public ones and
    those in the user's reach)."""
    solved = Problem.objects.filter(assigned_expert=expert, state=ProblemState.SOLVED)
    answered = Consultation.objects.filter(replies__expert=expert).distinct()
    visible_answered = Consultation.objects.visible_to(user).filter(pk__in=answered.values("pk"))
    return {
        "solved_count": solved.count(),
        "solved": list(
            Problem.objects.visible_to(user)
            .filter(pk__in=solved.values("pk"))
            .select_related("enterprise")
            .order_by("-solved_at", "-pk")[:RECORD_ROWS]
        ),
        "answered_count": answered.count(),
        "answered": list(visible_answered.order_by("-created", "-pk")[:RECORD_ROWS]),
    }


def routable_experts(field: str, region: Region | None = None) -> QuerySet:
    """The available experts of ``field`` in round-robin order: never routed a question first,
    then the one routed longest ago. With ``region``, only those of its subtree and of the
    regions above it (a question from 金水区 reaches the experts of 郑州市 and 河南省)."""
    experts = Expert.objects.available().filter(
        Exists(ExpertField.objects.filter(expert=OuterRef("pk"), field=field))
    )
    if region is not None:
        experts = experts.filter(
            Q(region__path__startswith=region.path) | Q(region__code__in=path_codes(region.path))
        )
    return experts.order_by(F("last_routed").asc(nulls_first=True), "pk")


# Groups -----------------------------------------------------------------------------------------


def _group_parts(groups: QuerySet) -> QuerySet:
    return groups.select_related("bureau", "region", "leader__user").prefetch_related(
        Prefetch("members", Expert.objects.select_related("user", "organisation").order_by("pk"))
    )


def group_list(*, user, filters: dict | None = None) -> QuerySet:
    """The expert groups, narrowed by ``region`` (its subtree), ``field`` (groups covering it)
    and ``active``; the nearest regions' first."""
    filters = filters or {}
    groups = ExpertGroup.objects.visible_to(user)
    if filters.get("region"):
        groups = groups.filter(region__path__startswith=filters["region"].path)
    if filters.get("field"):
        groups = groups.filter(covering(filters["field"]))
    if filters.get("active") is not None:
        groups = groups.filter(is_active=filters["active"])
    return _group_parts(groups).order_by("region__path", "name", "pk")


def group_detail(*, user, pk: int) -> ExpertGroup:
    return get_object_or_404(_group_parts(ExpertGroup.objects.visible_to(user)), pk=pk)


def groups_for_escalation(field: str, region: Region | None) -> QuerySet:
    """The active groups covering ``field`` whose region is ``region`` or one above it, the
    nearest first (without a region: every such group, the widest first)."""
    groups = ExpertGroup.objects.filter(covering(field), is_active=True)
    if region is None:
        return groups.order_by("region__path", "pk")
    return groups.filter(region__code__in=path_codes(region.path)).order_by(
        Length("region__path").desc(), "pk"
    )
