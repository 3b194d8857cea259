"""The knowledge base (常见计量问答) and the typical cases (典型案例): every write. Bureaus
(the admins and staff of a regulator) write and publish them; every change updates the search
index."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _

from jiliang.core import audit
from jiliang.core.services import model_update, require_editable
from jiliang.experts.choices import CaseConsent, ProblemState
from jiliang.experts.models import Consultation, KnowledgeEntry, Problem, TypicalCase
from jiliang.experts.search.index import (
    consultation_answers,
    index_case,
    index_knowledge_entry,
)
from jiliang.orgs.models import Organisation
from jiliang.orgs.selectors import managed_bureaus

ENTRY_FIELDS = ["question", "answer", "field", "tags", "is_published"]
CASE_FIELDS = [
    "title",
    "enterprise_shown_as",
    "problem_summary",
    "solution_summary",
    "is_published",
]


def _publisher(actor, publisher=None) -> Organisation:
    """The bureau publishing: the one named, or the actor's only (or first) bureau."""
    bureaus = managed_bureaus(user=actor)
    if publisher is None:
        publisher = bureaus.select_related("region").order_by("region__path", "pk").first()
        if publisher is None:
            raise PermissionDenied(_("Only a bureau's administrators and staff publish here."))
    elif not bureaus.filter(pk=publisher.pk).exists():
        raise PermissionDenied(_("You may not publish for %(bureau)s.") % {"bureau": publisher})
    return publisher


# Common questions ------------------------------------------------------------------------------


@transaction.atomic
def knowledge_entry_create(
    *,
    actor,
    question: str,
    answer: str,
    field: str = "",
    tags: str = "",
    is_published: bool = True,
    publisher: Organisation | None = None,
    source: Consultation | None = None,
) -> KnowledgeEntry:
    entry = KnowledgeEntry(
        question=question.strip(),
        answer=answer.strip(),
        field=field,
        tags=tags.strip(),
        is_published=is_published,
        publisher=_publisher(actor, publisher),
        edited_by=actor,
        source=source,
    )
    entry.full_clean()
    entry.save()
    audit.record(
        actor=actor,
        action="experts.knowledgeentry.created",
        instance=entry,
        organisation=entry.publisher,
    )
    index_knowledge_entry(entry)
    return entry


@transaction.atomic
def knowledge_entry_from_consultation(
    *, actor, consultation: Consultation, question: str, answer: str, **fields
) -> KnowledgeEntry:
    """A good public answer joins the knowledge base, in the words the bureau edited, linked
    to the consultation it came from."""
    if not Consultation.objects.visible_to(actor).filter(pk=consultation.pk).exists():
        raise Http404
    if not consultation.is_public or not consultation_answers(consultation):
        raise ValidationError(_("Only a public question with an expert's answer can be used."))
    fields.setdefault("field", consultation.field)
    return knowledge_entry_create(
        actor=actor, question=question, answer=answer, source=consultation, **fields
    )


@transaction.atomic
def knowledge_entry_update(*, actor, entry: KnowledgeEntry, data: dict) -> KnowledgeEntry:
    require_editable(actor, entry)
    data = {
        name: value.strip() if isinstance(value, str) else value for name, value in data.items()
    }
    changes = model_update(instance=entry, data=data, fields=ENTRY_FIELDS)
    if changes:
        entry.edited_by = actor
        entry.save(update_fields=["edited_by"])
        audit.record(
            actor=actor,
            action="experts.knowledgeentry.updated",
            instance=entry,
            organisation=entry.publisher,
            changes=changes,
        )
        index_knowledge_entry(entry)
    return entry


def knowledge_entry_unpublish(*, actor, entry: KnowledgeEntry) -> KnowledgeEntry:
    return knowledge_entry_update(actor=actor, entry=entry, data={"is_published": False})


# Typical cases --------------------------------------------------------------------------------


def enterprise_shown_as(problem: Problem) -> str:
    """The enterprise's name, or when anonymised what it is: 某制造业小微企业."""
    enterprise = problem.enterprise
    if problem.case_consent == CaseConsent.NAMED:
        return enterprise.name
    with translation.override("zh-hans"):
        industry = (
            enterprise.get_industry_display().split(" ", 1)[-1] if enterprise.industry else ""
        )
    kind = "小微企业" if enterprise.size_class in ("micro", "small") else "企业"
    return f"某{industry}{kind}"


def _publishing_bureau(actor, problem: Problem) -> Organisation:
    """The actor's bureau nearest above the problem's region."""
    path = problem.region.path
    for bureau in managed_bureaus(user=actor).select_related("region").order_by("-region__path"):
        if path.startswith(bureau.region.path):
            return bureau
    raise PermissionDenied(_("Only a bureau above the enterprise publishes its cases."))


@transaction.atomic
def typical_case_publish(
    *,
    actor,
    problem: Problem,
    title: str = "",
    problem_summary: str = "",
    solution_summary: str = "",
) -> TypicalCase:
    """Publish a solved problem whose enterprise agreed to it, named or anonymised as it chose;
    the texts default to the problem's own (the bureau may shorten or anonymise them)."""
    problem = (
        Problem.objects.visible_to(actor)
        .select_related("enterprise", "region")
        .filter(pk=problem.pk)
        .first()
    )
    if problem is None:
        raise Http404
    publisher = _publishing_bureau(actor, problem)
    if problem.state != ProblemState.SOLVED:
        raise ValidationError(_("Only a solved problem becomes a typical case."))
    if problem.case_consent == CaseConsent.NO:
        raise ValidationError(_("The enterprise did not agree to publish this problem."))
    if TypicalCase.objects.filter(problem=problem).exists():
        raise ValidationError(_("This problem is already a typical case."))
    case = TypicalCase(
        problem=problem,
        title=(title or problem.title).strip(),
        enterprise_shown_as=enterprise_shown_as(problem),
        category=problem.category,
        field=problem.field,
        problem_summary=(problem_summary or problem.description).strip(),
        solution_summary=(solution_summary or problem.solution).strip(),
        publisher=publisher,
    )
    case.full_clean()
    case.save()
    audit.record(
        actor=actor, action="experts.typicalcase.published", instance=case, organisation=publisher
    )
    index_case(case)
    return case


@transaction.atomic
def typical_case_update(*, actor, case: TypicalCase, data: dict) -> TypicalCase:
    require_editable(actor, case)
    changes = model_update(instance=case, data=data, fields=CASE_FIELDS)
    if changes:
        audit.record(
            actor=actor,
            action="experts.typicalcase.updated",
            instance=case,
            organisation=case.publisher,
            changes=changes,
        )
        index_case(case)
    return case


def typical_case_unpublish(*, actor, case: TypicalCase) -> TypicalCase:
    return typical_case_update(actor=actor, case=case, data={"is_published": False})
