"""The answering pages: an enterprise's surveys, the answering page (mobile first; skip logic in
the browser from data attributes, and again in the services), staff's paper entry, and the
public link for respondents without an account."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from jiliang.core.ratelimit import RateLimitedMixin
from jiliang.needs.choices import QuestionKind, QuestionnaireStatus, ResponseStatus
from jiliang.needs.forms.answering import (
    PaperRespondentForm,
    PaperSearchForm,
    RespondentForm,
    posted_data,
)
from jiliang.needs.models import Questionnaire, Response
from jiliang.needs.selectors import answering as selectors
from jiliang.needs.services import answer_data, answering
from jiliang.orgs.models import Region

PUBLIC_REQUESTS_PER_HOUR = 60


def answer_regions(questionnaire: Questionnaire):
    """The regions a region question offers: the audience's subtree, else the owner's."""
    root = questionnaire.audience_region or questionnaire.owner.region
    return Region.objects.filter(path__startswith=root.path).order_by("path")


def page_sections(form, data: dict, errors: dict, questionnaire) -> list:
    """The sections and questions to render, each with its value, errors and skip logic."""
    regions = None
    for section in form.sections:
        section.relevant_json = json.dumps(section.relevant) if section.relevant else ""
        for question in section.items:
            question.relevant_json = json.dumps(question.relevant) if question.relevant else ""
            value = data.get(question.name)
            question.value = value
            question.chosen = (
                set(value)
                if isinstance(value, list)
                else {value}
                if isinstance(value, str)
                else set()
            )
            question.other_text = data.get(question.name + answer_data.OTHER_SUFFIX, "")
            question.errors = errors.get(question.name, [])
            if question.kind == QuestionKind.MATRIX:
                answered = value if isinstance(value, dict) else {}
                question.matrix = [(row, answered.get(row.value)) for row in question.rows]
            if question.kind == QuestionKind.REGION:
                regions = regions if regions is not None else list(answer_regions(questionnaire))
                question.region_options = regions
            question.shown = shown_value(question, value, question.other_text, regions)
    return form.sections


def shown_value(question, value, other_text: str, regions) -> str:
    """An answer in words, for a submitted response."""
    if value in (None, "", [], {}):
        return ""
    labels = {option.value: option.label for option in question.options}
    labels[answer_data.OTHER] = other_text
    if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        chosen = value if isinstance(value, list) else [value]
        return "、".join(labels.get(item, item) for item in chosen)
    if question.kind == QuestionKind.MATRIX:
        return "；".join(
            f"{row.label}: {labels.get(chosen, '—')}" for row, chosen in question.matrix
        )
    if question.kind == QuestionKind.REGION:
        return next((region.name for region in regions or () if region.code == value), value)
    return str(value)


def split_errors(error: ValidationError, form) -> tuple[dict, list]:
    """A service's refusal: per question name, and the rest for the top of the page."""
    if not hasattr(error, "error_dict"):
        return {}, error.messages
    names = form.by_name
    by_question = {k: v for k, v in error.message_dict.items() if k in names}
    rest = [m for k, v in error.message_dict.items() if k not in names for m in v]
    return by_question, rest


class AnsweringPage(LoginRequiredMixin, TemplateView):
    """The answering page of one response (of one enterprise): save the draft, or submit."""

    template_name = "needs/answering/answer.html"
    paper = False

    def setup_page(self):
        """Set ``questionnaire``, ``enterprise`` and ``response`` (or None)."""
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.setup_page()
        self.form = answer_data.load_form(self.questionnaire)
        return super().dispatch(request, *args, **kwargs)

    def stored(self) -> dict:
        if self.response is None:
            return {}
        answers = self.response.answers.select_related("choice", "row", "region")
        return answer_data.stored_data(self.form, answers)

    def get_context_data(self, data=None, errors=None, top_errors=(), **kwargs):
        kwargs.pop("enterprise", None)  # the URL's id; the page shows the enterprise itself
        submitted = self.response is not None and self.response.status == ResponseStatus.SUBMITTED
        return super().get_context_data(
            questionnaire=self.questionnaire,
            enterprise=self.enterprise,
            response=self.response,
            submitted=submitted,
            paper=self.paper,
            sections=page_sections(
                self.form, self.stored() if data is None else data, errors or {},
                self.questionnaire,
            ),
            top_errors=top_errors,
            **kwargs,
        )  # fmt: skip

    def post(self, request, *args, **kwargs):
        data = posted_data(self.form, request.POST, request.FILES)
        submit = "submit" in request.POST
        try:
            with transaction.atomic():  # a refused answer starts no response
                response = self.response or self.start()
                answering.save_answers(actor=request.user, response=response, data=data)
            if submit:
                answering.submit_response(actor=request.user, response=response)
        except ValidationError as error:
            by_question, rest = split_errors(error, self.form)
            context = self.get_context_data(data=data, errors=by_question, top_errors=rest)
            return self.render_to_response(context, status=400)
        if submit:
            messages.success(request, _("Thank you: your answers were submitted."))
            return redirect(self.done_url())
        messages.success(request, _("Draft saved; you or a colleague can go on later."))
        return redirect(request.path)


class SurveyListView(LoginRequiredMixin, TemplateView):
    """The questionnaires sent to the user's enterprises: to answer, drafts, submitted."""

    template_name = "needs/answering/surveys.html"

    def get_context_data(self, **kwargs):
        found = selectors.surveys(user=self.request.user)
        enterprise = self.request.GET.get("enterprise", "")
        if enterprise.isdigit():
            found = [survey for survey in found if survey.enterprise.pk == int(enterprise)]
        groups = [
            ("to_answer", _("To answer"), [s for s in found if s.state == "to_answer"]),
            ("draft", _("Drafts"), [s for s in found if s.state == "draft"]),
            ("submitted", _("Submitted"), [s for s in found if s.state == "submitted"]),
        ]
        return super().get_context_data(groups=groups, **kwargs)


class AnswerView(AnsweringPage):
    def setup_page(self):
        survey = selectors.survey_for(
            user=self.request.user,
            questionnaire_id=self.kwargs["pk"],
            enterprise_id=self.kwargs["enterprise"],
        )
        self.questionnaire, self.enterprise = survey.questionnaire, survey.enterprise
        self.response = survey.response

    def start(self):
        return answering.response_start(
            actor=self.request.user, questionnaire=self.questionnaire, enterprise=self.enterprise
        )

    def done_url(self):
        return reverse("answering:surveys")


def paper_questionnaire(user, pk: int) -> Questionnaire:
    """A questionnaire sent out (not a draft) whose audience has enterprises the user may
    enter paper questionnaires for (404 otherwise)."""
    questionnaire = get_object_or_404(
        Questionnaire.objects.select_related("owner__region", "audience_region").exclude(
            status=QuestionnaireStatus.DRAFT
        ),
        pk=pk,
    )
    if not selectors.paper_enterprises(user=user, questionnaire=questionnaire).exists():
        raise Http404
    return questionnaire


class PaperListView(LoginRequiredMixin, TemplateView):
    """Staff choose the enterprise whose paper questionnaire they type in."""

    template_name = "needs/answering/paper_list.html"

    def get_context_data(self, **kwargs):
        questionnaire = paper_questionnaire(self.request.user, self.kwargs["pk"])
        search = PaperSearchForm(self.request.GET or None)
        enterprises = selectors.paper_enterprises(
            user=self.request.user, questionnaire=questionnaire
        ).select_related("region")
        if search.is_valid() and search.cleaned_data["q"]:
            q = search.cleaned_data["q"]
            enterprises = enterprises.filter(Q(name__icontains=q) | Q(uscc__icontains=q))
        rows = list(enterprises.order_by("region__path", "name")[:50])
        answered = dict(
            Response.objects.filter(questionnaire=questionnaire, enterprise__in=rows).values_list(
                "enterprise_id", "status"
            )
        )
        for enterprise in rows:
            enterprise.response_status = answered.get(enterprise.pk)
        return super().get_context_data(
            questionnaire=questionnaire, search=search, enterprises=rows, **kwargs
        )


class PaperEntryView(AnsweringPage):
    paper = True

    def setup_page(self):
        user = self.request.user
        self.questionnaire = paper_questionnaire(user, self.kwargs["pk"])
        self.enterprise = get_object_or_404(
            selectors.paper_enterprises(user=user, questionnaire=self.questionnaire),
            pk=self.kwargs["enterprise"],
        )
        if not answering.may_enter_paper(user, self.questionnaire, self.enterprise):
            raise Http404
        self.response = Response.objects.filter(
            questionnaire=self.questionnaire, enterprise=self.enterprise
        ).first()

    def get_context_data(self, **kwargs):
        respondent = PaperRespondentForm(
            self.request.POST or None,
            initial={"respondent_name": self.response.respondent_name if self.response else ""},
        )
        return super().get_context_data(respondent_form=respondent, **kwargs)

    def start(self):
        return answering.paper_response_start(
            actor=self.request.user,
            questionnaire=self.questionnaire,
            enterprise=self.enterprise,
            respondent_name=self.request.POST.get("respondent_name", "")[:100],
        )

    def done_url(self):
        return reverse("answering:paper", args=[self.questionnaire.pk])


class PublicAnswerView(RateLimitedMixin, TemplateView):
    """Anyone with the public link answers, saying who they are and where; nothing is kept
    until they submit."""

    template_name = "needs/answering/public.html"
    rate_key = "survey-public"

    def rate_limit(self) -> int:
        return PUBLIC_REQUESTS_PER_HOUR

    def load(self):
        """After the rate limit (the mixin's dispatch): a guessed token counts too."""
        self.questionnaire = selectors.public_questionnaire(self.kwargs["token"])
        self.form = answer_data.load_form(self.questionnaire)

    def get(self, request, *args, **kwargs):
        self.load()
        return super().get(request, *args, **kwargs)

    def respondent_form(self, data=None):
        return RespondentForm(
            data,
            regions=answer_regions(self.questionnaire),
            asks_region=not any(q.kind == QuestionKind.REGION for q in self.form.questions),
        )

    def get_context_data(self, data=None, errors=None, top_errors=(), respondent=None, **kwargs):
        return super().get_context_data(
            questionnaire=self.questionnaire,
            sections=page_sections(self.form, data or {}, errors or {}, self.questionnaire),
            respondent_form=respondent or self.respondent_form(),
            top_errors=top_errors,
            public=True,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        self.load()
        data = posted_data(self.form, request.POST, request.FILES)
        respondent = self.respondent_form(request.POST)
        errors, rest = {}, []
        if respondent.is_valid():
            try:
                answering.public_response_submit(
                    questionnaire=self.questionnaire,
                    data=data,
                    **respondent.cleaned_data,
                )
            except ValidationError as error:
                errors, rest = split_errors(error, self.form)
                about_respondent = {
                    k: v
                    for k, v in getattr(error, "message_dict", {}).items()
                    if k in respondent.fields
                }
                for field, words in about_respondent.items():
                    respondent.add_error(field, words)
                    rest = [message for message in rest if message not in words]
            else:
                return redirect("answering:public_done", token=self.questionnaire.public_token)
        context = self.get_context_data(
            data=data, errors=errors, top_errors=rest, respondent=respondent
        )
        return self.render_to_response(context, status=400)


class PublicDoneView(TemplateView):
    template_name = "needs/answering/public_done.html"

    def get_context_data(self, **kwargs):
        questionnaire = get_object_or_404(Questionnaire, public_token=kwargs["token"])
        return super().get_context_data(questionnaire=questionnaire, **kwargs)
