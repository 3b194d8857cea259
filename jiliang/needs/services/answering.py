"""Answering a questionnaire: an enterprise's draft (one per enterprise, shared by its members),
its submission, staff entering a paper questionnaire, and answers through the public link.

``data`` is described in ``answer_data``. A draft takes partial answers, each checked as it
comes (range, choices, dates, regions, files); ``submit_response`` checks the whole: required
answers, "other" words, and the skip logic (answers to hidden questions are dropped, a hidden
required question is not required). The database allows one response per enterprise and
questionnaire (``response_once_per_enterprise``); of two members submitting at once, one wins
and the other is told the questionnaire was submitted.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from jiliang.core import audit
from jiliang.core.scoping import scope_for
from jiliang.core.services import require_editable
from jiliang.needs import profile_fields
from jiliang.needs.choices import QuestionKind, QuestionnaireStatus, ResponseSource
from jiliang.needs.choices import ResponseStatus as RS
from jiliang.needs.models import Answer, Response
from jiliang.needs.selectors.answering import ANSWERING_ROLES, audience, paper_enterprises
from jiliang.needs.services import answer_data, tallies
from jiliang.orgs.enterprise_selectors import regulates

RELATIONS = ["questionnaire", "enterprise", "region", "submitted_by", "entered_by"]


def require_accepting(questionnaire, today=None) -> None:
    """Refuse answers unless the questionnaire is open and today is within its dates."""
    today = today or timezone.localdate()
    title = questionnaire.title
    if questionnaire.status != QuestionnaireStatus.OPEN:
        raise ValidationError(
            _("“%(title)s” is not open for answers.") % {"title": title}, code="not_open"
        )
    if questionnaire.opens_on and today < questionnaire.opens_on:
        raise ValidationError(
            _("“%(title)s” opens on %(date)s; answers are not accepted before.")
            % {"title": title, "date": questionnaire.opens_on.isoformat()},
            code="not_open",
        )
    if questionnaire.closes_on and today > questionnaire.closes_on:
        raise ValidationError(
            _("“%(title)s” closed on %(date)s; answers are no longer accepted.")
            % {"title": title, "date": questionnaire.closes_on.isoformat()},
            code="closed",
        )


def _already(response: Response) -> ValidationError:
    when = timezone.localtime(response.submitted_at)
    return ValidationError(
        _("This enterprise has already submitted “%(title)s” (%(when)s); it answers once.")
        % {"title": response.questionnaire.title, "when": date_format(when, "Y-m-d H:i")},
        code="already_submitted",
    )


@transaction.atomic
def response_start(*, actor, questionnaire, enterprise) -> Response:
    """The enterprise's response (its draft, shared by its members), started if there is none.
    The actor acts for the enterprise (admin or staff); it must be in the audience."""
    scope = scope_for(actor)
    if scope is None or enterprise.pk not in scope.organisation_ids():
        raise Http404
    if enterprise.pk not in scope.organisation_ids(ANSWERING_ROLES):
        raise PermissionDenied(_("Only the enterprise's administrators and staff answer."))
    if not audience(questionnaire).filter(pk=enterprise.pk).exists():
        raise Http404
    existing = Response.objects.filter(questionnaire=questionnaire, enterprise=enterprise).first()
    if existing is not None:
        return existing
    require_accepting(questionnaire)
    return _create(actor, Response(questionnaire=questionnaire, enterprise=enterprise))


def _create(actor, response: Response) -> Response:
    """Insert the new response; when another member's (or staff's) got in first, theirs."""
    response.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            response.save()
    except IntegrityError:
        other = Response.objects.filter(
            questionnaire=response.questionnaire, enterprise=response.enterprise
        ).first()
        if other is None:
            raise
        return other
    audit.record(
        actor=actor,
        action="needs.response.started",
        instance=response,
        organisation=response.enterprise,
        changes={"source": [None, response.source]},
    )
    return response


def may_enter_paper(actor, questionnaire, enterprise) -> bool:
    """The owner's staff (the whole audience) and the bureaus above the enterprise."""
    return paper_enterprises(user=actor, questionnaire=questionnaire).filter(
        pk=enterprise.pk
    ).exists() and (_acts_for_owner(actor, questionnaire) or regulates(actor, enterprise))


def _acts_for_owner(actor, questionnaire) -> bool:
    scope = scope_for(actor)
    return bool(scope) and (
        scope.is_platform_admin or questionnaire.owner_id in scope.organisation_ids(ANSWERING_ROLES)
    )


@transaction.atomic
def paper_response_start(*, actor, questionnaire, enterprise, respondent_name="") -> Response:
    """A response typed in by staff from the enterprise's paper questionnaire."""
    if not may_enter_paper(actor, questionnaire, enterprise):
        raise Http404
    require_accepting(questionnaire)
    response = Response.objects.filter(questionnaire=questionnaire, enterprise=enterprise).first()
    if response is None:  # the enterprise may start its own meanwhile: then theirs
        response = _create(
            actor,
            Response(
                questionnaire=questionnaire,
                enterprise=enterprise,
                source=ResponseSource.PAPER,
                entered_by=actor,
                respondent_name=respondent_name,
            ),
        )
    if response.status == RS.SUBMITTED:
        raise _already(response)
    if response.source != ResponseSource.PAPER:
        raise ValidationError(
            _("%(enterprise)s has a draft of its own online; it submits it.")
            % {"enterprise": enterprise},
            code="online_draft",
        )
    return response


def _require_answerer(actor, response: Response) -> None:
    if response.source == ResponseSource.PAPER:
        if may_enter_paper(actor, response.questionnaire, response.enterprise):
            return
        if Response.objects.visible_to(actor).filter(pk=response.pk).exists():
            raise PermissionDenied(_("Only the staff who enter paper questionnaires change it."))
        raise Http404
    require_editable(actor, response)


def _locked(response: Response) -> Response:
    """The response row, locked against the other members' saves and submissions."""
    return (
        Response.objects.select_for_update(of=("self",))
        .select_related("questionnaire", "enterprise")
        .get(pk=response.pk)
    )


@transaction.atomic
def save_answers(*, actor, response, data: dict) -> Response:
    """Keep the answers ``data`` names in the draft (partial answers welcome; each value is
    checked, naming its question); the others stay as they were."""
    _require_answerer(actor, response)
    response = _locked(response)
    if response.status == RS.SUBMITTED:
        raise _already(response)
    require_accepting(response.questionnaire)
    form = answer_data.load_form(response.questionnaire)
    _replace(response, answer_data.parse(form, data))
    response.save(update_fields=["updated"])
    audit.record(
        actor=actor,
        action="needs.response.saved",
        instance=response,
        organisation=response.enterprise,
        changes={"answers": [None, sorted(key for key in data)]},
    )
    return response


@transaction.atomic
def save_file(*, actor, response, name: str, upload=None) -> Response:
    """Keep ``upload`` as the answer of the file question ``name`` (checked as the answering
    page checks it), or remove that answer when there is no upload."""
    _require_answerer(actor, response)
    question = response.questionnaire.questions.filter(name=name).first()
    if question is None or question.kind != QuestionKind.FILE:
        raise ValidationError(
            {name: _("The questionnaire has no file question named %(name)s.") % {"name": name}}
        )
    return save_answers(actor=actor, response=response, data={name: upload})


def _replace(response: Response, parsed: dict) -> None:
    response.answers.filter(question__in=list(parsed)).delete()
    rows = []
    for answers in parsed.values():
        for answer in answers:
            answer.response = response
            rows.append(answer)
    for answer in rows:
        if answer.file:
            answer.save()  # a file is stored by its field's save
    Answer.objects.bulk_create([answer for answer in rows if not answer.file])


@transaction.atomic
def submit_response(*, actor, response) -> Response:
    """Submit the draft: every answer checked against the whole questionnaire, answers to
    hidden questions dropped, the enterprise's region, section and size class noted, the
    tallies counted and the profile fields written."""
    _require_answerer(actor, response)
    return _submit(actor, response)


def _submit(actor, response: Response) -> Response:
    response = _locked(response)
    if response.status == RS.SUBMITTED:
        raise _already(response)
    require_accepting(response.questionnaire)
    form = answer_data.load_form(response.questionnaire)
    values = _complete(form, response)
    response.status = RS.SUBMITTED
    response.submitted_at = timezone.now()
    response.submitted_by = actor if actor is not None and actor.is_authenticated else None
    _place(response, form, values)
    # Its relations were read in this transaction (the row is locked): not looked up again.
    response.full_clean(exclude=RELATIONS, validate_constraints=False)
    response.save()
    tallies.add(response)
    if response.enterprise is not None:
        profile_fields.write(actor=actor, enterprise=response.enterprise, tied=_tied(form, values))
    audit.record(
        actor=actor,
        action="needs.response.submitted",
        instance=response,
        organisation=response.enterprise,
        changes={"status": [RS.DRAFT, RS.SUBMITTED], "source": [None, response.source]},
    )
    return response


def _complete(form, response: Response) -> dict:
    """The shown questions' answers (those of hidden ones deleted); refuses, per question, a
    required answer missing or "other" chosen without its words."""
    answers = list(response.answers.select_related("choice", "row", "region"))
    values = answer_data.answer_values(form, answers)
    shown = answer_data.shown_questions(form, values)
    hidden = [question.pk for question in form.questions if question not in shown]
    if hidden:
        response.answers.filter(question__in=hidden).delete()
    errors = {}
    for question in shown:
        if question.required and question.name not in values:
            errors[question.name] = _("“%(label)s” is required.") % {"label": question.label}
        elif any(a.is_other and not a.text for a in answers if a.question_id == question.pk):
            errors[question.name] = _("“%(label)s”: say what “other” is.") % {
                "label": question.label
            }
    if errors:
        raise ValidationError(errors)
    return {question.name: values[question.name] for question in shown if question.name in values}


def _place(response: Response, form, values: dict) -> None:
    """Where the respondent is and what it is: the enterprise's; for the public link, the
    region answered (else the one the respondent gave, else the owner's)."""
    enterprise = response.enterprise
    if enterprise is not None:
        response.region = enterprise.region
        response.industry = enterprise.industry
        response.size_class = enterprise.size_class
    else:
        region_question = next(
            (q for q in form.questions if q.kind == QuestionKind.REGION and q.name in values),
            None,
        )
        if region_question is not None:
            response.region = response.answers.get(question=region_question).region
        elif response.region is None:
            response.region = response.questionnaire.owner.region
    response.region_path = response.region.path


def _tied(form, values: dict) -> dict:
    return {
        question.profile_field: (question, values[question.name])
        for question in form.questions
        if question.profile_field and question.name in values
    }


@transaction.atomic
def public_response_submit(
    *, questionnaire, respondent_name: str, respondent_contact: str, data: dict, region=None
) -> Response:
    """An answer through the public link by someone without an account: saved and submitted
    at once (nothing is kept when a check fails)."""
    if not questionnaire.public_link_enabled:
        raise Http404
    require_accepting(questionnaire)
    missing = {
        name: _("Say who answers and how to reach them.")
        for name, value in (
            ("respondent_name", respondent_name),
            ("respondent_contact", respondent_contact),
        )
        if not value.strip()
    }
    if missing:
        raise ValidationError(missing)
    response = Response(
        questionnaire=questionnaire,
        source=ResponseSource.PUBLIC_LINK,
        respondent_name=respondent_name.strip(),
        respondent_contact=respondent_contact.strip(),
        region=region,
    )
    response.full_clean(validate_constraints=False)
    response.save()
    form = answer_data.load_form(questionnaire)
    _replace(response, answer_data.parse(form, data))
    return _submit(None, response)
