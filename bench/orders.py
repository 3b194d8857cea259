"""Benchmark: the first page of a metrology institution's queue of open orders.

Generates one institution with 50,000 open orders (submitted 30%, accepted 20%, in service
50%) from 2,000 enterprises, 40% of the orders in the green channel (their enterprises are
SMEs), each with one to three instruments of the enterprise's ledger (an approval, 2%, with its
one object instead; a tenth of the accepted approvals with their clock paused). Orders in service
(and accepted approvals) have a deadline: their clock started on one of the last 15 working days
and runs 5 working days in the green channel, 10 otherwise, 20 for an approval, so deadlines
are spread from two weeks overdue to two weeks ahead. The institution also has as many closed
orders (completed, a tenth cancelled) as open ones, and a second institution a fifth as many open
orders, so that the queue reads its own open orders among others. Everything is written with
``core.bulk.insert_rows`` (COPY on PostgreSQL), then ANALYZEd on PostgreSQL.

Timed, medians of 15, after checking that the selector's page and the page's rows are the
baseline's, in the same order:
(a) the whole queue page over HTTP (``orders:queue``: session, middleware, the selector, the
    remaining working days and the template), logged in as the institution's staff member, with
    JILIANG_DEBUG=0, persistent connections and static files collected with their manifest as in
    production (not compressed: that took minutes). Target: median under 100 ms. Its queries
    are counted with 25 and 100 rows per page (the view's page size changed for the count):
    they must not grow with the rows; the page is timed with 25 and 100 rows too, which gives
    the cost of one row.
(b) ``selectors.institution_queue``'s first page alone (a new user object each run, so the
    scope is looked up again), and
(c) a hand-written SQL query of the same first page (the orders with their enterprise, item
    count and running pause, in the queue's order), with the user looked up as a request
    would: the baseline of the ratios (a)/(c) and (b)/(c); its plan is shown.
The load average is printed with the timings: on a busy machine the page's Python work (most of
it the template) waits for a CPU; the page's median CPU time in the bench's own process is
printed too, for information (on PostgreSQL without the database's work, about a millisecond;
SQLite works in the process, so there it is included).

``BENCH_ORDERS`` (default 50,000) sets the number of open orders; the enterprises, closed orders
and the other institution's orders follow it. Run with ``make bench`` (SQLite, then PostgreSQL
when pg_virtualenv is available), or ``JILIANG_DATABASE_URL=... python bench/orders.py``. Uses
its own database, never var/.
"""

import itertools
import os
import random
import statistics
import sys
import time
import uuid
from contextlib import contextmanager
from datetime import timedelta

ORDERS = int(os.environ.get("BENCH_ORDERS", "50000"))
ENTERPRISES = max(1, ORDERS // 25)
CLOSED = ORDERS  # the institution's completed and cancelled orders
OTHER_INSTITUTION_ORDERS = ORDERS // 5
PAGE = 50  # the queue page's rows (views.InstitutionQueueView.paginate_by)
INSERT_BATCH = 50_000

from timing import REPEATS, median_ms, throwaway_state  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiliang.settings")
os.environ.setdefault("JILIANG_DEBUG", "0")  # as in production: no query log while loading
os.environ.setdefault("JILIANG_ALLOWED_HOSTS", "testserver")
os.environ.setdefault("JILIANG_SSL_REDIRECT", "0")
# Persistent connections, as docs/operations.md recommends for production.
os.environ.setdefault("JILIANG_DB_CONN_MAX_AGE", "60")
os.environ["JILIANG_TASKS_IMMEDIATE"] = "0"
# Static files are collected (production storage) into a throw-away state directory.
throwaway_state()

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.urls import resolve, reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from jiliang.core import workdays  # noqa: E402
from jiliang.core.bulk import insert_rows  # noqa: E402
from jiliang.instruments.demo import HENGXIN  # noqa: E402
from jiliang.instruments.models import Instrument  # noqa: E402
from jiliang.orders import selectors  # noqa: E402
from jiliang.orders.choices import OPEN_STATUSES  # noqa: E402
from jiliang.orders.models import (  # noqa: E402
    CLOSED_STATUSES,
    Order,
    OrderItem,
    OrderPause,
)
from jiliang.orders.selectors import OrderFilters  # noqa: E402
from jiliang.orgs.demo import demo_uscc  # noqa: E402
from jiliang.orgs.models import Membership, Organisation, Region  # noqa: E402

# The manifest of the production storage without its compressed copies: the page looks its
# static files up the same way, and compressing them took minutes on a busy machine.
override_settings(
    STORAGES={
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
).enable()
User = get_user_model()
TODAY = timezone.localdate()
NOW = timezone.now()
OPEN = {"submitted": 30, "accepted": 20, "in_service": 50}
GREEN_SHARE = 0.4
# kind: (share, what its instruments are traced by)
KINDS = {
    "mandatory": (25, "verification"),
    "verification": (35, "verification"),
    "calibration": (35, "calibration"),
    "testing": (3, "calibration"),
    "standard": (2, ""),  # an approval: one object, no instrument
}
CARRIERS = ["顺丰", "EMS", "京东物流"]
SME_SIZES = ["micro", "small", "medium"]
PHONES = itertools.count(1)  # each order's contact phone is unique: it finds the order's id


# Generating the platform -----------------------------------------------------------------


def generate():
    call_command("migrate", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    region = Region.objects.get(code="410105")
    institution, other = (
        Organisation.objects.create(
            kind="institution",
            name=name,
            region=region,
            uscc=demo_uscc("12", "410000", 6_900_000 + serial),
        )
        for serial, name in enumerate(["河南省计量测试科学研究院", "郑州市计量技术研究所"])
    )
    staff = User.objects.create(username="bench-institution", first_name="王强")
    Membership.objects.create(user=staff, organisation=institution, role="staff")
    rng = random.Random(2020)
    # The first 40% of the enterprises are SMEs: their orders are in the green channel.
    smes = round(ENTERPRISES * GREEN_SHARE)
    insert_rows(
        Organisation,
        ["kind", "name", "uscc", "region", "size_class", "industry"],
        (
            (
                "enterprise",
                f"郑州队列测试{serial:05d}机械有限公司",
                demo_uscc("91", "410105", 6_000_000 + serial),
                region.pk,
                rng.choice(SME_SIZES) if serial < smes else "large",
                "C",
            )
            for serial in range(ENTERPRISES)
        ),
    )
    enterprises = list(
        Organisation.objects.filter(kind="enterprise").order_by("uscc").values_list("pk", flat=True)
    )
    plans = [
        order_plan(rng, institution.pk, enterprises, smes, status)
        for status in open_statuses(rng, ORDERS)
    ]
    plans += [
        order_plan(rng, institution.pk, enterprises, smes, status)
        for status in rng.choices(["completed", "cancelled"], [9, 1], k=CLOSED)
    ]
    plans += [
        order_plan(rng, other.pk, enterprises, smes, status)
        for status in open_statuses(rng, OTHER_INSTITUTION_ORDERS)
    ]
    instruments = write_instruments(rng, plans)
    write_orders(plans)
    order_pks = dict(
        Order.objects.values_list("contact_phone", "pk").iterator(chunk_size=INSERT_BATCH)
    )
    write_items(plans, order_pks, instruments)
    insert_rows(
        OrderPause,
        ["order", "reason", "started"],
        (
            (order_pks[plan["contact_phone"]], "expert_review", plan["paused_from"])
            for plan in plans
            if plan.get("paused_from")
        ),
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as autovacuum would after a load of this size
    return staff.pk, institution.pk


def open_statuses(rng, count):
    return rng.choices(list(OPEN), list(OPEN.values()), k=count)


def order_plan(rng, institution_pk, enterprises, smes, status) -> dict:
    """One order's values, its instruments counted but not yet chosen."""
    green = rng.random() < GREEN_SHARE
    enterprise = enterprises[
        rng.randrange(smes) if green else rng.randrange(smes, len(enterprises))
    ]
    kind = rng.choices(list(KINDS), [share for share, _ in KINDS.values()])[0]
    approval = kind == "standard"
    mode = "drop_off" if approval else rng.choices(["drop_off", "mail", "on_site"], [60, 25, 15])[0]
    serial = next(PHONES)
    submitted_at = NOW - timedelta(minutes=rng.randint(10, 60 * 24 * 40))
    plan = {
        "enterprise": enterprise,
        "institution": institution_pk,
        "kind": kind,
        "service_mode": mode,
        "carrier": rng.choice(CARRIERS) if mode == "mail" else "",
        "tracking_number": f"SF{rng.randint(10**12, 10**13 - 1)}" if mode == "mail" else "",
        "site_address": "郑州市金水区经三路 厂区动力车间" if mode == "on_site" else "",
        "contact_name": rng.choice(["张伟", "李娜", "周敏", "孙建国", "吴芳"]),
        "contact_phone": f"138{serial:08d}",
        "description": "0.4级精密压力表标准装置新建考核" if approval else "",
        "green_channel": green,
        "free_of_charge": kind == "mandatory",
        "status": status,
        "submitted_at": submitted_at,
        "clock_started": None,
        "time_limit_days": None,
        "deadline": None,
        "completed_at": None,
        "items": 1 if approval else rng.choice([1, 1, 2, 2, 3]),
        "traced_by": KINDS[kind][1],
    }
    clocked = status in ("in_service", "completed") or (approval and status == "accepted")
    if clocked:
        started = workdays_before(rng.randint(0, 15))
        days = 20 if approval else (5 if green else 10)
        plan.update(
            clock_started=started,
            time_limit_days=days,
            deadline=workdays.add_workdays(started, days),
        )
        if approval and status == "accepted" and rng.random() < 0.1:
            plan["paused_from"] = started + timedelta(days=1)
    if status == "completed":
        plan["completed_at"] = submitted_at + timedelta(days=rng.randint(3, 12))
    return plan


def workdays_before(count):
    day = TODAY
    while count:
        day -= timedelta(days=1)
        count -= int(workdays.is_workday(day))
    return day


def write_instruments(rng, plans) -> dict:
    """Instruments enough for every order of every enterprise (an instrument in at most one open
    order; closed orders reuse them); returns {enterprise: [(pk, traced by), ...]}."""
    needed: dict[int, int] = {}
    for plan in plans:
        if plan["traced_by"]:
            needed[plan["enterprise"]] = needed.get(plan["enterprise"], 0) + plan["items"]
    kinds = HENGXIN.instruments
    weights = [kind[-1] for kind in kinds]

    def rows():
        for enterprise, count in needed.items():
            for number in range(1, count + 1):
                kind = rng.choices(kinds, weights)[0]
                due = TODAY + timedelta(days=rng.randint(-60, 300))
                yield (
                    enterprise,
                    f"QJ-{number:05d}",
                    kind[0],
                    kind[1],
                    rng.choice(kind[9].split()),
                    "calibration" if kind[5] == "calibration" else "verification",
                    kind[6] or 12,
                    kind[7],
                    "in_use",
                    due - timedelta(days=365),
                    "pass",
                    due,
                )

    columns = ["organisation", "management_number", "name", "model", "department"]
    columns += ["traceability", "interval_months", "purpose", "status", "last_record_date"]
    columns += ["last_conclusion", "next_due"]
    batched(Instrument, columns, rows())
    by_enterprise: dict[int, list] = {}
    for pk, enterprise, traced_by in (
        Instrument.objects.order_by("pk")
        .values_list("pk", "organisation_id", "traceability")
        .iterator(chunk_size=INSERT_BATCH)
    ):
        by_enterprise.setdefault(enterprise, []).append((pk, traced_by))
    return by_enterprise


ORDER_COLUMNS = [
    "enterprise",
    "institution",
    "kind",
    "service_mode",
    "carrier",
    "tracking_number",
    "site_address",
    "contact_name",
    "contact_phone",
    "description",
    "green_channel",
    "free_of_charge",
    "status",
    "submitted_at",
    "clock_started",
    "time_limit_days",
    "deadline",
    "completed_at",
]


def write_orders(plans):
    batched(Order, ORDER_COLUMNS, ([plan[name] for name in ORDER_COLUMNS] for plan in plans))


def write_items(plans, order_pks, instruments):
    """Each order's instruments: the next of its enterprise's ledger for an open order, any for
    a closed one; an approval's one object without instrument. The check token is passed: the
    model's default would be computed once for all the rows."""
    next_free = dict.fromkeys(instruments, 0)

    def rows():
        for plan in plans:
            order = order_pks[plan["contact_phone"]]
            if not plan["traced_by"]:
                yield (
                    order,
                    plan["institution"],
                    None,
                    uuid.uuid4(),
                    plan["status"] in CLOSED_STATUSES,
                )
                continue
            ledger = instruments[plan["enterprise"]]
            closed = plan["status"] in CLOSED_STATUSES
            if not closed:  # an instrument is in one open order at most (a constraint)
                start = next_free[plan["enterprise"]]
                next_free[plan["enterprise"]] += plan["items"]
                chosen = ledger[start : start + plan["items"]]
            else:
                chosen = random.Random(order).sample(ledger, min(plan["items"], len(ledger)))
            for pk, _ in chosen:
                yield order, plan["institution"], pk, uuid.uuid4(), closed

    columns = ["order", "institution", "instrument", "check_token", "order_closed"]
    batched(OrderItem, columns, rows())
    with connection.cursor() as cursor:  # what order_receive does to the items received
        cursor.execute(
            "UPDATE instruments_instrument SET status = 'at_verification' WHERE id IN ("
            "SELECT i.instrument_id FROM orders_orderitem i JOIN orders_order o "
            "ON o.id = i.order_id WHERE o.status = 'in_service' AND i.instrument_id IS NOT NULL)"
        )


def batched(model, columns, rows):
    rows = iter(rows)
    while batch := [row for _, row in zip(range(INSERT_BATCH), rows, strict=False)]:
        insert_rows(model, columns, batch)


# What is timed -------------------------------------------------------------------------------


def fresh_user(user_pk):
    return User.objects.get(pk=user_pk)  # a new request: scope computed again


def selector_page(user_pk, institution_pk, size=PAGE):
    """The selector's first page as the view reads it (one row more, for "next page")."""
    orders = selectors.institution_queue(
        user=fresh_user(user_pk),
        institution=Organisation(pk=institution_pk),
        filters=OrderFilters(),
    )
    return list(orders[: size + 1])[:size]


def whole_page(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response


BASELINE_SQL = """
    SELECT o.*, e.*,
      (SELECT COUNT(*) FROM orders_orderitem i WHERE i.order_id = o.id) AS item_count,
      EXISTS (SELECT 1 FROM orders_orderpause p WHERE p.order_id = o.id AND p.ended IS NULL)
        AS paused
    FROM orders_order o JOIN orgs_organisation e ON e.id = o.enterprise_id
    WHERE o.institution_id = %s AND o.status IN ({open})
    ORDER BY o.green_channel DESC, o.deadline ASC NULLS LAST, o.submitted_at ASC, o.id ASC
    LIMIT {limit}
""".format(open=", ".join(f"'{status}'" for status in sorted(OPEN_STATUSES)), limit=PAGE + 1)


def baseline(user_pk, institution_pk):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {User._meta.db_table} WHERE id = %s", [user_pk])
        cursor.fetchone()
        cursor.execute(BASELINE_SQL, [institution_pk])
        return [row[0] for row in cursor.fetchall()][:PAGE]


def plan(institution_pk) -> str:
    """The scan nodes of the baseline's plan, to show whether it reads the queue's index."""
    explain = "EXPLAIN" if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN"
    with connection.cursor() as cursor:
        cursor.execute(f"{explain} {BASELINE_SQL}", [institution_pk])
        lines = [str(row[-1]) for row in cursor.fetchall()]
    if connection.vendor == "postgresql":
        return "; ".join(line.strip(" ->") for line in lines if "Scan" in line or "Sort" in line)
    return "; ".join(lines)


def queries(function, *args):
    with CaptureQueriesContext(connection) as captured:
        function(*args)
    return len(captured)


def shown(response, expected) -> bool:
    """Whether the page lists the baseline's orders, by their numbers, in the same order."""
    html = response.content.decode()
    numbers = {order.pk: order.number for order in Order.objects.filter(pk__in=expected)}
    positions = [html.find(numbers[pk]) for pk in expected]
    return -1 not in positions and positions == sorted(positions)


@contextmanager
def rows_per_page(size):
    """The queue view with ``size`` rows per page instead of its own."""
    view = resolve(reverse("orders:queue")).func.view_class
    kept = view.paginate_by
    view.paginate_by = size
    try:
        yield
    finally:
        view.paginate_by = kept


def median_cpu_ms(function, *args) -> float:
    """The median CPU time of this process (not the database's) over REPEATS calls: what the
    page's Python work costs, whatever else the machine is doing."""
    timings = []
    for _ in range(REPEATS):
        start = time.process_time()
        function(*args)
        timings.append((time.process_time() - start) * 1000)
    return statistics.median(timings)


def verdict(milliseconds, target=100):
    return f"{'met' if milliseconds < target else 'MISSED'} (< {target} ms)"


def main():
    start = time.perf_counter()
    user_pk, institution_pk = generate()
    open_orders = Order.objects.filter(institution_id=institution_pk, status__in=OPEN_STATUSES)
    print(
        f"database: {connection.vendor}; the institution's open orders: {open_orders.count():,} "
        f"({open_orders.filter(green_channel=True).count():,} green channel, "
        f"{open_orders.filter(deadline__lt=TODAY).count():,} past their deadline) and "
        f"{Order.objects.filter(institution_id=institution_pk).count() - open_orders.count():,} "
        f"closed; {Order.objects.count():,} orders in all, {OrderItem.objects.count():,} items, "
        f"{Instrument.objects.count():,} instruments, "
        f"{Organisation.objects.filter(kind='enterprise').count():,} enterprises; generated in "
        f"{time.perf_counter() - start:.0f} s"
    )
    expected = baseline(user_pk, institution_pk)
    assert [order.pk for order in selector_page(user_pk, institution_pk)] == expected
    url = reverse("orders:queue")
    client = Client()
    client.force_login(fresh_user(user_pk))
    assert shown(whole_page(client, url), expected), "the page does not list the baseline's rows"

    load = os.getloadavg()[0]
    print(
        f"first page of {PAGE} rows, medians of {REPEATS} (load average {load:.1f} on "
        f"{os.cpu_count()} CPUs):"
    )
    baseline_ms = median_ms(baseline, user_pk, institution_pk)
    print(
        f"  (c) hand-written SQL (the user, then the page with item counts and pauses) "
        f"{baseline_ms:6.1f} ms"
    )
    print(f"      plan: {plan(institution_pk)}")
    selector_ms = median_ms(selector_page, user_pk, institution_pk)
    counts = [queries(selector_page, user_pk, institution_pk, size) for size in (25, 100)]
    print(
        f"  (b) selectors.institution_queue, a new user each run {selector_ms:6.1f} ms | ratio "
        f"(b)/(c) {selector_ms / baseline_ms:5.2f} | queries for 25/100 rows: "
        f"{counts[0]}/{counts[1]}"
    )
    page_ms = median_ms(whole_page, client, url)
    sizes = {}
    for size in (25, 100):
        with rows_per_page(size):
            sizes[size] = (queries(whole_page, client, url), median_ms(whole_page, client, url))
    (few, few_ms), (many, many_ms) = sizes[25], sizes[100]
    print(
        f"  (a) the whole queue page over HTTP ({url}, {PAGE} rows) {page_ms:6.1f} ms | ratio "
        f"(a)/(c) {page_ms / baseline_ms:5.2f} | queries for 25/100 rows: {few}/{many} "
        f"({'constant' if few == many else 'GROWING'})"
    )
    print(
        f"      with 25 rows {few_ms:6.1f} ms, with 100 rows {many_ms:6.1f} ms: "
        f"{(many_ms - few_ms) / 75:4.2f} ms per row; CPU time of the bench's process for the "
        f"page (the database's aside) {median_cpu_ms(whole_page, client, url):6.1f} ms"
    )
    target = verdict(page_ms)
    if connection.vendor != "postgresql":
        target += " (the figure is PostgreSQL's)"
    print(f"  the institution queue renders its first page in a median under 100 ms: {target}")


if __name__ == "__main__":
    sys.exit(main())
