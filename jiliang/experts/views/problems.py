"""Problems: the list (the bureau's triage queue, the enterprise's own, those assigned to me),
stating and recording one, turning a need into one, the problem's page and each party's
steps."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, View

from jiliang.core.forms import add_service_errors
from jiliang.core.scoping import scope_for
from jiliang.core.uploads import document_response
from jiliang.core.views import ScopedActionView, ScopedDetailView, ScopedListView
from jiliang.experts.choices import OPEN_PROBLEM_STATES, CaseConsent, ProblemState
from jiliang.experts.forms import problems as forms
from jiliang.experts.models import Problem, ProblemDocument, TypicalCase
from jiliang.experts.models.problems import EDITOR_ROLES
from jiliang.experts.selectors import problems as selectors
from jiliang.experts.services import problem_parties as parties
from jiliang.experts.services import problems as services
from jiliang.needs.models import Need
from jiliang.orgs.choices import OrganisationKind
from jiliang.orgs.models import Organisation

S = ProblemState


class BadRequestOnInvalid:
    def form_invalid(self, form, **kwargs):
        response = super().form_invalid(form, **kwargs)
        response.status_code = 400
        return response


def own_enterprises(user):
    """The enterprises in which the user is an administrator or staff."""
    scope = scope_for(user)
    ids = scope.organisation_ids(EDITOR_ROLES) if scope else set()
    return Organisation.objects.filter(pk__in=ids, kind=OrganisationKind.ENTERPRISE)


def own_bureaus(user):
    """The bureaus in which the user is an administrator or staff."""
    scope = scope_for(user)
    ids = scope.organisation_ids(EDITOR_ROLES) if scope else set()
    return Organisation.objects.filter(pk__in=ids, kind=OrganisationKind.REGULATOR)


def regulated_enterprises(user):
    scope = scope_for(user)
    if scope is None or not (scope.regulated_region_ids or scope.is_platform_admin):
        return Organisation.objects.none()
    return Organisation.objects.visible_to(user).filter(kind=OrganisationKind.ENTERPRISE)


class ProblemListView(ScopedListView):
    model = Problem
    template_name = "experts/problems/problem_list.html"

    def get_queryset(self):
        self.filter_form = forms.ProblemFilterForm(self.request.GET)
        return selectors.problem_list(user=self.request.user, filters=self.filter_form.filters())

    def get_context_data(self, **kwargs):
        user = self.request.user
        scope = scope_for(user)
        is_bureau = bool(scope.regulated_region_ids)
        counts = selectors.state_counts(user=user) if is_bureau else None
        return super().get_context_data(
            filter_form=self.filter_form,
            state_tabs=[(value, label, counts[value]) for value, label in S.choices]
            if counts
            else None,
            overdue_count=counts["overdue"] if counts else 0,
            can_state=own_enterprises(user).exists(),
            can_record=is_bureau,
            today=timezone.localdate(),
            **kwargs,
        )


class ProblemFormView(LoginRequiredMixin, BadRequestOnInvalid, FormView):
    form_class = forms.ProblemForm
    template_name = "experts/problems/problem_form.html"
    by_code = False

    def enterprises(self):
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not self.enterprises().exists():
            raise PermissionDenied(self.refusal)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "enterprises": self.enterprises(),
            "by_code": self.by_code,
        }

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        document = data.pop("document", None)
        try:
            problem = self.service(
                actor=self.request.user,
                enterprise=data.pop("enterprise"),
                documents=[document] if document else [],
                **data,
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        return redirect(problem.get_absolute_url())


class ProblemCreateView(ProblemFormView):
    """An enterprise states a problem."""

    refusal = gettext_lazy("Only an enterprise's administrators and staff do this.")
    extra_context = {"heading": gettext_lazy("State a problem")}

    def enterprises(self):
        return own_enterprises(self.request.user)

    def service(self, **kwargs):
        return services.problem_create(**kwargs)


class ProblemRecordView(ProblemFormView):
    """A bureau records a problem it heard."""

    by_code = True
    refusal = gettext_lazy("Only a bureau records problems it heard.")
    extra_context = {"heading": gettext_lazy("Record a problem")}

    def enterprises(self):
        return regulated_enterprises(self.request.user)

    def service(self, **kwargs):
        return services.problem_record(**kwargs)


class ProblemFromNeedView(BadRequestOnInvalid, ScopedActionView):
    """The bureau or the visiting team turns a visit's need into a problem."""

    model = Need
    form_class = forms.FromNeedForm
    template_name = "experts/problems/from_need.html"

    def get_initial(self):
        need = self.object
        return {
            "title": need.get_topic_display(),
            "description": need.description,
            "urgency": "high" if need.urgency == "high" else "normal",
        }

    def perform(self, form):
        return services.problem_from_need(
            actor=self.request.user, need=self.object, **form.cleaned_data
        )

    def get_success_url(self, result=None):
        return result.get_absolute_url()


class ProblemDetailView(ScopedDetailView):
    model = Problem
    template_name = "experts/problems/problem_detail.html"

    def get_object(self, queryset=None):
        try:
            return selectors.problem_detail(user=self.request.user, pk=self.kwargs["pk"])
        except Problem.DoesNotExist:
            raise Http404 from None

    def get_context_data(self, **kwargs):
        problem, user = self.object, self.request.user
        return super().get_context_data(
            actions=available_actions(user, problem),
            can_start_project=problem.state in OPEN_PROBLEM_STATES
            and not problem.project_id
            and own_bureaus(user).exists()
            and parties.is_bureau(user, problem),
            can_publish_case=problem.state == S.SOLVED
            and problem.case_consent != CaseConsent.NO
            and not TypicalCase.objects.filter(problem=problem).exists()
            and parties.is_bureau(user, problem),
            today=timezone.localdate(),
            **kwargs,
        )


def available_actions(user, problem) -> dict:
    """The steps the user may take now, by name, each with its empty form."""
    state = problem.state
    bureau = parties.is_bureau(user, problem)
    assignee = state != S.NEW and parties.is_assignee(user, problem)
    enterprise = parties.is_enterprise(user, problem)
    offered = {
        "assign": bureau and state in services.ASSIGNABLE,
        "start": assignee and state == S.ASSIGNED,
        "propose": assignee and state == S.IN_PROGRESS,
        "confirm": enterprise and state == S.PROPOSED,
        "unsolvable": (bureau or assignee) and state in services.ASSIGNABLE | {S.PROPOSED},
        "reopen": enterprise and state in services.REOPENABLE,
        "document": bureau or assignee or enterprise,
    }
    return {name: ACTION_FORMS[name]() for name, shown in offered.items() if shown}


ACTION_FORMS = {
    "assign": forms.AssignForm,
    "start": forms.StartForm,
    "propose": forms.ProposeForm,
    "confirm": forms.ConfirmForm,
    "unsolvable": forms.UnsolvableForm,
    "reopen": forms.ReopenForm,
    "document": forms.DocumentForm,
}


class ProblemActionView(BadRequestOnInvalid, ScopedActionView):
    """A step of one party: 404 out of sight, 403 for the others (before the form shows)."""

    model = Problem
    template_name = "experts/problems/problem_action.html"
    heading = ""
    party = staticmethod(parties.require_any_party)

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            problem = get_object_or_404(self.get_queryset(), pk=kwargs["pk"])
            self.party(request.user, problem)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=self.heading, **kwargs)

    def get_success_url(self, result=None):
        return self.object.get_absolute_url()


class ProblemAssignView(ProblemActionView):
    party = staticmethod(parties.require_bureau)
    form_class = forms.AssignForm
    heading = gettext_lazy("Assign the problem")
    success_message = gettext_lazy("The problem was assigned.")

    def perform(self, form):
        return services.problem_assign(
            actor=self.request.user, problem=self.object, **form.cleaned_data
        )


class ProblemStartView(ProblemActionView):
    party = staticmethod(parties.require_assignee)
    form_class = forms.StartForm
    heading = gettext_lazy("Start working on the problem")
    success_message = gettext_lazy("You started working on the problem.")

    def perform(self, form):
        return services.problem_start(actor=self.request.user, problem=self.object)


class ProblemProposeView(ProblemActionView):
    party = staticmethod(parties.require_assignee)
    form_class = forms.ProposeForm
    heading = gettext_lazy("Propose a solution")
    success_message = gettext_lazy("The solution was proposed to the enterprise.")

    def perform(self, form):
        return services.problem_propose(
            actor=self.request.user, problem=self.object, **form.cleaned_data
        )


class ProblemConfirmView(ProblemActionView):
    party = staticmethod(parties.require_enterprise)
    form_class = forms.ConfirmForm
    heading = gettext_lazy("Confirm the problem solved")
    success_message = gettext_lazy("Thank you: the problem is solved.")

    def perform(self, form):
        return services.problem_confirm(
            actor=self.request.user, problem=self.object, **form.cleaned_data
        )


class ProblemUnsolvableView(ProblemActionView):
    party = staticmethod(parties.require_bureau_or_assignee)
    form_class = forms.UnsolvableForm
    heading = gettext_lazy("Close as not solvable")
    success_message = gettext_lazy("The problem was closed as not solvable.")

    def perform(self, form):
        return services.problem_unsolvable(
            actor=self.request.user, problem=self.object, **form.cleaned_data
        )


class ProblemReopenView(ProblemActionView):
    party = staticmethod(parties.require_enterprise)
    form_class = forms.ReopenForm
    heading = gettext_lazy("Reopen the problem")
    success_message = gettext_lazy("The problem was reopened.")

    def perform(self, form):
        return services.problem_reopen(
            actor=self.request.user, problem=self.object, **form.cleaned_data
        )


class ProblemDocumentAddView(ProblemActionView):
    form_class = forms.DocumentForm
    heading = gettext_lazy("Attach a document")
    success_message = gettext_lazy("The document was attached.")

    def perform(self, form):
        return services.problem_document_add(
            actor=self.request.user, problem=self.object, **form.cleaned_data
        )


class ProblemDocumentView(LoginRequiredMixin, View):
    def get(self, request, pk, document_pk):
        problem = get_object_or_404(Problem.objects.visible_to(request.user), pk=pk)
        document = get_object_or_404(ProblemDocument, problem=problem, pk=document_pk)
        return document_response(document.file)
