"""Reading questionnaires: the ones a user builds, and a questionnaire's whole definition."""

from __future__ import annotations

from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404

from jiliang.core.scoping import scope_for
from jiliang.needs.models import Choice, Question, Questionnaire, Section
from jiliang.needs.profile_fields import FIELDS as PROFILE_FIELDS
from jiliang.needs.xlsform import write_xlsform
from jiliang.orgs.choices import OrganisationKind
from jiliang.orgs.models import Organisation

BUILDER_ROLES = frozenset({"admin", "staff"})
OWNER_KINDS = (OrganisationKind.REGULATOR, OrganisationKind.INSTITUTION)


def profile_field_choices() -> list[tuple[str, str]]:
    """The profile fields a question may fill in, with their names in words."""
    return [(name, label) for name, (label, _convert) in sorted(PROFILE_FIELDS.items())]


def questionnaire_for(user, pk) -> Questionnaire:
    """A questionnaire the user sees (404 otherwise)."""
    return get_object_or_404(
        Questionnaire.objects.visible_to(user).select_related("owner", "copied_from"), pk=pk
    )


def questionnaire_list(*, user):
    return (
        Questionnaire.objects.visible_to(user)
        .select_related("owner")
        .annotate(question_count=Count("questions"))
        .order_by("-created", "-pk")
    )


def questionnaire_owners(*, user):
    """The bureaus and institutions whose questionnaires the user builds (admin or staff)."""
    organisations = Organisation.objects.visible_to(user).filter(
        kind__in=OWNER_KINDS, is_active=True
    )
    scope = scope_for(user)
    if scope.is_platform_admin:
        return organisations
    return organisations.filter(pk__in=scope.organisation_ids(BUILDER_ROLES))


def default_owner(*, user, preferred=None) -> Organisation | None:
    """The organisation a new questionnaire of the user belongs to unless they say: the
    preferred one if they build for it, else the only one they build for."""
    owners = questionnaire_owners(user=user)
    if preferred is not None and owners.filter(pk=preferred.pk).exists():
        return preferred
    candidates = list(owners[:2])
    return candidates[0] if len(candidates) == 1 else None


def sections_of(questionnaire: Questionnaire) -> list[Section]:
    """The sections in order, each with its questions and their choices prefetched."""
    choices = Prefetch("choices", queryset=Choice.objects.order_by("is_row", "position"))
    questions = Prefetch(
        "questions", queryset=Question.objects.order_by("position").prefetch_related(choices)
    )
    return list(questionnaire.sections.order_by("position").prefetch_related(questions))


def definition(questionnaire: Questionnaire) -> dict:
    """Everything the questionnaire asks, as plain data: what ``questionnaire_create`` builds
    from, the API shows, the XLSForm export writes and a copy repeats."""
    return {
        "title": questionnaire.title,
        "description": questionnaire.description,
        "opens_on": questionnaire.opens_on,
        "closes_on": questionnaire.closes_on,
        "sections": [_section(section) for section in sections_of(questionnaire)],
    }


def _section(section: Section) -> dict:
    return {
        "name": section.name,
        "title": section.title,
        "description": section.description,
        "relevant": section.relevant,
        "questions": [question_data(question) for question in section.questions.all()],
    }


QUESTION_FIELDS = (
    "name",
    "kind",
    "label",
    "hint",
    "required",
    "relevant",
    "unit",
    "minimum",
    "maximum",
    "allows_other",
    "profile_field",
)


def question_data(question: Question) -> dict:
    options = list(question.choices.all())
    return {
        **{field: getattr(question, field) for field in QUESTION_FIELDS},
        "choices": [_option(choice) for choice in options if not choice.is_row],
        "rows": [_option(choice) for choice in options if choice.is_row],
    }


def _option(choice: Choice) -> dict:
    return {"value": choice.value, "label": choice.label}


def xlsform_file(questionnaire: Questionnaire) -> tuple[bytes, str]:
    """The questionnaire as an XLSForm workbook, and its file name."""
    form_id = f"questionnaire_{questionnaire.pk}"
    return write_xlsform(definition(questionnaire), form_id), f"{form_id}.xlsx"
