"""The campaign pages of the regulators: the campaigns they see, a new campaign, the roll-up
table of a region and period with its downloads, the quotas of a region's children, a
bureau's own figures and report, the reports awaiting its decision, and the dashboard.

Every read goes through ``campaigns.selectors`` (what the user may see), every write is one
call into ``campaigns.services`` (which decides who may act and refuses bad input)."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.generic import FormView, ListView, TemplateView, View

from jiliang.campaigns import documents, periods, rollup, selectors, services, spreadsheets
from jiliang.campaigns.choices import ReportStatus
from jiliang.campaigns.forms import (
    CampaignForm,
    FiguresForm,
    OwnQuotaForm,
    QuotaImportForm,
    QuotaTableForm,
    ReasonForm,
)
from jiliang.campaigns.models import WHOLE_CAMPAIGN, Campaign, Report
from jiliang.campaigns.reference import national_totals_2021
from jiliang.core.forms import ConfirmForm, add_service_errors
from jiliang.core.responses import XLSX
from jiliang.core.scoping import scope_for
from jiliang.core.views import ScopedActionView
from jiliang.orgs.models import Region, path_codes

LOCKED = (ReportStatus.SUBMITTED, ReportStatus.APPROVED)
CHANGEABLE = (ReportStatus.OPEN, ReportStatus.RETURNED)
STATUS_CSS = {
    ReportStatus.OPEN: "text-bg-light border",
    ReportStatus.SUBMITTED: "text-bg-info",
    ReportStatus.RETURNED: "text-bg-warning",
    ReportStatus.APPROVED: "text-bg-success",
}
# Achievement colours (bar and text together): reached, on the way, behind.
ACHIEVED, ON_THE_WAY = 1.0, 0.6
CHART_COLOURS = {"reached": "#198754", "on_the_way": "#d39e00", "behind": "#dc3545"}
PDF = "application/pdf"
MAX_PK = 2**31 - 1


class BadQuery(Exception):
    """A query string naming what the campaign does not have (a period, an indicator)."""


# Who acts for which bureau ------------------------------------------------------------------------


def status_display(status: str | None) -> dict | None:
    if status is None:
        return None
    return {"value": status, "label": ReportStatus(status).label, "css": STATUS_CSS[status]}


def percent(ratio: float | None) -> float | None:
    return None if ratio is None else round(ratio * 100, 1)


def achievement_display(ratio: float | None) -> dict:
    """What an achievement cell shows: the bar's value, the text and its colour."""
    if ratio is None:
        return {"ratio": None, "percent": None, "bar": "0", "level": "", "css": ""}
    level = "reached" if ratio >= ACHIEVED else "on_the_way" if ratio >= ON_THE_WAY else "behind"
    css = {
        "reached": "text-success",
        "on_the_way": "text-warning-emphasis",
        "behind": "text-danger",
    }[level]
    return {
        "ratio": ratio,
        "percent": percent(ratio),
        "bar": f"{min(ratio, 1.0) * 100:.1f}",  # not localised: an attribute
        "level": level,
        "css": css,
    }


def safe_filename(*parts: str) -> str:
    return re.sub(r'[\\/:*?"<>|\s]+', "-", "-".join(str(part) for part in parts)).strip("-")


def download(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def query(url: str, **params) -> str:
    params = {key: value for key, value in params.items() if value not in (None, "")}
    return f"{url}?{urlencode(params)}" if params else url


def current_period_key(campaign, today) -> str:
    """The period holding ``today``; the last one after the campaign, the first before it."""
    keys = periods.periods_of(campaign)
    for period in keys:
        if period.start <= today <= period.end:
            return period.key
    return keys[-1].key if today > keys[-1].end else keys[0].key


# The pages of one campaign ------------------------------------------------------------------------


class CampaignMixin(LoginRequiredMixin):
    """A page of one campaign the user sees (404 otherwise); ``region`` and ``period`` come from
    the query string, checked by the selectors (a region outside the user's view: 404; a period
    the campaign does not have: 400 with the reason)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.campaign = get_object_or_404(
            Campaign.objects.visible_to(request.user).select_related("region", "organiser"),
            pk=min(kwargs["pk"], MAX_PK),
        )
        try:
            return super().dispatch(request, *args, **kwargs)
        except BadQuery as error:
            return self.bad_query(str(error))

    def bad_query(self, message):
        from django.shortcuts import render

        return render(
            self.request,
            "campaigns/bad_request.html",
            {"campaign": self.campaign, "message": message},
            status=400,
        )

    @property
    def user(self):
        return self.request.user

    def region_from(self, value) -> Region:
        if value in (None, ""):
            region = selectors.home_region(user=self.user, campaign=self.campaign)
            if region is None:
                raise Http404
            return region
        if not str(value).isdigit():
            raise Http404
        try:
            return selectors.region_in_view(
                user=self.user, campaign=self.campaign, region=min(int(value), MAX_PK)
            )
        except ValidationError as error:  # outside the campaign: nothing to show here
            raise Http404 from error

    def period_from(self, value, *, default=WHOLE_CAMPAIGN, allow_total=True):
        try:
            return selectors.period_in_campaign(
                self.campaign, value or default, allow_total=allow_total
            )
        except ValidationError as error:
            raise BadQuery(" ".join(error.messages)) from error

    def breadcrumb(self, region) -> list[Region]:
        """The regions from the highest one the user may look at down to ``region``."""
        codes = path_codes(region.path)
        scope = scope_for(self.user)
        ancestors = Region.objects.filter(
            code__in=codes, path__startswith=self.campaign.region.path
        ).order_by("path")
        trail = [
            ancestor
            for ancestor in ancestors
            if scope.is_platform_admin or ancestor.pk in scope.regulated_region_ids
        ]
        return trail or [region]

    def page_url(self, name, **params) -> str:
        return query(reverse(f"campaigns:{name}", args=[self.campaign.pk]), **params)

    def region_url(self, page, region, period_key=None) -> str:
        """The same page for another region."""
        if page == "quotas":
            return reverse("campaigns:quotas", args=[self.campaign.pk, region.pk])
        return self.page_url(page, region=region.pk, period=period_key)

    def campaign_context(self, region, active, period=None) -> dict:
        period_key = period.key if period else None
        tabs = [
            ("campaign_detail", gettext_lazy("Roll-up"), {"period": period_key}),
            ("dashboard", pgettext_lazy("campaign", "Dashboard"), {}),
            ("quotas", gettext_lazy("Quotas"), {}),
            ("figures", gettext_lazy("Our figures"), {}),
            ("approvals", gettext_lazy("Approvals"), {}),
        ]
        links = []
        for name, label, params in tabs:
            if name == "quotas":
                url = reverse("campaigns:quotas", args=[self.campaign.pk, region.pk])
            elif name == "figures":
                url = self.page_url(name)
            else:
                url = self.page_url(name, region=region.pk, **params)
            links.append({"name": name, "label": label, "url": url, "active": name == active})
        return {
            "campaign": self.campaign,
            "region": region,
            "trail": [
                {"region": step, "url": self.region_url(active, step, period_key)}
                for step in self.breadcrumb(region)
            ],
            "tabs": links,
        }


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


class CampaignDetailView(CampaignMixin, TemplateView):
    """The roll-up of a region for a period: one row per child region (drill down), the
    region's own figures and the 合计 row; quotas, achievement, reports and their timeliness."""

    template_name = "campaigns/campaign_detail.html"

    def get_context_data(self, **kwargs):
        region = self.region_from(self.request.GET.get("region"))
        period = self.period_from(self.request.GET.get("period"))
        table = selectors.rollup_table(
            user=self.user, campaign=self.campaign, region=region, period=period
        )
        completeness = selectors.completeness(
            user=self.user,
            campaign=self.campaign,
            region=region,
            period=None if period.key == WHOLE_CAMPAIGN else period.key,
            today=timezone.localdate(),
        )
        return super().get_context_data(
            **self.campaign_context(region, "campaign_detail", period),
            **rollup_display(table, completeness, self.page_url("campaign_detail")),
            period=period,
            period_choices=period_choices(self.campaign),
            xlsx_url=self.page_url("statistics_xlsx", region=region.pk, period=period.key),
            pdf_url=self.page_url("statistics_pdf", region=region.pk, period=period.key),
            **kwargs,
        )


def period_choices(campaign) -> list[tuple[str, str]]:
    return [(WHOLE_CAMPAIGN, periods.label(WHOLE_CAMPAIGN))] + [
        (period.key, periods.label(period.key)) for period in periods.periods_of(campaign)
    ]


def rollup_display(table, completeness, page_url) -> dict:
    """The roll-up table as the template shows it, worked out once rather than by tags."""
    columns = [
        {"indicator": indicator, "counted": bool(indicator.counter)}
        for indicator in table.indicators
    ]
    lines = [
        {
            **line,
            "received_percent": percent(line["received_rate"]),
            "on_time_percent": percent(line["on_time_rate"]),
        }
        for line in completeness
    ]
    timeliness = {line["region"].pk: line for line in lines if not line["is_total"]}
    total_timeliness = next((line for line in lines if line["is_total"]), None)

    def row(source, *, kind, link=True):
        return {
            "region": source.region,
            "kind": kind,
            "url": query(page_url, region=source.region.pk, period=table.period.key)
            if link
            else None,
            "cells": [
                {"entered": cell.entered, "counted": cell.counted, "counter": column["counted"]}
                for column, cell in zip(columns, source.cells, strict=True)
            ],
            "quota": source.quota,
            "smes_helped": source.smes_helped,
            "mms_enterprises": source.mms_enterprises,
            "achievement": achievement_display(source.achievement),
            "mms_achievement": achievement_display(source.mms_achievement),
            "status": status_display(source.report_status),
            "timeliness": timeliness.get(source.region.pk),
        }

    total = row(table.total, kind="total", link=False)
    total["timeliness"] = total_timeliness
    return {
        "table": table,
        "columns": columns,
        "counted_columns": sum(1 for column in columns if column["counted"]),
        "rows": [row(child, kind="child") for child in table.children],
        "own": row(table.own, kind="own", link=False),
        "total": total,
        "is_period": table.period.key != WHOLE_CAMPAIGN,
    }


class StatisticsFileView(CampaignMixin, View):
    """The statistics table of the roll-up page as a file (xlsx or PDF)."""

    kind = "xlsx"

    def get(self, request, *args, **kwargs):
        region = self.region_from(request.GET.get("region"))
        period = self.period_from(request.GET.get("period"))
        table = selectors.rollup_table(
            user=self.user, campaign=self.campaign, region=region, period=period
        )
        name = safe_filename(
            _("statistics"), self.campaign.name, region.name, periods.label(period.key)
        )
        if self.kind == "pdf":
            return download(
                documents.statistics_pdf(table), filename=f"{name}.pdf", content_type=PDF
            )
        return download(
            spreadsheets.write_statistics_table(table), filename=f"{name}.xlsx", content_type=XLSX
        )


# Quotas ---------------------------------------------------------------------------------------


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


class QuotaFileView(CampaignMixin, View):
    """The children's quotas as xlsx in the attachment's layout (``blank``: the template)."""

    blank = False

    def get(self, request, *args, **kwargs):
        region = self.region_from(self.kwargs["region"])
        content = spreadsheets.write_quota_table(self.campaign, region, blank=self.blank)
        title = _("quota template") if self.blank else _("quotas")
        name = safe_filename(title, self.campaign.name, region.name)
        return download(content, filename=f"{name}.xlsx", content_type=XLSX)


# A bureau's own figures ---------------------------------------------------------------------


class FiguresView(CampaignMixin, TemplateView):
    """A bureau's own figures for one period: one value and note per indicator, the counted
    value beside it; locked once submitted; submitted for approval when the regions below it
    are approved."""

    template_name = "campaigns/figures.html"

    def setup_page(self):
        params = self.request.GET
        self.acting = selectors.bureau_region_ids(self.user)
        wanted = params.get("region") or self.own_region_id()
        self.region = self.region_from(wanted)
        self.period = self.period_from(
            params.get("period"),
            default=current_period_key(self.campaign, timezone.localdate()),
            allow_total=False,
        )
        self.table = selectors.rollup_table(
            user=self.user, campaign=self.campaign, region=self.region, period=self.period
        )
        self.report = self.table.own.report
        if self.report is None and self.region.pk != self.campaign.region_id:
            self.report = (
                selectors.report_list(user=self.user, campaign=self.campaign, period=self.period)
                .filter(region=self.region)
                .first()
            )
        self.status = self.report.status if self.report else ReportStatus.OPEN
        self.can_enter = selectors.acts_for(self.acting, self.region.pk)
        self.locked = self.status in LOCKED

    def own_region_id(self):
        """The highest region of the campaign whose bureau the user belongs to (any role)."""
        members_of = selectors.bureau_region_ids(self.user, roles=None)
        if not members_of:
            return None
        inside = Region.objects.filter(
            pk__in=members_of, path__startswith=self.campaign.region.path
        ).order_by("path")
        first = inside.first()
        return first.pk if first else None

    def figures_form(self, data=None, *, locked=None):
        entered = {
            line["indicator"].code: line
            for line in selectors.entered_values(
                user=self.user, campaign=self.campaign, region=self.region, period=self.period
            )
            if line["value"] is not None
        }
        return FiguresForm(
            data,
            indicators=self.table.indicators,
            entered=entered,
            locked=(self.locked or not self.can_enter) if locked is None else locked,
        )

    def get(self, request, *args, **kwargs):
        self.setup_page()
        return self.render_to_response(self.get_context_data())

    def post(self, request, *args, **kwargs):
        self.setup_page()
        if not self.can_enter:
            raise PermissionDenied(_("Only the region's own bureau enters its figures."))
        # Not disabled even when locked: the service refuses and says why.
        form = self.figures_form(request.POST, locked=False)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        try:
            services.values_enter(
                actor=self.user,
                campaign=self.campaign,
                region=self.region,
                period=self.period.key,
                values=form.values(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        messages.success(
            request,
            _("The figures of %(region)s for %(period)s were saved.")
            % {"region": self.region.name, "period": periods.label(self.period.key)},
        )
        return redirect(self.here())

    def here(self):
        return self.page_url("figures", region=self.region.pk, period=self.period.key)

    def get_context_data(self, **kwargs):
        form = kwargs.pop("form", None) or self.figures_form()
        own = self.table.own
        lines = [
            {
                "indicator": indicator,
                "value": form[indicator.code],
                "note": form[f"{indicator.code}__note"],
                "counted": cell.counted,
                "has_counter": bool(indicator.counter),
            }
            for indicator, cell in zip(self.table.indicators, own.cells, strict=True)
        ]
        waiting = selectors.children_not_approved(
            campaign=self.campaign, region=self.region, period=self.period.key
        )
        is_root = self.region.pk == self.campaign.region_id
        context = {
            **self.campaign_context(self.region, "figures"),
            "period": self.period,
            "period_choices": period_choices(self.campaign)[1:],
            "form": form,
            "lines": lines,
            "report": self.report,
            "status": status_display(self.status),
            "locked": self.locked,
            "can_enter": self.can_enter,
            "is_root": is_root,
            "waiting": waiting,
            "can_submit": self.can_enter
            and not is_root
            and self.status in CHANGEABLE
            and not waiting,
            "submit_url": query(
                reverse("campaigns:figures_submit", args=[self.campaign.pk]),
                region=self.region.pk,
                period=self.period.key,
            ),
            "parent": self.region.parent if not is_root else None,
        }
        return super().get_context_data(**context, **kwargs)


class FiguresSubmitView(FiguresView):
    """Submit the region's report of the period to the bureau above."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        self.setup_page()
        if not self.can_enter:
            raise PermissionDenied(_("Only the region's own bureau submits its report."))
        try:
            services.report_submit(
                actor=self.user,
                campaign=self.campaign,
                region=self.region,
                period=self.period.key,
            )
        except ValidationError as error:
            return self.render_to_response(
                self.get_context_data(submit_errors=error.messages), status=400
            )
        messages.success(
            request,
            _("The report of %(region)s for %(period)s was submitted for approval.")
            % {"region": self.region.name, "period": periods.label(self.period.key)},
        )
        return redirect(self.here())


# Approvals ------------------------------------------------------------------------------------


class ApprovalsView(CampaignMixin, TemplateView):
    """The reports awaiting the user's bureau, and those it approved (to unapprove)."""

    template_name = "campaigns/approvals.html"

    def get_context_data(self, **kwargs):
        region = self.region_from(self.request.GET.get("region"))
        acting = selectors.bureau_region_ids(self.user)
        awaiting = list(selectors.reports_awaiting(user=self.user, campaign=self.campaign))
        approved = selectors.report_list(
            user=self.user, campaign=self.campaign, status=ReportStatus.APPROVED
        ).select_related("region", "decided_by")
        if acting is not None:
            approved = approved.filter(region__parent_id__in=acting)
        approved = list(approved.order_by("-period", "region__path")[:200])
        for report in [*awaiting, *approved]:
            report.period_label = periods.label(report.period)
            report.status_info = status_display(report.status)
        return super().get_context_data(
            **self.campaign_context(region, "approvals"),
            awaiting=awaiting,
            approved=approved,
            reason_form=ReasonForm(),
            **kwargs,
        )


class ReportActionView(ScopedActionView):
    """A decision on a report of a region below the user's bureau: 404 unless the report is
    visible, 403 unless the user acts for the bureau of the region above it; what the state does
    not allow is refused by the service (shown on the form, 400)."""

    model = Report
    template_name = "campaigns/report_action.html"
    heading = ""
    intro = ""
    button = gettext_lazy("Save")
    button_class = "btn-primary"
    allowed_from = (ReportStatus.SUBMITTED,)

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("campaign", "region", "region__parent", "submitted_by")
        )

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.object = self.get_object()
        if not self.may_decide(selectors.bureau_region_ids(request.user)):
            raise PermissionDenied(_("Only the bureau of the region above decides on this report."))
        if request.method == "GET" and self.object.status not in self.allowed_from:
            messages.error(
                request,
                _("The report is %(status)s: this decision is not possible now.")
                % {"status": self.object.get_status_display()},
            )
            return redirect(self.get_success_url())
        return super(ScopedActionView, self).dispatch(request, *args, **kwargs)

    def may_decide(self, acting) -> bool:
        return selectors.acts_for(acting, self.object.region.parent_id)

    def get_context_data(self, **kwargs):
        report = self.object
        return super().get_context_data(
            report=report,
            campaign=report.campaign,
            period_label=periods.label(report.period),
            status=status_display(report.status),
            heading=self.heading,
            intro=self.intro,
            button=self.button,
            button_class=self.button_class,
            back_url=self.get_success_url(),
            **kwargs,
        )

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response

    def get_success_url(self, result=None):
        return reverse("campaigns:approvals", args=[self.object.campaign_id])


class ApproveView(ReportActionView):
    form_class = ConfirmForm
    heading = gettext_lazy("Approve the report")
    intro = gettext_lazy("Approved figures are locked; they count in your own report.")
    button = gettext_lazy("Approve")
    button_class = "btn-success"

    @property
    def success_message(self):
        return _("The report of %(region)s for %(period)s was approved.") % self.names()

    def names(self):
        return {"region": self.object.region.name, "period": periods.label(self.object.period)}

    def perform(self, form):
        return services.report_approve(actor=self.request.user, report=self.object)


class ReturnView(ApproveView):
    form_class = ReasonForm
    heading = gettext_lazy("Return the report")
    intro = gettext_lazy("The region's bureau can change its figures again and resubmit.")
    button = gettext_lazy("Return")
    button_class = "btn-warning"

    @property
    def success_message(self):
        return _("The report of %(region)s for %(period)s was returned.") % self.names()

    def perform(self, form):
        return services.report_return(
            actor=self.request.user, report=self.object, reason=form.cleaned_data["reason"]
        )


class UnapproveView(ApproveView):
    form_class = ReasonForm
    heading = gettext_lazy("Unapprove the report")
    intro = gettext_lazy(
        "The figures are unlocked and the report goes back to the region's bureau; not possible "
        "while your own report of the period is submitted or approved."
    )
    button = gettext_lazy("Unapprove")
    button_class = "btn-outline-danger"
    allowed_from = (ReportStatus.APPROVED,)

    def may_decide(self, acting) -> bool:
        # The bureau above the region, or one above that (the service has the last word).
        above = rollup.chain(self.object.campaign, self.object.region)[1:]
        return acting is None or any(region_id in acting for region_id in above)

    @property
    def success_message(self):
        return _("The report of %(region)s for %(period)s was unapproved.") % self.names()

    def perform(self, form):
        return services.report_unapprove(
            actor=self.request.user, report=self.object, reason=form.cleaned_data["reason"]
        )


# Dashboard ------------------------------------------------------------------------------------


class DashboardView(CampaignMixin, TemplateView):
    """Charts of a region: achievement per child region, the trend over the periods of one
    indicator, and its totals against the 2021 national figures."""

    template_name = "campaigns/dashboard.html"

    def get_context_data(self, **kwargs):
        region = self.region_from(self.request.GET.get("region"))
        period = self.period_from(WHOLE_CAMPAIGN)
        table = selectors.rollup_table(
            user=self.user, campaign=self.campaign, region=region, period=period
        )
        codes = table.codes
        indicator_code = self.request.GET.get("indicator") or (
            selectors.SMES_HELPED if selectors.SMES_HELPED in codes else codes[0]
        )
        if indicator_code not in codes:
            raise BadQuery(
                _("%(indicator)s is not an indicator of this campaign.")
                % {"indicator": indicator_code}
            )
        indicator = table.indicators[codes.index(indicator_code)]
        trend = selectors.trend(user=self.user, campaign=self.campaign, region=region)
        achievement = []
        for child in table.children:
            shown = achievement_display(child.achievement)
            achievement.append(
                {
                    "name": child.region.name,
                    "value": shown["percent"],
                    "color": CHART_COLOURS.get(shown["level"], "#adb5bd"),
                }
            )
        national = national_totals_2021()
        comparison = []
        for column, cell in zip(table.indicators, table.total.cells, strict=True):
            reference = national.get(column.code)
            share = (
                round(cell.together / reference["total"] * 100, 2)
                if reference and reference["total"]
                else None
            )
            comparison.append(
                {
                    "indicator": column,
                    "total": cell.together,
                    "entered": cell.entered,
                    "counted": cell.counted,
                    "national": reference["total"] if reference else None,
                    "national_note": reference["note"] if reference else "",
                    "share": share,
                }
            )
        trend_rows = [
            {
                "label": line["label"],
                "entered": line["entered"].get(indicator_code, 0),
                "counted": line["counted"].get(indicator_code, 0),
                "together": line["together"].get(indicator_code, 0),
            }
            for line in trend
        ]
        chart_data = {
            "achievement": achievement,
            "trend": {
                "labels": [line["label"] for line in trend_rows],
                "series": [
                    {"name": _("Together"), "data": [line["together"] for line in trend_rows]},
                    {"name": _("Entered"), "data": [line["entered"] for line in trend_rows]},
                    {"name": _("Counted"), "data": [line["counted"] for line in trend_rows]},
                ],
            },
            "national": [
                {"name": line["indicator"].name, "value": line["share"]}
                for line in comparison
                if line["share"] is not None
            ],
        }
        return super().get_context_data(
            **self.campaign_context(region, "dashboard"),
            table=table,
            total=table.total,
            helped=table.total.cell(selectors.SMES_HELPED),
            total_achievement=achievement_display(table.total.achievement),
            indicator=indicator,
            indicator_choices=table.indicators,
            trend_rows=trend_rows,
            comparison=comparison,
            chart_data=chart_data,
            **kwargs,
        )
