"""Base views: every object a view touches comes from ``visible_to(request.user)``."""

from __future__ import annotations

import copy

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import DetailView, FormView, ListView, TemplateView

from jiliang.core.forms import add_service_errors
from jiliang.core.selectors import dashboard_context, request_role
from jiliang.core.services import require_editable


class ScopedViewMixin(LoginRequiredMixin):
    """Restricts the queryset to what the user may see, before any lookup (404 outside)."""

    model = None

    def get_queryset(self):
        return self.model.objects.visible_to(self.request.user)


class ScopedListView(ScopedViewMixin, ListView):
    paginate_by = 25


class ScopedDetailView(ScopedViewMixin, DetailView):
    pass


class ScopedActionView(ScopedViewMixin, FormView):
    """A form that changes one visible object through a service.

    The object must be visible (404) and editable (403); ``perform`` makes the one service call,
    whose ``ValidationError`` is shown on the form.
    """

    success_message = ""
    # A ModelForm of the object itself validates a copy, so that the service still compares
    # against the stored values for its audit trail.
    edits_object = False

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.object = self.get_object()
        require_editable(request.user, self.editable_object())
        return super().dispatch(request, *args, **kwargs)

    def get_object(self):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def editable_object(self):
        return self.object

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.edits_object:
            kwargs["instance"] = copy.deepcopy(self.object)
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(object=self.object, **kwargs)

    def form_valid(self, form):
        try:
            result = self.perform(form)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        if self.success_message:
            messages.success(self.request, self.success_message)
        return redirect(self.get_success_url(result))

    def perform(self, form):
        raise NotImplementedError

    def get_success_url(self, result=None):
        return self.object.get_absolute_url()


class DashboardView(LoginRequiredMixin, TemplateView):
    """The landing page; each role has its own template fed by one selector."""

    def get_template_names(self):
        return [f"core/dashboard_{request_role(self.request)}.html"]

    def get_context_data(self, **kwargs):
        return super().get_context_data(**dashboard_context(self.request), **kwargs)
