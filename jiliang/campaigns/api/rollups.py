"""The roll-ups: the table of a region and period, the trend, report completeness, and the
table as xlsx or PDF."""

from ninja import Query

from jiliang.campaigns import documents, selectors, spreadsheets
from jiliang.campaigns.api.common import READ, _campaign, _region, router
from jiliang.campaigns.api.schemas import (
    CompletenessOut,
    CompletenessQuery,
    RegionQuery,
    RollupOut,
    RollupQuery,
    TrendPointOut,
)
from jiliang.core.api import Id
from jiliang.core.responses import file_response, xlsx_response

PDF = "application/pdf"


def _rollup(request, campaign, query: RollupQuery):
    region = _region(request, campaign, query.region)
    return selectors.rollup_table(
        user=request.user, campaign=campaign, region=region, period=query.period
    )


@router.get("/campaigns/{int:campaign_id}/rollup", response={200: RollupOut, **READ})
def rollup(request, campaign_id: Id, query: Query[RollupQuery]):
    """The region's statistics for a period (or ``total``): its own figures, its subtree's
    totals and one row per child region, entered and counted kept apart, with quota,
    achievement and the child's report status."""
    return _rollup(request, _campaign(request, campaign_id), query)


@router.get("/campaigns/{int:campaign_id}/trend", response={200: list[TrendPointOut], **READ})
def trend(request, campaign_id: Id, query: Query[RegionQuery]):
    """The region's subtree totals per reporting period, in time order."""
    campaign = _campaign(request, campaign_id)
    region = _region(request, campaign, query.region)
    return selectors.trend(user=request.user, campaign=campaign, region=region)


@router.get(
    "/campaigns/{int:campaign_id}/completeness", response={200: list[CompletenessOut], **READ}
)
def completeness(request, campaign_id: Id, query: Query[CompletenessQuery]):
    """Per child region and a last total line: reports expected (deadline passed, or
    submitted anyway), received (submitted or approved) and on time, with the rates."""
    campaign = _campaign(request, campaign_id)
    region = _region(request, campaign, query.region)
    return selectors.completeness(
        user=request.user, campaign=campaign, region=region, period=query.period
    )


def _statistics_filename(table, suffix: str) -> str:
    return f"statistics-{table.campaign.year}-{table.region.code}-{table.period.key}.{suffix}"


@router.get("/campaigns/{int:campaign_id}/statistics.xlsx", response={200: None, **READ})
def statistics_xlsx(request, campaign_id: Id, query: Query[RollupQuery]):
    """The roll-up table as xlsx in the official layout."""
    table = _rollup(request, _campaign(request, campaign_id), query)
    return xlsx_response(
        spreadsheets.write_statistics_table(table), _statistics_filename(table, "xlsx")
    )


@router.get("/campaigns/{int:campaign_id}/statistics.pdf", response={200: None, **READ})
def statistics_pdf(request, campaign_id: Id, query: Query[RollupQuery]):
    """The roll-up table as PDF (A4 landscape)."""
    table = _rollup(request, _campaign(request, campaign_id), query)
    return file_response(
        documents.statistics_pdf(table),
        filename=_statistics_filename(table, "pdf"),
        content_type=PDF,
    )
