"""Statistics of service orders: counts, on-time rates and durations per institution and kind.

Regulators see the orders of the enterprises in the regions they regulate, as counts only, never
the orders themselves; an institution's members see the orders addressed to it, an enterprise's
members its own orders. Two aggregate queries whatever the number of orders.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.db.models import Count, F, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from jiliang.core import workdays
from jiliang.core.scoping import scope_for
from jiliang.orders.choices import OPEN_STATUSES, OrderKind, OrderStatus
from jiliang.orders.models import Order

COUNTS = ("submitted", "open", "completed", "completed_on_time", "cancelled", "overdue")


def order_statistics(
    *,
    user,
    since: date | None = None,
    until: date | None = None,
    today: date | None = None,
) -> list[dict]:
    """The rows of ``statistics_table``."""
    return statistics_table(user=user, since=since, until=until, today=today)["rows"]


def statistics_table(
    *,
    user,
    since: date | None = None,
    until: date | None = None,
    today: date | None = None,
) -> dict:
    """``{"rows": [...], "total": {...}}``: ``rows`` one per institution and kind of the
    orders submitted from ``since`` to ``until`` (both included, by the day of the last
    submission) that the user may count:

    ``institution`` (id), ``institution_name``, ``kind``, ``kind_name``, ``submitted``,
    ``open``, ``completed``, ``completed_on_time`` (completed on or before the deadline, or
    without one), ``cancelled``, ``on_time_percent`` (of the completed; None without any),
    ``average_workdays`` (from the start of the time limit to completion, in working days; None
    without any) and ``overdue`` (open past the deadline). Ordered by institution and kind.
    ``total`` (全部): the counts of all rows, their on-time rate and the average working days
    over all their orders (not the average of the rows' averages).
    """
    condition = _countable(user)
    if condition is None:
        return {"rows": [], "total": _total([], {})}
    today = today or timezone.localdate()
    orders = Order.objects.filter(condition, submitted_at__isnull=False)
    if since:
        orders = orders.filter(submitted_at__gte=_start_of(since))
    if until:
        orders = orders.filter(submitted_at__lt=_start_of(until + timedelta(days=1)))
    completed = Q(status=OrderStatus.COMPLETED)
    is_open = Q(status__in=list(OPEN_STATUSES))
    rows = list(
        orders.values("institution_id", "institution__name", "kind")
        .annotate(
            submitted=Count("pk"),
            open=Count("pk", filter=is_open),
            completed=Count("pk", filter=completed),
            completed_on_time=Count(
                "pk",
                filter=completed
                & (Q(deadline__isnull=True) | Q(completed_at__date__lte=F("deadline"))),
            ),
            cancelled=Count("pk", filter=Q(status=OrderStatus.CANCELLED)),
            overdue=Count("pk", filter=is_open & Q(deadline__lt=today)),
        )
        .order_by()
    )
    durations = _workday_sums(orders)
    kind_order = {kind: position for position, kind in enumerate(OrderKind.values)}
    labels = dict(OrderKind.choices)
    result = [
        {
            "institution": row["institution_id"],
            "institution_name": row["institution__name"],
            "kind": row["kind"],
            "kind_name": str(labels.get(row["kind"], row["kind"])),
            **{name: row[name] for name in COUNTS},
            "on_time_percent": percent(row["completed_on_time"], row["completed"]),
            "average_workdays": _average(
                *durations.get((row["institution_id"], row["kind"]), (0, 0))
            ),
        }
        for row in rows
    ]
    result.sort(
        key=lambda row: (
            row["institution_name"],
            row["institution"],
            kind_order.get(row["kind"], len(kind_order)),
        )
    )
    return {"rows": result, "total": _total(result, durations)}


def enterprise_summary(*, user, enterprise, today: date | None = None) -> dict | None:
    """One enterprise's orders for its 360° page: the counts of those the user may count (as
    in every statistic) and the latest five the user sees (none for a regulator, who sees
    counts only). None when the user counts none of them."""
    condition = _countable(user)
    if condition is None:
        return None
    today = today or timezone.localdate()
    is_open = Q(status__in=list(OPEN_STATUSES))
    counts = Order.objects.filter(
        condition, enterprise=enterprise, submitted_at__isnull=False
    ).aggregate(
        submitted=Count("pk"),
        open=Count("pk", filter=is_open),
        completed=Count("pk", filter=Q(status=OrderStatus.COMPLETED)),
        overdue=Count("pk", filter=is_open & Q(deadline__lt=today)),
    )
    latest = list(
        Order.objects.visible_to(user)
        .filter(enterprise=enterprise)
        .select_related("institution")
        .order_by("-created", "-pk")[:5]
    )
    if not counts["submitted"] and not latest:
        return None
    return {"counts": counts, "latest": latest}


def _start_of(day: date) -> datetime:
    """The first moment of ``day`` in China (the current time zone): compared with the stored
    moment as it is, not the moment turned into a day for every row."""
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def _countable(user) -> Q | None:
    """Which orders the user may count, or None for nobody's."""
    scope = scope_for(user)
    if scope is None:
        return None
    if scope.is_platform_admin:
        return Q()
    members = scope.organisation_ids()
    if not members and not scope.regulated_region_ids:
        return None
    condition = Q(enterprise_id__in=members) | Q(institution_id__in=members)
    if scope.regulated_region_ids:
        condition |= Q(enterprise__region_id__in=scope.regulated_region_ids)
    return condition


def _workday_sums(orders) -> dict[tuple[int, str], tuple[int, int]]:
    """Working days from ``clock_started`` to the (local) day of completion, summed, and the
    orders summed, per institution and kind: ``{(institution, kind): (days, orders)}``. The
    database groups the completed orders by those two days, so the rows fetched are bounded
    by the days involved, not the number of orders."""
    pairs = list(
        orders.filter(
            status=OrderStatus.COMPLETED, clock_started__isnull=False, completed_at__isnull=False
        )
        .annotate(done=TruncDate("completed_at"))
        .values_list("institution_id", "kind", "clock_started", "done")
        .annotate(count=Count("pk"))
        .order_by()
    )
    if not pairs:
        return {}
    days = [day for row in pairs for day in row[2:4]]
    worked = _workdays_up_to(min(days), max(days))
    totals = defaultdict(lambda: [0, 0])
    for institution, kind, started, done, count in pairs:
        total = totals[(institution, kind)]
        total[0] += (worked[done] - worked[started]) * count
        total[1] += count
    return {key: (days, count) for key, (days, count) in totals.items()}


def _average(days: int, orders: int) -> float | None:
    return round(days / orders, 1) if orders else None


def _workdays_up_to(first: date, last: date) -> dict[date, int]:
    """For each day from ``first`` to ``last``: the working days in (``first``, day], so that
    the difference of two entries is ``workdays.workdays_between`` of their days."""
    counts, running, day = {first: 0}, 0, first
    while day < last:
        day += timedelta(days=1)
        running += workdays.is_workday(day)
        counts[day] = running
    return counts


def percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def chart_data(rows: list[dict]) -> dict:
    """What static/jiliang/charts.js draws: the on-time rate of each institution over all
    kinds, and the orders submitted of each kind over all institutions."""
    institutions: dict[int, dict] = {}
    kinds: dict[str, dict] = {}
    for row in rows:
        institution = institutions.setdefault(
            row["institution"], {"name": row["institution_name"], "on_time": 0, "completed": 0}
        )
        institution["on_time"] += row["completed_on_time"]
        institution["completed"] += row["completed"]
        kind = kinds.setdefault(row["kind"], {"name": row["kind_name"], "value": 0})
        kind["value"] += row["submitted"]
    return {
        "on_time": [
            {
                "name": item["name"],
                "value": percent(item["on_time"], item["completed"]),
                "color": "#198754",
            }
            for item in institutions.values()
            if item["completed"]
        ],
        "kinds": [{**item, "color": "#0d6efd"} for item in kinds.values()],
    }


def _total(rows: list[dict], durations: dict) -> dict:
    """The 全部 row: the counts of all rows together, their on-time rate, and the average
    working days over every order measured (each order weighs the same)."""
    summed = {name: sum(row[name] for row in rows) for name in COUNTS}
    summed["on_time_percent"] = percent(summed["completed_on_time"], summed["completed"])
    summed["average_workdays"] = _average(
        sum(days for days, _orders in durations.values()),
        sum(orders for _days, orders in durations.values()),
    )
    return summed
