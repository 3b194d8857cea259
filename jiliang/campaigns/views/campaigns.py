"""The campaigns a regulator sees, and a new campaign."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView, ListView

from jiliang.campaigns import selectors, services
from jiliang.campaigns.forms import CampaignForm
from jiliang.core.forms import add_service_errors


class CampaignListView(LoginRequiredMixin, ListView):
    template_name = "campaigns/campaign_list.html"
    paginate_by = 25

    def get_queryset(self):
        return selectors.campaign_list(user=self.request.user).select_related("region", "organiser")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            can_create=selectors.campaign_organisers(user=self.request.user).exists(), **kwargs
        )


class CampaignCreateView(LoginRequiredMixin, FormView):
    """A new campaign, organised by a regulator the user is an administrator or staff of:
    404 for someone of no regulator, 403 for a regulator's viewer."""

    form_class = CampaignForm
    template_name = "campaigns/campaign_form.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.organisers = selectors.campaign_organisers(user=request.user)
        if not self.organisers.exists():
            if selectors.bureau_region_ids(request.user, roles=None):
                raise PermissionDenied(_("Your role does not allow organising a campaign."))
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "organisers": self.organisers}

    def get_initial(self):
        first = self.organisers.first()
        return {"organiser": first.pk if first else None}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            campaign = services.campaign_create(
                actor=self.request.user,
                organiser=data["organiser"],
                name=data["name"],
                year=data["year"],
                period_type=data["period_type"],
                deadline_days=data["deadline_days"],
                indicators=list(data["indicators"]),
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("The campaign %(name)s was created: now allocate the quotas of the regions.")
            % {"name": campaign.name},
        )
        return redirect("campaigns:quotas", campaign.pk, campaign.region_id)

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response
