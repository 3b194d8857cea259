"""Statistics of service orders: counts per institution and kind, never the orders."""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router

from jiliang.core.api import ErrorOut, Schema
from jiliang.orders import stats

router = Router(tags=["orders"])


class StatisticsQuery(Schema):
    since: date | None = None
    until: date | None = None


class StatisticsTotalOut(Schema):
    submitted: int
    open: int
    completed: int
    completed_on_time: int
    cancelled: int
    on_time_percent: float | None
    average_workdays: float | None
    overdue: int


class StatisticsRowOut(StatisticsTotalOut):
    institution: int
    institution_name: str
    kind: str
    kind_name: str


def _table(request, query: StatisticsQuery) -> dict:
    if query.since and query.until and query.until < query.since:
        raise ValidationError({"until": _("The end of the period is before its start.")})
    return stats.statistics_table(
        user=request.user, since=query.since, until=query.until, today=timezone.localdate()
    )


@router.get("/orders/statistics", response={200: list[StatisticsRowOut], 400: ErrorOut})
def order_statistics(request, query: Query[StatisticsQuery]):
    """Per institution and kind, the orders submitted from ``since`` to ``until`` that you may
    count: regulators those of the enterprises in their regions, institutions those addressed to
    them, enterprises their own."""
    return _table(request, query)["rows"]


@router.get("/orders/statistics/total", response={200: StatisticsTotalOut, 400: ErrorOut})
def order_statistics_total(request, query: Query[StatisticsQuery]):
    """The same orders all together (全部): their counts, on-time rate and the average working
    days over every completed order (each order weighs the same, whatever its row)."""
    return _table(request, query)["total"]
