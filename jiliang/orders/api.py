"""Service orders by API: every step from the enterprise's draft to the institution's
certificates, and the institution's queue.

Refusals come in a fixed order: 404 when the order is not yours to see, 403 when you are not
the party who makes this move, 409 when the order's state does not allow it, 400 when the data
breaks a rule (naming the field).
"""

from contextlib import contextmanager
from datetime import date, datetime
from typing import Annotated, Literal

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.pagination import paginate

from jiliang.core.api import ErrorOut, Id, Schema, get_visible_or_404
from jiliang.core.scoping import scope_for
from jiliang.core.services import require_organisation_role
from jiliang.instruments.choices import Conclusion
from jiliang.instruments.models import Instrument
from jiliang.orders import certificates, selectors, services
from jiliang.orders.choices import OrderKind, OrderStatus, Party, ServiceMode
from jiliang.orders.models import (
    EDITOR_ROLES,
    TRANSITIONS,
    Order,
    OrderAttachment,
    OrderItem,
    OrderPause,
)
from jiliang.orgs.choices import OrganisationKind
from jiliang.orgs.models import Organisation

router = Router(tags=["orders"])

# Dates clients may send: far enough for any certificate, near enough that the ledger's
# arithmetic (next due = date + interval) and the working-day counts stay within the calendar.
Day = Annotated[date, Field(ge=date(1900, 1, 1), le=date(2199, 12, 31))]
MAX_INSTRUMENTS = 1000  # per order
WRITE = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


# Output ----------------------------------------------------------------------------------------


class OrganisationRef(Schema):
    id: int
    name: str


class InstitutionOut(OrganisationRef):
    region: str
    address: str
    contact_phone: str

    @staticmethod
    def resolve_region(obj):
        return obj.region.name


class InstrumentRef(Schema):
    id: int
    management_number: str
    name: str
    model: str
    serial_number: str


class ItemOut(Schema):
    id: int
    instrument: InstrumentRef | None = Field(
        description="The instrument from the enterprise's ledger; null for an approval's object"
    )
    conclusion: Conclusion | None
    result_date: date | None
    certificate_number: str
    valid_until: date | None
    measured_error: str
    expanded_uncertainty: str
    has_certificate_file: bool
    check_url: str = Field(description="The public check page the certificate's QR code opens")
    record: int | None = Field(
        alias="record_id", description="The ledger record written when the order was completed"
    )

    @staticmethod
    def resolve_check_url(obj):
        return certificates.check_url(obj)

    @staticmethod
    def resolve_conclusion(obj):
        return obj.conclusion or None

    @staticmethod
    def resolve_has_certificate_file(obj):
        return bool(obj.certificate)


class PauseOut(Schema):
    id: int
    reason: OrderPause.Reason
    started: date
    ended: date | None


class OrderSummaryOut(Schema):
    id: int
    number: str
    enterprise: OrganisationRef
    institution: OrganisationRef
    kind: OrderKind
    service_mode: ServiceMode
    status: OrderStatus
    green_channel: bool
    free_of_charge: bool
    deadline: date | None
    remaining_workdays: int | None = Field(
        description="Working days left until the deadline while the order is open; negative "
        "once it has passed"
    )
    overdue: bool
    finished_late: bool
    item_count: int
    created: datetime
    submitted_at: datetime | None
    completed_at: datetime | None

    @staticmethod
    def resolve_remaining_workdays(obj):
        return selectors.remaining_workdays(obj, timezone.localdate())

    @staticmethod
    def resolve_overdue(obj):
        remaining = selectors.remaining_workdays(obj, timezone.localdate())
        return remaining is not None and remaining < 0

    @staticmethod
    def resolve_item_count(obj):
        counted = getattr(obj, "item_count", None)
        return len(obj.items.all()) if counted is None else counted


class OrderOut(OrderSummaryOut):
    carrier: str
    tracking_number: str
    site_address: str
    wished_from: date | None
    wished_to: date | None
    contact_name: str
    contact_phone: str
    description: str
    return_reason: str
    clock_started: date | None
    time_limit_days: int | None
    items: list[ItemOut]
    pauses: list[PauseOut]


class AttachmentOut(Schema):
    id: int
    title: str
    filename: str
    created: datetime
    created_by: str | None

    @staticmethod
    def resolve_filename(obj):
        return obj.file.name.rsplit("/", 1)[-1]

    @staticmethod
    def resolve_created_by(obj):
        return obj.created_by.username if obj.created_by else None


# Input -----------------------------------------------------------------------------------------


class OrderFields(Schema):
    service_mode: ServiceMode
    carrier: str = Field("", max_length=100)
    tracking_number: str = Field("", max_length=64, description="Required for a mailed sample")
    site_address: str = Field("", max_length=300, description="Required on site")
    wished_from: Day | None = None
    wished_to: Day | None = None
    contact_name: str = Field(max_length=100)
    contact_phone: str = Field(max_length=40)
    description: str = Field(
        "", max_length=10000, description="For an approval: what is applied for (required)"
    )


class OrderParties(Schema):
    enterprise: Id | None = Field(
        None,
        description="The ordering enterprise's id; may be left out by a user who acts for "
        "exactly one enterprise",
    )
    institution: Id = Field(description="The metrology institution's id")


class OrderIn(OrderParties, OrderFields):
    kind: OrderKind
    instruments: list[Id] = Field(
        [],
        max_length=MAX_INSTRUMENTS,
        description="Instrument ids from the enterprise's ledger; none for an approval",
    )


class MandatoryFilingIn(OrderParties, OrderFields):
    pass


class OrderPatch(Schema):
    service_mode: ServiceMode | None = None
    carrier: str | None = Field(None, max_length=100)
    tracking_number: str | None = Field(None, max_length=64)
    site_address: str | None = Field(None, max_length=300)
    wished_from: Day | None = None
    wished_to: Day | None = None
    contact_name: str | None = Field(None, max_length=100)
    contact_phone: str | None = Field(None, max_length=40)
    description: str | None = Field(None, max_length=10000)
    instruments: list[Id] | None = Field(
        None, max_length=MAX_INSTRUMENTS, description="Replaces the order's instruments"
    )


class OrderFilters(Schema):
    status: OrderStatus | None = None
    kind: OrderKind | None = None

    def selected(self) -> selectors.OrderFilters:
        return selectors.OrderFilters(status=self.status or "", kind=self.kind or "")


class OrderListFilters(OrderFilters):
    role: Literal["enterprise", "institution"] | None = Field(
        None,
        description="enterprise: orders of your enterprises; institution: orders addressed to "
        "your institutions",
    )


class QueueQuery(OrderFilters):
    institution: Id | None = Field(
        None, description="The institution's id; may be left out by a member of only one"
    )


class InstitutionQuery(Schema):
    q: str = Field("", max_length=100, description="Part of the name")


class ReturnIn(Schema):
    reason: str = Field(max_length=2000, description="What the enterprise must change")


class ResultIn(Schema):
    conclusion: Conclusion
    result_date: Day
    certificate_number: str = Field("", max_length=100)
    valid_until: Day | None = None
    measured_error: str = Field("", max_length=100)
    expanded_uncertainty: str = Field("", max_length=100)


class AttachmentIn(Schema):
    title: str = Field(max_length=200)


class PauseIn(Schema):
    reason: OrderPause.Reason
    started: Day


class PauseEndIn(Schema):
    ended: Day


# Reads -----------------------------------------------------------------------------------------


ITEM_ORDER = ("instrument__management_number", "pk")


def _detail(request, order_id: int) -> Order:
    items = OrderItem.objects.select_related("instrument").order_by(*ITEM_ORDER)
    return get_object_or_404(
        Order.objects.visible_to(request.user)
        .select_related("enterprise", "institution")
        .prefetch_related(
            Prefetch("items", queryset=items), Prefetch("pauses", OrderPause.objects.order_by("pk"))
        ),
        pk=order_id,
    )


@router.get("/orders", response=list[OrderSummaryOut])
@paginate
def order_list(request, filters: Query[OrderListFilters]):
    """The orders you see, newest first: your enterprises' orders and, once submitted, the
    orders addressed to your institutions."""
    orders = selectors.order_list(user=request.user, filters=filters.selected())
    if filters.role:
        ours = scope_for(request.user).organisation_ids()
        orders = orders.filter(**{f"{filters.role}_id__in": ours})
    return orders


@router.get("/orders/institutions", response=list[InstitutionOut])
@paginate
def institution_list(request, query: Query[InstitutionQuery]):
    """The metrology institutions an order may be addressed to."""
    institutions = selectors.order_institutions()
    if query.q:
        institutions = institutions.filter(name__icontains=query.q)
    return institutions.select_related("region")


@router.get("/orders/queue", response=list[OrderSummaryOut])
@paginate
def order_queue(request, query: Query[QueueQuery]):
    """The institution's open orders: the green channel first, then the nearest deadline (orders
    without one yet last), then the earliest submitted."""
    institution = _member_institution(request, query.institution)
    return selectors.institution_queue(
        user=request.user, institution=institution, filters=query.selected()
    ).select_related("institution")


@router.get("/orders/{int:order_id}", response=OrderOut)
def order_detail(request, order_id: Id):
    return _detail(request, order_id)


@router.get("/orders/{int:order_id}/items", response=list[ItemOut])
@paginate
def item_list(request, order_id: Id):
    order = get_visible_or_404(Order, request, pk=order_id)
    return order.items.select_related("instrument").order_by(*ITEM_ORDER)


@router.get("/orders/{int:order_id}/items/{int:item_id}/certificate", response={200: None})
def item_certificate(request, order_id: Id, item_id: Id):
    """The item's certificate file, as uploaded."""
    item = _item(request, order_id, item_id)
    return _file(item.certificate)


@router.get("/orders/{int:order_id}/attachments", response=list[AttachmentOut])
@paginate
def attachment_list(request, order_id: Id):
    order = get_visible_or_404(Order, request, pk=order_id)
    return order.attachments.select_related("created_by").order_by("pk")


@router.get("/orders/{int:order_id}/attachments/{int:attachment_id}/file", response={200: None})
def attachment_file(request, order_id: Id, attachment_id: Id):
    order = get_visible_or_404(Order, request, pk=order_id)
    return _file(get_object_or_404(order.attachments, pk=attachment_id).file)


def _item(request, order_id: int, item_id: int) -> OrderItem:
    order = get_visible_or_404(Order, request, pk=order_id)
    return get_object_or_404(order.items.select_related("order", "instrument"), pk=item_id)


def _file(file):
    if not file:
        raise Http404
    try:
        opened = file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(opened, filename=file.name.rsplit("/", 1)[-1])


def _member_institution(request, institution_id) -> Organisation:
    """The institution named (or the only one the user is a member of), whose member the user
    must be: 404 if they cannot see it, 403 if they see it from outside (a regulator)."""
    if institution_id is None:
        candidates = list(selectors.queue_institutions(user=request.user)[:2])
        if len(candidates) != 1:
            raise ValidationError({"institution": _("Say which institution you mean.")})
        institution_id = candidates[0].pk
    institution = get_visible_or_404(Organisation, request, pk=institution_id)
    require_organisation_role(request.user, institution, None)
    if institution.kind != OrganisationKind.INSTITUTION:
        raise ValidationError({"institution": _("Choose a metrology institution.")})
    return institution


# Creating and changing -------------------------------------------------------------------------


@router.post("/orders", response={201: OrderOut, **WRITE})
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


@router.post("/orders/mandatory-filing", response={201: OrderOut, **WRITE})
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
    data = payload.dict(exclude_unset=True)
    for name in ("carrier", "tracking_number", "site_address", "description"):
        if name in data and data[name] is None:
            data[name] = ""
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


# Transitions -----------------------------------------------------------------------------------


def _require_party(request, order: Order, party: str) -> None:
    """403 unless the user acts (as administrator or staff) for the party concerned."""
    if party == Party.ENTERPRISE:
        organisation, refusal = order.enterprise, _("Only the enterprise may do this.")
    else:
        organisation, refusal = order.institution, _("Only the institution may do this.")
    try:
        require_organisation_role(request.user, organisation, EDITOR_ROLES)
    except Http404:  # a member of the other party, who may not look this one up
        raise PermissionDenied(refusal) from None


@contextmanager
def _state_conflicts():
    """The services refuse a step the order's state does not allow with a message alone (a
    rule broken by the data names its field): that refusal is a 409."""
    try:
        yield
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            raise
        raise HttpError(409, " ".join(error.messages)) from None


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
    """The items arrived (or the visit is scheduled): they are 送检中 and the time limit of a
    verification or calibration starts."""
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
    """Close the order: every result becomes a record in the enterprise's ledger."""

    def complete(order):
        if not order.allowed("complete"):
            raise ValidationError(
                _("The order is %(status)s: it cannot be %(action)s.")
                % {"status": order.get_status_display(), "action": _("completed")}
            )
        try:
            services.order_complete(actor=request.user, order=order, today=timezone.localdate())
        except ValidationError as error:
            order.refresh_from_db(fields=["status"])
            if hasattr(error, "error_dict") or not order.allowed("complete"):
                raise
            raise ValidationError({"items": error.messages}) from None  # results missing

    return _move(request, order_id, "complete", complete)


# Items, attachments and pauses -----------------------------------------------------------------


@router.put("/orders/{int:order_id}/items/{int:item_id}/result", response={200: ItemOut, **WRITE})
def item_result(request, order_id: Id, item_id: Id, payload: ResultIn):
    """Record (or correct) an item's result while the order is in service."""
    item = _item(request, order_id, item_id)
    _require_party(request, item.order, Party.INSTITUTION)
    with _state_conflicts():
        try:
            services.item_record_result(actor=request.user, item=item, **payload.dict())
        except ValidationError as error:
            raise _certificate_number_named(error) from None
    return _item(request, order_id, item_id)


def _certificate_number_named(error: ValidationError) -> ValidationError:
    """The only rule of an item not tied to one field is the institution's unique certificate
    number: name the field."""
    if not hasattr(error, "error_dict") or NON_FIELD_ERRORS not in error.error_dict:
        return error
    errors = dict(error.error_dict)
    errors["certificate_number"] = errors.pop(NON_FIELD_ERRORS) + errors.get(
        "certificate_number", []
    )
    return ValidationError(errors)


@router.post(
    "/orders/{int:order_id}/items/{int:item_id}/certificate", response={200: ItemOut, **WRITE}
)
def item_certificate_upload(request, order_id: Id, item_id: Id, certificate: File[UploadedFile]):
    """Multipart form with the file ``certificate``: a PDF (or a scan as PNG or JPEG) of at most
    10 MB, checked by content; it replaces any earlier one."""
    item = _item(request, order_id, item_id)
    _require_party(request, item.order, Party.INSTITUTION)
    with _state_conflicts():
        services.item_record_result(actor=request.user, item=item, certificate=certificate)
    return _item(request, order_id, item_id)


@router.post(
    "/orders/{int:order_id}/items/{int:item_id}/certificate/generate",
    response={200: ItemOut, **WRITE},
)
def item_certificate_generate(request, order_id: Id, item_id: Id):
    """Generate the certificate from the institution's template, with the QR code of the
    public check page; it replaces any earlier one. The result and the certificate number must
    be recorded first."""
    item = _item(request, order_id, item_id)
    _require_party(request, item.order, Party.INSTITUTION)
    with _state_conflicts():
        certificates.certificate_generate(actor=request.user, item=item)
    return _item(request, order_id, item_id)


@router.post("/orders/{int:order_id}/attachments", response={201: AttachmentOut, **WRITE})
def attachment_add(request, order_id: Id, payload: Form[AttachmentIn], file: File[UploadedFile]):
    """Multipart form with ``title`` and ``file`` (PDF, PNG or JPEG, at most 10 MB); either
    party, while the order is not closed."""
    order = get_visible_or_404(Order, request, pk=order_id)
    with _state_conflicts():
        attachment = services.attachment_add(
            actor=request.user, order=order, title=payload.title, file=file
        )
    return Status(201, OrderAttachment.objects.select_related("created_by").get(pk=attachment.pk))


@router.post("/orders/{int:order_id}/pauses", response={201: PauseOut, **WRITE})
def pause_start(request, order_id: Id, payload: PauseIn):
    """Stop an accepted approval's clock for expert review or pattern evaluation (行政许可法
    §45); the enterprise is told."""
    order = get_visible_or_404(Order, request, pk=order_id)
    _require_party(request, order, Party.INSTITUTION)
    if payload.started > timezone.localdate():
        raise ValidationError({"started": _("A pause cannot start in the future.")})
    with _state_conflicts():
        pause = services.pause_start(
            actor=request.user, order=order, reason=payload.reason, started=payload.started
        )
    return Status(201, pause)


@router.post("/orders/{int:order_id}/pauses/{int:pause_id}/end", response={200: PauseOut, **WRITE})
def pause_end(request, order_id: Id, pause_id: Id, payload: PauseEndIn):
    """The clock runs again from the day after ``ended``."""
    order = get_visible_or_404(Order, request, pk=order_id)
    pause = get_object_or_404(order.pauses.select_related("order"), pk=pause_id)
    _require_party(request, order, Party.INSTITUTION)
    with _state_conflicts():
        return services.pause_end(actor=request.user, pause=pause, ended=payload.ended)
