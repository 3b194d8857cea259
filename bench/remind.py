"""Benchmark: the daily due-date reminder run over a whole platform's ledgers.

Generates 20,000 enterprises, each with an administrator (with an e-mail address), a quarter
with a staff member (周敏, the contact of the 计量室 department and custodian of its
instruments), another quarter with a viewer who keeps some instruments (王海涛, reminded only of
those), and 1,000,000 instruments, 50 per enterprise, written with ``core.bulk.insert_rows``
(COPY on PostgreSQL). 5% of the instruments are due on a reminder day of the fixed "today"
2026-11-22 under the default rule (30, 15, 7 or 0 days ahead, or a whole number of weeks overdue
within two years); the others are due 31 to 400 days ahead, overdue between two weekly points
(3%: never reminded, the run's catch-up reminds them, see ``reminders``) or overdue for more than
two years. Statuses are mostly in use, some under repair (reminded), suspended, sealed or retired
(not reminded). Then, each in a process of its own:

(a) ``reminders.queue_reminders``: select the instruments and write one ``Reminder`` row per
    (instrument, due date, offset, recipient), timed, and the rows it wrote; on a platform never
    reminded the catch-up selects every instrument in service due from two years overdue to 30
    days ahead that is not on a reminder day (the instruments overdue between two weekly
    points);
(b) ``reminders.digest_reminders``: one digest per recipient, an inbox notification and an
    e-mail in the outbox, timed; (a) + (b) is ``reminders.run(today)`` itself, which the child
    calls, with both steps wrapped to time them;
(c) a baseline in the same run: one indexed SQL query selecting the same instrument rows (the
    columns the job reads) with ``status IN ('in_use', 'repair') AND (next_due = ANY(%s) OR
    (next_due BETWEEN two years overdue AND 30 days ahead AND NOT EXISTS (a reminder of the
    instrument and due date))``, streamed through a server-side cursor (a psycopg named cursor;
    on SQLite a plain cursor read with fetchmany), median of 3;
(e) the job's own selection (``reminders.reminded_instruments`` and
    ``reminders.unreminded_instruments``, the catch-up, for every rule, streamed through the ORM
    as the queue step reads them, nothing written), median of 3.
Targets on PostgreSQL, as we read the issue: the selection within 3× of the bare query, (e)/(c),
and select + queue under 60 s, (a). (a)/(c) is printed too: writing the outbox rows, with their
unique key, indexes and foreign keys, costs the database alone several times the bare select
(see (d)), so no select + queue can be within 3× of a select that writes nothing.
(d) for information, what the database alone takes to select and queue the same reminders: one
    INSERT ... SELECT of the bench's own (instrument, recipient) join, ON CONFLICT DO NOTHING,
    into a copy of the outbox table with the same keys, indexes and deferred foreign keys,
    commit included, median of 3. (c) only reads; (d) shows what writing the rows costs.
(f) the catch-up's anti-join once every instrument is reminded, as on every later day: the job's
    ``reminders.unreminded_instruments`` after the run, streamed (0 rows), median of 3, with its
    plan: the instruments' range by ``instrument_reminded_due_idx``, the outbox probed through
    its unique key's index ``reminder_once`` (instrument, due date, …).

The numbers are checked: the instruments (a) selected are the baseline's rows; the reminders
written equal the (instrument, recipient) pairs the bench computes by its own SQL join (managers,
department contacts and the member named as custodian); one digest, notification and e-mail per
recipient; the instruments caught up are those the bench counts in the catch-up's range that
are not on a reminder day; and a second run on the same day writes no reminder, notification or
e-mail.

Memory: the peak RSS of the run's process must not grow with the number of instruments. The
database is loaded in two steps: first a quarter of the enterprises with their instruments, on
which the run is measured; then its output is deleted, the other three quarters are loaded and
the run is measured again on everything. The same code on the same day meets four times the
instruments, reminders and recipients; the two peaks are compared (target: growth under 1.5×),
with what each run added over the process's size before it. The peak is VmHWM of
/proc/self/status, reset (/proc/self/clear_refs) once Django is loaded and connected, so it is
the run's own: a child's ru_maxrss would start at the parent's peak (subprocess starts children
with vfork, and exec hands the parent's peak RSS on to the child's ru_maxrss).

``BENCH_INSTRUMENTS`` (default 1,000,000; 200,000 on SQLite) and ``BENCH_ORGANISATIONS``
(default 20,000; 4,000 on SQLite) set the size, 5% due whatever it is;
``BENCH_PROFILE=/tmp/x.txt`` also profiles one more full run with cProfile into that file (each
step on its own, after the output of the others is deleted). Between the quarter and the whole
platform the outbox is emptied by TRUNCATE on PostgreSQL, so the run on the whole platform meets
an outbox without statistics, as the first one did; ``BENCH_EMPTY_OUTBOX_STATS=1`` empties it by
DELETE instead, so the ANALYZE after the load records an outbox of 0 rows that still has pages:
the planner then expects one row wherever it reads the outbox (as after any run much larger than
the outbox was when last analyzed), which shows how the digest's plans stand mis-estimates.

Run with ``make bench`` (SQLite, then PostgreSQL when pg_virtualenv is available), or
``JILIANG_DATABASE_URL=... python bench/remind.py``. Uses its own database, never var/.
"""

import cProfile
import io
import json
import os
import pstats
import random
import re
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

CHILD = len(sys.argv) > 1 and sys.argv[1] == "--child"
from timing import in_child, memory_kib, mib, reset_peak, throwaway_state  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiliang.settings")
os.environ.setdefault("JILIANG_DEBUG", "0")  # as in production: no query log while running
os.environ["JILIANG_TASKS_IMMEDIATE"] = "0"  # e-mail is queued, never sent, by the run
if not CHILD:  # the children measured share the parent's throw-away state and database
    throwaway_state()

ON_POSTGRES = os.environ["JILIANG_DATABASE_URL"].startswith("postgres")
INSTRUMENTS = int(os.environ.get("BENCH_INSTRUMENTS", "1000000" if ON_POSTGRES else "200000"))
ORGANISATIONS = int(os.environ.get("BENCH_ORGANISATIONS", "20000" if ON_POSTGRES else "4000"))
DUE_SHARE = 0.05
BASELINE_REPEATS = 3
INSERT_BATCH = 50_000  # rows handed to insert_rows at once (SQLite builds the batch in memory)
PROFILE = os.environ.get("BENCH_PROFILE", "")
EMPTY_OUTBOX_STATS = os.environ.get("BENCH_EMPTY_OUTBOX_STATS", "") == "1"

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from jiliang.core.bulk import insert_rows  # noqa: E402
from jiliang.core.dates import add_months  # noqa: E402
from jiliang.instruments.choices import InstrumentStatus  # noqa: E402
from jiliang.instruments.demo import HENGXIN  # noqa: E402
from jiliang.instruments.models import Instrument  # noqa: E402
from jiliang.notifications import reminders  # noqa: E402
from jiliang.notifications.models import (  # noqa: E402
    DepartmentContact,
    Email,
    Notification,
    Reminder,
    ReminderProblem,
    ReminderRun,
)
from jiliang.orgs.demo import demo_uscc  # noqa: E402
from jiliang.orgs.models import Membership, Organisation, Region  # noqa: E402

User = get_user_model()
TODAY = date(2026, 11, 22)
# The default rule's reminder days, as the bench reads it (not from the code under test).
AHEAD = [30, 15, 7, 0]
OVERDUE_WEEKS = 104
REMINDER_DAYS = [TODAY + timedelta(days=days) for days in AHEAD] + [
    TODAY - timedelta(days=7 * week) for week in range(1, OVERDUE_WEEKS + 1)
]
REMINDED = ["in_use", "repair"]
STATUSES = {
    InstrumentStatus.IN_USE: 91,
    InstrumentStatus.REPAIR: 2,
    InstrumentStatus.SUSPENDED: 3,
    InstrumentStatus.SEALED: 1,
    InstrumentStatus.RETIRED: 3,
}
STAFF = ("周", "敏", "计量室")  # last name, first name, the department they are the contact of
KEEPER = ("王", "海涛")  # a viewer who keeps some of the 机加工车间's instruments
COLUMNS = "id, organisation_id, management_number, name, department, custodian, next_due"
# The catch-up's range under the default rule: two years overdue to the largest offset ahead.
CATCH_UP = (TODAY - timedelta(days=7 * OVERDUE_WEEKS), TODAY + timedelta(days=max(AHEAD)))
NOT_REMINDED = (
    "NOT EXISTS (SELECT 1 FROM notifications_reminder r "
    "WHERE r.instrument_id = i.id AND r.due_date = i.next_due)"
)
BASELINE_SQL = (
    f"SELECT {COLUMNS} FROM instruments_instrument i "
    "WHERE status IN ('in_use', 'repair') AND (next_due = ANY(%s) "
    f"OR (next_due BETWEEN %s AND %s AND {NOT_REMINDED}))"
)


def baseline_sql_sqlite() -> str:
    """The baseline for sqlite3's own cursor: the days spelled out, question marks."""
    days = ", ".join("?" * len(REMINDER_DAYS))
    return BASELINE_SQL.replace("= ANY(%s)", f"IN ({days})").replace("%s", "?")


def baseline_parameters() -> list:
    if ON_POSTGRES:
        return [REMINDER_DAYS, *CATCH_UP]
    return [day.isoformat() for day in [*REMINDER_DAYS, *CATCH_UP]]


def start_measuring() -> int:
    """Connect, load what the first query loads, then reset the peak: returns the RSS."""
    connection.ensure_connection()
    Instrument.objects.exists()
    reset_peak()
    return memory_kib("VmRSS")


# Generating the platform -----------------------------------------------------------------


def per_organisation(serial: int) -> int:
    """How many instruments the enterprise numbered ``serial`` has (INSTRUMENTS spread evenly)."""
    return INSTRUMENTS // ORGANISATIONS + (serial < INSTRUMENTS % ORGANISATIONS)


def load(first: int, last: int, region_pk: int) -> int:
    """Enterprises ``first`` to ``last - 1``, their members and instruments; returns how many
    instruments were written."""
    serials = range(first, last)
    insert_rows(
        Organisation,
        ["kind", "name", "uscc", "region", "size_class", "industry"],
        (
            (
                "enterprise",
                f"郑州提醒测试{serial:05d}精密机械有限公司",
                demo_uscc("91", "410105", 7_000_000 + serial),
                region_pk,
                "small",
                "C",
            )
            for serial in serials
        ),
    )
    organisations = dict(
        Organisation.objects.filter(name__startswith="郑州提醒测试")
        .values_list("uscc", "pk")
        .iterator()
    )
    organisation_of = {
        serial: organisations[demo_uscc("91", "410105", 7_000_000 + serial)] for serial in serials
    }
    users = []  # username, first name, last name, e-mail, serial, role
    for serial in serials:
        users.append((f"remind-{serial:05d}-admin", "建华", "李", "admin", serial))
        if serial % 4 == 1:
            users.append((f"remind-{serial:05d}-staff", STAFF[1], STAFF[0], "staff", serial))
        elif serial % 4 == 3:
            users.append((f"remind-{serial:05d}-keeper", KEEPER[1], KEEPER[0], "viewer", serial))
    insert_rows(
        User,
        ["username", "first_name", "last_name", "email"],
        ((name, first, last, f"{name}@example.com") for name, first, last, _, _ in users),
    )
    user_pks = dict(
        User.objects.filter(username__startswith="remind-").values_list("username", "pk").iterator()
    )
    insert_rows(
        Membership,
        ["user", "organisation", "role"],
        ((user_pks[name], organisation_of[serial], role) for name, _, _, role, serial in users),
    )
    insert_rows(
        DepartmentContact,
        ["organisation", "department", "user"],
        (
            (organisation_of[serial], STAFF[2], user_pks[name])
            for name, _, _, role, serial in users
            if role == "staff"
        ),
    )
    rows = instrument_rows(serials, organisation_of, random.Random(first))
    written = 0
    while batch := [row for _, row in zip(range(INSERT_BATCH), rows, strict=False)]:
        written += insert_rows(
            Instrument,
            [
                "organisation",
                "management_number",
                "name",
                "model",
                "department",
                "location",
                "custodian",
                "traceability",
                "interval_months",
                "purpose",
                "status",
                "last_record_date",
                "last_conclusion",
                "next_due",
            ],
            batch,
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as autovacuum would after a load of this size
    return written


def instrument_rows(serials, organisation_of, rng: random.Random):
    kinds = HENGXIN.instruments
    weights = [kind[-1] for kind in kinds]
    statuses, status_weights = list(STATUSES), list(STATUSES.values())
    for serial in serials:
        for number in range(1, per_organisation(serial) + 1):
            kind = rng.choices(kinds, weights)[0]
            department = rng.choice(kind[9].split())
            locations, custodians = HENGXIN.departments[department]
            due = due_date(rng)
            yield (
                organisation_of[serial],
                f"TX-{number:04d}",
                kind[0],
                kind[1],
                department,
                rng.choice(locations),
                rng.choice(custodians),
                "verification",
                12,
                "other",
                rng.choices(statuses, status_weights)[0],
                add_months(due, -12),
                "pass",
                due,
            )


def due_date(rng: random.Random) -> date:
    """5% on a reminder day of TODAY (ahead mostly, overdue weeks mostly recent), the rest not."""
    draw = rng.random()
    if draw < DUE_SHARE:
        if rng.random() < 0.6:
            return TODAY + timedelta(days=rng.choice(AHEAD))
        week = min(OVERDUE_WEEKS, 1 + int(rng.expovariate(1 / 8)))
        return TODAY - timedelta(days=7 * week)
    if draw < DUE_SHARE + 0.03:  # overdue, between two weekly reminders
        return TODAY - timedelta(days=7 * rng.randrange(20) + rng.randint(1, 6))
    if draw < DUE_SHARE + 0.035:  # overdue for more than two years: reminders have stopped
        return TODAY - timedelta(days=7 * rng.randint(OVERDUE_WEEKS + 1, 160))
    return TODAY + timedelta(days=rng.randint(31, 400))


def reset_output() -> None:
    """Remove what runs wrote, so that the next run starts from a platform never reminded. On
    PostgreSQL by TRUNCATE, which also forgets the outbox's statistics, as on a new platform;
    with BENCH_EMPTY_OUTBOX_STATS=1 by DELETE, so that the ANALYZE after the next load records
    an empty outbox that still has pages (see the docstring)."""
    tables = [
        model._meta.db_table
        for model in (ReminderProblem, Reminder, Notification, Email, ReminderRun)
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and not EMPTY_OUTBOX_STATS:
            cursor.execute(f"TRUNCATE {', '.join(tables)}")
            return
        for table in tables:
            cursor.execute(f"DELETE FROM {table}")


def table_counts() -> dict:
    return {
        "reminders": Reminder.objects.count(),
        "notifications": Notification.objects.count(),
        "emails": Email.objects.count(),
        "problems": ReminderProblem.objects.count(),
    }


# The (instrument, recipient) pairs by the bench's own rule: the organisation's admins and staff,
# the department's contacts and the member named as custodian, of the instruments reminded. On a
# platform never reminded, those are all the instruments in service in the catch-up's range: the
# reminder days are inside it, and the catch-up takes the others.
PAIRS = f"""
    FROM instruments_instrument i
    JOIN orgs_membership m ON m.organisation_id = i.organisation_id
    JOIN {User._meta.db_table} u ON u.id = m.user_id
    WHERE i.next_due BETWEEN %s AND %s
      AND i.status IN ('in_use', 'repair') AND u.is_active AND (
        m.role IN ('admin', 'staff')
        OR i.custodian = u.last_name || u.first_name
        OR EXISTS (
            SELECT 1 FROM notifications_departmentcontact d
            WHERE d.organisation_id = i.organisation_id AND d.department = i.department
              AND d.user_id = u.id
        )
      )
"""
OUTBOX_COLUMNS = (
    'organisation_id, instrument_id, due_date, "offset", recipient_id, status, skip_reason, created'
)


def expected_pairs() -> tuple[int, int]:
    """The number of (instrument, recipient) pairs and of distinct recipients."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*), COUNT(DISTINCT u.id) {PAIRS}", CATCH_UP)
        return cursor.fetchone()


def create_outbox_copy() -> None:
    """``bench_outbox``: the reminder outbox's columns, keys, indexes and deferred foreign keys,
    for the write baseline (d)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("CREATE TABLE bench_outbox (LIKE notifications_reminder INCLUDING ALL)")
            cursor.execute(
                "ALTER TABLE bench_outbox "
                + ", ".join(
                    f"ADD FOREIGN KEY ({column}) REFERENCES {table} (id) "
                    "DEFERRABLE INITIALLY DEFERRED"
                    for column, table in (
                        ("organisation_id", "orgs_organisation"),
                        ("instrument_id", "instruments_instrument"),
                        ("recipient_id", User._meta.db_table),
                    )
                )
            )
            return
        cursor.execute(
            "SELECT sql FROM sqlite_master WHERE tbl_name = 'notifications_reminder' "
            "AND sql IS NOT NULL ORDER BY type DESC"  # the table, then its indexes
        )
        for (sql,) in cursor.fetchall():
            cursor.execute(
                sql.replace('"notifications_reminder"', '"bench_outbox"').replace(
                    'INDEX "', 'INDEX "bench_'
                )
            )


def plan(sql: str, parameters) -> str:
    """The scan nodes of the baseline's plan, to show it uses an index."""
    explain = "EXPLAIN" if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN"
    with connection.cursor() as cursor:
        cursor.execute(f"{explain} {sql}", parameters)
        lines = [row[-1] for row in cursor.fetchall()]
    if connection.vendor == "postgresql":
        nodes = (line.strip(" ->") for line in lines)  # not their conditions ("Filter: …")
        return "; ".join(
            node
            for node in nodes
            if any(kind in node for kind in ("Scan", "Join", "SubPlan"))
            and not re.match(r"[A-Z][A-Za-z ]+: ", node)
        )
    return "; ".join(lines)


def catch_up_plan() -> str:
    """The plan of the catch-up's anti-join (the default rule's), as the job sends it."""
    [(_rule, organisations, due, late), *_] = rule_selections()
    query = reminders.unreminded_query(organisations, min(late), max(late), due)
    sql, parameters = query.query.sql_with_params()
    return plan(sql, parameters)


# Measured in a process of their own ------------------------------------------------------


def child_run(profile: str = "") -> dict:
    """``reminders.run(TODAY)`` with its two steps timed (and profiled with ``profile``), and
    this process's memory before and at its peak during the run."""
    before = start_measuring()
    marks, profilers = {}, {}

    def timed(name, step):
        def wrapper(*args, **kwargs):
            profiler = profilers[name] = cProfile.Profile() if profile else None
            start = time.perf_counter()
            if profiler:
                profiler.enable()
            step(*args, **kwargs)
            if profiler:
                profiler.disable()
            marks[name] = time.perf_counter() - start
            marks[f"{name}_peak_kib"] = memory_kib("VmHWM")

        return wrapper

    queue, digest = reminders.queue_reminders, reminders.digest_reminders
    reminders.queue_reminders = timed("queue", queue)
    reminders.digest_reminders = timed("digest", digest)
    start = time.perf_counter()
    try:
        reminder_run = reminders.run(TODAY)
    finally:
        reminders.queue_reminders, reminders.digest_reminders = queue, digest
    seconds = time.perf_counter() - start
    if profile:
        write_profile(profilers, profile, marks)
    return {
        "run_s": seconds,
        "queue_s": marks["queue"],
        "digest_s": marks["digest"],
        "before_mib": mib(before),
        "queue_peak_mib": mib(marks["queue_peak_kib"]),
        "peak_mib": mib(memory_kib("VmHWM")),
        "counts": reminder_run.counts,
    }


def write_profile(profilers: dict, path: str, marks: dict) -> None:
    out = io.StringIO()
    out.write(
        f"cProfile of reminders.run({TODAY}), {INSTRUMENTS:,} instruments in "
        f"{ORGANISATIONS:,} organisations, {connection.vendor}; each step profiled on its own\n"
    )
    for name, function in (("queue", "queue_reminders"), ("digest", "digest_reminders")):
        out.write(f"\n\n######## {function}: {marks[name]:.1f} s under the profiler\n")
        stats = pstats.Stats(profilers[name], stream=out)
        out.write("\n== all functions, by cumulative time (top 45)\n")
        stats.sort_stats("cumulative").print_stats(45)
        out.write("\n== all functions, by own time (top 25)\n")
        stats.sort_stats("tottime").print_stats(25)
        out.write("\n== what the jiliang functions call\n")
        stats.sort_stats("cumulative").print_callees(r"/jiliang/notifications/", 12)
    Path(path).write_text(out.getvalue(), encoding="utf-8")


def child_baseline() -> dict:
    """The baseline query, all its rows streamed through a server-side cursor."""
    before = start_measuring()
    rows, start = 0, time.perf_counter()
    if connection.vendor == "postgresql":
        with transaction.atomic(), connection.connection.cursor(name="reminder_baseline") as cursor:
            cursor.itersize = reminders.CHUNK
            cursor.execute(BASELINE_SQL, baseline_parameters())
            for _ in cursor:
                rows += 1
    else:
        cursor = connection.connection.cursor()
        cursor.execute(baseline_sql_sqlite(), baseline_parameters())
        while batch := cursor.fetchmany(reminders.CHUNK):
            rows += len(batch)
        cursor.close()
    return {
        "seconds": time.perf_counter() - start,
        "rows": rows,
        "before_mib": mib(before),
        "peak_mib": mib(memory_kib("VmHWM")),
    }


def child_select(only_catch_up: str = "") -> dict:
    """The job's own selection, every rule's instruments streamed through the ORM as the queue
    step reads them, without computing recipients or writing anything (``only_catch_up``: the
    catch-up's anti-join alone)."""
    before = start_measuring()
    start, rows = time.perf_counter(), 0
    with transaction.atomic():
        for _rule, organisations, due, late in rule_selections():
            if not only_catch_up:
                rows += sum(1 for _ in reminders.reminded_instruments(organisations, due))
            late_rows = reminders.unreminded_instruments(organisations, min(late), max(late), due)
            rows += sum(1 for _ in late_rows)
    return {
        "seconds": time.perf_counter() - start,
        "rows": rows,
        "before_mib": mib(before),
        "peak_mib": mib(memory_kib("VmHWM")),
    }


def rule_selections():
    """(rule, organisations, reminder days, catch-up's {due date: offset}) of every rule, as the
    queue step computes them for a run covering TODAY alone."""
    for rule, organisations in reminders.rule_groups():
        due = reminders.due_dates(rule, TODAY, TODAY)
        yield rule, organisations, list(due), reminders.catch_up_dates(rule, TODAY, due)


def child_floor() -> dict:
    """The same reminder rows computed and written by the database in one statement: the
    bench's join INSERTed into the outbox's copy, ON CONFLICT DO NOTHING, with the commit."""
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE bench_outbox"
            if connection.vendor == "postgresql"
            else "DELETE FROM bench_outbox"
        )
    before = start_measuring()
    days = (
        "(i.next_due - %s)"
        if connection.vendor == "postgresql"
        else "CAST(julianday(i.next_due) - julianday(%s) AS INTEGER)"
    )
    # The offset of the latest reminder day passed (the catch-up's), under the default rule.
    offset = (
        f"CASE WHEN {days} > 15 THEN 30 WHEN {days} > 7 THEN 15 WHEN {days} > 0 THEN 7 "
        f"WHEN {days} > -7 THEN 0 ELSE -7 * ((-{days}) / 7) END"
    )
    sql = (
        f"INSERT INTO bench_outbox ({OUTBOX_COLUMNS}) SELECT i.organisation_id, i.id, "
        f"i.next_due, {offset}, u.id, 'pending', '', CURRENT_TIMESTAMP {PAIRS} "
        "ON CONFLICT DO NOTHING"
    )
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [TODAY] * offset.count("%s") + list(CATCH_UP))
        rows = cursor.rowcount
    return {
        "seconds": time.perf_counter() - start,
        "rows": rows,
        "before_mib": mib(before),
        "peak_mib": mib(memory_kib("VmHWM")),
    }


# The parent: database, figures -----------------------------------------------------------


def verdict(met: bool, target: str) -> str:
    return f"{'met' if met else 'MISSED'} ({target})"


def postgres_verdict(met: bool, target: str) -> str:
    return verdict(met, target) if ON_POSTGRES else f"(the target, {target}, is PostgreSQL's)"


def check(condition: bool) -> str:
    return "yes" if condition else "NO"


def keys(counts: dict) -> int:
    """The reminder keys a run offered to the outbox (``reminders`` in older counts)."""
    return counts.get("reminder_keys", counts.get("reminders", 0))


def describe(run: dict, instruments: int) -> str:
    counts = run["counts"]
    return (
        f"queue {run['queue_s']:6.1f} s | digest {run['digest_s']:6.1f} s | run {run['run_s']:6.1f}"
        f" s | {counts.get('instruments', 0):,} of {instruments:,} instruments selected, "
        f"{keys(counts):,} reminder keys, {counts.get('digests', 0):,} digests"
    )


def main():
    start = time.perf_counter()
    call_command("migrate", verbosity=0)
    create_outbox_copy()
    region_pk = Region.objects.get(code="410105").pk
    quarter_organisations = ORGANISATIONS // 4
    quarter = load(0, quarter_organisations, region_pk)
    loaded = time.perf_counter() - start
    small = in_child(__file__, "run")
    small_pairs, small_recipients = expected_pairs()
    small_written = Reminder.objects.count()
    reset_output()
    rest_start = time.perf_counter()
    instruments = quarter + load(quarter_organisations, ORGANISATIONS, region_pk)
    loaded += time.perf_counter() - rest_start
    assert Instrument.objects.count() == instruments == INSTRUMENTS, instruments
    due = Instrument.objects.filter(next_due__in=REMINDER_DAYS).count()
    late = (
        Instrument.objects.filter(next_due__range=CATCH_UP, status__in=REMINDED)
        .exclude(next_due__in=REMINDER_DAYS)
        .count()
    )
    print(
        f"database: {connection.vendor}; {ORGANISATIONS:,} enterprises, "
        f"{User.objects.count():,} users, {instruments:,} instruments, {due:,} "
        f"({due / instruments:.1%}) due on a reminder day of {TODAY} ({len(REMINDER_DAYS)} days: "
        f"{', '.join(map(str, AHEAD))} ahead, 1 to {OVERDUE_WEEKS} weeks overdue), {late:,} more "
        f"in service due between them ({late / instruments:.1%}, for the catch-up); generated in "
        f"{loaded:.0f} s"
    )

    baselines = [in_child(__file__, "baseline") for _ in range(BASELINE_REPEATS)]
    baseline_s = statistics.median(run["seconds"] for run in baselines)
    baseline_rows = baselines[0]["rows"]
    assert all(run["rows"] == baseline_rows for run in baselines), baselines
    baseline_plan = plan(
        BASELINE_SQL if ON_POSTGRES else BASELINE_SQL.replace("= ANY(%s)", "IN (%s)"),
        baseline_parameters() if ON_POSTGRES else [REMINDER_DAYS[0], *CATCH_UP],
    )

    selections = [in_child(__file__, "select") for _ in range(BASELINE_REPEATS)]
    select_s = statistics.median(run["seconds"] for run in selections)
    assert all(run["rows"] == baseline_rows for run in selections), selections
    floors = [in_child(__file__, "floor") for _ in range(BASELINE_REPEATS)]
    assert all(run["rows"] == floors[0]["rows"] for run in floors), floors

    before = table_counts()
    full = in_child(__file__, "run")
    after = table_counts()
    pairs, recipients = expected_pairs()
    written = after["reminders"] - before["reminders"]
    counts = full["counts"]
    selected = counts.get("instruments", 0)
    print(f"reminders.run({TODAY}) on a platform never reminded (1 run, a process of its own):")
    print(
        f"(a) queue_reminders (select + queue) {full['queue_s']:6.2f} s | {selected:,} instruments"
        f" selected ({counts.get('caught_up', 0):,} by the catch-up), {written:,} reminder rows "
        "written | "
        f"{written / full['queue_s']:8,.0f} reminders/s"
    )
    print(
        f"(b) digest_reminders                 {full['digest_s']:6.2f} s | "
        f"{counts.get('digests', 0):,} digests: {after['notifications']:,} notifications, "
        f"{after['emails']:,} e-mails queued, {after['problems']:,} problems"
    )
    total = full["queue_s"] + full["digest_s"]
    print(
        f"    run(today) total                 {full['run_s']:6.2f} s (queue + digest "
        f"{total:.2f} s) | {'under' if full['run_s'] < 60 else 'OVER'} 60 s"
    )
    method = "psycopg named cursor" if ON_POSTGRES else "sqlite3 cursor, fetchmany"
    print(
        f"(c) baseline: one SQL query, same rows and columns, streamed ({method}, itersize "
        f"{reminders.CHUNK}), median of {BASELINE_REPEATS}: {baseline_s:6.3f} s | "
        f"{baseline_rows:,} rows"
    )
    print(f"      plan: {baseline_plan}")
    select_ratio = select_s / baseline_s
    print(
        "(e) the job's selection alone (reminders.reminded_instruments and "
        "unreminded_instruments, streamed through the ORM), median of "
        f"{BASELINE_REPEATS}: {select_s:6.3f} s | ratio (e)/(c) "
        f"{select_ratio:5.2f} | {postgres_verdict(select_ratio <= 3, 'within 3× on PostgreSQL')}"
    )
    ratio = full["queue_s"] / baseline_s
    print(
        f"      select + queue: (a) "
        f"{postgres_verdict(full['queue_s'] < 60, '< 60 s on PostgreSQL')} | ratio (a)/(c) "
        f"{ratio:6.1f} (writing the outbox rows is most of it: see (d))"
    )
    print(
        f"      (a)+(b)/(c) {full['run_s'] / baseline_s:6.1f} (the whole run against the select "
        "alone, for information)"
    )
    floor_s = statistics.median(run["seconds"] for run in floors)
    print(
        "(d) for information, select and queue done by the database alone: one INSERT ... SELECT "
        "(the bench's join) ON CONFLICT DO NOTHING into a copy of the outbox (same keys, indexes"
        f" and deferred foreign keys), commit included, median of {BASELINE_REPEATS}: "
        f"{floor_s:6.3f} s | {floors[0]['rows']:,} rows {check(floors[0]['rows'] == written)} | "
        f"ratio (a)/(d) {full['queue_s'] / floor_s:5.1f} | (d)/(c) {floor_s / baseline_s:5.1f}"
    )

    catch_ups = [in_child(__file__, "select", "catch-up") for _ in range(BASELINE_REPEATS)]
    assert all(run["rows"] == 0 for run in catch_ups), catch_ups
    catch_up_s = statistics.median(run["seconds"] for run in catch_ups)
    print(
        "(f) the catch-up's anti-join once everything is reminded, as on every later day "
        f"(reminders.unreminded_instruments, {Reminder.objects.count():,} outbox rows), median "
        f"of {BASELINE_REPEATS}: {catch_up_s:6.3f} s | 0 rows"
    )
    print(f"      plan: {catch_up_plan()}")

    second_before = table_counts()
    second = in_child(__file__, "run")
    second_after = table_counts()
    new = {name: second_after[name] - second_before[name] for name in second_after}
    print("checks:")
    print(
        f"      instruments selected = baseline rows: {selected:,} = {baseline_rows:,} "
        f"{check(selected == baseline_rows)}; caught up = in service between the reminder days: "
        f"{counts.get('caught_up', 0):,} = {late:,} {check(counts.get('caught_up') == late)}"
    )
    print(
        f"      reminders written = (instrument, recipient) pairs of the bench's own join: "
        f"{written:,} = {pairs:,} {check(written == pairs)} "
        f"({written / max(selected, 1):.2f} recipients per instrument)"
    )
    digests = counts.get("digests", 0)
    print(
        f"      one digest per recipient: {digests:,} digests, {recipients:,} recipients, "
        f"{after['notifications']:,} notifications, {after['emails']:,} e-mails "
        f"{check(digests == recipients == after['notifications'] == after['emails'])}"
    )
    print(
        f"      a second run on {TODAY} ({second['run_s']:.2f} s) wrote {new['reminders']} "
        f"reminders, {new['notifications']} notifications, {new['emails']} e-mails: "
        f"{verdict(not any(new.values()), 'exactly once')} (its counts say "
        f"{keys(second['counts']):,} reminder keys offered)"
    )

    growth = full["peak_mib"] / small["peak_mib"]
    added = [run["peak_mib"] - run["before_mib"] for run in (small, full)]
    print(
        "memory: peak RSS (VmHWM) of the run's process during the run, on a quarter of the "
        "platform, then on all of it (same code, same day):"
    )
    for label, run, size, reminded, more in (
        ("quarter", small, quarter, small_written, added[0]),
        ("all", full, instruments, written, added[1]),
    ):
        print(
            f"      {label:<7} {size:>9,} instruments, {reminded:>7,} reminders: peak "
            f"{run['peak_mib']:6.1f} MiB (before the run {run['before_mib']:5.1f} MiB, peak by the"
            f" end of queue {run['queue_peak_mib']:5.1f} MiB; the run added {more:5.1f} MiB) | "
            f"{describe(run, size)}"
        )
    print(
        f"      growth of the peak {growth:4.2f}× (of what the run added "
        f"{added[1] / max(added[0], 0.1):4.2f}×) for {instruments / quarter:.1f}× the instruments"
        f" | {verdict(growth < 1.5, 'growth under 1.5×')} | the baseline's process: peak "
        f"{max(run['peak_mib'] for run in baselines):.1f} MiB"
    )
    assert small_written == small_pairs, (small_written, small_pairs, small_recipients)

    if PROFILE:
        reset_output()
        profiled = in_child(__file__, "run", PROFILE)
        seconds = profiled["run_s"]
        print(f"profile of run(today) under cProfile ({seconds:.0f} s) written to {PROFILE}")
    print(f"whole benchmark: {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    if CHILD:
        mode, *arguments = sys.argv[2:]
        result = {
            "run": child_run,
            "baseline": child_baseline,
            "select": child_select,
            "floor": child_floor,
        }[mode](*arguments)
        print(json.dumps(result))
    else:
        sys.exit(main())
