"""The downloads: the statistics table (xlsx or PDF) and a region's quotas (xlsx)."""

from __future__ import annotations

import re

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.generic import View

from jiliang.campaigns import documents, periods, selectors, spreadsheets
from jiliang.campaigns.views.base import CampaignMixin
from jiliang.core.responses import XLSX

PDF = "application/pdf"


def safe_filename(*parts: str) -> str:
    return re.sub(r'[\\/:*?"<>|\s]+', "-", "-".join(str(part) for part in parts)).strip("-")


def download(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


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


class QuotaFileView(CampaignMixin, View):
    """The children's quotas as xlsx in the attachment's layout (``blank``: the template)."""

    blank = False

    def get(self, request, *args, **kwargs):
        region = self.region_from(self.kwargs["region"])
        content = spreadsheets.write_quota_table(self.campaign, region, blank=self.blank)
        title = _("quota template") if self.blank else _("quotas")
        name = safe_filename(title, self.campaign.name, region.name)
        return download(content, filename=f"{name}.xlsx", content_type=XLSX)
