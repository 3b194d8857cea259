"""The orders' button on an instrument's phone page (``jiliang.instruments.actions``): the open
order the instrument is in, or a new order for it."""

from __future__ import annotations

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from jiliang.instruments.actions import InstrumentAction
from jiliang.instruments.choices import InstrumentStatus, Traceability
from jiliang.orders import selectors
from jiliang.orders.choices import OrderKind
from jiliang.orders.models import Order
from jiliang.orders.services import BUSY_STATUSES


def send_for_service(user, instrument) -> InstrumentAction | None:
    busy = (
        Order.objects.visible_to(user)
        .filter(items__instrument=instrument, status__in=BUSY_STATUSES)
        .order_by("-pk")
        .first()
    )
    if busy is not None:
        return InstrumentAction(
            _("Order %(number)s") % {"number": busy.number},
            busy.get_absolute_url(),
            "clipboard-check",
        )
    may_order = selectors.order_enterprises(user=user).filter(pk=instrument.organisation_id)
    if instrument.status == InstrumentStatus.RETIRED or not may_order.exists():
        return None
    query = urlencode(
        {
            "enterprise": instrument.organisation_id,
            "kind": kind_for(instrument),
            "instruments": instrument.pk,
        }
    )
    return InstrumentAction(
        _("Send to an institution"), f"{reverse('orders:order_create')}?{query}", "send"
    )


def kind_for(instrument) -> str:
    """The kind of order an instrument usually goes in."""
    if instrument.is_mandatory:
        return OrderKind.MANDATORY_VERIFICATION
    if instrument.traceability == Traceability.CALIBRATION:
        return OrderKind.CALIBRATION
    return OrderKind.VERIFICATION
