"""The approval chain of reports: a region's bureau submits its figures of a period, the
bureau above approves or returns them, and a bureau above takes an approval back."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from jiliang.campaigns import rollup, selectors
from jiliang.campaigns.choices import ReportStatus
from jiliang.campaigns.models import Figure, Report
from jiliang.campaigns.periods import label, period_of
from jiliang.campaigns.services.common import (
    UNLOCKED_STATUSES,
    _acts_for_region,
    _acts_for_regions,
    _bureau_of,
    _is_platform_admin,
    _require_in_campaign,
    _require_reporting_period,
    _require_visible_region,
    _visible_campaign,
    bureau_users,
)
from jiliang.core import audit
from jiliang.notifications.services import notify


@transaction.atomic
def report_submit(*, actor, campaign, region, period) -> Report:
    """The region's bureau submits its figures of ``period`` to the bureau above; the reports
    of its child regions that have a bureau must be approved first."""
    campaign = _visible_campaign(actor, campaign)
    _require_visible_region(actor, region)
    _require_in_campaign(campaign, region)
    if not (_is_platform_admin(actor) or _acts_for_region(actor, region.pk)):
        raise PermissionDenied(
            _("Only the bureau of %(region)s submits its report.") % {"region": region}
        )
    if region.pk == campaign.region_id:
        raise ValidationError(
            {
                "region": _("%(region)s is the campaign's own region: it reports to no one.")
                % {"region": region}
            }
        )
    _require_reporting_period(campaign, period)
    _require_ended(campaign, period)
    rollup.lock(campaign)  # no value is entered while the report is being submitted
    waiting = selectors.children_not_approved(campaign=campaign, region=region, period=period)
    if waiting:
        raise ValidationError(
            {
                "period": _("The reports of %(regions)s for %(period)s are not approved yet.")
                % {"regions": "、".join(child.name for child in waiting), "period": label(period)}
            }
        )
    report, _created = Report.objects.get_or_create(campaign=campaign, region=region, period=period)
    return _transition(
        actor,
        report,
        "submit",
        sources=UNLOCKED_STATUSES,
        target=ReportStatus.SUBMITTED,
        submitted_at=timezone.now(),
        submitted_by=actor,
        return_reason="",
    )


@transaction.atomic
def report_approve(*, actor, report) -> Report:
    """The bureau of the report region's parent approves it: the entered figures stay locked,
    and the report keeps the figures it approved."""
    report = _visible_report(actor, report)
    _require_decider(actor, report)
    figures = approved_figures(report)
    return _transition(
        actor,
        report,
        "approve",
        sources=(ReportStatus.SUBMITTED,),
        target=ReportStatus.APPROVED,
        decided_at=timezone.now(),
        decided_by=actor,
        approved_figures=figures,
    )


@transaction.atomic
def report_return(*, actor, report, reason) -> Report:
    """The bureau above sends a submitted report back with a reason: its figures unlock."""
    report = _visible_report(actor, report)
    _require_decider(actor, report)
    reason = _reason(reason)
    return _transition(
        actor,
        report,
        "return",
        sources=(ReportStatus.SUBMITTED,),
        target=ReportStatus.RETURNED,
        decided_at=timezone.now(),
        decided_by=actor,
        return_reason=reason,
    )


@transaction.atomic
def report_unapprove(*, actor, report, reason) -> Report:
    """The bureau above (the parent region's or one higher) takes an approval back: the report
    is returned and its figures unlock. Refused while the parent region's own report of the
    period is submitted or approved (it would change figures already sent further up)."""
    report = _visible_report(actor, report)
    chain = rollup.chain(report.campaign, report.region)[1:]
    if not (_is_platform_admin(actor) or any(_acts_for_regions(actor, chain))):
        raise PermissionDenied(
            _("Only a bureau above %(region)s takes its approval back.") % {"region": report.region}
        )
    reason = _reason(reason)
    parent_status = (
        Report.objects.filter(
            campaign=report.campaign, region_id=report.region.parent_id, period=report.period
        )
        .values_list("status", flat=True)
        .first()
    )
    if parent_status in (ReportStatus.SUBMITTED, ReportStatus.APPROVED):
        raise ValidationError(
            _(
                "The report of %(parent)s for %(period)s is %(status)s: it must be returned or "
                "unapproved first."
            )
            % {
                "parent": report.region.parent,
                "period": label(report.period),
                "status": ReportStatus(parent_status).label,
            }
        )
    return _transition(
        actor,
        report,
        "unapprove",
        sources=(ReportStatus.APPROVED,),
        target=ReportStatus.RETURNED,
        decided_at=timezone.now(),
        decided_by=actor,
        return_reason=reason,
        approved_figures={},
    )


def not_ended_message(period) -> str:
    """Why a report of ``period`` (a Period) cannot be submitted yet."""
    return _("%(period)s ends on %(end)s: its report can be submitted from %(first)s on.") % {
        "period": period,
        "end": period.end.isoformat(),
        "first": period.submittable_from.isoformat(),
    }


def _require_ended(campaign, period_key) -> None:
    period = period_of(campaign, period_key)
    if timezone.localdate() < period.submittable_from:
        raise ValidationError({"period": not_ended_message(period)})


def approved_figures(report) -> dict:
    """The report region's figures of the report's period, as an approval keeps them."""
    return {
        code: {
            "entered_own": entered_own,
            "entered_subtree": entered_subtree,
            "counted_own": counted_own,
            "counted_subtree": counted_subtree,
        }
        for code, entered_own, entered_subtree, counted_own, counted_subtree in (
            Figure.objects.filter(
                campaign=report.campaign, region=report.region, period=report.period
            ).values_list("indicator__code", *rollup.VALUE_FIELDS)
        )
    }


def _transition(actor, report: Report, name: str, *, sources, target, **changes) -> Report:
    before = report.status
    moved = Report.objects.filter(pk=report.pk, status__in=sources).update(status=target, **changes)
    if not moved:
        report.refresh_from_db(fields=["status"])
        raise ValidationError(
            _("The report is %(status)s: it cannot be %(action)s.")
            % {"status": report.get_status_display(), "action": _action_label(name)}
        )
    report.refresh_from_db()
    audit.record(
        actor=actor,
        action=f"campaigns.report.{name}",
        instance=report,
        organisation=_bureau_of(report.region) or report.campaign.organiser,
        changes={
            "status": [before, report.status],
            **({"reason": [None, report.return_reason]} if report.return_reason else {}),
        },
    )
    _tell(report, upward=name == "submit")
    return report


def _action_label(name: str) -> str:
    return {
        "submit": pgettext("campaign report", "submitted"),
        "approve": _("approved"),
        "return": _("returned"),
        "unapprove": _("unapproved"),
    }[name]


def _tell(report: Report, *, upward: bool) -> None:
    """Notify the bureau above (a submission) or the report region's bureau (a decision)."""
    region_id = report.region.parent_id if upward else report.region_id
    try:
        url = report.campaign.get_absolute_url()
    except NoReverseMatch:  # the pages are not there (yet)
        url = ""
    title = _("%(campaign)s: the report of %(region)s for %(period)s is %(status)s") % {
        "campaign": report.campaign,
        "region": report.region,
        "period": label(report.period),
        "status": report.get_status_display(),
    }
    for organisation, users in bureau_users(region_id).items():
        notify(
            recipients=users,
            kind="campaign",
            title=title,
            lines=[report.return_reason] if report.return_reason else [],
            url=url,
            organisation=organisation,
        )


def _require_decider(actor, report: Report) -> None:
    if _is_platform_admin(actor):
        return
    if report.region_id == report.campaign.region_id or not _acts_for_region(
        actor, report.region.parent_id
    ):
        raise PermissionDenied(
            _("Only the bureau above %(region)s decides on its report.") % {"region": report.region}
        )


def _reason(reason) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why.")})
    return reason


def _visible_report(actor, report) -> Report:
    found = (
        Report.objects.visible_to(actor)
        .select_related("campaign__region", "campaign__organiser", "region__parent")
        .filter(pk=report.pk)
        .first()
    )
    if found is None:
        raise Http404
    return found
