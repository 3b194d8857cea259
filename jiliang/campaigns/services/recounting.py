"""The recount of the figures the platform counts itself (``counting``), at once or
periodically."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from jiliang.campaigns import counting, rollup
from jiliang.campaigns.models import Campaign, RecountRun

# Overlap of two periodic recounts: a record written in a transaction that began before the
# previous recount started but committed after it is still looked at.
RECOUNT_OVERLAP = timedelta(minutes=5)
# A recount since a moment that finds more regions touched recounts the whole campaign at once.
REBUILD_ABOVE_REGIONS = 50


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
