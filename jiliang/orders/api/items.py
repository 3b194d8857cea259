"""Items (results and certificates), attachments and pauses."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Status
from ninja.files import UploadedFile

from jiliang.core.api import Id, get_visible_or_404
from jiliang.orders import certificates, selectors, services
from jiliang.orders.api.common import WRITE, _item, _require_party, _state_conflicts, router
from jiliang.orders.api.schemas import (
    AttachmentIn,
    AttachmentOut,
    ItemOut,
    PauseEndIn,
    PauseIn,
    PauseOut,
    ResultIn,
)
from jiliang.orders.choices import Party
from jiliang.orders.models import Order, OrderAttachment, OrderPause


@router.put("/orders/{int:order_id}/items/{int:item_id}/result", response={200: ItemOut, **WRITE})
def item_result(request, order_id: Id, item_id: Id, payload: ResultIn):
    """Record (or correct) an item's result while the order is in service."""
    item = _item(request, order_id, item_id)
    _require_party(request, item.order, Party.INSTITUTION)
    result = {**payload.dict(), "standards": _standards(request, item, payload.standards)}
    with _state_conflicts():
        try:
            services.item_record_result(actor=request.user, item=item, **result)
        except ValidationError as error:
            raise _certificate_number_named(error) from None
    return _item(request, order_id, item_id)


def _standards(request, item, ids: list[int]) -> list:
    """The standards named by id: the institution's own (in use, or named already)."""
    standards = list(selectors.standards_to_choose(user=request.user, item=item).filter(pk__in=ids))
    if len(standards) != len(set(ids)):
        raise ValidationError({"standards": _("Choose standards of the institution.")})
    return standards


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
    public check page; it replaces any earlier one. The result must be recorded first; the
    certificate number too, unless the institution has a numbering rule, which then gives the
    next number (400 naming ``certificate_number`` when there is neither)."""
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
    attachments = OrderAttachment.objects.visible_to(request.user).select_related("created_by")
    return Status(201, attachments.get(pk=attachment.pk))


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
    pauses = OrderPause.objects.visible_to(request.user).select_related(
        "order__enterprise", "order__institution"
    )
    pause = get_object_or_404(pauses, pk=pause_id, order=order_id)
    _require_party(request, pause.order, Party.INSTITUTION)
    with _state_conflicts():
        return services.pause_end(actor=request.user, pause=pause, ended=payload.ended)
