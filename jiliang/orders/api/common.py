"""What the routes of the orders API share: the router they are registered on, their error
responses, the order, item, file and institution a request is about, the check that the user
acts for the party concerned, and the 409 of a step the order's state does not allow."""

from contextlib import contextmanager

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja.errors import HttpError

from jiliang.core.api import ErrorOut, get_visible_or_404
from jiliang.core.routers import PackageRouter
from jiliang.core.services import require_organisation_role
from jiliang.orders import selectors
from jiliang.orders.choices import Party
from jiliang.orders.models import EDITOR_ROLES, Order, OrderItem, OrderPause, TransitionRefused
from jiliang.orgs.choices import OrganisationKind
from jiliang.orgs.models import Organisation

router = PackageRouter(__package__, tags=["orders"])

# Beside what error_statuses gives every route: REFUSALS of a request, and for a step the
# order's state may refuse (under _state_conflicts) also its 409.
REFUSALS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut}
WRITE = {**REFUSALS, 409: ErrorOut}
ITEM_ORDER = ("instrument__management_number", "pk")


def _detail(request, order_id: int) -> Order:
    user = request.user
    items = (
        OrderItem.objects.visible_to(user)
        .select_related("instrument")
        .prefetch_related("standards")
        .order_by(*ITEM_ORDER)
    )
    pauses = OrderPause.objects.visible_to(user).order_by("pk")
    return get_object_or_404(
        Order.objects.visible_to(user)
        .select_related("enterprise", "institution")
        .prefetch_related(Prefetch("items", queryset=items), Prefetch("pauses", queryset=pauses)),
        pk=order_id,
    )


def _item(request, order_id: int, item_id: int) -> OrderItem:
    """The item of a visible order, with the order and both its parties (404 otherwise)."""
    items = OrderItem.objects.visible_to(request.user).select_related(
        "order__enterprise", "order__institution", "instrument"
    )
    return get_object_or_404(items, pk=item_id, order=order_id)


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
    """The services refuse a step the order's state does not allow with ``TransitionRefused``:
    a 409. Any other ValidationError is the data's (400), whether it names a field or not."""
    try:
        yield
    except TransitionRefused as error:
        raise HttpError(409, " ".join(error.messages)) from None
