"""Making and editing orders: an instrument is in one draft or open order at a time."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from jiliang.core import audit
from jiliang.core.services import model_update, require_organisation_role
from jiliang.instruments.choices import InstrumentStatus
from jiliang.instruments.models import Instrument
from jiliang.orders.choices import (
    OrderKind,
    OrderStatus,
    Party,
)
from jiliang.orders.models import (
    EDITOR_ROLES,
    Order,
    OrderAttachment,
    OrderItem,
    TransitionRefused,
    due_for_filing,
)
from jiliang.orders.services.common import (
    BUSY_STATUSES,
    ORDER_FIELDS,
    SME_SIZES,
    _acts_for,
    _require_party,
)
from jiliang.orgs.choices import OrganisationKind


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
