"""Joint projects (联合攻关): the list, a bureau starting one from hard problems, the project's
page, milestones, documents and its end."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, View

from jiliang.core.forms import add_service_errors
from jiliang.core.uploads import document_response
from jiliang.core.views import ScopedActionView, ScopedDetailView, ScopedListView
from jiliang.experts.choices import OPEN_PROBLEM_STATES, ProjectState
from jiliang.experts.forms import problems as forms
from jiliang.experts.models import JointProject, Problem, ProjectDocument, ProjectMilestone
from jiliang.experts.selectors import problems as selectors
from jiliang.experts.services import projects as services
from jiliang.experts.views.problems import BadRequestOnInvalid, own_bureaus


class ProjectListView(ScopedListView):
    model = JointProject
    template_name = "experts/problems/project_list.html"

    def get_queryset(self):
        return selectors.project_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(can_start=own_bureaus(self.request.user).exists(), **kwargs)


class ProjectCreateView(LoginRequiredMixin, BadRequestOnInvalid, FormView):
    form_class = forms.ProjectForm
    template_name = "experts/problems/project_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not own_bureaus(request.user).exists():
            raise PermissionDenied(gettext_lazy("Only a bureau starts joint projects."))
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        initial = {"started_on": timezone.localdate()}
        if self.request.GET.get("problem", "").isdigit():
            initial["problems"] = [int(self.request.GET["problem"])]
        return initial

    def get_form_kwargs(self):
        user = self.request.user
        problems = Problem.objects.visible_to(user).filter(
            state__in=OPEN_PROBLEM_STATES, project__isnull=True
        )
        return {**super().get_form_kwargs(), "bureaus": own_bureaus(user), "problems": problems}

    def form_valid(self, form):
        try:
            project = services.project_create(actor=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        return redirect(project.get_absolute_url())


class ProjectDetailView(ScopedDetailView):
    model = JointProject
    template_name = "experts/problems/project_detail.html"

    def get_object(self, queryset=None):
        try:
            return selectors.project_detail(user=self.request.user, pk=self.kwargs["pk"])
        except JointProject.DoesNotExist:
            raise Http404 from None

    def get_context_data(self, **kwargs):
        project = self.object
        editable = (
            project.state == ProjectState.ACTIVE
            and JointProject.objects.editable_by(self.request.user).filter(pk=project.pk).exists()
        )
        return super().get_context_data(
            editable=editable,
            milestone_form=forms.MilestoneForm() if editable else None,
            document_form=forms.DocumentForm() if editable else None,
            finish_form=forms.FinishForm() if editable else None,
            **kwargs,
        )


class ProjectActionView(BadRequestOnInvalid, ScopedActionView):
    model = JointProject
    template_name = "experts/problems/project_action.html"
    heading = ""

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=self.heading, **kwargs)


class MilestoneAddView(ProjectActionView):
    form_class = forms.MilestoneForm
    heading = gettext_lazy("Add a milestone")
    success_message = gettext_lazy("The milestone was added.")

    def perform(self, form):
        return services.milestone_add(
            actor=self.request.user, project=self.object, **form.cleaned_data
        )


class MilestoneDoneView(LoginRequiredMixin, View):
    def post(self, request, pk, milestone_pk):
        project = get_object_or_404(JointProject.objects.visible_to(request.user), pk=pk)
        milestone = get_object_or_404(ProjectMilestone, project=project, pk=milestone_pk)
        try:
            services.milestone_done(actor=request.user, milestone=milestone)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect(project.get_absolute_url())


class ProjectDocumentAddView(ProjectActionView):
    form_class = forms.DocumentForm
    heading = gettext_lazy("Add a document")
    success_message = gettext_lazy("The document was added.")

    def perform(self, form):
        return services.project_document_add(
            actor=self.request.user, project=self.object, **form.cleaned_data
        )


class ProjectFinishView(ProjectActionView):
    form_class = forms.FinishForm
    heading = gettext_lazy("End the project")
    success_message = gettext_lazy("The project has ended.")

    def perform(self, form):
        finish = (
            services.project_abandon
            if form.cleaned_data["abandon"]
            else (services.project_complete)
        )
        return finish(
            actor=self.request.user, project=self.object, outcome=form.cleaned_data["outcome"]
        )


class ProjectDocumentView(LoginRequiredMixin, View):
    def get(self, request, pk, document_pk):
        project = get_object_or_404(JointProject.objects.visible_to(request.user), pk=pk)
        document = get_object_or_404(ProjectDocument, project=project, pk=document_pk)
        return document_response(document.file)
