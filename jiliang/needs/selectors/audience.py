"""The invited enterprises of a questionnaire: the audience its owner chose."""

from __future__ import annotations

from jiliang.orgs.choices import OrganisationKind
from jiliang.orgs.models import Organisation


def audience(questionnaire):
    """The active enterprises of the audience region's subtree, narrowed by the
    questionnaire's industry sections, size classes and tags (an empty list does not narrow);
    none without an audience region (a public link only). Not scoped to a user: callers
    narrow it to what the viewer may see."""
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
        enterprises = enterprises.filter(
            profile__tags__name__in=questionnaire.audience_tags
        ).distinct()
    return enterprises
