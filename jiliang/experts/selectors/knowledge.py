"""Reads of the knowledge base and the typical cases: what is published is everyone's, signed
in or not; drafts are their bureau's."""

from __future__ import annotations

from jiliang.core.scoping import scope_for
from jiliang.experts.choices import ConsultationState
from jiliang.experts.models import Consultation, KnowledgeEntry, TypicalCase


def _readable(queryset, user):
    # visible_to gives anonymous users nothing; the published rows are for them too.
    return queryset.visible_to(user) if user.is_authenticated else queryset.published()


def entries(*, user):
    return _readable(KnowledgeEntry.objects.select_related("publisher"), user)


def cases(*, user):
    return _readable(TypicalCase.objects.select_related("publisher"), user)


def answers_to_collect(*, user):
    """Public questions of the bureau's regions whose answer was accepted and which are not in
    the knowledge base yet."""
    scope = scope_for(user)
    if scope is None or not scope.regulated_region_ids:
        return Consultation.objects.none()
    return Consultation.objects.filter(
        is_public=True,
        state=ConsultationState.ACCEPTED,
        region_id__in=scope.regulated_region_ids,
        knowledge_entries__isnull=True,
    )
