"""The quotas of a region's children, set in a table or imported from xlsx."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from jiliang.campaigns import selectors, services, spreadsheets
from jiliang.campaigns.forms import OwnQuotaForm, QuotaImportForm, QuotaTableForm
from jiliang.campaigns.views.base import CampaignMixin
from jiliang.core.forms import add_service_errors


class QuotasView(CampaignMixin, TemplateView):
    """The quotas of a region's children: editable by that region's bureau, the sum against the
    region's own quota, the warnings, and the xlsx import and export."""

    template_name = "campaigns/quotas.html"

    def setup_region(self):
        self.region = self.region_from(self.kwargs["region"])
        self.overview = selectors.quota_overview(
            user=self.user, campaign=self.campaign, parent=self.region
        )
        acting = selectors.bureau_region_ids(self.user)
        self.can_allocate = selectors.acts_for(acting, self.region.pk)
        self.is_root = self.region.pk == self.campaign.region_id
        self.can_set_own = self.is_root and selectors.acts_for(
            acting, self.campaign.organiser.region_id
        )

    def table_form(self, data=None):
        quotas = {region.pk: quota for region, quota in self.overview.children if quota}
        return QuotaTableForm(
            data,
            regions=[region for region, _quota in self.overview.children],
            quotas=quotas,
            prefix="table",
        )

    def own_form(self, data=None):
        quota = self.overview.parent_quota
        initial = (
            {
                "smes_to_help": quota.smes_to_help,
                "smes_for_mms_training": quota.smes_for_mms_training,
                "note": quota.note,
            }
            if quota
            else {}
        )
        return OwnQuotaForm(data, initial=initial, prefix="own")

    def get(self, request, *args, **kwargs):
        self.setup_region()
        return self.render_to_response(self.get_context_data())

    def post(self, request, *args, **kwargs):
        self.setup_region()
        if request.POST.get("part") == "own":
            return self.save_own()
        return self.save_table()

    def save_table(self):
        if not self.can_allocate:
            raise PermissionDenied(_("Only the region's bureau allocates its quota further down."))
        form = self.table_form(self.request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(table_form=form), status=400)
        rows = [
            spreadsheets.QuotaRow(
                row=number,
                region_name=region.name,
                region_code=region.code,
                smes_to_help=helped,
                smes_for_mms_training=trained,
                note=note,
            )
            for number, (region, helped, trained, note) in enumerate(form.filled_lines(), 1)
        ]
        try:
            warnings = services.quotas_import(
                actor=self.user, campaign=self.campaign, parent=self.region, rows=rows
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.render_to_response(self.get_context_data(table_form=form), status=400)
        messages.success(self.request, _("The quotas were saved."))
        for warning in warnings:
            messages.warning(self.request, warning)
        return redirect(self.request.path)

    def save_own(self):
        if not self.can_set_own:
            raise PermissionDenied(_("Only the campaign's organiser sets the campaign's quota."))
        form = self.own_form(self.request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(own_form=form), status=400)
        try:
            outcome = services.quota_set(
                actor=self.user,
                campaign=self.campaign,
                region=self.region,
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.render_to_response(self.get_context_data(own_form=form), status=400)
        messages.success(self.request, _("The quota was saved."))
        for warning in outcome.warnings:
            messages.warning(self.request, warning)
        return redirect(self.request.path)

    def get_context_data(self, **kwargs):
        overview = self.overview
        parent_quota = overview.parent_quota
        args = [self.campaign.pk, self.region.pk]
        context = {
            **self.campaign_context(self.region, "quotas"),
            "overview": overview,
            "can_allocate": self.can_allocate,
            "can_set_own": self.can_set_own,
            "is_root": self.is_root,
            "over_helped": parent_quota is not None
            and overview.smes_to_help_sum > parent_quota.smes_to_help,
            "over_trained": parent_quota is not None
            and overview.smes_for_mms_training_sum > parent_quota.smes_for_mms_training,
            "quota_rows": [
                {
                    "region": region,
                    "quota": quota,
                    "url": reverse("campaigns:quotas", args=[self.campaign.pk, region.pk]),
                }
                for region, quota in overview.children
            ],
            "export_url": reverse("campaigns:quotas_export", args=args),
            "template_url": reverse("campaigns:quotas_template", args=args),
            "import_url": reverse("campaigns:quotas_import", args=args),
        }
        context.setdefault("table_form", kwargs.pop("table_form", None) or self.table_form())
        context.setdefault("own_form", kwargs.pop("own_form", None) or self.own_form())
        context.setdefault("import_form", kwargs.pop("import_form", None) or QuotaImportForm())
        return super().get_context_data(**context, **kwargs)


class QuotaImportView(QuotasView):
    """An xlsx quota table for the region's children: every row right, or nothing saved."""

    def post(self, request, *args, **kwargs):
        self.setup_region()
        if not self.can_allocate:
            raise PermissionDenied(_("Only the region's bureau allocates its quota further down."))
        form = QuotaImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(import_form=form), status=400)
        upload = form.cleaned_data["file"]
        try:
            rows = spreadsheets.read_quota_table(upload, filename=upload.name)
            warnings = services.quotas_import(
                actor=self.user, campaign=self.campaign, parent=self.region, rows=rows
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.render_to_response(self.get_context_data(import_form=form), status=400)
        messages.success(
            self.request,
            _("The quotas of %(count)d regions were imported.") % {"count": len(rows)},
        )
        for warning in [*getattr(rows, "warnings", []), *warnings]:
            messages.warning(self.request, warning)
        return redirect("campaigns:quotas", self.campaign.pk, self.region.pk)
