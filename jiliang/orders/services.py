"""Every write of service orders: creation, the transitions, results and time limits.

A transition is one conditional UPDATE (``status IN sources``): of two staff accepting the same
order at once exactly one wins, on SQLite as on PostgreSQL; the loser gets a clear error. A step
the order's state does not allow raises ``TransitionRefused`` (a ValidationError: the API's 409),
a rule the data breaks a plain ValidationError (its 400).

An instrument is in one draft or open order at a time, and the database decides it (the partial
unique constraint ``instrument_in_one_open_order`` over the items of orders not closed): of two
orders made at once for one instrument the second's insert waits for the first to commit, then
fails, and ``_add_items`` turns that into the ValidationError naming the instrument that the check
before it gives when it sees the other order.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from jiliang.core import audit, workdays
from jiliang.core.scoping import scope_for
from jiliang.core.services import model_update, require_organisation_role
from jiliang.instruments.choices import InstrumentStatus, RecordKind
from jiliang.instruments.models import Instrument
from jiliang.instruments.services import record_write
from jiliang.notifications.services import notify
from jiliang.orders.choices import (
    APPROVAL_KINDS,
    OPEN_STATUSES,
    OrderKind,
    OrderStatus,
    Party,
    ServiceMode,
)
from jiliang.orders.models import (
    CLOSED_STATUSES,
    EDITOR_ROLES,
    TRANSITIONS,
    Order,
    OrderAttachment,
    OrderItem,
    OrderPause,
    TimeLimit,
    TransitionRefused,
    due_for_filing,
)
from jiliang.orgs.choices import OrganisationKind, SizeClass
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
def order_create(*, actor, enterprise, institution, kind: str, instruments=(), **fields) -> Order:
    """A draft order of ``enterprise`` to ``institution`` for its ``instruments``."""
    require_organisation_role(actor, enterprise, EDITOR_ROLES)
    if (
        institution.kind != OrganisationKind.INSTITUTION
        or not institution.is_active
        or institution == enterprise
    ):
        raise ValidationError({"institution": _("Choose a metrology institution.")})
    if enterprise.kind not in (OrganisationKind.ENTERPRISE, OrganisationKind.INSTITUTION):
        raise ValidationError(
            {"enterprise": _("Only enterprises and institutions order services.")}
        )
    unknown = set(fields) - set(ORDER_FIELDS)
    if unknown:
        raise ValueError(f"Not order fields: {sorted(unknown)}")
    order = Order(
        enterprise=enterprise,
        institution=institution,
        kind=kind,
        green_channel=enterprise.size_class in SME_SIZES,
        free_of_charge=kind == OrderKind.MANDATORY_VERIFICATION,
        created_by=actor,
        **fields,
    )
    order.full_clean()
    instruments = _orderable(order, list(instruments))
    order.save()
    _add_items(order, instruments or [None])  # an approval's one object has no instrument
    audit.record(
        actor=actor,
        action="orders.order.created",
        instance=order,
        organisation=enterprise,
        changes={"kind": [None, kind], "instruments": [None, len(instruments)]},
    )
    return order


def _orderable(order: Order, instruments: list, keep: Order | None = None) -> list:
    """The instruments, checked: the enterprise's own, not retired, in no other open order
    (``keep``: the order being changed)."""
    if order.is_approval:
        if instruments:
            raise ValidationError({"instruments": _("An approval is for an object, not items.")})
        return []
    if not instruments:
        raise ValidationError({"instruments": _("Choose at least one instrument.")})
    instruments = list(dict.fromkeys(instruments))  # one item each, chosen twice or not
    foreign = [item for item in instruments if item.organisation_id != order.enterprise_id]
    if foreign:
        raise ValidationError(
            {"instruments": _("%(instrument)s is not in your ledger.") % {"instrument": foreign[0]}}
        )
    retired = [item for item in instruments if item.status == InstrumentStatus.RETIRED]
    if retired:
        raise ValidationError(
            {"instruments": _("%(instrument)s is retired.") % {"instrument": retired[0]}}
        )
    busy = _busy_item(instruments, keep)
    if busy:
        raise _already_ordered(busy)
    return instruments


def _busy_item(instruments: list, keep: Order | None = None) -> OrderItem | None:
    """An item of another draft or open order (not ``keep``) holding one of ``instruments``:
    what the constraint ``instrument_in_one_open_order`` looks at."""
    return (
        OrderItem.objects.filter(instrument__in=instruments, order_closed=False)
        .exclude(order=keep)
        .select_related("instrument", "order")
        .first()
    )


def _already_ordered(busy: OrderItem) -> ValidationError:
    return ValidationError(
        {
            "instruments": _("%(instrument)s is already in order %(order)s.")
            % {"instrument": busy.instrument, "order": busy.order}
        }
    )


def _add_items(order: Order, instruments: list) -> None:
    """Items of ``order`` for ``instruments`` (checked by ``_orderable``; ``None``: an approval's
    object). The check cannot see an order another transaction has not committed yet: the
    constraint then refuses the insert once that one commits, and the ValidationError names
    the instrument as the check would have. The rows go in by instrument id, so that two
    orders racing for the same instruments wait on the same first one rather than deadlock."""
    items = [
        OrderItem(order=order, institution=order.institution, instrument=instrument)
        for instrument in sorted(instruments, key=lambda item: item.pk if item else 0)
    ]
    try:
        with transaction.atomic():  # a savepoint: the transaction goes on to name the holder
            OrderItem.objects.bulk_create(items)
    except IntegrityError:
        busy = _busy_item([item for item in instruments if item is not None], keep=order)
        if busy is None:  # the other order was closed meanwhile
            raise ValidationError(
                {"instruments": _("Another order took one of the instruments: try again.")}
            ) from None
        raise _already_ordered(busy) from None


@transaction.atomic
def order_update(*, actor, order: Order, instruments=None, **fields) -> Order:
    """Change a draft or a returned order before it is submitted (again)."""
    _require_party(actor, order, Party.ENTERPRISE)
    if order.status not in (OrderStatus.DRAFT, OrderStatus.RETURNED):
        raise TransitionRefused(_("Only a draft or a returned order can be changed."))
    changes = model_update(instance=order, data=fields, fields=ORDER_FIELDS)
    instruments = None if instruments is None else list(instruments)
    if instruments is not None and (instruments or not order.is_approval):  # approvals: no items
        chosen = _orderable(order, instruments, keep=order)
        order.items.exclude(instrument__in=chosen).delete()
        held = set(order.items.values_list("instrument_id", flat=True))
        _add_items(order, [item for item in chosen if item.pk not in held])
        changes["instruments"] = [len(held), len(chosen)]
    audit.record(
        actor=actor,
        action="orders.order.updated",
        instance=order,
        organisation=order.enterprise,
        changes=changes,
    )
    return order


@transaction.atomic
def attachment_add(*, actor, order: Order, title: str, file) -> OrderAttachment:
    """A document added by either party while the order is not closed."""
    party = Party.ENTERPRISE if _acts_for(actor, order.enterprise) else Party.INSTITUTION
    _require_party(actor, order, party)
    if order.status in (OrderStatus.COMPLETED, OrderStatus.CANCELLED):
        raise TransitionRefused(_("The order is closed."))
    attachment = OrderAttachment(order=order, title=title, file=file, created_by=actor)
    attachment.full_clean()
    attachment.save()
    audit.record(
        actor=actor,
        action="orders.attachment.added",
        instance=attachment,
        organisation=order.enterprise,
        changes={"title": [None, title]},
    )
    return attachment


def mandatory_filing(*, actor, enterprise, institution, today: date, **fields) -> Order:
    """强检备案 and 预约 in one step: an order for every mandatory instrument that is overdue,
    due within the next 30 days or never verified, and in no other order."""
    due = (
        Instrument.objects.filter(due_for_filing(today), organisation=enterprise)
        .exclude(status=InstrumentStatus.RETIRED)
        .exclude(order_items__order__status__in=BUSY_STATUSES)
        .filter(Instrument.objects.mandatory_condition())
        .order_by("next_due", "management_number")
    )
    instruments = list(due)
    if not instruments:
        raise ValidationError(
            {"instruments": _("No mandatory instrument is overdue or due within 30 days.")}
        )
    return order_create(
        actor=actor,
        enterprise=enterprise,
        institution=institution,
        kind=OrderKind.MANDATORY_VERIFICATION,
        instruments=instruments,
        **fields,
    )


def order_submit(*, actor, order: Order) -> Order:
    return _transition(actor, order, "submit", submitted_at=timezone.now(), return_reason="")


def order_cancel(*, actor, order: Order) -> Order:
    return _transition(actor, order, "cancel")


def order_return(*, actor, order: Order, reason: str) -> Order:
    _require_party(actor, order, Party.INSTITUTION)
    if not reason.strip():
        raise ValidationError({"reason": _("Say what the enterprise must change.")})
    return _transition(actor, order, "return", return_reason=reason.strip())


def order_accept(*, actor, order: Order, today: date) -> Order:
    """Accept (受理); an approval's time limit counts from here."""
    clock = _clock(order, today) if order.kind in APPROVAL_KINDS else {}
    return _transition(actor, order, "accept", **clock)


def order_receive(*, actor, order: Order, today: date, visit_date: date | None = None) -> Order:
    """The items arrived, or the institution's staff visited the site (the visit is the
    receipt): they are 送检中, and the time limit of a verification or calibration counts from
    here; on site from the day of the visit, which the order keeps: ``visit_date`` (today or
    in the last VISIT_BEHIND_DAYS), else the one scheduled unless that is still to come, else
    ``today``."""
    if order.is_approval:
        clock = {}
    elif order.service_mode == ServiceMode.ON_SITE:
        if visit_date is None:
            scheduled = Order.objects.filter(pk=order.pk).values_list("visit_date", flat=True)
            visited = min(scheduled.first() or today, today)
        else:
            visited = _visit_that_took_place(visit_date, today)
        clock = {**_clock(order, visited), "visit_date": visited}
    else:
        clock = _clock(order, today)
    order = _transition(actor, order, "receive", **clock)
    Instrument.objects.filter(order_items__order=order, status=InstrumentStatus.IN_USE).update(
        status=InstrumentStatus.AT_VERIFICATION
    )
    return order


# A visit is scheduled at most this far ahead, and recorded at most this long after.
VISIT_AHEAD_DAYS = 365
VISIT_BEHIND_DAYS = 30


def _visit_that_took_place(visit_date: date, today: date) -> date:
    if visit_date > today:
        raise ValidationError(
            {"visit_date": _("The visit is still to come: record it once it has taken place.")}
        )
    if visit_date < today - timedelta(VISIT_BEHIND_DAYS):
        raise ValidationError(
            {
                "visit_date": _("The visit cannot be more than %(days)d days ago.")
                % {"days": VISIT_BEHIND_DAYS}
            }
        )
    return visit_date


@transaction.atomic
def order_schedule_visit(*, actor, order: Order, visit_date: date) -> Order:
    """The day the institution's staff will come, for an accepted on-site order (scheduling
    again moves it); the enterprise is told. Receiving the order then counts the time limit
    from that day: the visit is the receipt."""
    _require_party(actor, order, Party.INSTITUTION)
    if order.service_mode != ServiceMode.ON_SITE:
        raise ValidationError(
            {"service_mode": _("Only an order for on-site service has a visit to schedule.")}
        )
    current = Order.objects.select_for_update().values("status", "visit_date").get(pk=order.pk)
    if current["status"] != OrderStatus.ACCEPTED:
        order.status = current["status"]
        raise TransitionRefused(
            _(
                "The order is %(status)s: a visit is scheduled once the order is accepted and "
                "until it is received."
            )
            % {"status": order.get_status_display()}
        )
    today = timezone.localdate()
    if visit_date < today:
        raise ValidationError({"visit_date": _("The visit cannot be in the past.")})
    if visit_date > today + timedelta(VISIT_AHEAD_DAYS):
        raise ValidationError({"visit_date": _("Schedule the visit within a year from today.")})
    before = current["visit_date"]
    if visit_date == before:
        order.visit_date = visit_date
        return order
    Order.objects.filter(pk=order.pk, status=OrderStatus.ACCEPTED).update(
        visit_date=visit_date, updated=timezone.now()
    )
    order.refresh_from_db()
    audit.record(
        actor=actor,
        action="orders.order.visit_scheduled",
        instance=order,
        organisation=order.enterprise,
        changes={"visit_date": [before.isoformat() if before else None, visit_date.isoformat()]},
    )
    _tell_the_enterprise(
        order,
        _("Order %(number)s: visit on %(date)s")
        % {"number": order.number, "date": visit_date.isoformat()},
        [order.site_address],
    )
    return order


def _tell_the_enterprise(order: Order, title: str, lines: list[str]) -> None:
    members = Membership.objects.filter(
        organisation=order.enterprise, role__in=EDITOR_ROLES, user__is_active=True
    ).select_related("user")
    notify(
        recipients=[membership.user for membership in members],
        kind="order",
        title=title,
        lines=lines,
        url=order.get_absolute_url(),
        organisation=order.enterprise,
    )


@transaction.atomic
def order_complete(*, actor, order: Order, today: date) -> Order:
    """Close the order: each item's result becomes a record in the enterprise's ledger and the
    instrument is in use again; all of it or nothing."""
    _require_party(actor, order, Party.INSTITUTION)
    items = list(order.items.select_related("instrument"))
    missing = [item for item in items if not item.has_result]
    if missing and not order.is_approval and order.allowed("complete"):
        raise ValidationError(
            {
                "items": _("Record a result for every instrument first: %(instrument)s has none.")
                % {"instrument": missing[0].instrument}
            }
        )
    outdated = [item for item in items if item.certificate_outdated]
    if outdated and order.allowed("complete"):
        raise ValidationError(
            {
                "items": _(
                    "The certificate generated for %(item)s no longer shows its result: "
                    "generate it again or upload the right one."
                )
                % {"item": outdated[0].instrument or _("the object applied for")}
            }
        )
    late = bool(order.deadline and today > order.deadline)
    order = _transition(
        actor,
        order,
        "complete",
        completed_at=timezone.now(),
        finished_late=late and order.kind == OrderKind.MANDATORY_VERIFICATION,
    )
    for item in items:
        if item.instrument is not None:
            _write_back(actor, order, item)
    return order


def _write_back(actor, order: Order, item: OrderItem) -> None:
    record = record_write(
        actor=actor,
        instrument=item.instrument,
        date=item.result_date,
        kind=RECORD_KIND.get(order.kind, RecordKind.VERIFICATION),
        institution=order.institution,
        certificate_number=item.certificate_number,
        conclusion=item.conclusion,
        valid_until=item.valid_until,
        measured_error=item.measured_error,
        expanded_uncertainty=item.expanded_uncertainty,
        certificate=item.certificate.name,  # the same stored file
    )
    OrderItem.objects.filter(pk=item.pk).update(record=record)
    Instrument.objects.filter(
        pk=item.instrument_id, status=InstrumentStatus.AT_VERIFICATION
    ).update(status=InstrumentStatus.IN_USE)


@transaction.atomic
def item_record_result(*, actor, item: OrderItem, **result) -> OrderItem:
    """The institution's result for one item while the order is in service."""
    order = item.order
    _require_party(actor, order, Party.INSTITUTION)
    if order.status != OrderStatus.IN_SERVICE:
        raise TransitionRefused(_("Results are recorded once the items are received."))
    standards = result.pop("standards", None)
    if standards is not None and any(s.institution_id != item.institution_id for s in standards):
        raise ValidationError({"standards": _("Choose standards of the institution.")})
    before = {name: getattr(item, name) for name in result}
    for name, value in result.items():
        setattr(item, name, value)
    if "certificate" in result:  # an upload is the institution's own, not a generated one
        item.certificate_facts = ""
        result_fields = [*result, "certificate_facts"]
    else:
        result_fields = list(result)
    reused = _("This institution has issued this certificate number.")
    if (
        item.certificate_number
        and OrderItem.objects.filter(
            institution=item.institution, certificate_number=item.certificate_number
        )
        .exclude(pk=item.pk)
        .exists()
    ):
        raise ValidationError({"certificate_number": reused})
    item.full_clean()
    try:
        with transaction.atomic():  # the constraint decides between two clerks at once
            item.save(update_fields=result_fields)  # a certificate generated meanwhile stays
    except IntegrityError:
        raise ValidationError({"certificate_number": reused}) from None
    changes = {name: [str(before[name] or ""), str(value or "")] for name, value in result.items()}
    held = list(item.standards.all()) if standards is not None else []
    if standards is not None and set(held) != set(standards):
        changes["standards"] = [", ".join(map(str, held)), ", ".join(map(str, standards))]
        item.standards.set(standards)
    audit.record(
        actor=actor,
        action="orders.item.result",
        instance=item,
        organisation=order.enterprise,
        changes=changes,
    )
    return item


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
