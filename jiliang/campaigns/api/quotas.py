"""Quotas: a parent region's children, one set at a time, imported or exported as xlsx."""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query
from ninja.files import UploadedFile

from jiliang.campaigns import selectors, services, spreadsheets
from jiliang.campaigns.api.common import (
    READ,
    REFUSALS,
    _campaign,
    _region,
    _require_bureau,
    router,
)
from jiliang.campaigns.api.schemas import (
    ImportOut,
    QuotaIn,
    QuotaOverviewOut,
    QuotaQuery,
    QuotaSetOut,
)
from jiliang.core.api import Id
from jiliang.core.responses import xlsx_response
from jiliang.orgs.models import Region

MAX_QUOTA_FILE_BYTES = 5 * 1024 * 1024


def _quota_overview(request, campaign, parent, extra_warnings=()):
    overview = selectors.quota_overview(user=request.user, campaign=campaign, parent=parent)
    return {
        "parent": overview.parent,
        "parent_quota": overview.parent_quota,
        "children": [{"region": region, "quota": quota} for region, quota in overview.children],
        "sums": {
            "smes_to_help": overview.smes_to_help_sum,
            "smes_for_mms_training": overview.smes_for_mms_training_sum,
        },
        "warnings": list(dict.fromkeys([*extra_warnings, *overview.warnings])),
    }


@router.get("/campaigns/{int:campaign_id}/quotas", response={200: QuotaOverviewOut, **READ})
def quota_list(request, campaign_id: Id, query: Query[QuotaQuery]):
    """The quotas of the parent region's children, their sum against the parent's own quota,
    and a warning for each sum above it."""
    campaign = _campaign(request, campaign_id)
    return _quota_overview(request, campaign, _region(request, campaign, query.parent))


@router.put(
    "/campaigns/{int:campaign_id}/quotas/{int:region_id}", response={200: QuotaSetOut, **REFUSALS}
)
def quota_set(request, campaign_id: Id, region_id: Id, payload: QuotaIn):
    """Set a region's quota: the bureau of the region's parent does (the organiser for the
    campaign's own region). A sum of quotas above the parent's is accepted with a warning."""
    campaign = _campaign(request, campaign_id)
    region = get_object_or_404(Region.objects.all(), pk=region_id)
    outcome = services.quota_set(
        actor=request.user, campaign=campaign, region=region, **payload.dict()
    )
    return {"quota": outcome.quota, "warnings": outcome.warnings}


@router.post("/campaigns/{int:campaign_id}/quotas/import", response={200: ImportOut, **REFUSALS})
def quota_import(
    request, campaign_id: Id, file: File[UploadedFile], parent: Form[Id | None] = None
):
    """Multipart form with ``file`` (xlsx, xls, ods or csv in the layout of the notice's
    attachment: 序号, 地区, 帮扶中小企业数, 测量管理体系培训企业数, 备注, a 合计 row) and
    ``parent`` (the region whose children the rows name). All rows or none are imported."""
    campaign = _campaign(request, campaign_id)
    parent_region = _region(request, campaign, parent)
    _require_bureau(request, parent_region)  # before the file is read: a refusal is a refusal
    if file.size > MAX_QUOTA_FILE_BYTES:
        raise ValidationError({"file": _("The file is larger than %(limit)d MB.") % {"limit": 5}})
    try:
        rows = spreadsheets.read_quota_table(file.read(), filename=file.name or "")
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from None
    try:
        warnings = services.quotas_import(
            actor=request.user, campaign=campaign, parent=parent_region, rows=rows
        )
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            raise
        raise ValidationError({"file": error.messages}) from None  # a row of the file
    # The service's warnings are the sums the overview checks again, worded alike.
    overview = _quota_overview(
        request, campaign, parent_region, [*getattr(rows, "warnings", []), *warnings]
    )
    return {**overview, "imported": len(rows)}


class QuotaExportQuery(QuotaQuery):
    blank: bool = Field(False, description="The template: the children without figures")


@router.get("/campaigns/{int:campaign_id}/quotas/export", response={200: None, **READ})
def quota_export(request, campaign_id: Id, query: Query[QuotaExportQuery]):
    """The quotas of the parent's children as xlsx, in the attachment's layout."""
    campaign = _campaign(request, campaign_id)
    parent = _region(request, campaign, query.parent)
    content = spreadsheets.write_quota_table(campaign, parent, blank=query.blank)
    kind = "quota-template" if query.blank else "quotas"
    return xlsx_response(content, f"{kind}-{campaign.year}-{parent.code}.xlsx")
