"""The moves of an order's state: submit, cancel, return, accept, receive, complete."""

from django.utils import timezone

from jiliang.core.api import Id, get_visible_or_404
from jiliang.orders import services
from jiliang.orders.api.common import WRITE, _detail, _require_party, _state_conflicts, router
from jiliang.orders.api.schemas import OrderOut, ReturnIn
from jiliang.orders.models import TRANSITIONS, Order


def _move(request, order_id: int, name: str, step) -> Order:
    order = get_visible_or_404(Order, request, pk=order_id)
    _require_party(request, order, TRANSITIONS[name].party)
    with _state_conflicts():
        step(order)
    return _detail(request, order.pk)


@router.post("/orders/{int:order_id}/submit", response={200: OrderOut, **WRITE})
def order_submit(request, order_id: Id):
    """Send a draft, or a returned order once fixed, to the institution."""
    return _move(
        request,
        order_id,
        "submit",
        lambda order: services.order_submit(actor=request.user, order=order),
    )


@router.post("/orders/{int:order_id}/cancel", response={200: OrderOut, **WRITE})
def order_cancel(request, order_id: Id):
    """Withdraw an order before the institution accepts it."""
    return _move(
        request,
        order_id,
        "cancel",
        lambda order: services.order_cancel(actor=request.user, order=order),
    )


@router.post("/orders/{int:order_id}/return", response={200: OrderOut, **WRITE})
def order_return(request, order_id: Id, payload: ReturnIn):
    """Send a submitted order back to the enterprise with what it must change."""
    return _move(
        request,
        order_id,
        "return",
        lambda order: services.order_return(actor=request.user, order=order, reason=payload.reason),
    )


@router.post("/orders/{int:order_id}/accept", response={200: OrderOut, **WRITE})
def order_accept(request, order_id: Id):
    """Accept (受理) a submitted order; an approval's time limit starts."""
    return _move(
        request,
        order_id,
        "accept",
        lambda order: services.order_accept(
            actor=request.user, order=order, today=timezone.localdate()
        ),
    )


@router.post("/orders/{int:order_id}/receive", response={200: OrderOut, **WRITE})
def order_receive(request, order_id: Id):
    """The items arrived, or on site the visit took place: they are 送检中 and the time limit
    of a verification or calibration starts (on site from the scheduled visit, else today)."""
    return _move(
        request,
        order_id,
        "receive",
        lambda order: services.order_receive(
            actor=request.user, order=order, today=timezone.localdate()
        ),
    )


@router.post("/orders/{int:order_id}/complete", response={200: OrderOut, **WRITE})
def order_complete(request, order_id: Id):
    """Close the order: every result becomes a record in the enterprise's ledger (400 naming
    ``items`` while one has none)."""
    return _move(
        request,
        order_id,
        "complete",
        lambda order: services.order_complete(
            actor=request.user, order=order, today=timezone.localdate()
        ),
    )
