"""What the platform counts by itself: the ``counted_*`` figures of the roll-up.

The plug-in point
-----------------
A *counter* (named by ``Indicator.counter``) counts distinct *subjects* per region and period
from one or more *event sources*. An event source is a function returning the events of a time
range as a **queryset** of ``events(...)``: the values ``region`` (the region's id), ``subject``
(what is counted distinct) and ``day`` (a date, or a moment whose day in the project's time
zone counts). The counter combines the querysets of its sources in SQL (``UNION ALL``) and
counts there, so nothing of the records is loaded into Python::

    from jiliang.campaigns.counting import events, helped_source, within

    @helped_source                              # one more way of helping an enterprise
    def consultations_answered(**bounds):
        rows = within(                          # the campaign's days, subtree, changes
            Consultation.objects.filter(status=ConsultationStatus.ANSWERED),
            region="enterprise__region",
            day="answered_at",
            **bounds,
        )
        return events(
            rows, region="enterprise__region_id", subject="enterprise_id", day="answered_at"
        )

and a new counter of its own is one decorated source with ``@counter("problems_solved")``
(then an administrator sets ``Indicator.counter`` to that name, checked against ``COUNTERS``).

A counter of amounts (materials handed out, person-times of service) names a number field of
the records as ``events(..., amount="materials_handed_out")``: its figure is then the sum of the
amounts of its distinct (region, period, subject) cells (a subject whose events repeat in a cell
counts the largest of their amounts once), and its subjects are the records' ids, each source's
apart (visit 5 and consultation 5 are two subjects). The sources of one counter give amounts
all or none.
Register sources in the app's ``AppConfig.ready`` (import the module holding them), as the
orders app's sources are defined at the end of this module.

The arguments every source takes (``within`` applies them all; a source that narrows by hand
filters a moment column on ``day_bounds(start, end)``, a range of moments an index serves,
never on its ``__date``, a cast of every row):
- ``start``, ``end`` (dates, inclusive): the campaign's year; events outside are not wanted
  (the counter leaves them out anyway);
- ``region_path``: only enterprises located in the campaign's subtree (``Region.path`` prefix);
- ``region_ids``: when given, only events located in these regions (a partial recount);
- ``changed_since``: when given, only events of records changed since then (a datetime):
  used to find which regions a recount must recompute, so a source should filter on a
  timestamp its records keep current (``updated``), and that column should be indexed: the
  periodic recount asks every source every ten minutes.

Subjects are what is counted distinct: for ``enterprises_helped`` the enterprise's id (an
enterprise helped by an order in March and a course in May counts once in March, once in May,
and once in the whole campaign); for a count of records, the record's id. The sources of one
counter must give subjects of one kind (all enterprise ids, say): their events are combined by
``UNION ALL`` after each source's days were placed in their periods (so one source's ``day``
may be a date and another's a moment). The region of an event is where the enterprise is
located: ``counted_own`` of a region counts the enterprises of exactly that region, the roll-up
adds the subtree up.

Counted figures are facts of the platform: an event recorded late (after the period's report
was approved) still changes them; only entered figures are locked by approval, and an approved
``Report`` keeps the figures it approved (``Report.approved_figures``).

What it costs: one SQL statement per counter, grouped by region and period in the database
(its answer is at most regions × periods rows, whatever the number of records), and one for the
regions touched by records changed since a moment (served by an index on the sources' change
timestamps: milliseconds for a few changed records).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import pairwise

from django.db import connection, transaction
from django.db.models import Case, DateTimeField, F, IntegerField, QuerySet, Value, When
from django.utils import timezone

from jiliang.campaigns.models import WHOLE_CAMPAIGN
from jiliang.campaigns.periods import Period, periods_of, whole_campaign

ENTERPRISES_HELPED = "enterprises_helped"
STANDARDS_APPROVED = "standards_approved"
# The names of the values of ``events`` (prefixed: a source's model may have a field "day").
EVENT_FIELDS = ("event_region", "event_subject", "event_day")
AMOUNT_FIELD = "event_amount"

Source = Callable[..., QuerySet]


def events(
    rows: QuerySet, *, region: str, subject: str, day: str, amount: str | None = None
) -> QuerySet:
    """The queryset a source returns: ``rows`` as values ``region``, ``subject`` and ``day``,
    each named by a field path of ``rows``' model (``"enterprise__region_id"``); ``day`` a
    DateField or a DateTimeField; ``amount``, when given, a number field the counter sums."""
    values = {"event_region": F(region), "event_subject": F(subject), "event_day": F(day)}
    if amount is not None:
        values[AMOUNT_FIELD] = F(amount)
    return rows.values(**values)


def day_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The moments ``[since, until)`` of the days ``start`` to ``end`` (inclusive) in the
    project's time zone: what a source filters a moment column on."""
    return _midnight(start), _midnight(end + timedelta(days=1))


def within(
    rows: QuerySet,
    *,
    region: str,
    day: str,
    start: date,
    end: date,
    region_path: str,
    region_ids=None,
    changed_since=None,
    path: str | None = None,
) -> QuerySet:
    """``rows`` narrowed by the arguments every source takes: ``day`` (the path of a date or
    moment field) within ``start``–``end``, located by ``region`` (the path of the event's
    ``Region`` foreign key, e.g. ``"enterprise__region"``) in the subtree of ``region_path``
    and, when given, in ``region_ids``, and changed since ``changed_since`` (the records'
    ``updated``). ``path`` names the rows' own copy of the region's path, when they keep one
    (no join). A source taking ``**bounds`` hands them on as they came."""
    if _is_moment(rows.model, day):
        since, until = day_bounds(start, end)
        rows = rows.filter(**{f"{day}__gte": since, f"{day}__lt": until})
    else:
        rows = rows.filter(**{f"{day}__gte": start, f"{day}__lte": end})
    rows = rows.filter(**{f"{path or f'{region}__path'}__startswith": region_path})
    if region_ids is not None:
        rows = rows.filter(**{f"{region}_id__in": list(region_ids)})
    if changed_since is not None:
        # A recent moment: the index on ``updated`` the sources' models keep finds a few rows.
        rows = rows.filter(updated__gte=changed_since)
    return rows


def _is_moment(model, path: str) -> bool:
    *relations, name = path.split("__")
    for relation in relations:
        model = model._meta.get_field(relation).related_model
    return isinstance(model._meta.get_field(name), DateTimeField)


@dataclass
class Counter:
    """A named platform count: distinct subjects per region and period over its sources."""

    name: str
    sources: list[Source] = field(default_factory=list)

    def count(
        self, campaign, *, region_ids=None, changed_since=None, periods: list[Period] | None = None
    ) -> dict[tuple[int, str], int]:
        """``{(region id, period key): distinct subjects}`` for the campaign's periods and the
        whole campaign (``WHOLE_CAMPAIGN``); zero counts are left out. One statement, grouped
        in the database."""
        union = self.events(
            campaign, region_ids=region_ids, changed_since=changed_since, periods=periods
        )
        if union is None:
            return {}
        sql, params, summed = union
        keys = _period_keys(campaign, periods)
        statement = (_SUM_STATEMENT if summed else _COUNT_STATEMENT).format(events=sql)
        result = {}
        settings = dict(PLAN_SETTINGS)
        if region_ids is None and changed_since is None:
            settings.update(WHOLE_CAMPAIGN_PLAN_SETTINGS)
        with (
            transaction.atomic(savepoint=False),
            connection.cursor() as cursor,
            _planned(cursor, settings),
        ):
            cursor.execute(statement, params)
            rows = cursor.fetchall()
        for region_id, period_number, number in rows:
            if number:
                result[region_id, keys[period_number]] = int(number)
        return result

    def touched(self, campaign, *, since: datetime) -> set[tuple[int, str]]:
        """The (region id, period key) cells that records changed since ``since`` fall in
        (their whole-campaign cells included)."""
        union = self.events(campaign, changed_since=since)
        if union is None:
            return set()
        sql, params, _summed = union
        keys = _period_keys(campaign, None)
        cells = set()
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT DISTINCT event_region, event_period FROM ({sql}) events",
                params,
            )
            for region_id, period_number in cursor.fetchall():
                cells.add((region_id, keys[period_number]))
                cells.add((region_id, WHOLE_CAMPAIGN))
        return cells

    def events(self, campaign, *, region_ids=None, changed_since=None, periods=None):
        """The SQL (and its parameters) of every source's events in the campaign's periods as
        rows of ``event_region``, ``event_subject`` and ``event_period`` (the number of the
        period holding the event's day, from 1 in the order of ``periods``) and, for a counter
        of amounts, ``event_amount``, combined by ``UNION ALL``; and whether the events carry
        amounts. None without sources."""
        periods = periods if periods is not None else periods_of(campaign)
        for before, after in pairwise(periods):
            if after.start != before.end + timedelta(days=1):
                raise ValueError(f"The periods leave a gap between {before.key} and {after.key}.")
        whole = whole_campaign(campaign)
        parts = [
            _in_periods(
                event_source(
                    start=whole.start,
                    end=whole.end,
                    region_path=campaign.region.path,
                    region_ids=list(region_ids) if region_ids is not None else None,
                    changed_since=changed_since,
                ),
                periods,
                event_source,
                number,
            )
            for number, event_source in enumerate(self.sources)
        ]
        if not parts:
            return None
        summed = {AMOUNT_FIELD in part.query.annotation_select for part in parts}
        if len(summed) > 1:
            raise TypeError(
                f"The sources of the counter {self.name} must all give amounts or none."
            )
        union = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
        return (*union.query.sql_with_params(), summed.pop())


# Each (region, period, subject) once, counted per period; and each (region, subject) once,
# counted per region: the whole campaign (its periods cover it).
_COUNT_STATEMENT = (
    "WITH cells AS (SELECT event_region, event_period, event_subject "
    "FROM ({events}) events GROUP BY event_region, event_period, event_subject) "
    "SELECT event_region, event_period, COUNT(*) FROM cells "
    "GROUP BY event_region, event_period "
    "UNION ALL "
    "SELECT event_region, 0, COUNT(*) FROM (SELECT DISTINCT event_region, event_subject "
    "FROM cells) whole_campaign GROUP BY event_region"
)
# The same cells, each with its amount, summed; a subject is a record of one source (visit 5
# and consultation 5 are two subjects).
_SUM_STATEMENT = (
    "WITH cells AS (SELECT event_region, event_period, event_source, event_subject, "
    "MAX(event_amount) AS event_amount FROM ({events}) events "
    "GROUP BY event_region, event_period, event_source, event_subject) "
    "SELECT event_region, event_period, SUM(event_amount) FROM cells "
    "GROUP BY event_region, event_period "
    "UNION ALL "
    "SELECT event_region, 0, SUM(event_amount) FROM (SELECT event_region, event_source, "
    "event_subject, MAX(event_amount) AS event_amount FROM cells "
    "GROUP BY event_region, event_source, event_subject) whole_campaign GROUP BY event_region"
)


COUNTERS: dict[str, Counter] = {}


def counter(name: str):
    """Decorate an event source: it becomes (or joins) the counter ``name``."""
    return source(name)


def source(counter_name: str):
    """Decorate an event source: it adds its events to the counter ``counter_name`` (created
    if missing). Registering the same function twice has no effect."""

    def register(function: Source) -> Source:
        registered = COUNTERS.setdefault(counter_name, Counter(counter_name))
        if function not in registered.sources:
            registered.sources.append(function)
        return function

    return register


def helped_source(function: Source) -> Source:
    """Shorthand for ``@source(ENTERPRISES_HELPED)``: events where an enterprise was helped."""
    return source(ENTERPRISES_HELPED)(function)


def counter_names() -> list[str]:
    """The registered counters' names, for choosing ``Indicator.counter``."""
    _load_sources()
    return sorted(COUNTERS)


def get_counter(name: str) -> Counter | None:
    _load_sources()
    return COUNTERS.get(name)


def count(campaign, *, indicators=None, region_ids=None, changed_since=None) -> dict:
    """``{(region id, period key, indicator id): count}`` for the campaign's counted indicators
    (or ``indicators``), zero counts left out. An indicator whose counter is unknown counts
    nothing."""
    _load_sources()
    if indicators is None:
        indicators = list(campaign.indicators.exclude(counter=""))
    periods = periods_of(campaign)
    result = {}
    by_counter = defaultdict(list)
    for indicator in indicators:
        if indicator.counter:
            by_counter[indicator.counter].append(indicator)
    for name, counted_indicators in by_counter.items():
        registered = COUNTERS.get(name)
        if registered is None:
            continue
        counts = registered.count(
            campaign, region_ids=region_ids, changed_since=changed_since, periods=periods
        )
        for (region_id, period_key), number in counts.items():
            for indicator in counted_indicators:
                result[region_id, period_key, indicator.pk] = number
    return result


def touched(campaign, *, since: datetime, indicators=None) -> set[tuple[int, str]]:
    """The (region id, period key) cells of the campaign whose counts records changed since
    ``since`` may have changed."""
    _load_sources()
    if indicators is None:
        indicators = list(campaign.indicators.exclude(counter=""))
    cells = set()
    for name in {indicator.counter for indicator in indicators if indicator.counter}:
        registered = COUNTERS.get(name)
        if registered is not None:
            cells |= registered.touched(campaign, since=since)
    return cells


def _period_keys(campaign, periods) -> list[str]:
    """Period keys by their number in ``Counter.events``: 0 is the whole campaign."""
    periods = periods if periods is not None else periods_of(campaign)
    return [WHOLE_CAMPAIGN, *(period.key for period in periods)]


# How PostgreSQL plans a counting statement: no JIT compilation (compiling its expressions for
# millions of rows took seconds and saved less), and for a count of the whole campaign, parallel
# plans preferred (two workers scanning, joining and sorting the events: about a third quicker
# over five million orders than the serial plan the default costs chose; bench/rollup.py).
PLAN_SETTINGS = {"jit": "off"}
WHOLE_CAMPAIGN_PLAN_SETTINGS = {"parallel_setup_cost": "0", "parallel_tuple_cost": "0"}


@contextmanager
def _planned(cursor, settings: dict[str, str]):
    """``settings`` for the statements of the block (PostgreSQL; in a transaction), then back
    to what they were."""
    if connection.vendor != "postgresql":
        yield
        return
    before = {}
    for name, value in settings.items():
        cursor.execute("SELECT current_setting(%s), set_config(%s, %s, true)", [name, name, value])
        before[name] = cursor.fetchone()[0]
    yield
    for name, value in before.items():
        cursor.execute("SELECT set_config(%s, %s, true)", [name, value])


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_default_timezone())


def _in_periods(rows, periods: list[Period], event_source, number: int) -> QuerySet:
    """A source's events as values ``event_region``, ``event_subject`` and ``event_period``
    (and, for amounts, ``event_amount`` and ``event_source``, the source's ``number``), events
    outside the periods left out: the day is compared with the periods' bounds of the column's
    type (a moment column with the local midnights, so that no row is cast and an index on the
    column serves)."""
    fields = set(rows.query.annotation_select) if isinstance(rows, QuerySet) else set()
    if fields - {AMOUNT_FIELD} != set(EVENT_FIELDS):
        raise TypeError(
            f"The event source {event_source.__qualname__} must return a queryset of "
            "counting.events(rows, region=…, subject=…, day=…)."
        )
    summed = AMOUNT_FIELD in fields
    amount = [AMOUNT_FIELD] if summed else []
    source = {"event_source": Value(number, output_field=IntegerField())} if summed else {}
    moments = isinstance(rows.query.annotations["event_day"].output_field, DateTimeField)

    def bound(day: date):
        return _midnight(day) if moments else day

    # Each event falls in the first period whose end it
    # precedes (one comparison per period passed, and none for the last one).
    return (
        rows.filter(
            event_day__gte=bound(periods[0].start),
            event_day__lt=bound(periods[-1].end + timedelta(days=1)),
        )
        .order_by()
        .values(
            "event_region",
            "event_subject",
            *amount,
            **source,
            event_period=Case(
                *(
                    When(event_day__lt=bound(period.end + timedelta(days=1)), then=Value(number))
                    for number, period in enumerate(periods[:-1], start=1)
                ),
                default=Value(len(periods)),
                output_field=IntegerField(),
            ),
        )
    )


def _load_sources() -> None:
    """Sources live in their apps' modules; this one holds the orders app's (below), later apps
    import theirs from ``AppConfig.ready``. Nothing to do here but keep the hook explicit."""


# The first sources: completed service orders. -------------------------------------------------


def _completed_orders(*, kind=None, **bounds):
    from jiliang.orders.choices import OrderStatus
    from jiliang.orders.models import Order

    orders = Order.objects.filter(status=OrderStatus.COMPLETED)
    if kind is not None:
        orders = orders.filter(kind=kind)
    return within(orders, region="enterprise__region", day="completed_at", **bounds)


@helped_source
def orders_completed(**bounds):
    """An enterprise was helped on the day a service order of it was completed."""
    return events(
        _completed_orders(**bounds),
        region="enterprise__region_id",
        subject="enterprise_id",
        day="completed_at",
    )


@counter(STANDARDS_APPROVED)
def standard_assessments_completed(**bounds):
    """A measurement standard established (计量标准考核 completed), counted per order."""
    from jiliang.orders.choices import OrderKind

    return events(
        _completed_orders(kind=OrderKind.STANDARD_ASSESSMENT, **bounds),
        region="enterprise__region_id",
        subject="pk",
        day="completed_at",
    )
