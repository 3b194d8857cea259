"""Chasing late reports (催报): the bureau above a region late with its report reminds the
region's bureau, through the notifications (inbox and e-mail as each user chose). Each reminder
is recorded (``Chase``), at most one a day per region and period: the database's unique
constraint on the day decides between two clicks at once."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jiliang.campaigns import lateness
from jiliang.campaigns.models import Chase
from jiliang.campaigns.periods import Period, label
from jiliang.campaigns.selectors import period_in_campaign, region_sort_key
from jiliang.campaigns.services.common import (
    _acts_for_region,
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


@dataclass
class ChaseOutcome:
    """What chasing every late region did: the reminders recorded, and the late regions and
    periods left out because they were reminded today already."""

    chased: list[Chase] = field(default_factory=list)
    skipped: list[lateness.Late] = field(default_factory=list)


@transaction.atomic
def report_chase(*, actor, campaign, region, period) -> Chase:
    """Remind the bureau of ``region`` that its report of ``period`` is late: only the bureau
    above the region, only while the report is late, once a day per region and period."""
    campaign = _visible_campaign(actor, campaign)
    _require_visible_region(actor, region)
    _require_in_campaign(campaign, region)
    _require_reporting_period(campaign, period)
    if not (_is_platform_admin(actor) or _acts_for_region(actor, region.parent_id)):
        raise PermissionDenied(
            _("Only the bureau above %(region)s chases its report.") % {"region": region}
        )
    period = period_in_campaign(campaign, period, allow_total=False)
    now = timezone.now()
    if not lateness.is_late(campaign, region, period, timezone.localdate(now)):
        raise ValidationError(
            _("%(region)s is not late with its report for %(period)s: nothing to chase.")
            % {"region": region, "period": period}
        )
    chases = _record(actor, campaign, region, [period], now)
    if not chases:
        raise ValidationError(_already_today(region, period))
    return chases[0]


@transaction.atomic
def reports_chase_late(*, actor, campaign, period=None) -> ChaseOutcome:
    """Remind every region late to report to the actor's bureaus in the campaign (of one
    period when given): one message per region naming its late periods; the regions and
    periods reminded today already are left out."""
    campaign = _visible_campaign(actor, campaign)
    if period:
        period = period_in_campaign(campaign, period, allow_total=False).key
    now = timezone.now()
    late = lateness.late_reports(
        user=actor, campaign=campaign, today=timezone.localdate(now), period=period
    )
    outcome = ChaseOutcome()
    by_region = {}
    for entry in late:
        if entry.last_chased and timezone.localdate(entry.last_chased) == timezone.localdate(now):
            outcome.skipped.append(entry)
        else:
            by_region.setdefault(entry.region, []).append(entry.period)
    for region in sorted(by_region, key=region_sort_key):
        outcome.chased += _record(actor, campaign, region, by_region[region], now)
    return outcome


def _record(actor, campaign, region, periods: list[Period], now) -> list[Chase]:
    """A chase per period not chased today yet (those are left out), then one message to
    the region's bureau naming them, and an audit event per chase."""
    chases = []
    for period in periods:
        chase = Chase(
            campaign=campaign,
            region=region,
            period=period.key,
            day=timezone.localdate(now),
            chased_at=now,
            chased_by=actor,
        )
        chase.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                chase.save()
        except IntegrityError:  # chased at the same moment by someone else
            continue
        chases.append(chase)
    if not chases:
        return []
    notified = _tell(campaign, region, [period for period in periods if _in(period, chases)])
    bureau = _bureau_of(region.parent) or campaign.organiser
    for chase in chases:
        chase.notified = notified
        chase.save(update_fields=["notified"])
        audit.record(
            actor=actor,
            action="campaigns.chase.created",
            instance=chase,
            organisation=bureau,
            changes={"region": [None, region.name], "period": [None, chase.period]},
        )
    return chases


def _in(period: Period, chases: list[Chase]) -> bool:
    return any(chase.period == period.key for chase in chases)


def _tell(campaign, region, periods: list[Period]) -> int:
    """Notify the acting users of the region's bureau; how many were told."""
    names = "、".join(label(period.key) for period in periods)
    title = _("%(campaign)s: the report of %(region)s for %(periods)s is late") % {
        "campaign": campaign,
        "region": region,
        "periods": names,
    }
    lines = [
        _("%(period)s: due by %(deadline)s.")
        % {"period": label(period.key), "deadline": period.deadline.isoformat()}
        for period in periods
    ]
    lines.append(
        _("The bureau of %(parent)s asks you to submit the report.") % {"parent": region.parent}
    )
    url = reverse("campaigns:figures", args=[campaign.pk])
    url += "?" + urlencode({"region": region.pk, "period": periods[0].key})
    told = 0
    for organisation, users in bureau_users(region.pk).items():
        notify(
            recipients=users,
            kind="campaign",
            title=title,
            lines=lines,
            url=url,
            organisation=organisation,
        )
        told += len(users)
    return told


def _already_today(region, period) -> str:
    return _(
        "%(region)s was already reminded today of its report for %(period)s; remind it again "
        "tomorrow."
    ) % {"region": region, "period": period}
