"""The expert registry's pages: the list of experts and an expert's page, registering and
editing an expert, their availability, and the expert groups bureaus form."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView

from jiliang.core.forms import ConfirmForm, add_service_errors
from jiliang.core.services import require_editable
from jiliang.core.views import ScopedActionView, ScopedDetailView, ScopedListView
from jiliang.experts.forms.registry import (
    AvailabilityForm,
    ExpertFilterForm,
    ExpertForm,
    GroupForm,
    expert_initial,
    group_initial,
)
from jiliang.experts.models import Expert, ExpertGroup
from jiliang.experts.selectors import registry as selectors
from jiliang.experts.services import registry as services
from jiliang.orgs.models import Organisation
from jiliang.orgs.selectors import managed_bureaus


class BadRequestOnInvalid:
    def form_invalid(self, form, **kwargs):
        response = super().form_invalid(form, **kwargs)
        response.status_code = 400
        return response


def _editable(user, instance) -> bool:
    return type(instance).objects.editable_by(user).filter(pk=instance.pk).exists()


def group_bureaus(user):
    """The bureaus whose groups the user forms (admin or staff)."""
    return managed_bureaus(user=user)


# Experts ----------------------------------------------------------------------------------------


class ExpertListView(ScopedListView):
    model = Expert
    template_name = "experts/registry/expert_list.html"

    def get_queryset(self):
        self.filter_form = ExpertFilterForm(self.request.GET)
        return selectors.expert_list(user=self.request.user, filters=self.filter_form.filters())

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(
            filter_form=self.filter_form,
            query_string=query.urlencode(),
            can_register=selectors.registrar_organisations(user=self.request.user).exists(),
            **kwargs,
        )


class ExpertDetailView(ScopedDetailView):
    model = Expert
    template_name = "experts/registry/expert_detail.html"

    def get_object(self, queryset=None):
        return selectors.expert_detail(user=self.request.user, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        expert, user = self.object, self.request.user
        can_edit = _editable(user, expert)
        return super().get_context_data(
            groups=selectors.expert_groups(expert),
            record=selectors.expert_record(expert, user=user),
            can_edit=can_edit,
            can_set_availability=can_edit or expert.user_id == user.pk,
            **kwargs,
        )


class ExpertCreateView(LoginRequiredMixin, BadRequestOnInvalid, FormView):
    form_class = ExpertForm
    template_name = "experts/registry/expert_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.organisations = selectors.registrar_organisations(user=request.user)
            if not self.organisations.exists():
                raise PermissionDenied(
                    _("Bureaus and the administrators of organisations register experts.")
                )
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "organisations": self.organisations}

    def form_valid(self, form):
        values = form.service_data()
        try:
            expert = services.expert_register(
                actor=self.request.user,
                user=form.cleaned_data["username"],
                fields=values["fields"],
                **values["data"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        return redirect(expert.get_absolute_url())


class ExpertUpdateView(BadRequestOnInvalid, ScopedActionView):
    model = Expert
    form_class = ExpertForm
    template_name = "experts/registry/expert_form.html"
    success_message = gettext_lazy("The expert's profile was saved.")

    def get_initial(self):
        return expert_initial(self.object)

    def get_form_kwargs(self):
        organisations = selectors.registrar_organisations(user=self.request.user)
        # The expert's own organisation stays choosable (an org admin may not list it).
        organisations = organisations | Organisation.objects.filter(pk=self.object.organisation_id)
        return {**super().get_form_kwargs(), "organisations": organisations, "editing": True}

    def perform(self, form):
        return services.expert_update(
            actor=self.request.user, expert=self.object, **form.service_data()
        )


class ExpertAvailabilityView(BadRequestOnInvalid, ScopedActionView):
    model = Expert
    form_class = AvailabilityForm
    template_name = "experts/registry/expert_availability.html"
    success_message = gettext_lazy("The availability was saved.")

    def dispatch(self, request, *args, **kwargs):
        """The expert themself sets it, beside those who edit the profile."""
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.object = self.get_object()
        if self.object.user_id != request.user.pk:
            require_editable(request.user, self.object)
        return super(ScopedActionView, self).dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {
            "is_available": self.object.is_available,
            "unavailable_until": self.object.unavailable_until,
        }

    def perform(self, form):
        return services.expert_set_availability(
            actor=self.request.user, expert=self.object, **form.cleaned_data
        )


# Groups -----------------------------------------------------------------------------------------


class GroupListView(ScopedListView):
    model = ExpertGroup
    template_name = "experts/registry/group_list.html"

    def get_queryset(self):
        return selectors.group_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            can_form=group_bureaus(self.request.user).exists(), **kwargs
        )


class GroupDetailView(ScopedDetailView):
    model = ExpertGroup
    template_name = "experts/registry/group_detail.html"

    def get_object(self, queryset=None):
        return selectors.group_detail(user=self.request.user, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            can_edit=_editable(self.request.user, self.object), **kwargs
        )


class GroupCreateView(LoginRequiredMixin, BadRequestOnInvalid, FormView):
    form_class = GroupForm
    template_name = "experts/registry/group_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.bureaus = group_bureaus(request.user)
            if not self.bureaus.exists():
                raise PermissionDenied(_("Only a bureau's administrators and staff form groups."))
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "bureaus": self.bureaus}

    def form_valid(self, form):
        values = form.service_data()
        try:
            group = services.group_create(
                actor=self.request.user, members=values["members"], **values["data"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        return redirect(group.get_absolute_url())


class GroupUpdateView(BadRequestOnInvalid, ScopedActionView):
    model = ExpertGroup
    form_class = GroupForm
    template_name = "experts/registry/group_form.html"
    success_message = gettext_lazy("The group was saved.")

    def get_initial(self):
        return group_initial(self.object)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "bureaus": None}

    def perform(self, form):
        return services.group_update(
            actor=self.request.user, group=self.object, **form.service_data()
        )


class GroupDeactivateView(ScopedActionView):
    model = ExpertGroup
    form_class = ConfirmForm
    template_name = "experts/registry/group_deactivate.html"
    success_message = gettext_lazy("The group was deactivated.")

    def perform(self, form):
        return services.group_update(
            actor=self.request.user, group=self.object, data={"is_active": False}
        )
