"""A questionnaire's results: the statistics page, the responses and one response, the texts
answered to a question, and the exports."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView, TemplateView

from jiliang.core.pagination import UncountedPaginator
from jiliang.core.uploads import document_response
from jiliang.needs import export_jobs, exports
from jiliang.needs.forms.results import ResultsFilterForm
from jiliang.needs.selectors import results as selectors
from jiliang.needs.selectors.answering import answered_file


class QuestionnaireResultsListView(LoginRequiredMixin, ListView):
    """The questionnaires whose results the user reads, latest first."""

    template_name = "needs/results/questionnaire_list.html"
    paginate_by = 25

    def get_queryset(self):
        return selectors.questionnaire_results_list(self.request.user)


class ResultsMixin(LoginRequiredMixin):
    """The questionnaire whose results the user reads (404 otherwise) and the filters asked
    for (a region outside the viewer's subtree is a 404)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.questionnaire = selectors.questionnaire_for_results(request.user, kwargs["pk"])
        home = selectors.home_region(request.user, self.questionnaire)
        self.filter_form = ResultsFilterForm(
            request.GET,
            regions=selectors.region_choices(request.user, self.questionnaire),
            top_label=home.name if home else _("All responses"),
        )
        chosen = self.filter_form.cleaned()
        self.filters = selectors.Filters(
            region=selectors.region_for_results(
                request.user, self.questionnaire, chosen.get("region")
            ),
            industry=chosen.get("industry", ""),
            size=chosen.get("size", ""),
        )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        return {
            **super().get_context_data(**kwargs),
            "questionnaire": self.questionnaire,
            "filters": self.filters,
            "filter_form": self.filter_form,
            "query_string": query.urlencode(),
        }


class ResultsView(ResultsMixin, TemplateView):
    template_name = "needs/results/results.html"

    def get_context_data(self, **kwargs):
        results = selectors.results(questionnaire=self.questionnaire, filters=self.filters)
        return {
            **super().get_context_data(**kwargs),
            "results": results,
            "chart_data": results.charts,
            "rates": selectors.response_rates(
                questionnaire=self.questionnaire, filters=self.filters
            ),
        }


class ResponseListView(ResultsMixin, ListView):
    template_name = "needs/results/response_list.html"
    paginate_by = 25
    paginator_class = UncountedPaginator

    def get_queryset(self):
        return selectors.responses_for_results(self.request.user, self.questionnaire, self.filters)


class ResponseDetailView(ResultsMixin, TemplateView):
    template_name = "needs/results/response_detail.html"

    def get_context_data(self, **kwargs):
        response = selectors.response_for_results(
            self.request.user, self.questionnaire, self.kwargs["response_pk"]
        )
        return {
            **super().get_context_data(**kwargs),
            "response": response,
            "lines": selectors.response_answers(response),
        }


class ResponseFileView(ResultsMixin, View):
    """The file a response answered the question ``name`` with (a PDF or an image, shown in
    a sandbox)."""

    def get(self, request, *args, **kwargs):
        response = selectors.response_for_results(
            request.user, self.questionnaire, kwargs["response_pk"]
        )
        return document_response(answered_file(response, kwargs["name"]))


class TextAnswerListView(ResultsMixin, ListView):
    """The texts answered to one question (and the words of "other"), latest first."""

    template_name = "needs/results/text_answers.html"
    paginate_by = 50
    paginator_class = UncountedPaginator

    def get_queryset(self):
        self.question = get_object_or_404(
            self.questionnaire.questions, pk=self.kwargs["question_pk"]
        )
        return selectors.text_answers(
            user=self.request.user,
            questionnaire=self.questionnaire,
            question=self.question,
            filters=self.filters,
        )

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "question": self.question}


def export_table(request, questionnaire, filters) -> exports.Table:
    return exports.Table(
        questionnaire, selectors.responses_for_results(request.user, questionnaire, filters)
    )


class ExportXlsxView(ResultsMixin, View):
    """The xlsx at once when the responses are few, else a page whose button (POST) starts
    the document job."""

    def get(self, request, *args, **kwargs):
        table = export_table(request, self.questionnaire, self.filters)
        count = table.responses.count()
        if count > export_jobs.XLSX_AT_ONCE:
            return render(
                request,
                "needs/results/export_job_start.html",
                {"questionnaire": self.questionnaire, "count": count,
                 "query_string": request.GET.urlencode()},
            )  # fmt: skip
        return exports.xlsx_response(table)

    def post(self, request, *args, **kwargs):
        job = export_jobs.export_job_start(
            actor=request.user, questionnaire=self.questionnaire, filters=self.filters
        )
        return redirect(job)


class ExportCsvView(ResultsMixin, View):
    def get(self, request, *args, **kwargs):
        return exports.csv_response(export_table(request, self.questionnaire, self.filters))
