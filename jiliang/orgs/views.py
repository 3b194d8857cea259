from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from jiliang.core import audit_display
from jiliang.core.dashboards import registry
from jiliang.core.forms import ConfirmForm
from jiliang.core.views import ScopedActionView, ScopedDetailView, ScopedListView
from jiliang.orgs import selectors, services
from jiliang.orgs.forms import (
    AuditEventFilterForm,
    MembershipAddForm,
    MembershipRoleForm,
    OrganisationFilterForm,
    OrganisationProfileForm,
)
from jiliang.orgs.models import Membership, Organisation, Region


class RegionListView(ScopedListView):
    model = Region
    paginate_by = 100

    def get_queryset(self):
        return selectors.region_list(user=self.request.user)


class RegionDetailView(ScopedDetailView):
    model = Region

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            children=selectors.region_list(user=user).filter(parent=self.object),
            organisations=selectors.organisation_list(user=user, region=self.object)[:50],
            counts=selectors.organisation_counts_by_kind(user=user, region=self.object),
            **kwargs,
        )


class OrganisationListView(ScopedListView):
    model = Organisation

    def get_queryset(self):
        self.filter_form = OrganisationFilterForm(self.request.GET or None)
        filters = self.filter_form.cleaned_data if self.filter_form.is_valid() else {}
        return selectors.organisation_list(
            user=self.request.user, kind=filters.get("kind", ""), query=filters.get("q", "")
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter_form=self.filter_form, **kwargs)


class OrganisationDetailView(ScopedDetailView):
    model = Organisation

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            memberships=selectors.membership_list(user=user, organisation=self.object),
            can_manage=Organisation.objects.editable_by(user).filter(pk=self.object.pk).exists(),
            panels=registry.organisation_page(user, self.object),
            **kwargs,
        )


class OrganisationUpdateView(ScopedActionView):
    model = Organisation
    form_class = OrganisationProfileForm
    template_name = "orgs/organisation_form.html"
    success_message = _("The organisation was saved.")

    edits_object = True

    def perform(self, form):
        return services.organisation_update(
            actor=self.request.user, organisation=self.object, data=form.cleaned_data
        )


class AuditEventListView(ScopedListView):
    template_name = "orgs/audit_event_list.html"

    def get_queryset(self):
        user = self.request.user
        self.organisation = get_object_or_404(
            Organisation.objects.visible_to(user), pk=self.kwargs["pk"]
        )
        operators = selectors.audit_operators(user=user, organisation=self.organisation)
        self.filter_form = AuditEventFilterForm(
            self.request.GET or None, groups=audit_display.event_groups(), operators=operators
        )
        filters = self.filter_form.cleaned_data if self.filter_form.is_valid() else {}
        return selectors.audit_event_list(user=user, organisation=self.organisation, **filters)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(
            organisation=self.organisation, filter_form=self.filter_form, **kwargs
        )
        context["object_list"] = audit_display.describe(context["object_list"])
        return context


class MembershipAddView(ScopedActionView):
    model = Organisation
    form_class = MembershipAddForm
    template_name = "orgs/membership_add.html"
    success_message = _("The member was added.")

    def perform(self, form):
        return services.membership_add_person(
            actor=self.request.user, organisation=self.object, **form.cleaned_data
        )


class MembershipRoleView(ScopedActionView):
    model = Membership
    form_class = MembershipRoleForm
    template_name = "orgs/membership_role.html"
    success_message = _("The role was changed.")

    def editable_object(self):
        return self.object.organisation

    def get_initial(self):
        return {"role": self.object.role}

    def perform(self, form):
        return services.membership_change_role(
            actor=self.request.user, membership=self.object, role=form.cleaned_data["role"]
        )

    def get_success_url(self, result=None):
        return self.object.organisation.get_absolute_url()


class MembershipRemoveView(MembershipRoleView):
    form_class = ConfirmForm
    template_name = "orgs/membership_remove.html"
    success_message = _("The member was removed.")

    def get_initial(self):
        return {}

    def perform(self, form):
        return services.membership_remove(actor=self.request.user, membership=self.object)
