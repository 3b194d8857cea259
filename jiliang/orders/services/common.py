"""What the order services share: the defaults, the scope checks, the transition every step
makes and the notice to the other party."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from jiliang.core import audit
from jiliang.core.scoping import scope_for
from jiliang.core.services import require_organisation_role
from jiliang.instruments.choices import RecordKind
from jiliang.notifications.services import notify
from jiliang.orders.choices import (
    APPROVAL_KINDS,
    OPEN_STATUSES,
    OrderKind,
    OrderStatus,
    Party,
)
from jiliang.orders.models import (
    CLOSED_STATUSES,
    EDITOR_ROLES,
    TRANSITIONS,
    Order,
    OrderItem,
    TransitionRefused,
)
from jiliang.orgs.choices import SizeClass
from jiliang.orgs.models import Membership

SME_SIZES = frozenset({SizeClass.MICRO, SizeClass.SMALL, SizeClass.MEDIUM})
# Working days when the institution has set none: 10 for verification and calibration, 5 in the
# green channel; 20 for approvals (行政许可法 §42), the green channel included.
DEFAULT_TIME_LIMITS = {
    (kind, green): 20 if kind in APPROVAL_KINDS else (5 if green else 10)
    for kind in OrderKind.values
    for green in (False, True)
}
RECORD_KIND = {
    OrderKind.MANDATORY_VERIFICATION: RecordKind.VERIFICATION,
    OrderKind.VERIFICATION: RecordKind.VERIFICATION,
    OrderKind.CALIBRATION: RecordKind.CALIBRATION,
}
# An instrument in a draft or open order is in no other.
BUSY_STATUSES = [OrderStatus.DRAFT, *OPEN_STATUSES]
ORDER_FIELDS = [
    "service_mode",
    "carrier",
    "tracking_number",
    "site_address",
    "wished_from",
    "wished_to",
    "contact_name",
    "contact_phone",
    "description",
]


@transaction.atomic
def _transition(actor, order: Order, name: str, **changes) -> Order:
    transition = TRANSITIONS[name]
    _require_party(actor, order, transition.party)
    before = order.status
    moved = Order.objects.filter(pk=order.pk, status__in=transition.sources).update(
        status=transition.target, updated=timezone.now(), **changes
    )
    if not moved:
        order.refresh_from_db(fields=["status"])
        raise TransitionRefused(
            _("The order is %(status)s: it cannot be %(action)s.")
            % {"status": order.get_status_display(), "action": _action_label(name)}
        )
    if transition.target in CLOSED_STATUSES:  # its instruments may go in another order now
        OrderItem.objects.filter(order=order).update(order_closed=True)
    order.refresh_from_db()
    audit.record(
        actor=actor,
        action=f"orders.order.{name}",
        instance=order,
        organisation=order.enterprise,
        changes={
            "status": [before, order.status],
            **({"reason": [None, order.return_reason]} if order.return_reason else {}),
        },
    )
    _tell_the_other_party(order, transition.party)
    return order


def _action_label(name: str) -> str:
    return {
        "submit": _("submitted"),
        "cancel": _("cancelled"),
        "return": _("returned"),
        "accept": _("accepted"),
        "receive": _("received"),
        "complete": _("completed"),
    }[name]


def _acts_for(actor, organisation) -> bool:
    scope = scope_for(actor)
    return bool(scope) and organisation.pk in scope.organisation_ids(EDITOR_ROLES)


def _require_party(actor, order: Order, party: str) -> None:
    """404 unless the actor sees the order; 403 unless they act for the party concerned."""
    if not Order.objects.visible_to(actor).filter(pk=order.pk).exists():
        raise Http404
    enterprise = party == Party.ENTERPRISE
    try:
        require_organisation_role(
            actor, order.enterprise if enterprise else order.institution, EDITOR_ROLES
        )
    except Http404:
        raise PermissionDenied(
            _("Only the enterprise may do this.")
            if enterprise
            else _("Only the institution may do this.")
        ) from None


def _tell_the_other_party(order: Order, acting_party: str) -> None:
    other = order.institution if acting_party == Party.ENTERPRISE else order.enterprise
    members = Membership.objects.filter(
        organisation=other, role__in=EDITOR_ROLES, user__is_active=True
    ).select_related("user")
    notify(
        recipients=[membership.user for membership in members],
        kind="order",
        title=_("Order %(number)s: %(status)s")
        % {"number": order.number, "status": order.get_status_display()},
        lines=[order.return_reason] if order.status == OrderStatus.RETURNED else [],
        organisation=other,
    )
