"""Benchmark: a regulator's filtered list of enterprises in the enterprise database.

Generates ``BENCH_ENTERPRISES`` enterprises (default 150,000) with their profiles over the real
tree of regions the migrations load: a third in 河南省's 174 regions below the province (its
cities, counties and the regions it runs directly), the rest spread over every other county of
the nation. Names are Chinese (a place, a trade word such as 精密 or 食品, a serial, 有限公司);
industry codes follow a plausible mix (three in five in manufacturing, section C); employees
and revenue are drawn so that every size class occurs, and the size class and section are
derived by the SME rule as the services derive them (``orgs.sizing``). Everything is written
with ``core.bulk.insert_rows`` (COPY on PostgreSQL), then ANALYZEd on PostgreSQL.

Timed, medians of 15, after checking that the selector's count and page are the baseline's:
(b) ``enterprise_selectors.enterprise_list`` for the province bureau's member (a new user object
    each run: the scope is looked up again), filtered by section C, size class small and the
    name substring 精密, sorted by name: the count and the first page of 25 with their region
    and profile, as the page and the API read them. Target: median under 100 ms. Printed with
    it: the median CPU time of the bench's own process (SQLite works in it, PostgreSQL does not)
    and the load average (on a busy machine the query waits for a CPU), and the page query's
    plan (the index ``organisation_search`` probed region by region).
(c) the baseline: a hand-written SQL query of the same count and page over the region subtree's
    path (a join, no scope), with the user looked up as a request would. Ratio (b)/(c).
(d) the same with the division 34 (通用设备制造业, the profile's code) instead of the section.
(a) the same filtered list over HTTP, ``GET /api/v1/enterprises`` with a bearer token.
(n) for information, the national bureau's list with the same filters (every enterprise in
    scope).

Run with ``make bench`` (SQLite, then PostgreSQL when pg_virtualenv is available), or
``JILIANG_DATABASE_URL=... python bench/enterprises.py``. Uses its own database, never var/.
"""

import os
import random
import statistics
import sys
import time
from decimal import Decimal

from timing import REPEATS, median_ms, throwaway_state

ENTERPRISES = int(os.environ.get("BENCH_ENTERPRISES", "150000"))
TARGET_MS = 100

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiliang.settings")
os.environ.setdefault("JILIANG_DEBUG", "0")
os.environ.setdefault("JILIANG_ALLOWED_HOSTS", "testserver")
os.environ.setdefault("JILIANG_SSL_REDIRECT", "0")
throwaway_state()

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402

from jiliang.accounts.services import token_create  # noqa: E402
from jiliang.core.bulk import insert_rows, reserve_ids  # noqa: E402
from jiliang.orgs import sizing  # noqa: E402
from jiliang.orgs.demo import demo_uscc  # noqa: E402
from jiliang.orgs.enterprise_selectors import enterprise_list  # noqa: E402
from jiliang.orgs.industries import industry_codes  # noqa: E402
from jiliang.orgs.models import (  # noqa: E402
    EnterpriseProfile,
    Membership,
    Organisation,
    Region,
)

PROVINCE = "410000"
FILTERS = {"section": "C", "size": "small", "q": "精密"}
TRADES = ["精密", "机械", "电子", "食品", "化工", "仪器", "材料", "装备", "纺织", "建设"]
User = get_user_model()


def industry_mix(rng: random.Random) -> list[str]:
    codes = [entry for entry in industry_codes().values() if entry.level == "division"]
    manufacturing = [entry.code for entry in codes if entry.section == "C"]
    others = [entry.code for entry in codes if entry.section != "C"]
    return [
        rng.choice(manufacturing) if rng.random() < 0.6 else rng.choice(others)
        for _ in range(ENTERPRISES)
    ]


def places():
    """A third of the enterprises in Henan's subtree, the rest over the other counties."""
    henan = Region.objects.get(code=PROVINCE)
    inside = list(Region.objects.subtree_of(henan).exclude(pk=henan.pk).order_by("code"))
    outside = list(
        Region.objects.filter(level__in=["county", "direct_county"])
        .exclude(path__startswith=henan.path)
        .order_by("code")
    )
    return [
        inside[serial % len(inside)] if serial % 3 == 0 else outside[serial % len(outside)]
        for serial in range(ENTERPRISES)
    ]


def generate():
    call_command("migrate", verbosity=0)
    rng = random.Random(4754)
    regions, codes = places(), industry_mix(rng)
    organisations, profiles = [], []
    with transaction.atomic():
        ids = reserve_ids(Organisation, ENTERPRISES)
        for serial, (pk, region, code) in enumerate(zip(ids, regions, codes, strict=True)):
            employees = int(rng.lognormvariate(3.5, 1.3))
            revenue = Decimal(int(employees * rng.uniform(8, 60)))
            assets = Decimal(int(int(revenue) * rng.uniform(0.5, 2)))
            size = sizing.size_class(
                code, employees=employees, revenue=revenue, total_assets=assets
            )
            trade = TRADES[serial % len(TRADES)]
            organisations.append(
                (
                    pk,
                    "enterprise",
                    f"{region.name}{trade}{serial:06d}有限公司",
                    demo_uscc("91", region.code, serial),
                    region.pk,
                    size,
                    industry_codes()[code].section,
                    True,
                )
            )
            profiles.append((pk, code, employees, revenue, assets, size))
        insert_rows(
            Organisation,
            ["id", "kind", "name", "uscc", "region", "size_class", "industry", "is_active"],
            organisations,
        )
        insert_rows(
            EnterpriseProfile,
            [
                "organisation",
                "industry_code",
                "employees",
                "revenue",
                "total_assets",
                "computed_size_class",
            ],
            profiles,
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {code: bureau_member(code) for code in (PROVINCE, "000000")}


def bureau_member(region_code):
    region = Region.objects.get(code=region_code)
    bureau = Organisation.objects.create(
        kind="regulator",
        name=f"{region.name}市场监督管理局",
        region=region,
        uscc=demo_uscc("11", region_code, 9_000_000 + int(region_code[:2])),
    )
    user = User.objects.create(username=f"bench-{region_code}")
    Membership.objects.create(user=user, organisation=bureau, role="staff")
    return user.pk, region.path


def selected(user_pk, **filters):
    user = User.objects.get(pk=user_pk)  # a new request: the scope is looked up again
    enterprises = enterprise_list(user=user, **filters)
    page = [(o.name, o.region.name, o.profile.employees) for o in enterprises[:25]]
    return enterprises.count(), page


BASELINE = """
    SELECT {columns} FROM orgs_organisation o
    JOIN orgs_region r ON r.id = o.region_id
    JOIN orgs_enterpriseprofile p ON p.organisation_id = o.id
    WHERE r.path LIKE %s AND o.kind = 'enterprise' AND {industry} AND o.size_class = %s
      AND o.name LIKE %s {tail}
"""


def baseline(user_pk, path, *, section="", division="", size, q):
    industry, value = (
        ("o.industry = %s", section) if section else ("p.industry_code = %s", division)
    )
    parameters = [path + "%", value, size, f"%{q}%"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM accounts_user WHERE id = %s", [user_pk])
        cursor.execute(BASELINE.format(columns="COUNT(*)", industry=industry, tail=""), parameters)
        total = cursor.fetchone()[0]
        cursor.execute(
            BASELINE.format(
                columns="o.name, r.name, p.employees",
                industry=industry,
                tail="ORDER BY o.name, o.id LIMIT 25",
            ),
            parameters,
        )
        return total, [tuple(row) for row in cursor.fetchall()]


def plan(user_pk, **filters) -> str:
    """The scan nodes of the selector's page query, to show whether it probes the index."""
    user = User.objects.get(pk=user_pk)
    sql, parameters = enterprise_list(user=user, **filters)[:25].query.sql_with_params()
    explain = "EXPLAIN" if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN"
    with connection.cursor() as cursor:
        cursor.execute(f"{explain} {sql}", parameters)
        lines = [str(row[-1]) for row in cursor.fetchall()]
    if connection.vendor == "postgresql":
        return "; ".join(line.strip(" ->")[:140] for line in lines if "Scan" in line)
    return "; ".join(line[:140] for line in lines)


def over_http(client, query):
    response = client.get("/api/v1/enterprises", query)
    assert response.status_code == 200, response.content
    return response.json()["count"]


def cpu_ms(function) -> float:
    """The median CPU time of this process (SQLite works in it; PostgreSQL in its server)."""
    timings = []
    for _ in range(REPEATS):
        start = time.process_time()
        function()
        timings.append((time.process_time() - start) * 1000)
    return statistics.median(timings)


def report(label, measured_ms, baseline_ms=None, total=None):
    ratio = f" | ratio {measured_ms / baseline_ms:4.2f}" if baseline_ms else ""
    found = f"{total:>6,} found | " if total is not None else ""
    verdict = " (target < 100 ms)" if measured_ms >= TARGET_MS else ""
    print(f"{label:<44} {found}{measured_ms:6.1f} ms{ratio}{verdict}")


def main():
    members = generate()
    print(f"database: {connection.vendor}; enterprises: {ENTERPRISES:,}")
    province_pk, province_path = members[PROVINCE]
    runs = [
        ("(b) province: section C + small + 精密", FILTERS, dict(FILTERS)),
        (
            "(d) province: division 34 + small + 精密",
            {"division": "34", "size": "small", "q": "精密"},
            {"division": "34", "size": "small", "q": "精密"},
        ),
    ]
    for label, filters, plain in runs:
        found = selected(province_pk, **filters)
        assert found == baseline(province_pk, province_path, **plain), label
        measured = median_ms(lambda filters=filters: selected(province_pk, **filters))
        baseline_ms = median_ms(lambda plain=plain: baseline(province_pk, province_path, **plain))
        report(label, measured, baseline_ms, found[0])
        report("    (c) hand-written SQL", baseline_ms)
        busy = cpu_ms(lambda filters=filters: selected(province_pk, **filters))
        print(f"    CPU time of this process: {busy:.1f} ms; load average {os.getloadavg()[0]:.1f}")
        print(f"    plan: {plan(province_pk, **filters)}")
    token = token_create(
        actor=User.objects.get(pk=province_pk), user=User.objects.get(pk=province_pk), name="b"
    )[1]
    client = Client(headers={"authorization": f"Bearer {token}"})
    total = over_http(client, FILTERS)
    report(
        "(a) province over HTTP (GET /api/v1/enterprises)",
        median_ms(over_http, client, FILTERS),
        total=total,
    )
    nation_pk, _path = members["000000"]
    report(
        "(n) nation: section C + small + 精密",
        median_ms(lambda: selected(nation_pk, **FILTERS)),
        total=selected(nation_pk, **FILTERS)[0],
    )


if __name__ == "__main__":
    sys.exit(main())
