"""Reads of service orders that depend on who is asking."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import CharField, Count, Exists, F, IntegerField, OuterRef, Q, Subquery, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiliang.core import workdays
from jiliang.core.models import AuditEvent
from jiliang.core.scoping import any_of, scope_for
from jiliang.instruments.choices import InstrumentStatus
from jiliang.instruments.models import Instrument
from jiliang.instruments.selectors import text_search
from jiliang.orders.choices import OPEN_STATUSES, OrderKind, Party
from jiliang.orders.models import (
    EDITOR_ROLES,
    CertificateNumberRule,
    MeasurementStandard,
    Order,
    OrderAttachment,
    OrderItem,
    OrderPause,
    TimeLimit,
    due_for_filing,
)
from jiliang.orders.services import BUSY_STATUSES, DEFAULT_TIME_LIMITS
from jiliang.orgs.choices import OrganisationKind
from jiliang.orgs.models import Organisation

# The instrument picker lists at most this many instruments besides those already chosen.
PICKER_LIMIT = 100


@dataclass(frozen=True)
class OrderFilters:
    status: str = ""
    kind: str = ""


def _filtered(orders, filters: OrderFilters):
    if filters.status:
        orders = orders.filter(status=filters.status)
    if filters.kind:
        orders = orders.filter(kind=filters.kind)
    return orders


def _item_count():
    """The number of items of each order row, as a correlated subquery: evaluated for the rows
    of the page only, not grouped over every order the filter selects."""
    items = (
        OrderItem.objects.filter(order=OuterRef("pk"))
        .order_by()
        .values("order")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Subquery(items, output_field=IntegerField())


def order_list(user, filters: OrderFilters):
    """The orders the user sees, newest first, with both parties and the number of items."""
    orders = (
        Order.objects.visible_to(user)
        .select_related("enterprise", "institution")
        .annotate(item_count=_item_count(), paused_since=_running_pause_start())
    )
    return _filtered(orders, filters).order_by("-created", "-pk")


def queue_institutions(*, user):
    """The active institutions whose queue the user reads: those they are a member of (any
    role); every institution for a platform administrator."""
    scope = scope_for(user)
    if scope is None:
        return Organisation.objects.none()
    institutions = Organisation.objects.filter(kind=OrganisationKind.INSTITUTION, is_active=True)
    if not scope.is_platform_admin:
        institutions = institutions.filter(pk__in=scope.organisation_ids())
    return institutions.order_by("name", "pk")


def institution_queue(user, institution, filters: OrderFilters):
    """The open orders addressed to ``institution``: green channel first, then the nearest
    deadline (orders not yet received have none and come after), then the oldest submission.
    The ordering is the ``order_queue`` index's, so a page reads a few index entries whatever
    the number of open orders; the item count and the running pause are computed for the
    page's rows only."""
    orders = (
        Order.objects.visible_to(user)
        .filter(institution=institution, status__in=list(OPEN_STATUSES))
        .select_related("enterprise")
        .annotate(item_count=_item_count(), paused_since=_running_pause_start())
    )
    return _filtered(orders, filters).order_by(
        "-green_channel", F("deadline").asc(nulls_last=True), "submitted_at", "pk"
    )


def _running_pause_start():
    return Subquery(
        OrderPause.objects.filter(order=OuterRef("pk"), ended__isnull=True).values("started")[:1]
    )


def with_remaining(orders, today: date):
    """Set ``remaining`` (working days left, negative when overdue; None without a deadline or
    once closed) and ``overdue_days`` on each order of a page, and ``finished_after_deadline``
    on completed ones."""
    for order in orders:
        order.paused = _paused_since(order) is not None
        order.remaining = remaining_workdays(order, today)
        order.overdue_days = -order.remaining if order.remaining and order.remaining < 0 else 0
        order.finished_after_deadline = bool(
            order.deadline
            and order.completed_at
            and timezone.localdate(order.completed_at) > order.deadline
        )
    return orders


def remaining_workdays(order: Order, today: date) -> int | None:
    """Working days left; they stand still while the clock is paused (the deadline moves on
    when it resumes: services.pause_end)."""
    if order.deadline is None or order.status not in OPEN_STATUSES:
        return None
    paused_since = _paused_since(order)
    return workdays.remaining_workdays(order.deadline, min(today, paused_since or today))


def _paused_since(order: Order) -> date | None:
    """The running pause's first day: annotated by the list selectors, else read (only
    approvals pause)."""
    if hasattr(order, "paused_since"):
        return order.paused_since
    if not order.is_approval:
        return None
    return (
        OrderPause.objects.filter(order=order, ended__isnull=True)
        .values_list("started", flat=True)
        .first()
    )


def acts_for(user, organisation_id: int) -> bool:
    """Whether the user may act for the organisation in an order (an administrator or staff
    member of it, or a platform administrator: services.common._require_party)."""
    scope = scope_for(user)
    if scope is None:
        return False
    return scope.is_platform_admin or organisation_id in scope.organisation_ids(EDITOR_ROLES)


def sees_ledger_of(user, organisation_id: int) -> bool:
    """Whether the user is a member of the organisation (any role), so sees its ledger."""
    scope = scope_for(user)
    if scope is None:
        return False
    return scope.is_platform_admin or organisation_id in scope.organisation_ids()


def acting_parties(user, order: Order) -> set[str]:
    parties = set()
    if acts_for(user, order.enterprise_id):
        parties.add(Party.ENTERPRISE)
    if acts_for(user, order.institution_id):
        parties.add(Party.INSTITUTION)
    return parties


# Who may place an order (services.order_create): enterprises, and institutions ordering from
# another institution (their own standards' calibration, say).
ORDERING_KINDS = [OrganisationKind.ENTERPRISE, OrganisationKind.INSTITUTION]


def order_enterprises(*, user):
    """The active organisations for which the user may place orders."""
    scope = scope_for(user)
    if scope is None:
        return Organisation.objects.none()
    enterprises = Organisation.objects.filter(kind__in=ORDERING_KINDS, is_active=True)
    if not scope.is_platform_admin:
        enterprises = enterprises.filter(pk__in=scope.organisation_ids(EDITOR_ROLES))
    return enterprises.order_by("kind", "name", "pk")  # enterprises first


def member_of_an_ordering_organisation(*, user) -> bool:
    scope = scope_for(user)
    if scope is None:
        return False
    return Organisation.objects.filter(
        pk__in=scope.organisation_ids(), kind__in=ORDERING_KINDS
    ).exists()


def order_institutions():
    """Where an order may go: every active metrology institution (public information)."""
    return Organisation.objects.filter(kind=OrganisationKind.INSTITUTION, is_active=True).order_by(
        "name", "pk"
    )


def _busy(order: Order | None):
    items = OrderItem.objects.filter(instrument=OuterRef("pk"), order__status__in=BUSY_STATUSES)
    if order is not None:
        items = items.exclude(order=order)
    return Exists(items)


def orderable_instruments(*, user, enterprise):
    """The enterprise's instruments that an order may hold: those of its ledger the user sees,
    not retired."""
    return (
        Instrument.objects.visible_to(user)
        .filter(organisation=enterprise)
        .exclude(status=InstrumentStatus.RETIRED)
    )


def instrument_choices(*, user, enterprise, query: str = "", chosen=(), order=None):
    """What the instrument picker shows: the chosen instruments, then up to ``PICKER_LIMIT``
    others matching ``query``; each with ``busy`` (in another draft or open order).
    Returns (chosen, others, more): ``more`` when further instruments match."""
    instruments = orderable_instruments(user=user, enterprise=enterprise).annotate(
        busy=_busy(order)
    )
    chosen_ids = [pk for pk in chosen if isinstance(pk, int)]
    selected = list(instruments.filter(pk__in=chosen_ids).order_by("management_number", "pk"))
    others = instruments.exclude(pk__in=chosen_ids)
    if query:
        others = others.filter(text_search(query))
    others = list(others.order_by("management_number", "pk")[: PICKER_LIMIT + 1])
    return selected, others[:PICKER_LIMIT], len(others) > PICKER_LIMIT


def mandatory_due(*, user, enterprise, today: date):
    """What mandatory filing would order (services.mandatory_filing): the enterprise's
    mandatory instruments, not retired, due for filing; each with ``busy``."""
    return (
        Instrument.objects.visible_to(user)
        .filter(due_for_filing(today), organisation=enterprise)
        .exclude(status=InstrumentStatus.RETIRED)
        .filter(Instrument.objects.mandatory_condition())
        .annotate(busy=_busy(None))
        .order_by("next_due", "management_number")
    )


def time_limits(*, institution) -> list[dict]:
    """Every kind's limit at ``institution``, normal and green channel: the one in force (its
    own or the default) and the platform's default."""
    own = {
        (limit.kind, limit.green_channel): limit.working_days
        for limit in TimeLimit.objects.filter(institution=institution)
    }
    return [
        {
            "kind": kind,
            "green_channel": green,
            "working_days": own.get((kind, green), DEFAULT_TIME_LIMITS[(kind, green)]),
            "default_days": DEFAULT_TIME_LIMITS[(kind, green)],
            "is_default": (kind, green) not in own,
        }
        for kind in OrderKind.values
        for green in (False, True)
    ]


def number_rule(*, institution) -> CertificateNumberRule | None:
    return CertificateNumberRule.objects.filter(institution=institution).first()


def next_certificate_number(rule: CertificateNumberRule, today: date) -> str:
    """The number the next generated certificate takes (unless one is typed meanwhile)."""
    return rule.number(today.year, free_sequence(rule, today.year))


def free_sequence(rule: CertificateNumberRule, year: int) -> int:
    """The rule's next sequence of ``year``, past the numbers already given by hand."""
    seq = rule.next_sequence(year)
    issued = OrderItem.objects.filter(institution_id=rule.institution_id)
    while issued.filter(certificate_number=rule.number(year, seq)).exists():
        seq += 1
    return seq


def institution_standards(*, user, institution):
    """The institution's measurement standards, those in use first."""
    return (
        MeasurementStandard.objects.visible_to(user)
        .filter(institution=institution)
        .order_by("-is_active", "name", "pk")
    )


def standards_to_choose(*, user, item: OrderItem):
    """The standards a result may name: the institution's in use, and those it names already."""
    return MeasurementStandard.objects.visible_to(user).filter(
        Q(institution_id=item.institution_id, is_active=True)
        | Q(pk__in=item.standards.values("pk"))
    )


def order_items(*, user, order: Order):
    """The order's items as the user sees them (none of an order they do not see)."""
    return OrderItem.objects.visible_to(user).filter(order=order)


def running_pause(*, user, order: Order) -> OrderPause | None:
    """The pause of the approval's clock now running, if any, as the user sees it."""
    return OrderPause.objects.visible_to(user).filter(order=order, ended__isnull=True).first()


def order_detail_parts(*, user, order: Order) -> dict:
    """The items (with their instrument and ledger record), attachments and pauses of an
    order, each read as the user sees it (none of an order they do not see): the institution
    sees the customer's instruments here, through the order."""
    return {
        "items": list(
            order_items(user=user, order=order)
            .select_related("instrument", "record")
            .prefetch_related("standards")  # in the digest of a generated certificate
            .order_by("instrument__management_number", "pk")
        ),
        "attachments": list(
            OrderAttachment.objects.visible_to(user)
            .filter(order=order)
            .select_related("created_by")
            .order_by("created", "pk")
        ),
        "pauses": list(
            OrderPause.objects.visible_to(user).filter(order=order).order_by("started", "pk")
        ),
    }


ACTIONS = {
    "orders.order.created": _("Created the order"),
    "orders.order.updated": _("Changed the order"),
    "orders.order.submit": _("Submitted the order"),
    "orders.order.cancel": _("Cancelled the order"),
    "orders.order.return": _("Returned the order for changes"),
    "orders.order.accept": _("Accepted the order"),
    "orders.order.visit_scheduled": _("Scheduled the visit"),
    "orders.order.receive": _("Received the items"),
    "orders.order.complete": _("Completed the order"),
    "orders.item.result": _("Recorded a result"),
    "orders.item.certificate_generated": _("Generated the certificate"),
    "orders.attachment.added": _("Attached a file"),
    "orders.pause.started": _("Paused the time limit"),
    "orders.pause.ended": _("Resumed the time limit"),
}


@dataclass(frozen=True)
class TimelineEntry:
    when: datetime
    who: str
    what: str
    about: str


def order_timeline(*, user, order: Order) -> list[TimelineEntry]:
    """Every audited step of the order, its items and attachments, oldest first: who, when,
    what; for both parties of the order.

    Not read through ``AuditEvent.objects.visible_to``: that is an organisation's audit trail,
    which its administrators alone read (the order's events are filed under the enterprise), so
    the institution and the enterprise's other members would see no history. The events are
    found instead by what they are about: the order, items and attachments the user sees
    (``visible_to``), listed in one query."""
    about = _audited_parts(user, order)
    if not about:
        return []
    events = (
        AuditEvent.objects.filter(
            any_of([Q(object_type=label, object_id__in=ids) for label, ids in about.items()])
        )
        .select_related("actor")
        .order_by("created", "pk")
    )
    return [
        TimelineEntry(
            when=event.created,
            who=str(event.actor) if event.actor else "",
            what=str(ACTIONS.get(event.action, event.action)),
            about=_about(event, order),
        )
        for event in events
    ]


def _audited_parts(user, order: Order) -> dict[str, list[str]]:
    """``{AuditEvent.object_type: [object_id, ...]}`` of the order and of its items and
    attachments, as far as the user sees them: nothing when they do not see the order."""
    seen = [
        (Order.objects.visible_to(user).filter(pk=order.pk), "orders.order"),
        (OrderItem.objects.visible_to(user).filter(order=order), "orders.orderitem"),
        (OrderAttachment.objects.visible_to(user).filter(order=order), "orders.orderattachment"),
    ]
    first, *others = [
        rows.order_by()
        .annotate(label=Value(label, output_field=CharField()))
        .values_list("label", "pk")
        for rows, label in seen
    ]
    about: dict[str, list[str]] = {}
    for label, pk in first.union(*others, all=True):
        about.setdefault(label, []).append(str(pk))
    return about


def _about(event: AuditEvent, order: Order) -> str:
    """What the event changed, in a few words: the item or file concerned, a pause."""
    changes = event.changes or {}
    if event.object_type == "orders.orderitem":  # "<order number> <instrument>"
        return event.object_repr.removeprefix(order.number).strip()
    if event.object_type == "orders.orderattachment":
        title = changes.get("title")
        return str(title[1]) if isinstance(title, list) and len(title) == 2 else event.object_repr
    pause = changes.get("pause")
    if isinstance(pause, list) and len(pause) == 2:
        return str(pause[1])
    return ""
