"""The enterprise database's pages: the regulators' search, the profile, self-registration and
its decision, and the import of a list."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView

from jiliang.core.forms import add_service_errors
from jiliang.core.ratelimit import RateLimitedMixin
from jiliang.core.views import ScopedActionView, ScopedDetailView, ScopedListView
from jiliang.orgs import enterprise_selectors as selectors
from jiliang.orgs import enterprise_services as services
from jiliang.orgs.enterprise_forms import (
    EnterpriseFilterForm,
    EnterpriseImportForm,
    EnterpriseProfileForm,
    RegistrationDecisionForm,
    RegistrationForm,
    split_tags,
)
from jiliang.orgs.enterprise_import import enterprise_import
from jiliang.orgs.enterprise_models import EnterpriseProfile, EnterpriseRegistration
from jiliang.orgs.models import Organisation, Region

REGISTRATION_REQUESTS_PER_HOUR = 30


class EnterpriseListView(ScopedListView):
    model = Organisation
    template_name = "orgs/enterprise_list.html"

    def get_queryset(self):
        user = self.request.user
        self.filter_form = EnterpriseFilterForm(self.request.GET or None, user=user)
        filters = self.filter_form.filters(Region.objects.visible_to(user))
        return selectors.enterprise_list(user=user, **filters)

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(
            filter_form=self.filter_form, query=query.urlencode(), **kwargs
        )


class EnterpriseProfileUpdateView(ScopedActionView):
    model = EnterpriseProfile
    form_class = EnterpriseProfileForm
    template_name = "orgs/profile_form.html"
    success_message = gettext_lazy("The enterprise profile was saved.")
    edits_object = True

    def get_form_kwargs(self):
        may_override = selectors.regulates(self.request.user, self.object.organisation)
        return {**super().get_form_kwargs(), "may_override": may_override}

    def perform(self, form):
        data = {name: value for name, value in form.cleaned_data.items() if name != "tags"}
        return services.enterprise_profile_update(
            actor=self.request.user,
            profile=self.object,
            data=data,
            tags=split_tags(form.cleaned_data["tags"]),
        )

    def get_success_url(self, result=None):
        return self.object.organisation.get_absolute_url()


class RegistrationCreateView(RateLimitedMixin, FormView):
    """Open to anyone: the applicant is signed in as the new enterprise's administrator and
    sees the registration waiting for a bureau. Each address has a number of requests an hour
    (it creates accounts)."""

    form_class = RegistrationForm
    template_name = "orgs/registration_form.html"
    rate_key = "enterprise-registration"

    def rate_limit(self) -> int:
        return REGISTRATION_REQUESTS_PER_HOUR

    def form_valid(self, form):
        data = form.cleaned_data
        figures = {name: data[name] for name in ("industry_code", "employees", "revenue")}
        try:
            registration = services.enterprise_register(
                **{name: data[name] for name in services.REGISTRATION_FIELDS},
                figures={**figures, "total_assets": data["total_assets"]},
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        login(self.request, registration.applicant)
        messages.success(
            self.request, _("Your registration was received: a bureau of your region confirms it.")
        )
        return redirect(registration.get_absolute_url())


class RegistrationListView(ScopedListView):
    model = EnterpriseRegistration
    template_name = "orgs/registration_list.html"

    def get_queryset(self):
        return selectors.registrations_to_decide(user=self.request.user)


class RegistrationDetailView(ScopedDetailView):
    model = EnterpriseRegistration
    template_name = "orgs/registration_detail.html"
    context_object_name = "registration"

    def get_queryset(self):
        return (
            super().get_queryset().select_related("organisation__region", "organisation__profile")
        )

    def get_context_data(self, **kwargs):
        can_decide = (
            EnterpriseRegistration.objects.editable_by(self.request.user)
            .pending()
            .filter(pk=self.object.pk)
            .exists()
        )
        return super().get_context_data(can_decide=can_decide, **kwargs)


class RegistrationDecideView(ScopedActionView):
    model = EnterpriseRegistration
    form_class = RegistrationDecisionForm
    template_name = "orgs/registration_decide.html"
    success_message = gettext_lazy("The registration was decided.")

    def perform(self, form):
        return services.registration_decide(
            actor=self.request.user, registration=self.object, **form.cleaned_data
        )

    def get_success_url(self, result=None):
        return reverse("orgs:registration_list")


class EnterpriseImportView(LoginRequiredMixin, FormView):
    form_class = EnterpriseImportForm
    template_name = "orgs/enterprise_import.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not selectors.acts_for_a_bureau(request.user):
            raise PermissionDenied(_("Only a bureau's administrators and staff import lists."))
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        try:
            created = enterprise_import(
                actor=self.request.user, content=upload.read(), filename=upload.name
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("%(count)d enterprises were imported.") % {"count": len(created)},
        )
        return redirect(f"{reverse('orgs:enterprise_list')}?sort=newest")
