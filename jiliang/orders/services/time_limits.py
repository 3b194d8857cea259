"""Statutory time limits: an institution's own, the clock of an order and its pauses."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiliang.core import audit, workdays
from jiliang.core.scoping import scope_for
from jiliang.core.services import require_organisation_role
from jiliang.orders.choices import (
    OrderStatus,
    Party,
)
from jiliang.orders.models import (
    Order,
    OrderPause,
    TimeLimit,
    TransitionRefused,
)
from jiliang.orders.services.common import (
    DEFAULT_TIME_LIMITS,
    _require_party,
    _tell_the_other_party,
)


@transaction.atomic
def pause_start(*, actor, order: Order, reason: str, started: date) -> OrderPause:
    """Stop an approval's clock (行政许可法 §45: expert review, 型式评价); the enterprise is
    told in writing through its inbox."""
    _require_party(actor, order, Party.INSTITUTION)
    refusal = _("Only an accepted approval's time limit can be paused.")
    if not order.is_approval:
        raise ValidationError(refusal)  # whatever its state
    if order.status not in (OrderStatus.ACCEPTED, OrderStatus.IN_SERVICE):
        raise TransitionRefused(refusal)
    if order.pauses.filter(ended__isnull=True).exists():
        raise TransitionRefused(_("The time limit is already paused."))
    if started > timezone.localdate():
        raise ValidationError({"started": _("A pause cannot start in the future.")})
    pause = OrderPause(order=order, reason=reason, started=started)
    pause.full_clean()
    pause.save()
    _pause_changed(actor, order, pause, "orders.pause.started")
    return pause


@transaction.atomic
def pause_end(*, actor, pause: OrderPause, ended: date) -> OrderPause:
    _require_party(actor, pause.order, Party.INSTITUTION)
    if pause.ended is not None:
        raise TransitionRefused(_("This pause has ended."))
    pause.ended = ended
    pause.full_clean()
    pause.save()
    _pause_changed(actor, pause.order, pause, "orders.pause.ended")
    return pause


def _pause_changed(actor, order: Order, pause: OrderPause, action: str) -> None:
    if order.clock_started:
        deadline = workdays.add_workdays_excluding(
            order.clock_started, order.time_limit_days, _pauses(order)
        )
        Order.objects.filter(pk=order.pk).update(deadline=deadline)
    audit.record(
        actor=actor,
        action=action,
        instance=order,
        organisation=order.enterprise,
        changes={"pause": [None, str(pause)]},
    )
    _tell_the_other_party(order, Party.INSTITUTION)


# An institution's time limits are its policy: its administrators set them, its staff apply
# them.
TIME_LIMIT_ROLES = frozenset({"admin"})


def may_set_time_limits(user, institution) -> bool:
    scope = scope_for(user)
    return bool(scope) and (
        scope.is_platform_admin or institution.pk in scope.organisation_ids(TIME_LIMIT_ROLES)
    )


@transaction.atomic
def time_limit_set(
    *, actor, institution, kind: str, green_channel: bool, working_days: int | None
) -> TimeLimit | None:
    """An institution's own limit for a kind of order; ``None`` goes back to the default.
    Orders already counting keep the deadline they were given."""
    require_organisation_role(actor, institution, TIME_LIMIT_ROLES)
    current = TimeLimit.objects.filter(
        institution=institution, kind=kind, green_channel=green_channel
    ).first()
    before = current.working_days if current else None
    if working_days is None:
        if current:
            current.delete()
        limit = None
    else:
        limit = current or TimeLimit(
            institution=institution, kind=kind, green_channel=green_channel
        )
        limit.working_days = working_days
        limit.full_clean()
        limit.save()
    audit.record(
        actor=actor,
        action="orders.time_limit.set",
        subject=f"{kind} {'green' if green_channel else 'normal'}",
        organisation=institution,
        changes={"working_days": [before, working_days]},
    )
    return limit


def time_limit(order: Order) -> int:
    own = TimeLimit.objects.filter(
        institution=order.institution, kind=order.kind, green_channel=order.green_channel
    ).values_list("working_days", flat=True)
    return own.first() or DEFAULT_TIME_LIMITS[(order.kind, order.green_channel)]


def _clock(order: Order, today: date) -> dict:
    days = time_limit(order)
    return {
        "clock_started": today,
        "time_limit_days": days,
        "deadline": workdays.add_workdays_excluding(today, days, _pauses(order)),
    }


def _pauses(order: Order) -> list[tuple[date, date]]:
    """The order's pauses, a running one as if it ended on its first day: the stored deadline
    is then the one the order would have if the clock started again, and the days left stand
    still while it is stopped (selectors.remaining_workdays); pause_end moves the deadline."""
    return [(pause.started, pause.ended or pause.started) for pause in order.pauses.all()]
