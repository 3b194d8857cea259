"""The orders' to-dos: what waits for the enterprise, what waits in the institution's queue
(registered in ``apps.py``)."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from jiliang.core.dashboards import DashboardRole, Severity, ToDo, registry
from jiliang.orders import selectors
from jiliang.orders.choices import APPROVAL_KINDS, OPEN_STATUSES, OrderStatus, ServiceMode
from jiliang.orders.models import Order, OrderPause

S = OrderStatus


def enterprise_counts(*, user) -> dict[str, int]:
    """Of the orders of the organisations the user places orders for (selectors.
    order_enterprises: admin or staff): ``returned`` (to change and submit again), ``drafts``
    (not submitted yet) and ``to_deliver`` (accepted verifications and calibrations whose
    instruments the enterprise brings or mails). One query."""
    to_deliver = (
        Q(status=S.ACCEPTED)
        & ~Q(kind__in=sorted(APPROVAL_KINDS))
        & ~Q(service_mode=ServiceMode.ON_SITE)
    )
    return (
        Order.objects.visible_to(user)
        .filter(
            enterprise__in=selectors.order_enterprises(user=user),
            status__in=[S.RETURNED, S.DRAFT, S.ACCEPTED],
        )
        .aggregate(
            returned=Count("pk", filter=Q(status=S.RETURNED)),
            drafts=Count("pk", filter=Q(status=S.DRAFT)),
            to_deliver=Count("pk", filter=to_deliver),
        )
    )


def enterprise_todos(user, today: date) -> list[ToDo]:
    counts = enterprise_counts(user=user)
    orders = reverse("orders:order_list")
    return [
        ToDo(
            label=_("Orders returned to you for changes"),
            count=counts["returned"],
            url=f"{orders}?status={S.RETURNED}",
            severity=Severity.WARNING,
        ),
        ToDo(
            label=_("Accepted orders: bring or send the instruments"),
            count=counts["to_deliver"],
            url=f"{orders}?status={S.ACCEPTED}",
            severity=Severity.INFO,
        ),
        ToDo(
            label=_("Draft orders not submitted yet"),
            count=counts["drafts"],
            url=f"{orders}?status={S.DRAFT}",
            severity=Severity.INFO,
        ),
    ]


def overdue_condition(today: date) -> Q:
    """Open orders past their deadline, as ``selectors.remaining_workdays`` counts them: a
    running pause that began by the deadline holds the days left, so such an order is not
    overdue while it lasts."""
    held = OrderPause.objects.filter(
        order=OuterRef("pk"), ended__isnull=True, started__lte=OuterRef("deadline")
    )
    return Q(status__in=list(OPEN_STATUSES), deadline__lt=today) & ~Q(Exists(held))


def queue_counts(*, user, today: date) -> list[dict]:
    """Per institution whose queue the user reads (selectors.queue_institutions) that has
    something to count: ``institution`` (id), ``name``, ``overdue`` (open past the deadline),
    ``new`` (submitted, to accept or return) and ``to_receive`` (accepted, the items, the visit
    or the review still to come). One query."""
    rows = (
        Order.objects.visible_to(user)
        .filter(
            institution__in=selectors.queue_institutions(user=user),
            status__in=list(OPEN_STATUSES),
        )
        .values("institution", "institution__name")
        .annotate(
            overdue=Count("pk", filter=overdue_condition(today)),
            new=Count("pk", filter=Q(status=S.SUBMITTED)),
            to_receive=Count("pk", filter=Q(status=S.ACCEPTED)),
        )
        .order_by("institution__name", "institution")
    )
    return [
        {
            "institution": row["institution"],
            "name": row["institution__name"],
            "overdue": row["overdue"],
            "new": row["new"],
            "to_receive": row["to_receive"],
        }
        for row in rows
    ]


def institution_todos(user, today: date) -> list[ToDo]:
    rows = queue_counts(user=user, today=today)
    queue = reverse("orders:queue")
    todos = []
    for row in rows:
        # Whose queue, when the user reads several.
        suffix = f" · {row['name']}" if len(rows) > 1 else ""
        link = f"{queue}?institution={row['institution']}"
        todos += [
            ToDo(
                label=_("Orders past their deadline") + suffix,
                count=row["overdue"],
                url=link,
                severity=Severity.DANGER,
            ),
            ToDo(
                label=_("New orders to accept") + suffix,
                count=row["new"],
                url=f"{link}&status={S.SUBMITTED}",
                severity=Severity.WARNING,
            ),
            ToDo(
                label=_("Accepted orders not received yet") + suffix,
                count=row["to_receive"],
                url=f"{link}&status={S.ACCEPTED}",
                severity=Severity.INFO,
            ),
        ]
    return todos


def register() -> None:
    """Called from ``OrdersConfig.ready()``."""
    registry.register_todos(
        "orders.enterprise", enterprise_todos, roles=DashboardRole.ENTERPRISE, order=20
    )
    registry.register_todos(
        "orders.queue", institution_todos, roles=DashboardRole.INSTITUTION, order=20
    )
