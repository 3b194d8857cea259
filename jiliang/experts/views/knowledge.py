"""The knowledge base's pages: search, common questions and typical cases for everyone (no
sign-in), suggestions while a question is typed, and what bureaus write and publish."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, ListView, TemplateView

from jiliang.core.forms import add_service_errors
from jiliang.core.views import ScopedActionView
from jiliang.experts.forms.knowledge import (
    CaseEditForm,
    CasePublishForm,
    KnowledgeEntryForm,
    PublishingForm,
    SearchForm,
)
from jiliang.experts.models import Consultation, KnowledgeEntry, Problem, TypicalCase
from jiliang.experts.search import query
from jiliang.experts.search.index import consultation_answers
from jiliang.experts.selectors import knowledge as selectors
from jiliang.experts.services import knowledge as services
from jiliang.orgs.selectors import managed_bureaus

RESULTS = 100  # the most a search lists, 10 a page
PAGE = 10


def entry_url(entry) -> str:
    return reverse("knowledge:entry_detail", args=[entry.pk])


def case_url(case) -> str:
    return reverse("knowledge:case_detail", args=[case.pk])


class SearchView(TemplateView):
    template_name = "experts/knowledge/search.html"

    def get_context_data(self, **kwargs):
        form = SearchForm(self.request.GET or None)
        context = {"form": form, "can_write": _can_write(self.request.user)}
        if form.is_valid() and form.cleaned_data["q"].strip():
            data = form.cleaned_data
            hits = query.search(
                data["q"],
                kinds=[data["kind"]] if data["kind"] else None,
                field=data["field"] or None,
                limit=RESULTS,
            )
            page = Paginator(hits, PAGE).get_page(self.request.GET.get("page"))
            context.update(searched=True, page_obj=page, is_paginated=page.has_other_pages())
        elif form.is_bound and form.is_valid():
            context["message"] = _("Type the words you are looking for, such as 压力表 检定周期.")
        if not context.get("searched"):
            context["latest"] = selectors.entries(user=self.request.user).published()[:10]
        return super().get_context_data(**context, **kwargs)


class SuggestView(TemplateView):
    """The htmx partial under the question being asked (``?q=``, or the form's ``title``)."""

    template_name = "experts/knowledge/_suggestions.html"

    def get_context_data(self, **kwargs):
        text = (self.request.GET.get("q") or self.request.GET.get("title") or "").strip()
        text = text[: query.QUERY_MAX_LENGTH]
        return super().get_context_data(hits=query.suggest(text) if text else [], **kwargs)


def _can_write(user) -> bool:
    return user.is_authenticated and managed_bureaus(user=user).exists()


class EntryDetailView(DetailView):
    template_name = "experts/knowledge/entry_detail.html"
    context_object_name = "entry"

    def get_queryset(self):
        return selectors.entries(user=self.request.user).select_related("source")

    def get_context_data(self, **kwargs):
        entry, user = self.object, self.request.user
        can_edit = KnowledgeEntry.objects.editable_by(user).filter(pk=entry.pk).exists()
        return super().get_context_data(can_edit=can_edit, **kwargs)


class CaseListView(ListView):
    template_name = "experts/knowledge/case_list.html"
    paginate_by = 20
    context_object_name = "cases"

    def get_queryset(self):
        return selectors.cases(user=self.request.user)


class CaseDetailView(DetailView):
    template_name = "experts/knowledge/case_detail.html"
    context_object_name = "case"

    def get_queryset(self):
        return selectors.cases(user=self.request.user)

    def get_context_data(self, **kwargs):
        editable = TypicalCase.objects.editable_by(self.request.user)
        return super().get_context_data(
            can_edit=editable.filter(pk=self.object.pk).exists(), **kwargs
        )


# What bureaus write ----------------------------------------------------------------------------


class BureauFormView(LoginRequiredMixin, FormView):
    """A form only a bureau's administrators and staff open; ``perform`` calls the service."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.bureaus = managed_bureaus(user=request.user)
            if not self.bureaus.exists():
                raise PermissionDenied(_("Only a bureau's administrators and staff publish here."))
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            result = self.perform(form)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        return redirect(self.success_url_for(result))

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response

    success_url_for = staticmethod(entry_url)


class EntryCreateView(BureauFormView):
    template_name = "experts/knowledge/entry_form.html"
    form_class = PublishingForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "bureaus": self.bureaus}

    def perform(self, form):
        return services.knowledge_entry_create(actor=self.request.user, **form.cleaned_data)


class CollectListView(BureauFormView):
    """Accepted public answers of the bureau's regions not yet in the common questions."""

    template_name = "experts/knowledge/collect.html"

    def get(self, request, *args, **kwargs):
        consultations = selectors.answers_to_collect(user=request.user).order_by("-updated")
        return self.render_to_response({"consultations": consultations[:100]})


class EntryFromConsultationView(EntryCreateView):
    """A public consultation's answer, edited by the bureau, joins the knowledge base."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.consultation = get_object_or_404(
                Consultation.objects.visible_to(request.user).public(), pk=kwargs["pk"]
            )
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        answers = consultation_answers(self.consultation)
        return {
            "question": self.consultation.title,
            "answer": "\n\n".join(answers),
            "field": self.consultation.field,
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(consultation=self.consultation, **kwargs)

    def perform(self, form):
        return services.knowledge_entry_from_consultation(
            actor=self.request.user, consultation=self.consultation, **form.cleaned_data
        )


class EntryEditView(ScopedActionView):
    model = KnowledgeEntry
    form_class = KnowledgeEntryForm
    template_name = "experts/knowledge/entry_form.html"
    edits_object = True

    def perform(self, form):
        return services.knowledge_entry_update(
            actor=self.request.user, entry=self.object, data=form.cleaned_data
        )

    def get_success_url(self, result=None):
        return entry_url(self.object)


class CasePublishView(BureauFormView):
    template_name = "experts/knowledge/case_form.html"
    form_class = CasePublishForm
    success_url_for = staticmethod(case_url)

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.problem = get_object_or_404(
                Problem.objects.visible_to(request.user), pk=kwargs["pk"]
            )
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        problem = self.problem
        return {
            "title": problem.title,
            "problem_summary": problem.description,
            "solution_summary": problem.solution,
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(problem=self.problem, **kwargs)

    def perform(self, form):
        return services.typical_case_publish(
            actor=self.request.user, problem=self.problem, **form.cleaned_data
        )


class CaseEditView(ScopedActionView):
    model = TypicalCase
    form_class = CaseEditForm
    template_name = "experts/knowledge/case_form.html"
    edits_object = True

    def perform(self, form):
        return services.typical_case_update(
            actor=self.request.user, case=self.object, data=form.cleaned_data
        )

    def get_success_url(self, result=None):
        return case_url(self.object)
