"""Every write of campaigns: campaigns, quotas, entered values, the approval chain of reports
and the recount of the platform's own figures. Each keeps the roll-up (``rollup``) up to date.

Scope. *Acting for a region's bureau* is holding an admin or staff membership in an active
regulator whose region is that region; platform administrators (``is_staff``) may do
everything. A request about an object the actor cannot see is a 404 (Http404): a campaign not
``visible_to`` them, a region outside the regions they regulate, a report not visible to them.
Seen but not theirs to act on is a 403 (PermissionDenied): a city bureau entering its county's
figures (only a region's own bureau enters them), a viewer. Anything else wrong is a
ValidationError naming the field (for entered values: the indicator's code).

Who does what:
- the organiser's admins and staff create and change the campaign;
- the bureau of a region's parent sets the region's quota (the organiser: the campaign region's);
- a region's own bureau enters its figures and submits its report for a period, once the
  reports of its child regions that have a bureau are approved; the campaign's region does not
  report (it is the top);
- the bureau of the report region's parent approves or returns it; it (or a bureau above it)
  unapproves an approved report, unless the parent's own report of that period is submitted
  or approved.

Locks: a region's entered figures of a period are locked while its report is submitted or
approved. Counted figures are never locked (see ``counting``).

Transitions are conditional UPDATEs (``status IN sources``): of two approvers at once exactly
one wins, the other gets a clear error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from jiliang.campaigns import counting, rollup, selectors
from jiliang.campaigns.choices import ReportStatus
from jiliang.campaigns.models import (
    WHOLE_CAMPAIGN,
    Campaign,
    EnteredValue,
    Figure,
    Indicator,
    Quota,
    RecountRun,
    Report,
)
from jiliang.campaigns.periods import label, period_of
from jiliang.campaigns.selectors import ACTING_ROLES, acting_bureaus
from jiliang.core import audit
from jiliang.core.scoping import scope_for
from jiliang.core.services import model_update, require_organisation_role
from jiliang.notifications.services import notify
from jiliang.orgs.choices import OrganisationKind
from jiliang.orgs.models import Membership, Organisation, Region

PLAIN_CAMPAIGN_FIELDS = ["name", "year", "period_type", "deadline_days"]
CAMPAIGN_FIELDS = [*PLAIN_CAMPAIGN_FIELDS, "indicators"]
MAX_VALUE = 2_147_483_647  # what the value columns hold
# Overlap of two periodic recounts: a record written in a transaction that began before the
# previous recount started but committed after it is still looked at.
RECOUNT_OVERLAP = timedelta(minutes=5)
# A recount since a moment that finds more regions touched recounts the whole campaign at once.
REBUILD_ABOVE_REGIONS = 50
UNLOCKED_STATUSES = (ReportStatus.OPEN, ReportStatus.RETURNED)


@dataclass
class QuotaOutcome:
    quota: Quota
    warnings: list[str] = field(default_factory=list)


# Campaigns -------------------------------------------------------------------------------------


@transaction.atomic
def campaign_create(
    *, actor, organiser, name, year, period_type, deadline_days=10, indicators=None
) -> Campaign:
    """A campaign of ``organiser`` (a regulator the actor is admin or staff of) over its region
    and the regions below; ``indicators``: all active ones by default. The figures the platform
    already counted for the year are there at once."""
    require_organisation_role(actor, organiser, ACTING_ROLES)
    if organiser.kind != OrganisationKind.REGULATOR or not organiser.is_active:
        raise ValidationError({"organiser": _("Only a regulator organises a campaign.")})
    campaign = Campaign(
        name=name,
        year=year,
        region=organiser.region,
        organiser=organiser,
        period_type=period_type,
        deadline_days=deadline_days,
        created_by=actor,
    )
    campaign.full_clean()
    campaign.save()
    chosen = _indicators(indicators)
    campaign.indicators.set(chosen)
    rollup.rebuild(campaign)
    audit.record(
        actor=actor,
        action="campaigns.campaign.created",
        instance=campaign,
        organisation=organiser,
        changes={
            "name": [None, name],
            "year": [None, year],
            "period_type": [None, period_type],
            "indicators": [None, [indicator.code for indicator in chosen]],
        },
    )
    return campaign


@transaction.atomic
def campaign_update(*, actor, campaign, **fields) -> Campaign:
    """Change the campaign's name, deadline or indicators; its year and periods only while no
    figure was entered nor report made. A change of indicators or periods rebuilds the roll-up."""
    campaign = _visible_campaign(actor, campaign)
    if not Campaign.objects.editable_by(actor).filter(pk=campaign.pk).exists():
        raise PermissionDenied(_("Only the organiser's administrators and staff change it."))
    unknown = set(fields) - set(CAMPAIGN_FIELDS)
    if unknown:
        raise ValueError(f"Not campaign fields: {sorted(unknown)}")
    plain = {name: fields[name] for name in PLAIN_CAMPAIGN_FIELDS if name in fields}
    moves_periods = any(
        plain.get(name, getattr(campaign, name)) != getattr(campaign, name)
        for name in ("year", "period_type")
    )
    if moves_periods and (
        EnteredValue.objects.filter(campaign=campaign).exists()
        or Report.objects.filter(campaign=campaign).exists()
    ):
        raise ValidationError(
            {
                "period_type": _(
                    "Figures were entered or reports made: the year and the periods can no "
                    "longer change."
                )
            }
        )
    new_indicators = None
    if "indicators" in fields:
        new_indicators = _indicators(fields["indicators"])
        before = sorted(campaign.indicators.values_list("code", flat=True))
        after = sorted(indicator.code for indicator in new_indicators)
        new_indicators = new_indicators if before != after else None
    changes = model_update(instance=campaign, data=plain, fields=PLAIN_CAMPAIGN_FIELDS)
    if new_indicators is not None:
        campaign.indicators.set(new_indicators)
        changes["indicators"] = [before, after]
    if not changes:
        return campaign
    if {"indicators", "year", "period_type"} & set(changes):
        campaign._rollup_indicator_ids = None
        rollup.rebuild(campaign)
    audit.record(
        actor=actor,
        action="campaigns.campaign.changed",
        instance=campaign,
        organisation=campaign.organiser,
        changes=changes,
    )
    return campaign


def _indicators(indicators):
    if indicators is None:
        return list(Indicator.objects.filter(is_active=True))
    chosen = list(indicators)
    if not chosen:
        raise ValidationError({"indicators": _("Choose at least one indicator.")})
    return chosen


# Indicators (platform administrators) ----------------------------------------------------------

INDICATOR_FIELDS = [
    "code",
    "name",
    "name_en",
    "unit",
    "aggregation",
    "counter",
    "position",
    "is_active",
]


@transaction.atomic
def indicator_create(*, actor, **fields) -> Indicator:
    """A new indicator (platform administrators); ``counter`` must name a registered counter."""
    _require_platform_admin(actor)
    unknown = set(fields) - set(INDICATOR_FIELDS)
    if unknown:
        raise ValueError(f"Not indicator fields: {sorted(unknown)}")
    _require_known_counter(fields.get("counter", ""))
    indicator = Indicator(**fields)
    indicator.full_clean()
    indicator.save()
    audit.record(
        actor=actor,
        action="campaigns.indicator.created",
        instance=indicator,
        changes={name: [None, getattr(indicator, name)] for name in INDICATOR_FIELDS},
    )
    return indicator


@transaction.atomic
def indicator_update(*, actor, indicator, data: dict) -> Indicator:
    """Change an indicator (platform administrators). A new counter or aggregation rebuilds the
    roll-up of the campaigns using it."""
    _require_platform_admin(actor)
    if "counter" in data:
        _require_known_counter(data["counter"])
    changes = model_update(instance=indicator, data=data, fields=INDICATOR_FIELDS)
    if changes:
        audit.record(
            actor=actor,
            action="campaigns.indicator.changed",
            instance=indicator,
            changes=changes,
        )
    if {"counter", "aggregation"} & set(changes):
        for campaign in indicator.campaigns.select_related("region"):
            rollup.rebuild(campaign)
    return indicator


def _require_platform_admin(actor) -> None:
    if not _is_platform_admin(actor):
        raise PermissionDenied(_("Only platform administrators change indicators."))


def _require_known_counter(name) -> None:
    if name and name not in counting.counter_names():
        raise ValidationError(
            {
                "counter": _("%(name)s is not a platform count; known: %(names)s.")
                % {"name": name, "names": ", ".join(counting.counter_names())}
            }
        )


# Quotas ----------------------------------------------------------------------------------------


@transaction.atomic
def quota_set(
    *, actor, campaign, region, smes_to_help, smes_for_mms_training, note=""
) -> QuotaOutcome:
    """Set a region's quota (the bureau of the region's parent; the organiser for the
    campaign's own region). Warnings, not errors, when the quotas of a region's children add
    up to more than its own quota, whichever of them was just set."""
    campaign = _visible_campaign(actor, campaign)
    _require_visible_region(actor, region)
    _require_in_campaign(campaign, region)
    _require_allocator(actor, campaign, region)
    quota = _quota_write(
        actor,
        campaign,
        region,
        smes_to_help=smes_to_help,
        smes_for_mms_training=smes_for_mms_training,
        note=note,
    )
    warnings = []
    if region.pk != campaign.region_id:
        warnings += quota_warnings(campaign, region.parent)
    warnings += quota_warnings(campaign, region)
    return QuotaOutcome(quota=quota, warnings=warnings)


@transaction.atomic
def quotas_import(*, actor, campaign, parent, rows) -> list[str]:
    """Set the quotas of ``parent``'s child regions from a table's rows (``spreadsheets.
    QuotaRow``), all or nothing. A row's region is found by code, else by name, among the
    children of ``parent``; any other → ValidationError naming the row and the region."""
    campaign = _visible_campaign(actor, campaign)
    _require_visible_region(actor, parent)
    _require_in_campaign(campaign, parent)
    if not (_is_platform_admin(actor) or _acts_for_region(actor, parent.pk)):
        raise PermissionDenied(
            _("Only the bureau of %(region)s sets the quotas of its regions.") % {"region": parent}
        )
    children = list(Region.objects.filter(parent=parent))
    by_code = {child.code: child for child in children}
    by_name = {child.name: child for child in children}
    seen = {}
    for row in rows:
        region = by_code.get(row.region_code) if row.region_code else by_name.get(row.region_name)
        if region is None:
            raise ValidationError(
                _("Row %(row)s: %(region)s is not a region under %(parent)s.")
                % {"row": row.row, "region": row.region_name or row.region_code, "parent": parent}
            )
        if region.pk in seen:
            raise ValidationError(
                _("Row %(row)s: %(region)s is already on row %(first)s.")
                % {"row": row.row, "region": region, "first": seen[region.pk]}
            )
        seen[region.pk] = row.row
        try:
            _quota_write(
                actor,
                campaign,
                region,
                smes_to_help=row.smes_to_help,
                smes_for_mms_training=row.smes_for_mms_training,
                note=row.note,
            )
        except ValidationError as error:
            raise ValidationError(
                _("Row %(row)s (%(region)s): %(error)s")
                % {"row": row.row, "region": region, "error": "; ".join(error.messages)}
            ) from error
    return quota_warnings(campaign, parent)


def quota_warnings(campaign, parent) -> list[str]:
    """Warnings when the quotas of ``parent``'s child regions add up to more than its own."""
    own = Quota.objects.filter(campaign=campaign, region=parent).first()
    if own is None:
        return []
    sums = {"smes_to_help": 0, "smes_for_mms_training": 0}
    for to_help, for_training in Quota.objects.filter(
        campaign=campaign, region__parent=parent
    ).values_list("smes_to_help", "smes_for_mms_training"):
        sums["smes_to_help"] += to_help
        sums["smes_for_mms_training"] += for_training
    warnings = []
    if sums["smes_to_help"] > own.smes_to_help:
        warnings.append(
            _(
                "The quotas of the regions under %(region)s add up to %(sum)s SMEs to help, "
                "more than its own quota of %(quota)s."
            )
            % {"region": parent, "sum": sums["smes_to_help"], "quota": own.smes_to_help}
        )
    if sums["smes_for_mms_training"] > own.smes_for_mms_training:
        warnings.append(
            _(
                "The quotas of the regions under %(region)s add up to %(sum)s SMEs for "
                "measurement management system training, more than its own quota of "
                "%(quota)s."
            )
            % {
                "region": parent,
                "sum": sums["smes_for_mms_training"],
                "quota": own.smes_for_mms_training,
            }
        )
    return warnings


def _quota_write(actor, campaign, region, *, smes_to_help, smes_for_mms_training, note) -> Quota:
    numbers = {
        "smes_to_help": _count(smes_to_help, "smes_to_help", _("SMEs to help")),
        "smes_for_mms_training": _count(
            smes_for_mms_training,
            "smes_for_mms_training",
            _("SMEs for measurement management system training"),
        ),
    }
    note = (note or "").strip()
    quota = Quota.objects.filter(campaign=campaign, region=region).first()
    if quota is None:
        quota = Quota(campaign=campaign, region=region, note=note, **numbers)
        quota.full_clean()
        quota.save()
        audit.record(
            actor=actor,
            action="campaigns.quota.created",
            instance=quota,
            organisation=campaign.organiser,
            changes={name: [None, value] for name, value in {**numbers, "note": note}.items()},
        )
        return quota
    changes = {}
    for name, value in {**numbers, "note": note}.items():
        if getattr(quota, name) != value:
            changes[name] = [getattr(quota, name), value]
            setattr(quota, name, value)
    if changes:
        quota.full_clean()
        quota.save()
        audit.record(
            actor=actor,
            action="campaigns.quota.changed",
            instance=quota,
            organisation=campaign.organiser,
            changes=changes,
        )
    return quota


def _require_allocator(actor, campaign, region) -> None:
    if _is_platform_admin(actor):
        return
    if region.pk == campaign.region_id:
        if campaign.organiser_id in scope_for(actor).organisation_ids(ACTING_ROLES):
            return
        raise PermissionDenied(_("Only the organiser sets the quota of the campaign's region."))
    if not _acts_for_region(actor, region.parent_id):
        raise PermissionDenied(
            _("Only the bureau of %(parent)s sets the quota of %(region)s.")
            % {"parent": region.parent, "region": region}
        )


# Entered values --------------------------------------------------------------------------------


@transaction.atomic
def values_enter(
    *, actor, campaign, region, period, values: dict[str, tuple[int, str]]
) -> list[EnteredValue]:
    """The region's bureau enters its own figures of ``period``: ``{indicator code: (value,
    note)}``; a value of None removes the entered value. Refused while the region's report of
    the period is submitted or approved. Returns the values written (unchanged ones left out).

    Costs a constant number of small queries (about a dozen) whatever the region's depth: the
    roll-up moves by deltas (``rollup.entered_changed``)."""
    campaign = _visible_campaign(actor, campaign)
    _require_visible_region(actor, region)
    _require_in_campaign(campaign, region)
    bureau = _bureau_acted_for(actor, region.pk)
    if bureau is None and not _is_platform_admin(actor):
        raise PermissionDenied(
            _("Only the bureau of %(region)s enters its figures.") % {"region": region}
        )
    _require_reporting_period(campaign, period)
    indicators = {indicator.code: indicator for indicator in campaign.indicators.all()}
    campaign._rollup_indicator_ids = sorted(indicator.pk for indicator in indicators.values())
    cleaned = {}
    errors = {}
    for code, entry in values.items():
        value, note = entry if isinstance(entry, tuple | list) else (entry, "")
        indicator = indicators.get(code)
        if indicator is None:
            errors[code] = _("%(code)s is not an indicator of this campaign.") % {"code": code}
            continue
        try:
            number = None if value is None else _count(value, code, indicator.name)
        except ValidationError as error:
            errors.update(error.message_dict)
            continue
        note = (note or "").strip()
        if len(note) > 500:
            errors[code] = _("%(indicator)s: the note is longer than 500 characters.") % {
                "indicator": indicator.name
            }
            continue
        cleaned[indicator] = (number, note)
    if errors:
        raise ValidationError(errors)
    rollup.lock(campaign)
    status = (
        Report.objects.filter(campaign=campaign, region=region, period=period)
        .values_list("status", flat=True)
        .first()
    )
    if status not in (None, *UNLOCKED_STATUSES):
        raise ValidationError(
            {
                "period": _(
                    "The report of %(region)s for %(period)s is %(status)s: its figures are locked."
                )
                % {
                    "region": region,
                    "period": label(period),
                    "status": ReportStatus(status).label,
                }
            }
        )
    existing = {
        row.indicator_id: row
        for row in EnteredValue.objects.filter(
            campaign=campaign,
            region=region,
            period=period,
            indicator_id__in=[indicator.pk for indicator in cleaned],
        )
    }
    created, changed, removed, rollup_changes, audit_changes = [], [], [], {}, {}
    for indicator, (number, note) in cleaned.items():
        row = existing.get(indicator.pk)
        if row is None:
            if number is None:
                continue
            created.append(
                EnteredValue(
                    campaign=campaign,
                    region=region,
                    period=period,
                    indicator=indicator,
                    value=number,
                    note=note,
                    entered_by=actor,
                )
            )
            rollup_changes[indicator] = (None, number)
            audit_changes[indicator.code] = [None, number]
        elif number is None:
            removed.append(row.pk)
            rollup_changes[indicator] = (row.value, None)
            audit_changes[indicator.code] = [row.value, None]
        elif row.value != number or row.note != note:
            if row.value != number:
                rollup_changes[indicator] = (row.value, number)
                audit_changes[indicator.code] = [row.value, number]
            if row.note != note:
                audit_changes[f"{indicator.code}.note"] = [row.note, note]
            row.value, row.note, row.entered_by = number, note, actor
            row.updated = timezone.now()
            changed.append(row)
    if created:
        EnteredValue.objects.bulk_create(created)
    if changed:
        EnteredValue.objects.bulk_update(changed, ["value", "note", "entered_by", "updated"])
    if removed:
        EnteredValue.objects.filter(pk__in=removed).delete()
    if rollup_changes:
        rollup.entered_changed(campaign, region, period, rollup_changes, locked=True)
    if audit_changes:
        audit.record(
            actor=actor,
            action="campaigns.values.entered",
            subject=f"{campaign} · {region} · {period}",
            organisation=bureau or _bureau_of(region) or campaign.organiser,
            changes=audit_changes,
        )
    return created + changed


# Reports ---------------------------------------------------------------------------------------


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
    members = Membership.objects.filter(
        organisation__kind=OrganisationKind.REGULATOR,
        organisation__is_active=True,
        organisation__region_id=region_id,
        role__in=ACTING_ROLES,
        user__is_active=True,
    ).select_related("user", "organisation")
    by_organisation = {}
    for membership in members:
        by_organisation.setdefault(membership.organisation, []).append(membership.user)
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
    for organisation, users in by_organisation.items():
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


# Recount ---------------------------------------------------------------------------------------


def recount(*, campaign=None, since: datetime | None = None) -> int:
    """Recompute the counted figures of one campaign or of all: everything (``since`` None)
    or only the regions whose records changed since ``since`` (every period of such a region
    is recounted). Returns the number of own figures that changed; their ancestors' subtree
    figures move with them. Counted figures change even in periods whose report was approved
    (a late record): they are facts of the platform; the approved report keeps what it
    approved in ``Report.approved_figures``.

    A record that stopped counting (say an order no longer completed) is noticed by a full
    recount, not by one ``since``: the periodic task runs a full one every night."""
    campaigns = [campaign] if campaign is not None else Campaign.objects.select_related("region")
    changed = 0
    for each in campaigns:
        changed += _recount_campaign(each, since)
    return changed


@transaction.atomic
def _recount_campaign(campaign, since) -> int:
    indicators = list(campaign.indicators.exclude(counter=""))
    if not indicators:
        return 0
    rollup.lock(campaign)
    if since is None:
        return rollup.recount_all(campaign, locked=True)
    region_ids = {
        region_id
        for region_id, _period in counting.touched(campaign, since=since, indicators=indicators)
    }
    if not region_ids:
        return 0
    if len(region_ids) > REBUILD_ABOVE_REGIONS:
        return rollup.recount_all(campaign, locked=True)
    ids = [indicator.pk for indicator in indicators]
    counts = counting.count(campaign, indicators=indicators, region_ids=region_ids)
    region_counts = {
        region_id: {
            (period, indicator_id): counts.get((region_id, period, indicator_id), 0)
            for period in rollup.period_keys(campaign)
            for indicator_id in ids
        }
        for region_id in region_ids
    }
    return rollup.counted_changed(campaign, region_counts, locked=True)


def recount_due(*, full: bool = False) -> RecountRun:
    """The periodic recount: what changed since the previous run started (less a margin), or
    everything when ``full`` or when there was no run yet. Records the run."""
    previous = RecountRun.objects.filter(finished_at__isnull=False).first()
    run = RecountRun.objects.create(started_at=timezone.now(), full=full or previous is None)
    since = None if run.full else previous.started_at - RECOUNT_OVERLAP
    run.rows_changed = recount(since=since)
    run.finished_at = timezone.now()
    run.save(update_fields=["rows_changed", "finished_at"])
    return run


# Helpers ---------------------------------------------------------------------------------------


def _is_platform_admin(actor) -> bool:
    scope = scope_for(actor)
    return bool(scope) and scope.is_platform_admin


def _acts_for_regions(actor, region_ids) -> list[bool]:
    """For each region id: does the actor act for a bureau of that region?"""
    acting = set(
        acting_bureaus(actor)
        .filter(region_id__in=list(region_ids))
        .values_list("region_id", flat=True)
    )
    return [region_id in acting for region_id in region_ids]


def _bureau_acted_for(actor, region_id):
    """The regulator of this region the actor acts for, if any."""
    return acting_bureaus(actor).filter(region_id=region_id).order_by("pk").first()


def _acts_for_region(actor, region_id) -> bool:
    if region_id is None:
        return False
    return _acts_for_regions(actor, [region_id])[0]


def _bureau_of(region):
    return (
        Organisation.objects.filter(kind=OrganisationKind.REGULATOR, is_active=True, region=region)
        .order_by("pk")
        .first()
    )


def _visible_campaign(actor, campaign) -> Campaign:
    found = (
        Campaign.objects.visible_to(actor)
        .select_related("region", "organiser")
        .filter(pk=campaign.pk)
        .first()
    )
    if found is None:
        raise Http404
    return found


def _require_visible_region(actor, region) -> None:
    scope = scope_for(actor)
    if scope is None or not (scope.is_platform_admin or region.pk in scope.regulated_region_ids):
        raise Http404


def _require_in_campaign(campaign, region) -> None:
    if not region.path.startswith(campaign.region.path):
        raise ValidationError(
            {"region": _("%(region)s is not in the campaign's regions.") % {"region": region}}
        )


def _require_reporting_period(campaign, period) -> None:
    try:
        if period == WHOLE_CAMPAIGN:
            raise ValueError(
                _("Figures are entered and reported per period, not for the whole campaign.")
            )
        period_of(campaign, period)
    except ValueError as error:
        raise ValidationError({"period": str(error)}) from error


def _count(value, name: str, label_text: str) -> int:
    """A count: a whole number from 0 up. ValidationError naming ``name`` otherwise."""
    if isinstance(value, bool):
        value = None
    elif isinstance(value, str):
        text = value.strip()
        value = int(text) if re.fullmatch(r"-?[0-9]+", text) else text
    elif isinstance(value, float | Decimal) and _whole(value):
        value = int(value)
    if not isinstance(value, int):
        raise ValidationError({name: _("%(field)s: enter a whole number.") % {"field": label_text}})
    if value < 0:
        raise ValidationError(
            {name: _("%(field)s: a count cannot be negative.") % {"field": label_text}}
        )
    if value > MAX_VALUE:
        raise ValidationError({name: _("%(field)s: too large.") % {"field": label_text}})
    return value


def _whole(number) -> bool:
    try:
        return number == int(number)
    except (ValueError, OverflowError, ArithmeticError):  # NaN, infinity
        return False
