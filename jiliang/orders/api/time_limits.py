"""On-site visits and an institution's time limits."""

from ninja import Field, Query

from jiliang.core.api import Id, Schema, get_visible_or_404
from jiliang.orders import selectors, services
from jiliang.orders.api.common import (
    REFUSALS,
    WRITE,
    _detail,
    _member_institution,
    _require_party,
    _state_conflicts,
    router,
)
from jiliang.orders.api.schemas import Day, OrderOut
from jiliang.orders.choices import OrderKind, Party
from jiliang.orders.models import Order


class VisitIn(Schema):
    visit_date: Day = Field(description="Not in the past, at most a year ahead")


@router.post("/orders/{int:order_id}/visit", response={200: OrderOut, **WRITE})
def order_schedule_visit(request, order_id: Id, payload: VisitIn):
    """Schedule (or move) the visit of an accepted on-site order; the enterprise is told.
    Receiving the order then counts its time limit from that day: the visit is the receipt."""
    order = get_visible_or_404(Order, request, pk=order_id)
    _require_party(request, order, Party.INSTITUTION)
    with _state_conflicts():
        services.order_schedule_visit(
            actor=request.user, order=order, visit_date=payload.visit_date
        )
    return _detail(request, order.pk)


class TimeLimitOut(Schema):
    kind: OrderKind
    green_channel: bool
    working_days: int = Field(description="The limit in force, in working days")
    default_days: int = Field(description="The platform's default for the kind and channel")
    is_default: bool = Field(description="True when the institution has set no limit of its own")


class TimeLimitQuery(Schema):
    institution: Id | None = Field(
        None, description="The institution's id; may be left out by a member of only one"
    )


class TimeLimitIn(TimeLimitQuery):
    kind: OrderKind
    green_channel: bool
    working_days: int | None = Field(
        description="Working days (1 to 250); null goes back to the platform's default"
    )


@router.get("/orders/time-limits", response={200: list[TimeLimitOut], **REFUSALS})
def time_limit_list(request, query: Query[TimeLimitQuery]):
    """The institution's time limits: every kind, normal and green channel, its own or the
    default; for the institution's members."""
    institution = _member_institution(request, query.institution)
    return selectors.time_limits(institution=institution)


@router.put("/orders/time-limits", response={200: TimeLimitOut, **REFUSALS})
def time_limit_set(request, payload: TimeLimitIn):
    """Set one of the institution's time limits (its administrators); orders already counting
    keep their deadline."""
    institution = _member_institution(request, payload.institution)
    services.time_limit_set(
        actor=request.user,
        institution=institution,
        kind=payload.kind,
        green_channel=payload.green_channel,
        working_days=payload.working_days,
    )
    return next(
        row
        for row in selectors.time_limits(institution=institution)
        if (row["kind"], row["green_channel"]) == (payload.kind, payload.green_channel)
    )
