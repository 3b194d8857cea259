"""The steps of an order from submission to completion, and the results written back to the
ledger."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiliang.core import audit
from jiliang.instruments.choices import InstrumentStatus, RecordKind
from jiliang.instruments.models import Instrument
from jiliang.instruments.services import record_write
from jiliang.notifications.services import notify
from jiliang.orders.choices import (
    APPROVAL_KINDS,
    OrderKind,
    OrderStatus,
    Party,
    ServiceMode,
)
from jiliang.orders.models import (
    EDITOR_ROLES,
    Order,
    OrderItem,
    TransitionRefused,
)
from jiliang.orders.services.common import RECORD_KIND, _require_party, _transition
from jiliang.orders.services.time_limits import _clock
from jiliang.orgs.models import Membership


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
