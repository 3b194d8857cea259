"""The approval chain of reports: submit, approve, return, unapprove."""

from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import Query
from ninja.errors import HttpError
from ninja.pagination import paginate

from jiliang.campaigns import selectors, services
from jiliang.campaigns.api.common import READ, WRITE, _campaign, router
from jiliang.campaigns.api.schemas import ReasonIn, ReportOut, ReportQuery, SubmitIn
from jiliang.campaigns.models import Report
from jiliang.core.api import Id


@contextmanager
def _state_conflicts():
    """The services refuse a step the report's state does not allow (a report already
    approved, values of a submitted period) with a message alone; a rule broken by the data
    names its field. The first is a 409."""
    try:
        yield
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            raise
        raise HttpError(409, " ".join(error.messages)) from None


def _report(request, campaign, report_id: int) -> Report:
    return get_object_or_404(
        Report.objects.visible_to(request.user)
        .filter(campaign=campaign)
        .select_related("region", "campaign", "submitted_by", "decided_by"),
        pk=report_id,
    )


@router.get("/campaigns/{int:campaign_id}/reports", response={200: list[ReportOut], **READ})
@paginate
def report_list(request, campaign_id: Id, query: Query[ReportQuery]):
    """The reports you see (your region's and those below it), by period then region;
    ``awaiting=true``: only the submitted reports your bureau must decide."""
    campaign = _campaign(request, campaign_id)
    if query.period:
        selectors.period_in_campaign(campaign, query.period, allow_total=False)
    if query.awaiting:
        reports = selectors.reports_awaiting(user=request.user, campaign=campaign)
        if query.period:
            reports = reports.filter(period=query.period)
        if query.status:
            reports = reports.filter(status=query.status)
        return reports.select_related("decided_by")
    return selectors.report_list(
        user=request.user, campaign=campaign, period=query.period, status=query.status
    )


@router.post("/campaigns/{int:campaign_id}/reports/submit", response={200: ReportOut, **WRITE})
def report_submit(request, campaign_id: Id, payload: SubmitIn):
    """Submit the region's figures for the period to the bureau above (the region's bureau);
    every child region's report of the period must be approved first."""
    campaign = _campaign(request, campaign_id)
    region = selectors.region_in_view(user=request.user, campaign=campaign, region=payload.region)
    with _state_conflicts():
        report = services.report_submit(
            actor=request.user, campaign=campaign, region=region, period=payload.period
        )
    return _report(request, campaign, report.pk)


def _decide(request, campaign_id, report_id, step) -> Report:
    campaign = _campaign(request, campaign_id)
    report = _report(request, campaign, report_id)
    with _state_conflicts():
        step(report)
    return _report(request, campaign, report.pk)


@router.post(
    "/campaigns/{int:campaign_id}/reports/{int:report_id}/approve",
    response={200: ReportOut, **WRITE},
)
def report_approve(request, campaign_id: Id, report_id: Id):
    """Approve a submitted report (the bureau above the report's region): its figures are
    locked until unapproved."""
    return _decide(
        request,
        campaign_id,
        report_id,
        lambda report: services.report_approve(actor=request.user, report=report),
    )


@router.post(
    "/campaigns/{int:campaign_id}/reports/{int:report_id}/return",
    response={200: ReportOut, **WRITE},
)
def report_return(request, campaign_id: Id, report_id: Id, payload: ReasonIn):
    """Send a submitted report back with what to correct; its figures can change again."""
    return _decide(
        request,
        campaign_id,
        report_id,
        lambda report: services.report_return(
            actor=request.user, report=report, reason=payload.reason
        ),
    )


@router.post(
    "/campaigns/{int:campaign_id}/reports/{int:report_id}/unapprove",
    response={200: ReportOut, **WRITE},
)
def report_unapprove(request, campaign_id: Id, report_id: Id, payload: ReasonIn):
    """Reopen an approved report, with the reason; refused while the parent region's own
    report of the period is submitted or approved."""
    return _decide(
        request,
        campaign_id,
        report_id,
        lambda report: services.report_unapprove(
            actor=request.user, report=report, reason=payload.reason
        ),
    )
