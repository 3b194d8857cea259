"""The regions late to report to your bureau, and chasing them (催报)."""

from datetime import date, datetime

from django.utils import timezone
from ninja import Field, Query

from jiliang.campaigns import lateness, selectors, services
from jiliang.campaigns.api.common import READ, WRITE, _campaign, _region, router
from jiliang.campaigns.api.reports import _state_conflicts
from jiliang.campaigns.api.schemas import RegionQuery, RegionRef, SubmitIn
from jiliang.campaigns.choices import ReportStatus
from jiliang.core.api import Id, Schema


class LateQuery(RegionQuery):
    period: str | None = Field(
        None, max_length=10, description="A reporting period; every period when left out"
    )


class LateOut(Schema):
    region: RegionRef
    period: str
    deadline: date
    status: ReportStatus = Field(description="open (never submitted) or returned")
    chases: int = Field(description="Reminders sent so far")
    last_chased: datetime | None

    @staticmethod
    def resolve_period(obj):
        return obj.period.key

    @staticmethod
    def resolve_deadline(obj):
        return obj.period.deadline


class ChaseOut(Schema):
    id: int
    region: RegionRef
    period: str
    chased_at: datetime
    notified: int = Field(description="Users of the region's bureau notified")


class ChaseAllIn(Schema):
    period: str | None = Field(None, max_length=10, description="Every late period if left out")


class ChaseAllOut(Schema):
    chased: list[ChaseOut]
    skipped: list[LateOut] = Field(description="Reminded today already")


@router.get("/campaigns/{int:campaign_id}/late-reports", response={200: list[LateOut], **READ})
def late_reports(request, campaign_id: Id, query: Query[LateQuery]):
    """The regions late to report to your bureaus (a report of a period past its deadline not
    submitted, or returned), with the reminders sent; of one period, and of ``region`` and the
    regions below it, when given."""
    campaign = _campaign(request, campaign_id)
    region = _region(request, campaign, query.region)
    if query.period:
        selectors.period_in_campaign(campaign, query.period, allow_total=False)
    return lateness.late_reports(
        user=request.user,
        campaign=campaign,
        today=timezone.localdate(),
        period=query.period,
        region=region,
    )


@router.post("/campaigns/{int:campaign_id}/late-reports/chase", response={200: ChaseOut, **WRITE})
def report_chase(request, campaign_id: Id, payload: SubmitIn):
    """Remind the bureau of a region late with its report of a period (the bureau above the
    region); once a day per region and period (409 otherwise)."""
    campaign = _campaign(request, campaign_id)
    region = selectors.region_in_view(user=request.user, campaign=campaign, region=payload.region)
    with _state_conflicts():
        return services.report_chase(
            actor=request.user, campaign=campaign, region=region, period=payload.period
        )


@router.post(
    "/campaigns/{int:campaign_id}/late-reports/chase-all", response={200: ChaseAllOut, **WRITE}
)
def reports_chase_late(request, campaign_id: Id, payload: ChaseAllIn):
    """Remind every region late to report to your bureaus (of one period, if given), one
    message per region; those reminded today already are left out."""
    campaign = _campaign(request, campaign_id)
    with _state_conflicts():
        return services.reports_chase_late(
            actor=request.user, campaign=campaign, period=payload.period
        )
