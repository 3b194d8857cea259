"""Campaigns, their periods, and the indicators they may count."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from ninja import Status
from ninja.pagination import paginate

from jiliang.campaigns import selectors, services
from jiliang.campaigns.api.common import REFUSALS, _campaign, router
from jiliang.campaigns.api.schemas import (
    CampaignIn,
    CampaignOut,
    CampaignPatch,
    IndicatorOut,
    PeriodOut,
)
from jiliang.campaigns.models import Campaign, Indicator
from jiliang.campaigns.periods import periods_of
from jiliang.core.api import Id, get_visible_or_404, patch_data
from jiliang.core.services import require_organisation_role
from jiliang.orgs.choices import OrganisationKind
from jiliang.orgs.models import Organisation


def _indicators(codes: list[str] | None):
    if codes is None:
        return None
    codes = list(dict.fromkeys(codes))
    found = Indicator.objects.in_bulk(codes, field_name="code")
    missing = [code for code in codes if code not in found]
    if missing:
        raise ValidationError(
            {"indicators": _("Unknown indicator: %(code)s.") % {"code": ", ".join(missing)}}
        )
    return [found[code] for code in codes]


@router.get("/indicators", response=list[IndicatorOut])
def indicator_list(request):
    """Every indicator a campaign may count, in the tables' order (inactive ones too)."""
    return Indicator.objects.order_by("position", "code")


@router.get("/campaigns", response=list[CampaignOut])
@paginate
def campaign_list(request):
    """The campaigns you see: those of your region, of the regions above it (you report into
    them) and below it; newest year first."""
    return selectors.campaign_list(user=request.user).prefetch_related(
        Prefetch("indicators", queryset=Indicator.objects.order_by("position", "code"))
    )


@router.post("/campaigns", response={201: CampaignOut, **REFUSALS})
def campaign_create(request, payload: CampaignIn):
    """A campaign of a regulator over its region; it then allocates quotas to the regions
    below."""
    organiser = _organiser(request, payload.organiser)
    campaign = services.campaign_create(
        actor=request.user,
        organiser=organiser,
        name=payload.name,
        year=payload.year,
        period_type=payload.period_type,
        deadline_days=payload.deadline_days,
        indicators=_indicators(payload.indicators),
    )
    return Status(201, _campaign(request, campaign.pk))


def _organiser(request, organiser_id) -> Organisation:
    if organiser_id is None:
        candidates = list(selectors.acting_bureaus(request.user)[:2])
        if len(candidates) != 1:
            raise ValidationError({"organiser": _("Say which regulator organises the campaign.")})
        return candidates[0]
    organiser = get_visible_or_404(Organisation, request, pk=organiser_id)
    require_organisation_role(request.user, organiser, selectors.ACTING_ROLES)
    if organiser.kind != OrganisationKind.REGULATOR:
        raise ValidationError({"organiser": _("Choose a regulator.")})
    return organiser


@router.get("/campaigns/{int:campaign_id}", response=CampaignOut)
def campaign_detail(request, campaign_id: Id):
    return _campaign(request, campaign_id)


@router.patch("/campaigns/{int:campaign_id}", response={200: CampaignOut, **REFUSALS})
def campaign_update(request, campaign_id: Id, payload: CampaignPatch):
    """Change the name, the deadline or the indicators (and the year or the periods while
    nothing is entered or reported); only the fields sent change."""
    campaign = _campaign(request, campaign_id)
    if not Campaign.objects.editable_by(request.user).filter(pk=campaign.pk).exists():
        raise PermissionDenied(_("Only the organiser's administrators and staff change it."))
    data = patch_data(payload, Campaign)
    if "indicators" in data:
        data["indicators"] = _indicators(data["indicators"])
    services.campaign_update(actor=request.user, campaign=campaign, **data)
    return _campaign(request, campaign_id)


@router.get("/campaigns/{int:campaign_id}/periods", response=list[PeriodOut])
def period_list(request, campaign_id: Id):
    """The reporting periods in time order, with their deadlines; the key "total" (the whole
    campaign) is accepted wherever a roll-up is asked for."""
    return periods_of(_campaign(request, campaign_id))
