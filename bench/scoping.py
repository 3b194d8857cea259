"""Benchmark: the cost of tenancy scoping on a regulator's organisation list.

Generates 100,000 organisations over the 174 regions below 河南省 in the national tree the
migrations load (17 cities, 济源示范区 and 156 counties, 12 of them 郑州市's), then times a city
and a province regulator's first page and total count through ``visible_to(user)`` (scope
lookup included) against a hand-written SQL baseline over the same rows, in the same run.

Run with ``make bench`` (SQLite, then PostgreSQL when pg_virtualenv is available), or
``JILIANG_DATABASE_URL=... python bench/scoping.py``. Uses its own database, never var/.
"""

import os
import sys
import tempfile

ORGANISATIONS = int(os.environ.get("BENCH_ORGANISATIONS", "100000"))

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiliang.settings")
os.environ.setdefault(
    "JILIANG_DATABASE_URL", f"sqlite:///{tempfile.mkdtemp(prefix='jiliang-bench-')}/bench.sqlite3"
)

import django  # noqa: E402
from timing import median_ms  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from jiliang.orgs.demo import demo_uscc  # noqa: E402
from jiliang.orgs.models import Membership, Organisation, Region  # noqa: E402


def generate():
    call_command("migrate", verbosity=0)
    henan = Region.objects.get(code="410000")
    regions = list(Region.objects.subtree_of(henan).exclude(pk=henan.pk).order_by("code"))
    Organisation.objects.bulk_create(
        (
            Organisation(
                kind="enterprise",
                name=f"企业{serial:06d}",
                region=regions[serial % len(regions)],
                uscc=demo_uscc("91", regions[serial % len(regions)].code, serial),
                size_class="small",
                industry="C",
            )
            for serial in range(ORGANISATIONS)
        ),
        batch_size=5000,
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as autovacuum would after a load of this size
    return {code: regulator(code) for code in ("410100", "410000")}


def regulator(region_code):
    region = Region.objects.get(code=region_code)
    bureau = Organisation.objects.create(
        kind="regulator",
        name=f"{region.name}局",
        region=region,
        uscc=demo_uscc("11", region_code, 9_000_000 + int(region_code[2:4])),
    )
    user = get_user_model().objects.create(username=f"bench-{region_code}")
    Membership.objects.create(user=user, organisation=bureau, role="viewer")
    return user.pk, region.path


def scoped(user_pk):
    user = get_user_model().objects.get(pk=user_pk)  # a new request: scope computed again
    organisations = Organisation.objects.visible_to(user).select_related("region")
    return organisations.count(), [o.name for o in organisations.order_by("name")[:25]]


BASELINE_SQL = """
    SELECT {columns} FROM orgs_organisation o JOIN orgs_region r ON r.id = o.region_id
    WHERE r.path LIKE %s {tail}
"""


def baseline(user_pk, path):
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM accounts_user WHERE id = %s", [user_pk])
        cursor.execute(BASELINE_SQL.format(columns="COUNT(*)", tail=""), [path + "%"])
        total = cursor.fetchone()[0]
        cursor.execute(
            BASELINE_SQL.format(columns="o.*, r.*", tail="ORDER BY o.name LIMIT 25"), [path + "%"]
        )
        return total, cursor.fetchall()


def main():
    regulators = generate()
    print(f"database: {connection.vendor}; organisations: {Organisation.objects.count():,}")
    for region_code, (user_pk, path) in regulators.items():
        assert scoped(user_pk)[0] == baseline(user_pk, path)[0]
        scoped_ms = median_ms(scoped, user_pk)
        baseline_ms = median_ms(baseline, user_pk, path)
        print(
            f"regulator {region_code}: {scoped(user_pk)[0]:>7,} visible | visible_to "
            f"{scoped_ms:6.1f} ms | hand-written SQL {baseline_ms:6.1f} ms | "
            f"ratio {scoped_ms / baseline_ms:4.2f}"
        )


if __name__ == "__main__":
    sys.exit(main())
