"""What the routes of the campaigns API share: the router they are registered on, their error
responses, the campaign and the region a request is about, and the check that the user acts
for a region's bureau."""

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from jiliang.campaigns import selectors
from jiliang.campaigns.models import Campaign, Indicator
from jiliang.core.api import ErrorOut
from jiliang.core.routers import PackageRouter
from jiliang.orgs.models import Region

router = PackageRouter(__package__, tags=["campaigns"])

# Beside what error_statuses gives every route: REFUSALS of a change, and for a step a report's
# state may refuse also its 409.
REFUSALS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut}
WRITE = {**REFUSALS, 409: ErrorOut}
READ = {400: ErrorOut, 404: ErrorOut}


def _campaign(request, campaign_id: int) -> Campaign:
    return get_object_or_404(
        Campaign.objects.visible_to(request.user)
        .select_related("region", "organiser")
        .prefetch_related(
            Prefetch("indicators", queryset=Indicator.objects.order_by("position", "code"))
        ),
        pk=campaign_id,
    )


def _region(request, campaign, region_id) -> Region:
    """The region asked for, or the highest the user may look at; 404 outside their view."""
    if region_id is None:
        region = selectors.home_region(user=request.user, campaign=campaign)
        if region is None:
            raise Http404
        return region
    return selectors.region_in_view(user=request.user, campaign=campaign, region=region_id)


def _require_bureau(request, region: Region) -> None:
    """403 unless the user acts (as administrator or staff) for the region's bureau."""
    if not selectors.acts_for(selectors.bureau_region_ids(request.user), region.pk):
        raise PermissionDenied(_("Only the bureau of %(region)s may do this.") % {"region": region})
