"""Benchmark: the bureau's triage queue of enterprises' problems.

Generates ``BENCH_ROWS`` (default 100,000) problems of 5,000 enterprises spread over 河南省's
counties, in every state (10% new, 25% assigned, 20% in progress, 10% proposed, 30% solved,
5% not solvable), those assigned to one of 20 institutions with target dates from 90 days ago
to 60 days ahead, written with ``core.bulk.insert_rows`` (COPY on PostgreSQL).

Measured, medians of 15 (what the list page does: the count for the paginator and the first
page of 25 rows with their enterprise, region, group, expert and project):
(p) ``selectors.problems.problem_list`` for the province bureau's admin (every problem
    visible through ``Problem.objects.visible_to``), filtered by state (assigned) and overdue;
    and the same for the 郑州市 bureau (its subtree only). Target: both under 100 ms.
(p0) Baseline: the same rows read without the scope (``region_id IN`` the bureau's regions,
    state, target date): the price of the tenancy check is the ratio (p)/(p0).
For information: ``state_counts`` (the queue's tabs, one grouped query) for the province.

Run with ``python bench/problems.py`` (``BENCH_ROWS=20000`` for a quicker run); on
PostgreSQL: ``pg_virtualenv -t -o 'fsync=off' sh -c 'JILIANG_DATABASE_URL=... python
bench/problems.py'``. Uses its own database, never var/.
"""

import os
import random
import sys
import time
from contextlib import nullcontext
from datetime import timedelta

from timing import REPEATS, median_ms, throwaway_state

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiliang.settings")
os.environ.setdefault("JILIANG_DEBUG", "0")
os.environ["JILIANG_TASKS_IMMEDIATE"] = "0"
throwaway_state()

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from jiliang.accounts.services import user_create  # noqa: E402
from jiliang.core.bulk import insert_rows, reserve_ids  # noqa: E402
from jiliang.core.scoping import scope_for  # noqa: E402
from jiliang.experts.choices import OVERDUE_PROBLEM_STATES, ProblemState  # noqa: E402
from jiliang.experts.models import Problem  # noqa: E402
from jiliang.experts.selectors import problems as selectors  # noqa: E402
from jiliang.orgs import services as org_services  # noqa: E402
from jiliang.orgs.demo import demo_uscc  # noqa: E402
from jiliang.orgs.models import Organisation, Region  # noqa: E402

POSTGRES = connection.vendor == "postgresql"
ROWS = int(os.environ.get("BENCH_ROWS", "100000"))
ENTERPRISES = 5000
INSTITUTIONS = 20
PAGE = 25
TARGET_MS = 100
S = ProblemState
STATES = [S.NEW] * 10 + [S.ASSIGNED] * 25 + [S.IN_PROGRESS] * 20 + [S.PROPOSED] * 10
STATES += [S.SOLVED] * 30 + [S.UNSOLVABLE] * 5
TITLES = ["压力变送器溯源", "电子天平偏载", "能源计量器具配备不足", "在线测温偏差", "流量计比对"]
FIELDS = ["mechanics", "thermal", "electromagnetism", "chemistry", "length"]


def log(message, started):
    print(f"  {message} ({time.perf_counter() - started:.0f} s)", flush=True)


def bureau(admin, code, serial):
    region = Region.objects.get(code=code)
    organisation = org_services.organisation_create(
        actor=admin,
        kind="regulator",
        name=f"{region.name}市场监督管理局",
        uscc=demo_uscc("11", code, serial),
        region=region,
    )
    user = user_create(actor=admin, username=f"bench-{code}", email=f"{code}@example.com")
    org_services.membership_add(actor=admin, organisation=organisation, user=user, role="admin")
    return user


def generate(rng) -> dict:
    started = time.perf_counter()
    admin = user_create(actor=None, username="bench-admin", email="b@example.com", is_staff=True)
    province = Region.objects.get(code="410000")
    users = {"province": bureau(admin, "410000", 1), "city": bureau(admin, "410100", 2)}
    counties = list(
        Region.objects.filter(path__startswith=province.path, children__isnull=True)
        .exclude(pk=province.pk)
        .values_list("pk", "code")
    )
    organisation_ids = reserve_ids(Organisation, ENTERPRISES + INSTITUTIONS)
    placed = [(pk, counties[n % len(counties)]) for n, pk in enumerate(organisation_ids)]
    insert_rows(
        Organisation,
        ["id", "kind", "name", "uscc", "region", "size_class", "industry"],
        (
            (pk, "enterprise" if n < ENTERPRISES else "institution", f"基准单位{n:05d}",
             demo_uscc("91", code, 2_000_000 + n), region, "small", "C")
            for n, (pk, (region, code)) in enumerate(placed)
        ),
    )  # fmt: skip
    enterprises, institutions = placed[:ENTERPRISES], [pk for pk, _ in placed[ENTERPRISES:]]
    today = timezone.localdate()
    now = timezone.now()

    def problem(pk, n):
        enterprise, (region, _code) = enterprises[n % ENTERPRISES]
        state = STATES[rng.randrange(len(STATES))]
        assigned = state != S.NEW
        target = today + timedelta(rng.randint(-90, 60)) if assigned else None
        return (
            pk, enterprise, region, TITLES[n % len(TITLES)], "traceability",
            FIELDS[n % len(FIELDS)], "问题描述", state,
            rng.choice(institutions) if assigned else None, 10 if assigned else None, target,
            now - timedelta(seconds=n), now if state == S.SOLVED else None,
        )  # fmt: skip

    insert_rows(
        Problem,
        ["id", "enterprise", "region", "title", "category", "field", "description", "state",
         "assigned_organisation", "target_workdays", "target_date", "created", "solved_at"],
        (problem(pk, n) for n, pk in enumerate(reserve_ids(Problem, ROWS))),
    )  # fmt: skip
    log(f"{ROWS:,} problems of {ENTERPRISES:,} enterprises", started)
    return {name: user.pk for name, user in users.items()}


FILTERS = {"state": S.ASSIGNED, "overdue": True}


def scoped_page(user):
    problems = selectors.problem_list(user=user, filters=FILTERS)
    return problems.count(), list(problems[:PAGE])


def baseline_page(user):
    regions = scope_for(user).regulated_region_ids
    problems = (
        Problem.objects.filter(
            region_id__in=regions,
            state=S.ASSIGNED,
            target_date__lt=timezone.localdate(),
        )
        .prefetch_related(*selectors.LIST_PARTS)
        .order_by("target_date", "pk")
    )
    return problems.count(), list(problems[:PAGE])


def verdict(ms: float) -> str:
    return f"{'met' if ms < TARGET_MS else 'NOT met'} ({ms:.1f} ms < {TARGET_MS} ms)"


def main():
    from django.contrib.auth import get_user_model

    started = time.perf_counter()
    print(f"database: {connection.vendor}; {ROWS:,} problems", flush=True)
    call_command("migrate", verbosity=0)
    rng = random.Random(16)
    with transaction.atomic() if not POSTGRES else nullcontext():
        users = generate(rng)
    if POSTGRES:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"generated in {time.perf_counter() - started:.0f} s", flush=True)
    load = os.getloadavg()[0]
    print(f"medians of {REPEATS} (load average {load:.1f} on {os.cpu_count()} CPUs):")
    results = {}
    for name in ("province", "city"):
        user = get_user_model().objects.get(pk=users[name])
        scope_for(user)  # computed once per request, as in a view
        count, rows = scoped_page(user)
        assert (count, [r.pk for r in rows]) == (
            baseline_page(user)[0],
            [r.pk for r in baseline_page(user)[1]],
        ), name
        assert all(r.state in OVERDUE_PROBLEM_STATES for r in rows)
        base = median_ms(baseline_page, user)
        scoped = median_ms(scoped_page, user)
        results[name] = scoped
        print(
            f"  (p0) {name:8} bureau, assigned and overdue, without the scope {base:7.1f} ms\n"
            f"  (p)  {name:8} bureau, assigned and overdue ({count:,} rows)  {scoped:7.1f} ms"
            f" | ratio (p)/(p0) {scoped / base:5.2f}",
            flush=True,
        )
    province = get_user_model().objects.get(pk=users["province"])
    counts = median_ms(lambda: selectors.state_counts(user=province))
    print(f"  state_counts of the province's queue {counts:7.1f} ms (information)")
    for name, ms in results.items():
        print(f"  the {name} bureau's list under {TARGET_MS} ms: {verdict(ms)}")


if __name__ == "__main__":
    sys.exit(main())
