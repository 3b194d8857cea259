"""Creating and changing orders: a new order, the mandatory filing, the change of a draft."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Status

from jiliang.core.api import Id, get_visible_or_404, patch_data
from jiliang.core.services import require_organisation_role
from jiliang.instruments.models import Instrument
from jiliang.orders import selectors, services
from jiliang.orders.api.common import (
    REFUSALS,
    WRITE,
    _detail,
    _require_party,
    _state_conflicts,
    router,
)
from jiliang.orders.api.schemas import MandatoryFilingIn, OrderIn, OrderOut, OrderPatch
from jiliang.orders.choices import Party
from jiliang.orders.models import EDITOR_ROLES, Order
from jiliang.orgs.models import Organisation


@router.post("/orders", response={201: OrderOut, **REFUSALS})
def order_create(request, payload: OrderIn):
    """A draft order of an enterprise to a metrology institution."""
    enterprise = _ordering_enterprise(request, payload.enterprise)
    institution = _institution(payload.institution)
    instruments = _ledger_instruments(enterprise, payload.instruments)
    fields = payload.dict(exclude={"enterprise", "institution", "kind", "instruments"})
    order = services.order_create(
        actor=request.user,
        enterprise=enterprise,
        institution=institution,
        kind=payload.kind,
        instruments=instruments,
        **fields,
    )
    return Status(201, _detail(request, order.pk))


@router.post("/orders/mandatory-filing", response={201: OrderOut, **REFUSALS})
def order_mandatory_filing(request, payload: MandatoryFilingIn):
    """强检备案 and 预约 in one step: a draft mandatory verification order for every mandatory
    instrument of the enterprise that is overdue or due within 30 days."""
    enterprise = _ordering_enterprise(request, payload.enterprise)
    institution = _institution(payload.institution)
    order = services.mandatory_filing(
        actor=request.user,
        enterprise=enterprise,
        institution=institution,
        today=timezone.localdate(),
        **payload.dict(exclude={"enterprise", "institution"}),
    )
    return Status(201, _detail(request, order.pk))


@router.patch("/orders/{int:order_id}", response={200: OrderOut, **WRITE})
def order_update(request, order_id: Id, payload: OrderPatch):
    """Change a draft or returned order; only the fields sent change."""
    order = get_visible_or_404(Order, request, pk=order_id)
    _require_party(request, order, Party.ENTERPRISE)
    data = patch_data(payload, Order)
    if order.is_approval and data.get("instruments") == []:
        # An approval has no instruments to replace; its one item is the object applied for,
        # which services.order_update would delete for an empty list.
        del data["instruments"]
    if data.get("instruments") is not None:
        data["instruments"] = _ledger_instruments(order.enterprise, data["instruments"])
    with _state_conflicts():
        services.order_update(actor=request.user, order=order, **data)
    return _detail(request, order.pk)


def _ordering_enterprise(request, enterprise_id) -> Organisation:
    """The enterprise named, or the only one the user acts for; they must act for it."""
    if enterprise_id is None:
        candidates = list(selectors.order_enterprises(user=request.user)[:2])
        if len(candidates) != 1:
            raise ValidationError({"enterprise": _("Say which enterprise the order is for.")})
        enterprise = candidates[0]
    else:
        enterprise = get_visible_or_404(Organisation, request, pk=enterprise_id)
    # Before anything in the body is looked at: a refusal must not depend on it.
    require_organisation_role(request.user, enterprise, EDITOR_ROLES)
    return enterprise


def _institution(institution_id: int) -> Organisation:
    institution = Organisation.objects.filter(pk=institution_id).first()
    if institution is None:
        raise ValidationError({"institution": _("Choose a metrology institution.")})
    return institution  # the service refuses an organisation that is not an institution


def _ledger_instruments(enterprise, ids: list[int]) -> list[Instrument]:
    """The instruments of the enterprise's ledger with these ids, in the order given; an id
    of any other instrument is refused without saying whose it is."""
    ids = list(dict.fromkeys(ids))
    found = Instrument.objects.filter(organisation=enterprise, pk__in=ids).in_bulk()
    missing = [pk for pk in ids if pk not in found]
    if missing:
        raise ValidationError(
            {
                "instruments": _("Instrument %(id)s is not in the ledger of %(enterprise)s.")
                % {"id": missing[0], "enterprise": enterprise}
            }
        )
    return [found[pk] for pk in ids]
