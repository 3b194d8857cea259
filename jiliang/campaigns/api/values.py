"""The figures a region's own bureau enters for a period."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Query
from ninja.errors import HttpError

from jiliang.campaigns import selectors, services
from jiliang.campaigns.api.common import READ, WRITE, _campaign, _region, _require_bureau, router
from jiliang.campaigns.api.schemas import ValuesIn, ValuesOut, ValuesQuery
from jiliang.campaigns.choices import ReportStatus
from jiliang.campaigns.models import WHOLE_CAMPAIGN, Report
from jiliang.campaigns.periods import label
from jiliang.core.api import Id


def _require_unlocked(request, campaign, region, period: str) -> None:
    """409 while the region's report of the period is submitted or approved (the service
    refuses it too, naming ``period``, should it be submitted in between)."""
    status = (
        Report.objects.visible_to(request.user)
        .filter(campaign=campaign, region=region, period=period)
        .values_list("status", flat=True)
        .first()
    )
    if status in (ReportStatus.SUBMITTED, ReportStatus.APPROVED):
        raise HttpError(
            409,
            _("The report of %(region)s for %(period)s is %(status)s: its figures are locked.")
            % {"region": region, "period": label(period), "status": ReportStatus(status).label},
        )


@router.get("/campaigns/{int:campaign_id}/values", response={200: ValuesOut, **READ})
def value_list(request, campaign_id: Id, query: Query[ValuesQuery]):
    """What the region's bureau entered for the period (its own figures, not the children's),
    one line per indicator of the campaign."""
    campaign = _campaign(request, campaign_id)
    region = _region(request, campaign, query.region)
    period = selectors.period_in_campaign(campaign, query.period, allow_total=False)
    rows = selectors.entered_values(
        user=request.user, campaign=campaign, region=region, period=period
    )
    status = None
    if region.pk != campaign.region_id:
        report = (
            Report.objects.visible_to(request.user)
            .filter(campaign=campaign, region=region, period=period.key)
            .first()
        )
        status = report.status if report else ReportStatus.OPEN
    return {
        "region": region,
        "period": period,
        "report_status": status,
        "locked": status in (ReportStatus.SUBMITTED, ReportStatus.APPROVED),
        "values": [
            {
                "indicator": row["indicator"].code,
                "name": row["indicator"].name,
                "unit": row["indicator"].unit,
                "value": row["value"],
                "note": row["note"],
            }
            for row in rows
        ],
    }


@router.put("/campaigns/{int:campaign_id}/values", response={200: ValuesOut, **WRITE})
def value_enter(request, campaign_id: Id, payload: ValuesIn):
    """Enter the region's own figures for a period (the region's bureau): whole numbers, 0 or
    more, each with an optional note. Indicators not sent keep their values. Values of a
    period whose report is submitted or approved are locked (409)."""
    campaign = _campaign(request, campaign_id)
    region = selectors.region_in_view(user=request.user, campaign=campaign, region=payload.region)
    _require_bureau(request, region)  # before the body's figures are looked at
    values = {}
    for line in payload.values:
        if line.indicator in values:
            raise ValidationError(
                {line.indicator: _("%(code)s is given twice.") % {"code": line.indicator}}
            )
        values[line.indicator] = (line.value, line.note)
    period = payload.period
    if period != WHOLE_CAMPAIGN:  # the service names the whole campaign's refusal
        period = selectors.period_in_campaign(campaign, period).key
    _require_unlocked(request, campaign, region, period)
    services.values_enter(
        actor=request.user, campaign=campaign, region=region, period=period, values=values
    )
    return value_list(request, campaign_id, ValuesQuery(region=region.pk, period=period))
