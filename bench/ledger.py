"""Benchmark: the ledger list and the dashboard counts of one large enterprise.

Generates one enterprise with 100,000 instruments (drawn from the demo ledger's kinds) and
500,000 verification records, then times, with a new user object each run (scope lookup
included), the first ledger page for typical filters through ``selectors.instrument_list`` and
the dashboard counts through ``selectors.ledger_summary``, against hand-written SQL over the
same rows in the same run. Targets: list page median < 50 ms, dashboard < 100 ms. The COUNT(*)
of the filtered list is timed too, and so is the whole page over HTTP (session, middleware and
template included) with the requests it makes once shown: the count and the department list.

Run with ``make bench`` (SQLite, then PostgreSQL when pg_virtualenv is available), or
``JILIANG_DATABASE_URL=... python bench/ledger.py``. Uses its own database, never var/.
"""

import os
import random
import sys
import time
from datetime import timedelta

INSTRUMENTS = int(os.environ.get("BENCH_INSTRUMENTS", "100000"))
RECORDS_PER_INSTRUMENT = 5
BATCH = 5000
PAGE = 50

from timing import REPEATS, median_ms, throwaway_state  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiliang.settings")
os.environ.setdefault("JILIANG_DEBUG", "0")  # as in production: no query log while loading
os.environ.setdefault("JILIANG_ALLOWED_HOSTS", "testserver")
os.environ.setdefault("JILIANG_SSL_REDIRECT", "0")
# Persistent connections, as docs/operations.md recommends for production.
os.environ.setdefault("JILIANG_DB_CONN_MAX_AGE", "60")
# Static files are collected (production storage) into a throw-away state directory.
throwaway_state()

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from jiliang.core.dates import add_months  # noqa: E402
from jiliang.instruments import schedule, selectors  # noqa: E402
from jiliang.instruments.catalogue import suggest  # noqa: E402
from jiliang.instruments.choices import (  # noqa: E402
    MANDATORY_PURPOSES,
    OUT_OF_SERVICE,
    Conclusion,
    InstrumentStatus,
    MandatoryForm,
    RecordKind,
)
from jiliang.instruments.demo import HENGXIN, RECORD_KIND  # noqa: E402
from jiliang.instruments.models import (  # noqa: E402
    MANDATORY_SUPERVISIONS,
    CatalogueItem,
    Instrument,
    VerificationRecord,
)
from jiliang.instruments.selectors import LedgerFilters  # noqa: E402
from jiliang.orgs.demo import demo_uscc  # noqa: E402
from jiliang.orgs.models import Membership, Organisation, Region  # noqa: E402

TODAY = timezone.localdate()
STATUSES = {
    InstrumentStatus.IN_USE: 94,
    InstrumentStatus.SUSPENDED: 2,
    InstrumentStatus.SEALED: 1,
    InstrumentStatus.REPAIR: 1,
    InstrumentStatus.AT_VERIFICATION: 1,
    InstrumentStatus.RETIRED: 1,
}
LATEST_CONCLUSIONS = {Conclusion.PASS: 97, Conclusion.RESTRICTED: 2, Conclusion.FAIL: 1}


def generate():
    call_command("migrate", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    enterprise = Organisation.objects.create(
        kind="enterprise",
        name="郑州基准精密机械有限公司",
        region=Region.objects.get(code="410105"),
        uscc=demo_uscc("91", "410105", 8_000_001),
        size_class="medium",
        industry="C",
    )
    user = get_user_model().objects.create(username="bench-enterprise")
    Membership.objects.create(user=user, organisation=enterprise, role="admin")
    rng = random.Random(2020)
    catalogue = list(CatalogueItem.objects.all())
    kinds = [(row, suggest(row[0], catalogue)) for row in HENGXIN.instruments]
    weights = [row[-1] for row in HENGXIN.instruments]
    for start in range(0, INSTRUMENTS, BATCH):
        numbers = range(start + 1, min(start + BATCH, INSTRUMENTS) + 1)
        batch = [
            instrument(enterprise, number, *rng.choices(kinds, weights)[0], rng)
            for number in numbers
        ]
        instruments = Instrument.objects.bulk_create([item for item, _ in batch], batch_size=BATCH)
        records = []
        for saved, (_, history) in zip(instruments, batch, strict=True):
            for record in history:
                record.instrument_id = saved.pk
            records += history
        VerificationRecord.objects.bulk_create(records, batch_size=BATCH)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as autovacuum would after a load of this size
    return user.pk, enterprise.pk


def instrument(enterprise, number, row, catalogue_item, rng):
    """An unsaved instrument and its records, newest first, its schedule fields consistent
    with them by the application's own rule (``schedule.next_due``)."""
    name, model, maker, measuring_range, accuracy, traceability, interval, purpose = row[:8]
    abc_class, departments = row[8:10]
    item = Instrument(
        organisation=enterprise,
        management_number=f"JZ-{number:06d}",
        name=name,
        model=model,
        serial_number=f"{rng.randint(0, 9_999_999):07d}",
        manufacturer=maker,
        measuring_range=measuring_range,
        accuracy=accuracy,
        department=rng.choice(departments.split()),
        abc_class=abc_class,
        traceability=traceability,
        interval_months=interval,
        purpose=purpose,
        catalogue_item=catalogue_item,
        status=rng.choices(list(STATUSES), list(STATUSES.values()))[0],
    )
    # Records a year apart for instruments verified once or replaced when due.
    periodic = interval and item.mandatory_form != MandatoryForm.FIRST_ONLY_ROTATE
    months = interval if periodic else 12
    overdue_days = rng.randint(1, 120) if rng.random() < 0.03 else 0
    latest = TODAY - timedelta(days=rng.randint(0, months * 30) + overdue_days)
    latest_conclusion = rng.choices(list(LATEST_CONCLUSIONS), list(LATEST_CONCLUSIONS.values()))[0]
    dates = [add_months(latest, -months * back) for back in range(RECORDS_PER_INSTRUMENT)]
    records = [
        VerificationRecord(
            date=day,
            kind=RECORD_KIND.get(traceability, RecordKind.VERIFICATION),
            institution_name="河南省计量测试科学研究院",
            certificate_number=f"JD{day.year}-{rng.randint(1, 99999):06d}",
            conclusion=latest_conclusion if day == latest else Conclusion.PASS,
        )
        for day in dates
    ]
    item.commissioning_date = records[-1].date
    item.last_record_date = latest
    item.last_conclusion = records[0].conclusion
    item.next_due = schedule.next_due(item, records)
    return item, records


# name: (filters, hand-written SQL conditions after the organisation's, ORDER BY, parameters)
LIST_CASES = {
    "no filter, by number": (LedgerFilters(), "", "i.management_number", []),
    "in use, due in 30 d, by due": (
        LedgerFilters(status="in_use", due_within_days=30, sort="due"),
        "AND i.status = 'in_use' AND i.next_due BETWEEN %s AND %s",
        "i.next_due",
        [TODAY, TODAY + timedelta(days=30)],
    ),
    "label red": (
        LedgerFilters(label="red"),
        "AND (i.status IN ({}) OR i.last_conclusion = 'fail' OR (i.last_conclusion = '' AND "
        "i.traceability <> 'exempt') OR i.next_due < %s)".format(
            ", ".join(f"'{status}'" for status in sorted(OUT_OF_SERVICE))
        ),
        "i.management_number",
        [TODAY],
    ),
    "mandatory": (
        LedgerFilters(mandatory=True),
        "AND i.purpose IN ({}) AND i.catalogue_item_id IN (SELECT id FROM "
        "instruments_catalogueitem WHERE supervision IN ({}))".format(
            ", ".join(f"'{value}'" for value in sorted(MANDATORY_PURPOSES)),
            ", ".join(f"'{value}'" for value in MANDATORY_SUPERVISIONS),
        ),
        "i.management_number",
        [],
    ),
    "department": (
        LedgerFilters(department="机加工车间"),
        "AND i.department = %s",
        "i.management_number",
        ["机加工车间"],
    ),
    "text query": (
        LedgerFilters(query="卡尺"),
        "AND (i.name LIKE %s OR i.management_number LIKE %s OR i.serial_number LIKE %s "
        "OR i.model LIKE %s)",
        "i.management_number",
        ["%卡尺%"] * 4,
    ),
}

# The same cases as the ledger page's query string, for the whole-page timing.
PAGE_QUERIES = {
    "no filter, by number": "",
    "in use, due in 30 d, by due": "status=in_use&due_within=30&sort=due",
    "label red": "label=red",
    "mandatory": "mandatory=yes",
    "department": "department=机加工车间",
    "text query": "q=卡尺",
}

LIST_SQL = "SELECT {columns} FROM instruments_instrument i {joins} WHERE i.organisation_id = %s "
JOINS = """
    JOIN orgs_organisation o ON o.id = i.organisation_id
    LEFT JOIN instruments_catalogueitem c ON c.id = i.catalogue_item_id
"""


def fresh_user(user_pk):
    return get_user_model().objects.get(pk=user_pk)  # a new request: scope computed again


def page(user_pk, filters, size=PAGE):
    instruments = selectors.instrument_list(user=fresh_user(user_pk), filters=filters, today=TODAY)
    return [instrument.pk for instrument in instruments[:size]]


def count(user_pk, filters):
    """What the list view's paginator asks besides the page."""
    return selectors.instrument_list(user=fresh_user(user_pk), filters=filters, today=TODAY).count()


def page_baseline(user_pk, organisation_pk, conditions, order, parameters):
    sql = LIST_SQL.format(columns="i.id, i.*, c.*, o.*", joins=JOINS)
    sql += f"{conditions} ORDER BY {order}, i.id LIMIT {PAGE}"
    return [row[0] for row in baseline(user_pk, sql, [organisation_pk, *parameters])]


def count_baseline(user_pk, organisation_pk, conditions, _order, parameters):
    sql = LIST_SQL.format(columns="COUNT(*)", joins="") + conditions
    return baseline(user_pk, sql, [organisation_pk, *parameters])[0][0]


def baseline(user_pk, sql, parameters):
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM accounts_user WHERE id = %s", [user_pk])
        cursor.execute(sql, parameters)
        return cursor.fetchall()


def summary(user_pk, organisation_pk):
    return selectors.ledger_summary(
        user=fresh_user(user_pk), today=TODAY, organisation=organisation_pk
    )


SUMMARY_SQL = """
    SELECT COUNT(*) AS total,
      SUM(CASE WHEN status = 'in_use' THEN 1 ELSE 0 END) AS in_use,
      SUM(CASE WHEN active AND next_due BETWEEN %(today)s AND %(in_30)s THEN 1 ELSE 0 END)
        AS due_30,
      SUM(CASE WHEN active AND next_due < %(today)s THEN 1 ELSE 0 END) AS overdue,
      SUM(CASE WHEN active AND mandatory THEN 1 ELSE 0 END) AS mandatory,
      SUM(CASE WHEN active AND NOT red AND last_conclusion <> 'restricted' THEN 1 ELSE 0 END)
        AS label_green,
      SUM(CASE WHEN active AND NOT red AND last_conclusion = 'restricted' THEN 1 ELSE 0 END)
        AS label_yellow,
      SUM(CASE WHEN active AND red THEN 1 ELSE 0 END) AS label_red
    FROM (
      SELECT i.status, i.next_due, i.last_conclusion, i.status <> 'retired' AS active,
        (c.supervision IN ({supervisions}) AND i.purpose IN ({purposes})) AS mandatory,
        (i.status IN ({out_of_service}) OR i.last_conclusion = 'fail'
         OR (i.last_conclusion = '' AND i.traceability <> 'exempt')
         OR COALESCE(i.next_due < %(today)s, FALSE)) AS red
      FROM instruments_instrument i
      LEFT JOIN instruments_catalogueitem c ON c.id = i.catalogue_item_id
      WHERE i.organisation_id = %(organisation)s
    ) AS flags
""".format(
    supervisions=", ".join(f"'{value}'" for value in MANDATORY_SUPERVISIONS),
    purposes=", ".join(f"'{value}'" for value in sorted(MANDATORY_PURPOSES)),
    out_of_service=", ".join(f"'{status}'" for status in sorted(OUT_OF_SERVICE)),
)


def summary_baseline(user_pk, organisation_pk):
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM accounts_user WHERE id = %s", [user_pk])
        parameters = {
            "today": TODAY,
            "in_30": TODAY + timedelta(days=30),
            "organisation": organisation_pk,
        }
        cursor.execute(SUMMARY_SQL, parameters)
        names = [column[0] for column in cursor.description]
        return dict(zip(names, (value or 0 for value in cursor.fetchone()), strict=True))


def whole_page(client, query, path="/instruments/"):
    """The ledger page through the whole stack: session, middleware, selectors and the
    template. The count and the department list are requests the page makes once shown."""
    response = client.get(f"{path}?{query}")
    assert response.status_code == 200, response.status_code
    return response


def queries(function, *args):
    with CaptureQueriesContext(connection) as captured:
        function(*args)
    return len(captured)


def verdict(milliseconds, target):
    return f"{'met' if milliseconds < target else 'MISSED'} (< {target} ms)"


def main():
    start = time.perf_counter()
    user_pk, organisation_pk = generate()
    print(
        f"database: {connection.vendor}; instruments: {Instrument.objects.count():,}; "
        f"records: {VerificationRecord.objects.count():,}; "
        f"generated in {time.perf_counter() - start:.0f} s"
    )
    print(
        f"ledger first page of {PAGE} (instrument_list, new user each run, medians of {REPEATS}):"
    )
    for name, (filters, conditions, order, parameters) in LIST_CASES.items():
        baseline_args = (user_pk, organisation_pk, conditions, order, parameters)
        assert page(user_pk, filters) == page_baseline(*baseline_args), name
        assert count(user_pk, filters) == count_baseline(*baseline_args), name
        list_ms = median_ms(page, user_pk, filters)
        baseline_ms = median_ms(page_baseline, *baseline_args)
        counts = [queries(page, user_pk, filters, size) for size in (25, 100)]
        print(
            f"  {name:<28} {list_ms:6.1f} ms | hand-written SQL {baseline_ms:6.1f} ms | "
            f"ratio {list_ms / baseline_ms:5.2f} | queries for 25/100 rows: "
            f"{counts[0]}/{counts[1]} | {verdict(list_ms, 50)}"
        )
        count_ms = median_ms(count, user_pk, filters)
        baseline_ms = median_ms(count_baseline, *baseline_args)
        print(
            f"  {'  and its COUNT(*)':<28} {count_ms:6.1f} ms | hand-written SQL "
            f"{baseline_ms:6.1f} ms | ratio {count_ms / baseline_ms:5.2f}"
        )
    client = Client()
    client.force_login(fresh_user(user_pk))
    print(
        f"whole ledger page over HTTP ({PAGE} rows and the template), then what the page loads "
        "once shown (the count, the department list):"
    )
    for name, query in PAGE_QUERIES.items():
        page_ms = median_ms(whole_page, client, query)
        count_ms = median_ms(whole_page, client, query, "/instruments/count/")
        print(
            f"  {name:<28} {page_ms:6.1f} ms | queries: {queries(whole_page, client, query)} | "
            f"{verdict(page_ms, 50)} | then the count {count_ms:6.1f} ms"
        )
    departments_ms = median_ms(whole_page, client, "", "/instruments/departments/")
    print(f"  {'the department list':<28} {departments_ms:6.1f} ms")
    assert summary(user_pk, organisation_pk) == summary_baseline(user_pk, organisation_pk)
    summary_ms = median_ms(summary, user_pk, organisation_pk)
    baseline_ms = median_ms(summary_baseline, user_pk, organisation_pk)
    print(
        f"dashboard counts (ledger_summary)  {summary_ms:6.1f} ms | hand-written SQL "
        f"{baseline_ms:6.1f} ms | ratio {summary_ms / baseline_ms:5.2f} | queries: "
        f"{queries(summary, user_pk, organisation_pk)} | {verdict(summary_ms, 100)}"
    )
    print(f"  {summary(user_pk, organisation_pk)}")


if __name__ == "__main__":
    sys.exit(main())
