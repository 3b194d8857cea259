"""The pre-aggregated roll-up: ``Figure`` rows kept up to date as values change.

Per campaign, region, period (or ``WHOLE_CAMPAIGN``) and indicator a Figure row holds
- ``entered_own``: what the region's bureau entered (``EnteredValue``);
- ``entered_subtree``: ``entered_own`` of the region and of every region below it;
- ``counted_own``: what the platform counted for the enterprises located in the region
  (``counting``); ``counted_subtree`` likewise for the subtree.

The whole-campaign row of an indicator: entered figures follow the indicator's aggregation
(``sum``: the sum of the periods; ``latest``: the value of the latest period that has an entered
value), region by region, and subtree totals add the regions' whole-campaign figures up (over
regions figures always add up). Counted whole-campaign figures come from the counter itself,
because a distinct count (enterprises helped in March and in May) is not the sum of the periods.

Which rows exist: the campaign's own region always has its rows (every period and the whole
campaign × every indicator of the campaign); any other region gets them, with its ancestors up
to the campaign's region, once something is entered there or counted there. A region without
rows has zeros everywhere: readers treat a missing row as zeros. Rows are never deleted by the
incremental path (a count falling back to zero leaves zero rows), ``rebuild`` creates only those
it needs; both hold the same figures.

Incremental maintenance (``entered_changed``, ``counted_changed``) costs a constant number of
small queries whatever the depth: the region's own rows and its ancestors' subtree figures are
each moved by one UPDATE adding the deltas (rows found by the unique index: campaign, period IN,
region, indicator IN). ``rebuild`` recomputes everything from the sources: the counters count
in the database, the figures are assembled in arrays the size of the campaign's rows (never of
the records), and only the rows that differ are written. Both lock the campaign's row first
(``SELECT ... FOR UPDATE`` on PostgreSQL), so a rebuild never interleaves with an incremental
change.
"""

from __future__ import annotations

from array import array
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Case, F, IntegerField, Value, When

from jiliang.campaigns import counting
from jiliang.campaigns.choices import Aggregation
from jiliang.campaigns.models import WHOLE_CAMPAIGN, Campaign, EnteredValue, Figure
from jiliang.campaigns.periods import periods_of
from jiliang.core.bulk import insert_rows
from jiliang.orgs.models import Region, path_codes

VALUE_FIELDS = ("entered_own", "entered_subtree", "counted_own", "counted_subtree")


def period_keys(campaign) -> list[str]:
    """The keys of every Figure period of the campaign: its periods, then the whole."""
    return [period.key for period in periods_of(campaign)] + [WHOLE_CAMPAIGN]


def lock(campaign) -> None:
    """Serialise roll-up changes of one campaign (a no-op on SQLite, which serialises writes)."""
    list(Campaign.objects.select_for_update().filter(pk=campaign.pk).order_by().values_list("pk"))


def chain(campaign, region) -> list[int]:
    """Ids of ``region`` and its ancestors up to the campaign's region, the region first.
    ValueError when the region is outside the campaign."""
    codes = path_codes(region.path)
    if campaign.region.code not in codes:
        raise ValueError(f"{region} is outside the campaign {campaign}")
    codes = codes[codes.index(campaign.region.code) :]
    if len(codes) == 1:
        return [region.pk]
    ids = dict(Region.objects.filter(code__in=codes[:-1]).values_list("code", "pk"))
    return [region.pk, *(ids[code] for code in reversed(codes[:-1]))]


def indicator_ids(campaign) -> list[int]:
    cached = getattr(campaign, "_rollup_indicator_ids", None)
    if cached is None:
        cached = sorted(campaign.indicators.values_list("pk", flat=True))
        campaign._rollup_indicator_ids = cached
    return cached


def ensure_rows(campaign, region_ids: Iterable[int]) -> int:
    """Create the missing rows of these regions (all periods × all indicators, zeros). A
    region's rows are created together, so the whole-campaign row of its first indicator tells
    whether they exist."""
    indicators = indicator_ids(campaign)
    region_ids = list(dict.fromkeys(region_ids))
    if not indicators or not region_ids:
        return 0
    present = set(
        Figure.objects.filter(
            campaign=campaign,
            period=WHOLE_CAMPAIGN,
            indicator_id=indicators[0],
            region_id__in=region_ids,
        ).values_list("region_id", flat=True)
    )
    missing = [region_id for region_id in region_ids if region_id not in present]
    if not missing:
        return 0
    keys = period_keys(campaign)
    return insert_rows(
        Figure,
        ["campaign", "region", "period", "indicator"],
        (
            (campaign.pk, region_id, key, indicator_id)
            for region_id in missing
            for key in keys
            for indicator_id in indicators
        ),
        ignore_conflicts=True,
    )


@transaction.atomic(savepoint=False)
def entered_changed(campaign, region, period: str, changes: dict, *, locked=False) -> None:
    """The region's entered values of ``period`` changed: ``changes`` maps an Indicator to
    ``(old, new)`` (None: no value). Call after the EnteredValue rows were written."""
    if not locked:
        lock(campaign)
    deltas = defaultdict(int)
    latest = [indicator for indicator in changes if indicator.aggregation == Aggregation.LATEST]
    for indicator, (old, new) in changes.items():
        delta = (new or 0) - (old or 0)
        deltas[period, indicator.pk] += delta
        if indicator.aggregation != Aggregation.LATEST:
            deltas[WHOLE_CAMPAIGN, indicator.pk] += delta
    regions = chain(campaign, region)
    ensure_rows(campaign, regions)
    if latest:
        now = _latest_entered(campaign, [region.pk], [indicator.pk for indicator in latest])
        before = dict(
            Figure.objects.filter(
                campaign=campaign,
                region=region,
                period=WHOLE_CAMPAIGN,
                indicator__in=latest,
            ).values_list("indicator_id", "entered_own")
        )
        for indicator in latest:
            deltas[WHOLE_CAMPAIGN, indicator.pk] += now.get(
                (region.pk, indicator.pk), 0
            ) - before.get(indicator.pk, 0)
    _propagate(campaign, regions, entered=deltas)


@transaction.atomic(savepoint=False)
def counted_changed(campaign, region_counts: dict[int, dict], *, locked=False) -> int:
    """New counted figures of some regions: ``{region id: {(period, indicator id): count}}``,
    each region's dict complete for the cells recounted (a cell left out keeps its figure).
    Returns the number of own cells that changed."""
    if not locked:
        lock(campaign)
    if not region_counts:
        return 0
    cells = defaultdict(dict)
    for region_id, counts in region_counts.items():
        for period, indicator_id in counts:
            cells[region_id][period, indicator_id] = 0
    current = Figure.objects.filter(
        campaign=campaign,
        period__in=sorted({key[0] for counts in region_counts.values() for key in counts}),
        region_id__in=list(region_counts),
    )
    for region_id, period, indicator_id, value in current.values_list(
        "region_id", "period", "indicator_id", "counted_own"
    ):
        if (period, indicator_id) in cells[region_id]:
            cells[region_id][period, indicator_id] = value
    regions = {
        region.pk: region
        for region in Region.objects.filter(pk__in=list(region_counts)).only("pk", "path", "code")
    }
    changed = 0
    for region_id, counts in region_counts.items():
        deltas = {
            key: number - cells[region_id].get(key, 0)
            for key, number in counts.items()
            if number != cells[region_id].get(key, 0)
        }
        if not deltas:
            continue
        changed += len(deltas)
        path = chain(campaign, regions[region_id])
        ensure_rows(campaign, path)
        _propagate(campaign, path, counted=deltas)
    return changed


def _propagate(campaign, regions: list[int], *, entered=None, counted=None) -> None:
    """Add the own deltas ``{(period, indicator id): delta}`` to the first region's own and
    subtree figures and to the subtree figures of the others (its ancestors): two UPDATEs."""
    entered = {key: delta for key, delta in (entered or {}).items() if delta}
    counted = {key: delta for key, delta in (counted or {}).items() if delta}
    if not entered and not counted:
        return
    keys = set(entered) | set(counted)
    own, above = {}, {}
    if entered:
        added = _case(entered)
        own["entered_own"] = F("entered_own") + added
        own["entered_subtree"] = above["entered_subtree"] = F("entered_subtree") + added
    if counted:
        added = _case(counted)
        own["counted_own"] = F("counted_own") + added
        own["counted_subtree"] = above["counted_subtree"] = F("counted_subtree") + added
    # Periods and indicators as lists (IN), not an OR of pairs: the unique index (campaign,
    # period, region, indicator) finds the rows (an OR of pairs made SQLite scan the campaign's
    # rows). Cells of the cross product without a delta add zero.
    rows = Figure.objects.filter(
        campaign=campaign,
        period__in=sorted({period for period, _indicator in keys}),
        indicator_id__in=sorted({indicator_id for _period, indicator_id in keys}),
    )
    rows.filter(region_id=regions[0]).update(**own)
    if len(regions) > 1:
        rows.filter(region_id__in=regions[1:]).update(**above)


def _case(deltas: dict) -> Case:
    return Case(
        *(
            When(period=period, indicator_id=indicator_id, then=Value(delta))
            for (period, indicator_id), delta in deltas.items()
        ),
        default=Value(0),
        output_field=IntegerField(),
    )


def _latest_entered(campaign, region_ids, indicator_ids) -> dict[tuple[int, int], int]:
    """``{(region id, indicator id): value of the latest period with an entered value}``."""
    latest = {}
    rows = (
        EnteredValue.objects.filter(
            campaign=campaign, region_id__in=region_ids, indicator_id__in=indicator_ids
        )
        .order_by("region_id", "indicator_id", "period")
        .values_list("region_id", "indicator_id", "value")
    )
    for region_id, indicator_id, value in rows:
        latest[region_id, indicator_id] = value  # the last one, in period order, stays
    return latest


# Rebuilding everything -------------------------------------------------------------------------

# The rebuilt rows go to a temporary table first, then into Figure by three set operations.
REBUILT = "jiliang_rebuilt_figures"
ROW_COLUMNS = ("region_id", "period", "indicator_id", *VALUE_FIELDS)


@dataclass
class Computed:
    """The figures computed from the sources, for every region of the campaign's subtree
    (``regions``, each after its parent), period (``periods``: the campaign's, then the whole
    campaign) and indicator: ``values[name]`` holds the figure ``name`` (of ``VALUE_FIELDS``)
    of region ``r``, period ``p`` and indicator ``i`` at ``(r × len(periods) + p) ×
    len(indicators) + i``; ``with_rows`` the positions of the regions that have rows. Its size
    is that of the campaign's Figure rows, whatever the number of records counted."""

    regions: list[int]
    periods: list[str]
    indicators: list[int]
    values: dict[str, array]
    with_rows: list[int]

    def __len__(self):
        return len(self.with_rows) * len(self.periods) * len(self.indicators)

    def rows(self):
        """``(region id, period, indicator id, *VALUE_FIELDS)`` of every row, in order."""
        columns = [self.values[name] for name in VALUE_FIELDS]
        width = len(self.periods) * len(self.indicators)
        cells = [
            (period, indicator_id) for period in self.periods for indicator_id in self.indicators
        ]
        for position in self.with_rows:
            region_id, base = self.regions[position], position * width
            for offset, (period, indicator_id) in enumerate(cells):
                at = base + offset
                yield (region_id, period, indicator_id, *(column[at] for column in columns))


@transaction.atomic(savepoint=False)
def rebuild(campaign) -> int:
    """Recompute every Figure row of the campaign from the sources (entered values and the
    platform's counters) and make the stored rows those: rows that differ are updated, missing
    ones inserted, extra ones deleted. The counters count in the database and the figures are
    assembled in arrays the size of the campaign's rows, so neither the time nor the memory
    grows with the records counted beyond what the database's own grouping costs. Returns the
    number of Figure rows the campaign has."""
    lock(campaign)
    computed = _compute(campaign)
    written = _replace_rows(campaign, computed.rows())
    _analyze_after(written)
    return len(computed)


def _replace_rows(campaign, rows) -> int:
    """Make the campaign's Figure rows ``rows`` (tuples of ``ROW_COLUMNS``). A campaign without
    rows (a new one) gets them by one bulk insert. Otherwise through a temporary table: an
    UPDATE of the rows whose figures differ, a DELETE of the rows not rebuilt and, when rows
    are missing, an INSERT of the rebuilt rows ON CONFLICT DO NOTHING (the unique index tells
    which are there, whatever the planner's statistics of the table say). Rows already right
    are not written (no new row versions, no foreign keys checked again). Returns the rows
    written."""
    if not Figure.objects.filter(campaign=campaign).exists():
        return insert_rows(
            Figure,
            ["campaign", "region", "period", "indicator", *VALUE_FIELDS],
            ((campaign.pk, *row) for row in rows),
            exact_types=True,
        )
    table = Figure._meta.db_table
    columns = ", ".join(ROW_COLUMNS)
    same_cell = (
        f"t.region_id = {table}.region_id AND t.period = {table}.period "
        f"AND t.indicator_id = {table}.indicator_id"
    )
    differ = " OR ".join(f"t.{name} <> {table}.{name}" for name in VALUE_FIELDS)
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if not postgres:
            cursor.execute(f"DROP TABLE IF EXISTS temp.{REBUILT}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {REBUILT} (region_id bigint, period varchar(7), "
            "indicator_id bigint, entered_own bigint, entered_subtree bigint, "
            "counted_own bigint, counted_subtree bigint, "
            "PRIMARY KEY (period, region_id, indicator_id))"
            + (" ON COMMIT DROP" if postgres else "")
        )
        if postgres:
            with cursor.cursor.copy(f"COPY {REBUILT} FROM STDIN (FORMAT BINARY)") as copy:
                copy.set_types(["int8", "varchar", "int8", "int8", "int8", "int8", "int8"])
                for row in rows:
                    copy.write_row(row)
            cursor.execute(f"ANALYZE {REBUILT}")
            cursor.execute(
                f"UPDATE {table} SET "
                + ", ".join(f"{name} = t.{name}" for name in VALUE_FIELDS)
                + f" FROM {REBUILT} AS t WHERE {table}.campaign_id = %s AND {same_cell} "
                f"AND ({differ})",
                [campaign.pk],
            )
        else:
            cursor.executemany(
                f"INSERT INTO {REBUILT} ({columns}) VALUES ({', '.join(['%s'] * 7)})", rows
            )
            values = ", ".join(f"t.{name}" for name in VALUE_FIELDS)
            cursor.execute(
                f"UPDATE {table} SET ({', '.join(VALUE_FIELDS)}) = (SELECT {values} "
                f"FROM {REBUILT} AS t WHERE {same_cell}) WHERE {table}.campaign_id = %s "
                f"AND EXISTS (SELECT 1 FROM {REBUILT} AS t WHERE {same_cell} AND ({differ}))",
                [campaign.pk],
            )
        written = cursor.rowcount
        cursor.execute(
            f"DELETE FROM {table} WHERE {table}.campaign_id = %s "
            f"AND NOT EXISTS (SELECT 1 FROM {REBUILT} AS t WHERE {same_cell})",
            [campaign.pk],
        )
        written += cursor.rowcount
        # The campaign's rows are now all rebuilt ones: as many as those, none is missing.
        cursor.execute(f"SELECT COUNT(*) FROM {REBUILT}")
        (rebuilt,) = cursor.fetchone()
        cursor.execute(f"SELECT COUNT(*) FROM {table} WHERE campaign_id = %s", [campaign.pk])
        (present,) = cursor.fetchone()
        if present < rebuilt:
            cursor.execute(
                f"INSERT INTO {table} (campaign_id, {columns}) SELECT %s, {columns} "
                f"FROM {REBUILT} WHERE true ON CONFLICT DO NOTHING",
                [campaign.pk],
            )
            written += cursor.rowcount
        cursor.execute(f"DROP TABLE {REBUILT}")
    return written


@transaction.atomic(savepoint=False)
def recount_all(campaign, *, locked=False) -> int:
    """Set every counted figure of the campaign to what the counters count now, writing only
    the rows whose counted figures differ (the entered ones are left as they are). Returns the
    number of own cells that changed. What ``rebuild`` would do for the counted figures, at the
    cost of reading the campaign's counted rows rather than writing every row."""
    if not locked:
        lock(campaign)
    indicators = list(campaign.indicators.exclude(counter="").only("pk", "counter"))
    if not indicators:
        return 0
    parents, root = _parents(campaign)
    counted = {
        key: number
        for key, number in counting.count(campaign, indicators=indicators).items()
        if key[0] in parents
    }
    wanted = defaultdict(lambda: [0, 0])
    for (region_id, period, indicator_id), number in counted.items():
        wanted[region_id, period, indicator_id][0] += number
        for region_above in _ancestry(region_id, parents, root):
            wanted[region_above, period, indicator_id][1] += number
    current = {
        (region_id, period, indicator_id): [own, subtree]
        for region_id, period, indicator_id, own, subtree in Figure.objects.filter(
            campaign=campaign, indicator_id__in=[indicator.pk for indicator in indicators]
        )
        .exclude(counted_own=0, counted_subtree=0)
        .values_list("region_id", "period", "indicator_id", "counted_own", "counted_subtree")
    }
    changes = {
        key: wanted.get(key, [0, 0])
        for key in set(wanted) | set(current)
        if wanted.get(key, [0, 0]) != current.get(key, [0, 0])
    }
    if not changes:
        return 0
    ensure_rows(campaign, {key[0] for key in changes if key in wanted})
    _set_counted(campaign, changes)
    return sum(1 for key, values in changes.items() if values[0] != current.get(key, [0, 0])[0])


def _set_counted(campaign, changes: dict) -> None:
    """Write ``{(region id, period, indicator id): [counted_own, counted_subtree]}``: by a
    temporary table on PostgreSQL, row by row (one statement) elsewhere."""
    table = Figure._meta.db_table
    rows = [
        (region_id, period, indicator_id, own, subtree)
        for (region_id, period, indicator_id), (own, subtree) in changes.items()
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE TEMPORARY TABLE jiliang_counted (region_id bigint, period varchar(7), "
                "indicator_id bigint, counted_own bigint, counted_subtree bigint) "
                "ON COMMIT DROP"
            )
            with cursor.cursor.copy("COPY jiliang_counted FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute(
                f"UPDATE {table} AS f SET counted_own = c.counted_own, "
                "counted_subtree = c.counted_subtree FROM jiliang_counted AS c "
                "WHERE f.campaign_id = %s AND f.region_id = c.region_id "
                "AND f.period = c.period AND f.indicator_id = c.indicator_id",
                [campaign.pk],
            )
            cursor.execute("DROP TABLE jiliang_counted")
            return
        cursor.executemany(
            f"UPDATE {table} SET counted_own = %s, counted_subtree = %s WHERE campaign_id = %s "
            "AND region_id = %s AND period = %s AND indicator_id = %s",
            [
                (own, subtree, campaign.pk, region_id, period, indicator_id)
                for region_id, period, indicator_id, own, subtree in rows
            ],
        )


def _analyze_after(written: int) -> None:
    """Fresh planner statistics after many rows arrived at once (PostgreSQL): the small
    incremental queries that follow then use the indexes at once."""
    if written > 10_000 and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Figure._meta.db_table}")


def _parents(campaign) -> tuple[dict[int, int], int]:
    return (
        dict(Region.objects.subtree_of(campaign.region).values_list("pk", "parent_id")),
        campaign.region_id,
    )


def _ancestry(region_id, parents, root):
    """The region and the regions above it up to ``root``."""
    while True:
        yield region_id
        if region_id == root:
            return
        region_id = parents[region_id]


def _compute(campaign) -> Computed:
    indicators = {
        indicator.pk: indicator
        for indicator in campaign.indicators.all().only("pk", "aggregation", "counter")
    }
    ids = sorted(indicators)
    keys = period_keys(campaign)
    tree = list(
        Region.objects.subtree_of(campaign.region).order_by("path").values_list("pk", "parent_id")
    )
    regions = [region_id for region_id, _parent in tree]
    position = {region_id: at for at, region_id in enumerate(regions)}
    parent_at = [position.get(parent_id, -1) for _region, parent_id in tree]
    count, width = len(ids), len(keys) * len(ids)
    period_at = {key: at for at, key in enumerate(keys)}
    whole = period_at[WHOLE_CAMPAIGN] * count
    indicator_at = {pk: at for at, pk in enumerate(ids)}
    latest = [indicators[pk].aggregation == Aggregation.LATEST for pk in ids]
    values = {name: array("q", bytes(8 * len(regions) * width)) for name in VALUE_FIELDS}
    entered, counted = values["entered_own"], values["counted_own"]
    has_rows = bytearray(len(regions))  # something entered (a zero too) or counted there

    rows = (
        EnteredValue.objects.filter(campaign=campaign, indicator_id__in=ids)
        .order_by("period")
        .values_list("region_id", "period", "indicator_id", "value")
    )
    for region_id, period, indicator_id, value in rows.iterator(chunk_size=10_000):
        at, key = position.get(region_id), period_at.get(period)
        if at is None or key is None or period == WHOLE_CAMPAIGN:
            continue
        has_rows[at] = 1
        base, i = at * width, indicator_at[indicator_id]
        entered[base + key * count + i] += value
        if latest[i]:
            entered[base + whole + i] = value  # ordered by period: the latest stays
        else:
            entered[base + whole + i] += value
    for (region_id, period, indicator_id), number in counting.count(
        campaign, indicators=list(indicators.values())
    ).items():
        at = position.get(region_id)
        if at is None:
            continue
        has_rows[at] = 1
        counted[at * width + period_at[period] * count + indicator_at[indicator_id]] = number

    # Subtree figures: each region's own plus its children's subtree figures, children first
    # (a region comes after its parent in ``regions``). A region has rows when something
    # happened there or below (``has_rows`` moves up with the figures), and the campaign's
    # region always.
    entered_total = values["entered_subtree"] = array("q", entered)
    counted_total = values["counted_subtree"] = array("q", counted)
    for at in range(len(regions) - 1, -1, -1):
        parent = parent_at[at]
        if parent < 0 or not has_rows[at]:
            continue
        has_rows[parent] = 1
        base, parent_base = at * width, parent * width
        for total in (entered_total, counted_total):
            for offset in range(width):
                if total[base + offset]:
                    total[parent_base + offset] += total[base + offset]
    has_rows[position[campaign.region_id]] = 1
    return Computed(
        regions=regions,
        periods=keys,
        indicators=ids,
        values=values,
        with_rows=[at for at in range(len(regions)) if has_rows[at]],
    )


def compute(campaign) -> dict[tuple[int, str, int], tuple[int, int, int, int]]:
    """Every figure of the campaign computed from the sources, as ``rebuild`` writes them:
    ``{(region id, period, indicator id): (entered_own, entered_subtree, counted_own,
    counted_subtree)}`` (for comparing with ``stored``)."""
    return {tuple(row[:3]): tuple(row[3:]) for row in _compute(campaign).rows()}


def stored(campaign) -> dict[tuple[int, str, int], tuple[int, int, int, int]]:
    """The Figure rows of the campaign in the shape of ``compute`` (for comparing)."""
    return {
        (region_id, period, indicator_id): tuple(values)
        for region_id, period, indicator_id, *values in Figure.objects.filter(
            campaign=campaign
        ).values_list("region_id", "period", "indicator_id", *VALUE_FIELDS)
    }
