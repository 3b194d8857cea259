"""The figures a region's own bureau enters for a period."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiliang.campaigns import rollup
from jiliang.campaigns.choices import ReportStatus
from jiliang.campaigns.models import EnteredValue, Report
from jiliang.campaigns.periods import label
from jiliang.campaigns.services.common import (
    UNLOCKED_STATUSES,
    _bureau_acted_for,
    _bureau_of,
    _count,
    _is_platform_admin,
    _require_in_campaign,
    _require_reporting_period,
    _require_visible_region,
    _visible_campaign,
)
from jiliang.core import audit


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
