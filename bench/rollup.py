"""Benchmark: the roll-up of a national campaign, read from the pre-aggregated Figure rows.

Generates a national campaign (organised by a national regulator at 全国) over the real tree of
regions the migrations load (``orgs/fixtures/regions.csv``: 34 province-level units, 333
prefectures and 2,847 counties, placed by reporting line: depth 4 from the nation down to a
prefecture's county, 3 for a municipality's district or a province-administered county), 12
monthly periods and 13 indicators (帮扶中小企业, counted and entered, and 12 of the activity
table, 指导企业建立计量标准 counted too); a quota for every region; the entered values of every
leaf region (the counties, and the 7 regions without counties: 东莞, 中山, 儋州, 嘉峪关, 台湾,
香港, 澳门) for every indicator and period (445,224 rows); every region's report for every
period; and ``BENCH_ROLLUP_RECORDS`` completed service orders (default 5,000,000 on PostgreSQL,
500,000 on SQLite) spread over 142,700 enterprises (50 per leaf region) and over the year, 2%
of them measurement standard assessments. Everything is written with ``core.bulk.insert_rows``
(COPY on PostgreSQL; the orders as COPY text, see ``copy_text``), then ANALYZEd on PostgreSQL.
The regions also hold whatever the other benchmarks of ``make bench`` left in the same
database, which the checks below take into account.

Measured:
(r) ``rollup.rebuild`` of the campaign from its sources (the counters count every completed
    order of the year in the database), once, in a child process: its time and its peak
    memory. After generating, most of its rows are written anew (the entered values were
    written behind the roll-up's back); with ``BENCH_ROLLUP_REBUILD=1`` on a reused database,
    twice: over rows already right (what a change of indicators costs: only the rows that
    differ are written) and from no rows at all (what creating a national campaign costs);
then, after checking that the roll-up's figures are the baseline's, medians of 15:
(c) the baseline: a hand-written SQL query summing the raw ``EnteredValue`` rows of every
    county under each child region for the period (the naive way, without the counted
    figures), with the user looked up as a request would;
(b) ``selectors.rollup_table`` for the nation (34 children) and 河南省 (28 children: 17 cities,
    济源示范区 and the 10 counties the province runs), for a month and for the whole campaign, a
    new user object each run (the scope is looked up again); its queries are counted: the same
    for 34 children as for 28;
(a) the same over HTTP: ``GET /api/v1/campaigns/<id>/rollup?region=…&period=…`` with a bearer
    token (authentication, the selector, the JSON), JILIANG_DEBUG=0 and persistent
    connections as in production. Target: each median under 300 ms.
For information: (s) the rows the selector reads, read with plain filters (no ``visible_to``):
how much of (b) the scope's restrictions take (for a national user, lists of every region of
the country in each query); (n) the naive query that would also count the enterprises helped
from the orders (COUNT DISTINCT over the orders of each child's subtree; median of 3), what the
Figure rows spare every reader; (i) ``services.values_enter`` of 13 figures in a county (中原区,
depth 4: the county's own rows and the subtree rows of its city, province and nation move by
deltas), median of 15 alternating values, checked against the nation's figure; (l) a late
record: the March order of a new enterprise, recorded now, found and counted by
``services.recount(since=…)`` (the query of the records changed since a moment is served by
the index ``order_completed_updated``), median of 5 such records, each checked against the
nation's March count; (f) the nightly full recount ``services.recount(campaign=…)`` (every
counted figure recounted, only those that differ written), once.

Run with ``make bench`` (SQLite, then PostgreSQL when pg_virtualenv is available) or
``JILIANG_DATABASE_URL=postgres://… python bench/rollup.py`` on a database it has not generated
before (``BENCH_ROLLUP_REUSE=1`` measures such a database again, without generating nor
rebuilding; with ``BENCH_ROLLUP_REBUILD=1`` besides, rebuilding too). Uses its own database,
never var/. A full run on PostgreSQL takes some ten minutes on two cores, most of it the five
million orders.
"""

import os
import random
import statistics
import sys
import time
from contextlib import nullcontext
from datetime import datetime, timedelta

from timing import REPEATS, in_child, median_ms, memory_kib, mib, reset_peak, throwaway_state

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiliang.settings")
os.environ.setdefault("JILIANG_DEBUG", "0")  # as in production: no query log while loading
os.environ.setdefault("JILIANG_ALLOWED_HOSTS", "testserver")
os.environ.setdefault("JILIANG_SSL_REDIRECT", "0")
os.environ.setdefault("JILIANG_DB_CONN_MAX_AGE", "60")
os.environ["JILIANG_TASKS_IMMEDIATE"] = "0"
throwaway_state()

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from jiliang.accounts.services import token_create  # noqa: E402
from jiliang.campaigns import rollup, selectors, services  # noqa: E402
from jiliang.campaigns.models import (  # noqa: E402
    Campaign,
    EnteredValue,
    Figure,
    Indicator,
    Quota,
    Report,
)
from jiliang.core.bulk import insert_rows  # noqa: E402
from jiliang.core.scoping import scope_for  # noqa: E402
from jiliang.orders.models import Order  # noqa: E402
from jiliang.orgs.demo import demo_uscc  # noqa: E402
from jiliang.orgs.models import Membership, Organisation, Region  # noqa: E402

POSTGRES = connection.vendor == "postgresql"
RECORDS = int(os.environ.get("BENCH_ROLLUP_RECORDS", "5000000" if POSTGRES else "500000"))
PROVINCE, COUNTY = "410000", "410102"  # 河南省, and 中原区 of 郑州市 (depth 4)
ENTERPRISES_PER_COUNTY = 50
YEAR = 2025
MONTH = f"{YEAR}-06"  # the period the roll-ups are read for, besides the whole campaign
INDICATORS = [
    "smes_helped",
    "service_teams",
    "enterprises_visited",
    "technical_services",
    "questionnaires",
    "promo_materials",
    "symposium_training",
    "labs_opened",
    "instruments_shared",
    "problems_solved",
    "standards_established",
    "mms_enterprises",
    "course_enterprises",
]
BATCH = 100_000
TARGET_MS = 300
CAMPAIGN_NAME = "全国“计量服务中小企业行”活动（基准测试）"
# BENCH_ROLLUP_REUSE=1: measure again on a database this bench generated before (while working
# on the measured code); neither the generation nor the rebuild is repeated.
REUSE = os.environ.get("BENCH_ROLLUP_REUSE") == "1"
# BENCH_ROLLUP_REBUILD=1 with BENCH_ROLLUP_REUSE=1: time the rebuild (r) again on the reused
# database (it rewrites the campaign's Figure rows from the sources: the same figures).
REBUILD = os.environ.get("BENCH_ROLLUP_REBUILD") == "1"
User = get_user_model()


def progress(message: str, started: float) -> None:
    print(f"  … {message} ({time.perf_counter() - started:.0f} s)", flush=True)


# Generating the nation -----------------------------------------------------------------------


def generate() -> dict:
    started = time.perf_counter()
    if Campaign.objects.filter(name=CAMPAIGN_NAME).exists():
        raise SystemExit(
            "bench/rollup.py generated this database before: use a new one, or "
            "BENCH_ROLLUP_REUSE=1 to measure it again."
        )
    rng = random.Random(2026)
    nation = Region.objects.get(code="000000")
    provinces, cities, counties = reference_regions(nation)
    below = {pk for pk, _code, _path in [*provinces, *cities, *counties]}
    progress(
        f"{len(below):,} regions below the nation: {len(provinces)} under it, {len(cities)} "
        f"between, {len(counties):,} leaves (counties, and the regions without any)",
        started,
    )

    national = Organisation.objects.create(
        kind="regulator",
        name="国家市场监督管理总局",
        region=nation,
        uscc=demo_uscc("11", "100000", 1),
    )
    national_user = User.objects.create(username="bench-national", first_name="国家局")
    Membership.objects.create(user=national_user, organisation=national, role="admin")
    county_pk, county_code, _path = next(county for county in counties if county[1] == COUNTY)
    county_bureau = Organisation.objects.create(
        kind="regulator",
        name=f"基准县{county_code}市场监督管理局",
        region_id=county_pk,
        uscc=demo_uscc("11", county_code, 2),
    )
    county_user = User.objects.create(username="bench-county", first_name="县局")
    Membership.objects.create(user=county_user, organisation=county_bureau, role="staff")
    institution = Organisation.objects.create(
        kind="institution", name="国家计量院", region=nation, uscc=demo_uscc("12", "100000", 3)
    )
    enterprises = write_enterprises(rng, counties)
    progress(f"{len(enterprises):,} enterprises", started)

    indicators = list(Indicator.objects.filter(code__in=INDICATORS))
    campaign = services.campaign_create(
        actor=national_user,
        organiser=national,
        name=CAMPAIGN_NAME,
        year=YEAR,
        period_type="monthly",
        indicators=indicators,
    )
    keys = rollup.period_keys(campaign)[:-1]
    write_quotas(campaign, provinces, cities, counties)
    write_entered(rng, campaign, counties, indicators, keys)
    progress(f"{EnteredValue.objects.count():,} entered values and quotas", started)
    write_reports(campaign, provinces, cities, counties, keys, returned=county_pk)
    write_orders(rng, institution.pk, enterprises, started)
    if POSTGRES:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as autovacuum would after a load of this size
    progress("generated", started)
    return {
        "campaign": campaign.pk,
        "national_user": national_user.pk,
        "county_user": county_user.pk,
        "county": county_pk,
        "province": Region.objects.get(code=PROVINCE).pk,
        "institution": institution.pk,
        "enterprises": enterprises,
        "seconds": time.perf_counter() - started,
    }


def generated_world() -> dict:
    """What ``generate`` returns, looked up in a database it wrote."""
    campaign = Campaign.objects.get(name=CAMPAIGN_NAME)
    county_user = User.objects.get(username="bench-county")
    county = Organisation.objects.get(kind="regulator", memberships__user=county_user).region_id
    return {
        "campaign": campaign.pk,
        "national_user": User.objects.get(username="bench-national").pk,
        "county_user": county_user.pk,
        "county": county,
        "province": Region.objects.get(code=PROVINCE).pk,
        "institution": Organisation.objects.get(kind="institution", name="国家计量院").pk,
        "enterprises": list(
            Organisation.objects.filter(kind="enterprise", region_id=county).values_list(
                "pk", "region_id"
            )
        ),
        "seconds": 0,
    }


def reference_regions(nation):
    """(id, code, path) of the regions under the nation (provinces), of the leaves below them
    (counties, where figures are entered), and of the regions between (prefectures), from the
    tree the migrations loaded (and whatever regions other benchmarks added)."""
    rows = list(
        Region.objects.filter(path__startswith=nation.path)
        .exclude(pk=nation.pk)
        .order_by("code")
        .values_list("pk", "code", "path", "parent_id")
    )
    parents = {parent for _pk, _code, _path, parent in rows}
    provinces = [(pk, code, path) for pk, code, path, parent in rows if parent == nation.pk]
    top = {pk for pk, _code, _path in provinces}
    leaves = [
        (pk, code, path) for pk, code, path, _parent in rows if pk not in parents and pk not in top
    ]
    leaves += [(pk, code, path) for pk, code, path in provinces if pk not in parents]
    between = [
        (pk, code, path) for pk, code, path, parent in rows if parent != nation.pk and pk in parents
    ]
    return provinces, between, leaves


def write_enterprises(rng, counties) -> list[tuple[int, int]]:
    """(enterprise id, county id) of 50 enterprises per county."""
    # Codes of their own: bench/scoping.py's enterprises (0–99,999) lie in Henan's counties too.
    serial = iter(range(5_000_000, 6_000_000))
    insert_rows(
        Organisation,
        ["kind", "name", "uscc", "region", "size_class", "industry"],
        (
            (
                "enterprise",
                f"基准企业{code}{number:03d}",
                demo_uscc("91", code, next(serial)),
                pk,
                rng.choice(["micro", "small", "medium"]),
                "C",
            )
            for pk, code, _path in counties
            for number in range(ENTERPRISES_PER_COUNTY)
        ),
    )
    return list(
        Organisation.objects.filter(kind="enterprise", name__startswith="基准企业")
        .order_by("pk")
        .values_list("pk", "region_id")
    )


def write_quotas(campaign, provinces, cities, counties) -> None:
    """A quota for every region (a province without counties is a leaf too: its own)."""
    quotas = {pk: (10, 3) for pk, _code, _path in counties}
    quotas |= {pk: (88, 26) for pk, _code, _path in cities}
    quotas |= {pk: (880, 264) for pk, _code, _path in provinces}
    rows = [(campaign.pk, campaign.region_id, 30000, 9000)]
    rows += [(campaign.pk, pk, *quota) for pk, quota in quotas.items()]
    insert_rows(Quota, ["campaign", "region", "smes_to_help", "smes_for_mms_training"], rows)


def write_entered(rng, campaign, counties, indicators, keys) -> None:
    insert_rows(
        EnteredValue,
        ["campaign", "region", "period", "indicator", "value"],
        (
            (campaign.pk, pk, key, indicator.pk, rng.randint(0, 60))
            for pk, _code, _path in counties
            for key in keys
            for indicator in indicators
        ),
    )


def write_reports(campaign, provinces, cities, counties, keys, *, returned) -> None:
    """Every region's report of every period: approved, but the provinces' of the last month
    (submitted) and the ``returned`` county's of MONTH (returned: its figures unlocked for the
    incremental entry timed below)."""
    now = timezone.now()
    province_ids = {pk for pk, _code, _path in provinces}
    rows = []
    for pk in dict.fromkeys(pk for pk, _code, _path in [*provinces, *cities, *counties]):
        for key in keys:
            status = "approved"
            if pk in province_ids and key == keys[-1]:
                status = "submitted"
            elif pk == returned and key == MONTH:
                status = "returned"
            rows.append((campaign.pk, pk, key, status, now))
    insert_rows(Report, ["campaign", "region", "period", "status", "submitted_at"], rows)


ORDER_COLUMNS = ["enterprise", "institution", "kind", "service_mode", "contact_name"]
ORDER_COLUMNS += ["contact_phone", "status", "submitted_at", "completed_at"]
KINDS = {"verification": 40, "calibration": 35, "mandatory": 20, "testing": 3, "standard": 2}


def write_orders(rng, institution, enterprises, started) -> None:
    """RECORDS completed orders, each of a random enterprise at a random moment of the year
    (submitted a week before). On PostgreSQL the rows go to COPY as text (``copy_text``): the
    per-value preparation of ``insert_rows`` would take minutes for five million rows."""
    zone = timezone.get_current_timezone()
    first = datetime(YEAR, 1, 1, tzinfo=zone)
    # Each day of the year as the database reads it, with its offset (days before 1 January
    # for the submissions of the first week).
    days = [
        (first + timedelta(days=offset)).isoformat(sep=" ")[:10]
        + (first + timedelta(days=offset)).strftime("%z")
        for offset in range(-7, 366)
    ]
    year_days = (datetime(YEAR + 1, 1, 1, tzinfo=zone) - first).days
    # Office hours, a second apart: a moment is one random index.
    moments = [f"{8 + s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in range(36000)]
    enterprise_ids = [pk for pk, _region in enterprises]
    kinds, weights = list(KINDS), list(KINDS.values())
    written = 0
    while written < RECORDS:
        size = min(BATCH * 5, RECORDS - written)
        chosen_kinds = rng.choices(kinds, weights, k=size)
        chosen_enterprises = rng.choices(enterprise_ids, k=size)
        if POSTGRES:
            lines = []
            for index in range(size):
                day = rng.randrange(year_days) + 7
                moment = moments[rng.randrange(36000)]
                completed = f"{days[day][:10]} {moment}{days[day][10:]}"
                submitted = f"{days[day - 7][:10]} {moment}{days[day - 7][10:]}"
                lines.append(
                    f"{chosen_enterprises[index]}\t{institution}\t{chosen_kinds[index]}\t"
                    f"drop_off\t张伟\t13800000000\tcompleted\t{submitted}\t{completed}"
                )
            copy_text(Order, ORDER_COLUMNS, lines)
        else:
            start = first.timestamp()
            insert_rows(
                Order,
                ORDER_COLUMNS,
                (
                    (
                        chosen_enterprises[index],
                        institution,
                        chosen_kinds[index],
                        "drop_off",
                        "张伟",
                        "13800000000",
                        "completed",
                        moment - timedelta(days=7),
                        moment,
                    )
                    for index in range(size)
                    for moment in [
                        datetime.fromtimestamp(start + rng.uniform(0, year_days * 86400), zone)
                    ]
                ),
            )
        written += size
        progress(f"{written:,} of {RECORDS:,} completed orders", started)


def copy_text(model, columns: list[str], lines: list[str]) -> None:
    """COPY lines of tab-separated text values of ``columns`` (PostgreSQL's text format; the
    values must hold no tab, newline or backslash) into ``model``'s table, every other column
    getting its default as ``insert_rows`` gives it (defaults must not be callables)."""
    given = [model._meta.get_field(name) for name in columns]
    others = [
        field
        for field in model._meta.concrete_fields
        if field not in given and not field.primary_key
    ]
    now = timezone.now()
    constants = []
    for field in others:
        assert not (field.has_default() and callable(field.default)), field
        value = (
            now
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
            else field.get_default()
        )
        value = field.get_db_prep_save(value, connection)
        if value is None:
            constants.append("\\N")
        elif isinstance(value, bool):
            constants.append("t" if value else "f")
        elif isinstance(value, datetime):
            constants.append(value.isoformat(sep=" "))
        else:
            constants.append(str(value))
    suffix = "\t" + "\t".join(constants) + "\n" if constants else "\n"
    names = ", ".join(connection.ops.quote_name(field.column) for field in given + others)
    table = connection.ops.quote_name(model._meta.db_table)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
    ):
        copy.write(suffix.join(lines) + suffix)


# What is timed -------------------------------------------------------------------------------


def child_rebuild(campaign_pk: str, empty: str = "") -> dict:
    """Time ``rollup.rebuild`` (with ``empty``: after deleting the campaign's Figure rows)."""
    campaign = Campaign.objects.select_related("region").get(pk=int(campaign_pk))
    if empty:
        Figure.objects.filter(campaign=campaign).delete()
        if POSTGRES:
            with connection.cursor() as cursor:
                cursor.execute(f"VACUUM ANALYZE {Figure._meta.db_table}")
    reset_peak()
    before = memory_kib("VmRSS")
    start = time.perf_counter()
    rows = rollup.rebuild(campaign)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "rows": rows, "peak_mib": mib(memory_kib("VmHWM") - before)}


def fresh_user(user_pk):
    return User.objects.get(pk=user_pk)  # a new request: scope computed again


def selector_table(user_pk, campaign, region_pk, period):
    return selectors.rollup_table(
        user=fresh_user(user_pk), campaign=campaign, region=region_pk, period=period
    )


BASELINE_SQL = """
    SELECT child.id, ev.indicator_id, SUM(ev.value)
    FROM orgs_region child
    JOIN orgs_region below ON below.path LIKE child.path || '%%'
    JOIN campaigns_enteredvalue ev ON ev.region_id = below.id
    WHERE child.parent_id = %s AND ev.campaign_id = %s AND ev.period = %s
    GROUP BY child.id, ev.indicator_id
"""

NAIVE_COUNTED_SQL = """
    SELECT child.id, COUNT(DISTINCT o.enterprise_id)
    FROM orgs_region child
    JOIN orgs_region below ON below.path LIKE child.path || '%%'
    JOIN orgs_organisation e ON e.region_id = below.id
    JOIN orders_order o ON o.enterprise_id = e.id
    WHERE child.parent_id = %s AND o.status = 'completed'
      AND o.completed_at >= %s AND o.completed_at < %s
    GROUP BY child.id
"""


def plain_reads(user_pk, campaign, region_pk, period) -> int:
    """The rows the selector reads (Figure, Quota and Report rows of the region and its
    children) with plain filters, after the user's scope is looked up: what the table costs
    without the scope's restrictions on each query (lists of every region the user
    regulates)."""
    user = fresh_user(user_pk)
    scope_for(user)
    ids = [region_pk, *Region.objects.filter(parent_id=region_pk).values_list("pk", flat=True)]
    figures = Figure.objects.filter(campaign=campaign, period=period, region_id__in=ids)
    rows = len(list(figures.values_list("region_id", "indicator_id", *rollup.VALUE_FIELDS)))
    rows += len(list(Quota.objects.filter(campaign=campaign, region_id__in=ids)))
    if period != "total":
        reports = Report.objects.filter(campaign=campaign, period=period, region_id__in=ids)
        rows += len(list(reports))
    return rows


def baseline(user_pk, campaign_pk, region_pk, period) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {User._meta.db_table} WHERE id = %s", [user_pk])
        cursor.fetchone()
        cursor.execute(BASELINE_SQL, [region_pk, campaign_pk, period])
        return {(child, indicator): total for child, indicator, total in cursor.fetchall()}


def naive_counted(region_pk, start, end) -> dict:
    bounds = [connection.ops.adapt_datetimefield_value(moment) for moment in (start, end)]
    with connection.cursor() as cursor:
        cursor.execute(NAIVE_COUNTED_SQL, [region_pk, *bounds])
        return dict(cursor.fetchall())


def api_rollup(client, url):
    response = client.get(url)
    assert response.status_code == 200, (response.status_code, response.content[:300])
    return response


def queries(function, *args):
    with CaptureQueriesContext(connection) as captured:
        function(*args)
    return len(captured)


def verdict(milliseconds, target=TARGET_MS):
    return f"{'met' if milliseconds < target else 'MISSED'} (< {target} ms)"


def month_bounds(key: str):
    year, month = map(int, key.split("-"))
    zone = timezone.get_current_timezone()
    first = datetime(year, month, 1, tzinfo=zone)
    following = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=zone)
    return first, following


def check_against_baseline(world, campaign, region_pk) -> int:
    """The selector's entered figures per child equal the naive sums; returns the children."""
    table = selector_table(world["national_user"], campaign, region_pk, MONTH)
    expected = baseline(world["national_user"], campaign.pk, region_pk, MONTH)
    indicators = {indicator.code: indicator.pk for indicator in table.indicators}
    for row in table.children:
        for code, pk in indicators.items():
            assert row.cell(code).entered == expected.get((row.region.pk, pk), 0), (row, code)
    return len(table.children)


def main():
    started = time.perf_counter()
    print(
        f"database: {connection.vendor}; generating over the national tree of regions, "
        f"{len(INDICATORS)} indicators × 12 months and {RECORDS:,} completed orders",
        flush=True,
    )
    call_command("migrate", verbosity=0)
    if REUSE and Campaign.objects.filter(name=CAMPAIGN_NAME).exists():
        world = generated_world()
    else:
        # SQLite would commit every row: one transaction. PostgreSQL commits each COPY (its
        # foreign keys are checked at commit: five million checks queued would be a burden).
        with transaction.atomic() if not POSTGRES else nullcontext():
            world = generate()
    campaign = Campaign.objects.select_related("region").get(pk=world["campaign"])
    nation = campaign.region.pk
    province = world["province"]
    print(
        f"generated in {world['seconds']:.0f} s: {Region.objects.count():,} regions, "
        f"{Organisation.objects.filter(kind='enterprise').count():,} enterprises, "
        f"{EnteredValue.objects.count():,} entered values, {Report.objects.count():,} reports, "
        f"{Order.objects.count():,} completed orders",
        flush=True,
    )

    if world["seconds"] or REBUILD:
        rebuilt = in_child(__file__, "rebuild", str(campaign.pk))
        print(
            f"(r) rollup.rebuild: {rebuilt['seconds']:.1f} s, {rebuilt['rows']:,} Figure rows, "
            f"peak memory {rebuilt['peak_mib']:.0f} MiB (child process)"
            + (", over rows already right" if REBUILD and not world["seconds"] else ""),
            flush=True,
        )
    if REBUILD and not world["seconds"]:
        anew = in_child(__file__, "rebuild", str(campaign.pk), "empty")
        print(
            f"(r) rollup.rebuild: {anew['seconds']:.1f} s, {anew['rows']:,} Figure rows, "
            f"peak memory {anew['peak_mib']:.0f} MiB (child process), from no rows at all",
            flush=True,
        )
    elif not world["seconds"]:  # reused: rebuilt by the run that generated it
        rebuilt = {"seconds": float("nan")}
        print("(r) rollup.rebuild: not run again on a reused database")

    # Correctness first: entered figures against the naive sums, counted against the orders.
    children = {
        name: check_against_baseline(world, campaign, region)
        for name, region in (("nation", nation), ("province", province))
    }
    first, following = month_bounds(MONTH)
    counted = naive_counted(province, first, following)
    table = selector_table(world["national_user"], campaign, province, MONTH)
    for row in table.children:
        assert row.cell("smes_helped").counted == counted.get(row.region.pk, 0), row
    print(
        f"checked: the roll-up's entered figures of {MONTH} equal the naive sums for the "
        f"nation's {children['nation']} provinces and 河南省's {children['province']} regions; "
        f"its counted SMEs helped equal a COUNT DISTINCT over the orders"
    )

    user = world["national_user"]
    token = token_create(actor=fresh_user(user), user=fresh_user(user), name="bench")[1]
    client = Client(headers={"authorization": f"Bearer {token}"})
    load = os.getloadavg()[0]
    print(f"medians of {REPEATS} (load average {load:.1f} on {os.cpu_count()} CPUs):", flush=True)
    results = {}
    for name, region in (("nation", nation), ("province", province)):
        base_ms = median_ms(baseline, user, campaign.pk, region, MONTH)
        print(
            f"  {name} ({children[name]} children), {MONTH}:\n"
            f"    (c) hand-written SQL summing the raw entered values per child "
            f"{base_ms:8.1f} ms"
        )
        for period in (MONTH, "total"):
            selector_ms = median_ms(selector_table, user, campaign, region, period)
            count = queries(selector_table, user, campaign, region, period)
            url = f"/api/v1/campaigns/{campaign.pk}/rollup?region={region}&period={period}"
            http_ms = median_ms(api_rollup, client, url)
            results[name, period] = (selector_ms, http_ms)
            plain_ms = median_ms(plain_reads, user, campaign, region, period)
            print(
                f"    (b) selectors.rollup_table, {period:7} {selector_ms:8.1f} ms | ratio "
                f"(b)/(c) {selector_ms / base_ms:5.2f} | {count} queries\n"
                f"    (a) GET {url} {http_ms:8.1f} ms | ratio (a)/(c) {http_ms / base_ms:5.2f}\n"
                f"    (s) the same rows read without the scope's region lists "
                f"{plain_ms:8.1f} ms | ratio (s)/(c) {plain_ms / base_ms:5.2f}",
                flush=True,
            )
    naive_ms = median_ms(naive_counted, province, first, following, repeats=3)
    print(
        f"  (n) the naive count of enterprises helped per city of the province from the orders "
        f"(median of 3): {naive_ms:8.1f} ms — what each reader would pay without Figure rows"
    )

    county_user, county = world["county_user"], world["county"]
    county_region = Region.objects.get(pk=county)
    indicators = list(campaign.indicators.order_by("position"))
    root_before = Figure.objects.get(
        campaign=campaign, region=campaign.region, period=MONTH, indicator=indicators[0]
    ).entered_subtree
    own_before = EnteredValue.objects.get(
        campaign=campaign, region=county_region, period=MONTH, indicator=indicators[0]
    ).value
    flip = iter(range(10**6))

    def enter():
        value = 1000 + next(flip) % 2
        services.values_enter(
            actor=fresh_user(county_user),
            campaign=campaign,
            region=county_region,
            period=MONTH,
            values={indicator.code: (value, "") for indicator in indicators},
        )
        return value

    enter_ms = median_ms(enter)
    last = enter()
    root_after = Figure.objects.get(
        campaign=campaign, region=campaign.region, period=MONTH, indicator=indicators[0]
    ).entered_subtree
    assert root_after - root_before == last - own_before, (root_before, root_after, last)
    enter_queries = queries(enter)
    print(
        f"  (i) services.values_enter of {len(indicators)} figures in a county (depth 4) "
        f"{enter_ms:8.1f} ms, {enter_queries} queries; the nation's figure moved with it"
        + (
            f"; {rebuilt['seconds'] * 1000 / enter_ms:,.0f} times quicker than a rebuild"
            if world["seconds"] or REBUILD
            else ""
        )
    )

    # Late records: March orders of enterprises new to the platform, recorded now.
    helped = campaign.indicators.get(code="smes_helped")

    def national_march():
        return Figure.objects.get(
            campaign=campaign, region=campaign.region, period=f"{YEAR}-03", indicator=helped
        ).counted_subtree

    def late_record():
        """A March order of an enterprise new to the platform, recorded now, recounted."""
        since = timezone.now()
        newcomer = Organisation.objects.create(
            kind="enterprise",
            name=f"基准新企业{Organisation.objects.count()}",
            region=county_region,
            uscc=demo_uscc("91", county_region.code, 9_000_000 + Organisation.objects.count()),
            size_class="small",
            industry="C",
        )
        before = national_march()
        Order.objects.create(
            enterprise=newcomer,
            institution_id=world["institution"],
            kind="verification",
            service_mode="drop_off",
            contact_name="张伟",
            contact_phone="13800000000",
            status="completed",
            submitted_at=timezone.now(),
            completed_at=datetime(YEAR, 3, 15, 10, tzinfo=timezone.get_current_timezone()),
        )
        start = time.perf_counter()
        changed = services.recount(campaign=campaign, since=since)
        milliseconds = (time.perf_counter() - start) * 1000
        assert national_march() == before + 1, (before, national_march())
        return milliseconds, changed

    late = [late_record() for _ in range(5)]
    late_ms = statistics.median(milliseconds for milliseconds, _changed in late)
    print(
        f"  (l) a late record (a March order of a new enterprise, recorded now): "
        f"services.recount(since=…) {late_ms:8.1f} ms (median of 5), {late[-1][1]} own figures "
        f"changed (the county's March and whole campaign); the nation's March count rose by one"
    )
    start = time.perf_counter()
    changed = services.recount(campaign=campaign)
    print(
        f"  (f) the nightly full recount services.recount(campaign=…) "
        f"{time.perf_counter() - start:8.1f} s, {changed} own figures changed",
        flush=True,
    )
    for (name, period), (selector_ms, http_ms) in results.items():
        print(
            f"  the {name}'s roll-up for {period} answers in a median under {TARGET_MS} ms: "
            f"selector {verdict(selector_ms)}, HTTP {verdict(http_ms)}"
            + ("" if POSTGRES else " (the figures are PostgreSQL's)")
        )
    print(f"whole run {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        import json

        print(json.dumps({"rebuild": child_rebuild}[sys.argv[2]](*sys.argv[3:])))
        sys.exit(0)
    sys.exit(main())
