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
- a region's report of a period is submitted once the period has ended;
- the bureau of the report region's parent approves or returns it, and chases it (催报) while
  it is late (``chasing``); it (or a bureau above it) unapproves an approved report, unless
  the parent's own report of that period is submitted or approved.

Locks: a region's entered figures of a period are locked while its report is submitted or
approved. Counted figures are never locked (see ``counting``).

Transitions are conditional UPDATEs (``status IN sources``): of two approvers at once exactly
one wins, the other gets a clear error.

The package by topic: ``campaigns`` (campaigns and indicators), ``quotas``, ``values``
(entered figures), ``reports`` (the approval chain), ``chasing`` (reminders of late reports)
and ``recounting``; ``common`` holds the checks they share. The names below are the ones
other code uses; patch a name where it is looked up (``services.recounting.recount``), not
here.
"""

from jiliang.campaigns.services.campaigns import (
    CAMPAIGN_FIELDS,
    INDICATOR_FIELDS,
    PLAIN_CAMPAIGN_FIELDS,
    campaign_create,
    campaign_update,
    indicator_create,
    indicator_update,
)
from jiliang.campaigns.services.chasing import ChaseOutcome, report_chase, reports_chase_late
from jiliang.campaigns.services.common import MAX_VALUE
from jiliang.campaigns.services.quotas import QuotaOutcome, quota_set, quotas_import
from jiliang.campaigns.services.recounting import RECOUNT_OVERLAP, recount, recount_due
from jiliang.campaigns.services.reports import (
    approved_figures,
    not_ended_message,
    report_approve,
    report_return,
    report_submit,
    report_unapprove,
)
from jiliang.campaigns.services.values import values_enter

__all__ = [
    "CAMPAIGN_FIELDS",
    "INDICATOR_FIELDS",
    "MAX_VALUE",
    "PLAIN_CAMPAIGN_FIELDS",
    "RECOUNT_OVERLAP",
    "ChaseOutcome",
    "QuotaOutcome",
    "approved_figures",
    "campaign_create",
    "campaign_update",
    "indicator_create",
    "indicator_update",
    "not_ended_message",
    "quota_set",
    "quotas_import",
    "recount",
    "recount_due",
    "report_approve",
    "report_chase",
    "report_return",
    "report_submit",
    "report_unapprove",
    "reports_chase_late",
    "values_enter",
]
