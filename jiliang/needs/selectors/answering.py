"""Reads of distribution and answering: who a questionnaire is sent to, what waits for an
enterprise's answer, the responses a page shows."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from jiliang.core.scoping import scope_for
from jiliang.needs.choices import QuestionnaireStatus, ResponseStatus
from jiliang.needs.models import Questionnaire, Response
from jiliang.orgs.choices import OrganisationKind
from jiliang.orgs.enterprise_models import EnterpriseProfile
from jiliang.orgs.models import Organisation, path_codes

ANSWERING_ROLES = frozenset({"admin", "staff"})


def audience(questionnaire: Questionnaire) -> QuerySet:
    """The active enterprises of the audience region's subtree, narrowed by the
    questionnaire's industry sections, size classes and tags (any of them; an empty list does
    not narrow); none without an audience region (a public link only). Not scoped to a user:
    callers narrow it to what the viewer may see."""
    if questionnaire.audience_region_id is None:
        return Organisation.objects.none()
    enterprises = Organisation.objects.filter(
        kind=OrganisationKind.ENTERPRISE,
        is_active=True,
        region__path__startswith=questionnaire.audience_region.path,
    )
    if questionnaire.audience_industries:
        enterprises = enterprises.filter(industry__in=questionnaire.audience_industries)
    if questionnaire.audience_sizes:
        enterprises = enterprises.filter(size_class__in=questionnaire.audience_sizes)
    if questionnaire.audience_tags:
        tagged = EnterpriseProfile.objects.filter(tags__name__in=questionnaire.audience_tags)
        enterprises = enterprises.filter(pk__in=tagged.values("organisation_id"))
    return enterprises


def addressed_to(questionnaire: Questionnaire, enterprise: Organisation, tags: set[str]) -> bool:
    """Whether the enterprise (with its ``tags``) is in the questionnaire's audience, as
    ``selectors.audience.audience`` says, without a query (``enterprise.region`` loaded)."""
    return (
        questionnaire.audience_region_id is not None
        and questionnaire.audience_region.code in path_codes(enterprise.region.path)
        and enterprise.is_active
        and enterprise.kind == OrganisationKind.ENTERPRISE
        and (
            not questionnaire.audience_industries
            or enterprise.industry in questionnaire.audience_industries
        )
        and (
            not questionnaire.audience_sizes
            or enterprise.size_class in questionnaire.audience_sizes
        )
        and (not questionnaire.audience_tags or bool(set(questionnaire.audience_tags) & tags))
    )


def member_enterprises(user, roles=None) -> list[Organisation]:
    """The enterprises the user is a member of (with ``roles``), with their regions."""
    scope = scope_for(user)
    if scope is None:
        return []
    return list(
        Organisation.objects.filter(
            pk__in=scope.organisation_ids(roles), kind=OrganisationKind.ENTERPRISE
        ).select_related("region")
    )


@dataclass
class Survey:
    """A questionnaire sent to one of the user's enterprises, and its response if any."""

    questionnaire: Questionnaire
    enterprise: Organisation
    response: Response | None

    @property
    def state(self) -> str:
        if self.response is None:
            return "to_answer"
        return "submitted" if self.response.status == ResponseStatus.SUBMITTED else "draft"


def surveys(*, user) -> list[Survey]:
    """Per enterprise of the user: the open questionnaires sent to it, and every questionnaire
    it has a response to (closed ones too). Three queries whatever the numbers (a fourth for
    the enterprises' tags when an open questionnaire is narrowed by tags)."""
    enterprises = member_enterprises(user)
    if not enterprises:
        return []
    codes = {code for enterprise in enterprises for code in path_codes(enterprise.region.path)}
    responses = {
        (response.questionnaire_id, response.enterprise_id): response
        for response in Response.objects.filter(enterprise__in=enterprises).select_related(
            "questionnaire__audience_region", "questionnaire__owner"
        )
    }
    open_ones = list(
        Questionnaire.objects.filter(
            status=QuestionnaireStatus.OPEN, audience_region__code__in=codes
        ).select_related("audience_region", "owner")
    )
    tagged = any(questionnaire.audience_tags for questionnaire in open_ones)
    tags = _tags_of(enterprises) if tagged else {}
    found = []
    for enterprise in enterprises:
        for questionnaire in open_ones:
            if addressed_to(questionnaire, enterprise, tags.get(enterprise.pk, set())):
                response = responses.pop((questionnaire.pk, enterprise.pk), None)
                found.append(Survey(questionnaire, enterprise, response))
    by_pk = {enterprise.pk: enterprise for enterprise in enterprises}
    for (_questionnaire, enterprise_id), response in responses.items():
        found.append(Survey(response.questionnaire, by_pk[enterprise_id], response))
    return sorted(found, key=lambda survey: (-survey.questionnaire.pk, survey.enterprise.name))


def _tags_of(enterprises) -> dict[int, set[str]]:
    tags: dict[int, set[str]] = {}
    rows = Organisation.objects.filter(
        pk__in=[enterprise.pk for enterprise in enterprises], profile__tags__isnull=False
    ).values_list("pk", "profile__tags__name")
    for pk, name in rows:
        tags.setdefault(pk, set()).add(name)
    return tags


def waiting_count(*, user) -> int:
    """Open questionnaires sent to the user's enterprises (as admin or staff) not submitted."""
    scope = scope_for(user)
    acting = scope.organisation_ids(ANSWERING_ROLES) if scope else set()
    return sum(
        1
        for survey in surveys(user=user)
        if survey.enterprise.pk in acting
        and survey.state != "submitted"
        and survey.questionnaire.status == QuestionnaireStatus.OPEN
    )


def survey_for(*, user, questionnaire_id: int, enterprise_id: int) -> Survey:
    """The survey of one of the user's enterprises (404 unless sent to it or answered)."""
    for survey in surveys(user=user):
        if survey.questionnaire.pk == questionnaire_id and survey.enterprise.pk == enterprise_id:
            return survey
    raise Http404


def enterprise_responses(*, user, organisation) -> QuerySet:
    """The responses of ``organisation`` the user sees, newest first."""
    return (
        Response.objects.visible_to(user)
        .filter(enterprise=organisation)
        .select_related("questionnaire__owner", "entered_by")
        .order_by("-created")
    )


def response_detail(*, user, pk: int) -> Response:
    return get_object_or_404(
        Response.objects.visible_to(user).select_related(
            "questionnaire", "enterprise", "region", "entered_by", "submitted_by"
        ),
        pk=pk,
    )


def public_questionnaire(token: str) -> Questionnaire:
    """The questionnaire answerable through the public link ``token`` (404 otherwise)."""
    return get_object_or_404(
        Questionnaire.objects.select_related("owner__region", "audience_region"),
        public_token=token,
        public_link_enabled=True,
        status=QuestionnaireStatus.OPEN,
    )


def paper_enterprises(*, user, questionnaire: Questionnaire) -> QuerySet:
    """The audience's enterprises the user may enter paper questionnaires for: those they see
    (a bureau its subtree; the owner's staff the whole audience)."""
    scope = scope_for(user)
    enterprises = audience(questionnaire)
    if scope is None or scope.is_platform_admin:
        return enterprises
    if questionnaire.owner_id in scope.organisation_ids(ANSWERING_ROLES):
        return enterprises
    return enterprises.filter(
        Q(region_id__in=scope.regulated_region_ids) if scope.regulated_region_ids else Q(pk=None)
    )


def answered_file(response: Response, name: str):
    """The stored file ``response`` answered the question ``name`` with; 404 without one (or
    when the storage lost it)."""
    answer = response.answers.filter(question__name=name).exclude(file="").first()
    if answer is None or not answer.file.storage.exists(answer.file.name):
        raise Http404
    return answer.file
