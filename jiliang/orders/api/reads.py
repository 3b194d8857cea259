"""Reads: the orders, the institutions an order may go to, the queue, one order, its items,
attachments and certificate files."""

from ninja import Query
from ninja.pagination import paginate

from jiliang.core.api import ErrorOut, Id, get_visible_or_404
from jiliang.core.scoping import scope_for
from jiliang.orders import selectors
from jiliang.orders.api.common import ITEM_ORDER, _detail, _file, _item, _member_institution, router
from jiliang.orders.api.schemas import (
    AttachmentOut,
    InstitutionOut,
    InstitutionQuery,
    ItemOut,
    OrderListFilters,
    OrderOut,
    OrderSummaryOut,
    QueueQuery,
)
from jiliang.orders.models import Order, OrderAttachment, OrderItem


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


@router.get(
    "/orders/queue",
    response={200: list[OrderSummaryOut], 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
)
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
    items = OrderItem.objects.visible_to(request.user).filter(order=order)
    return items.select_related("instrument").order_by(*ITEM_ORDER)


@router.get("/orders/{int:order_id}/items/{int:item_id}/certificate", response={200: None})
def item_certificate(request, order_id: Id, item_id: Id):
    """The item's certificate file, as uploaded."""
    item = _item(request, order_id, item_id)
    return _file(item.certificate)


@router.get("/orders/{int:order_id}/attachments", response=list[AttachmentOut])
@paginate
def attachment_list(request, order_id: Id):
    order = get_visible_or_404(Order, request, pk=order_id)
    attachments = OrderAttachment.objects.visible_to(request.user).filter(order=order)
    return attachments.select_related("created_by").order_by("pk")


@router.get("/orders/{int:order_id}/attachments/{int:attachment_id}/file", response={200: None})
def attachment_file(request, order_id: Id, attachment_id: Id):
    attachment = get_visible_or_404(OrderAttachment, request, pk=attachment_id, order=order_id)
    return _file(attachment.file)
