"""Benchmark: importing an enterprise's ledger spreadsheet of 100,000 instruments.

Generates (openpyxl, write-only) a 100,000-row, 20-column .xlsx in the layout enterprises keep:
a title row, a 填表日期 row, a blank row, a header of synonyms, then rows with mixed date formats
(2020-05-06, 2020/5/6, 2020.5.6, 2020年5月6日, 20200506, date cells, full-width digits),
intervals as 12 / 12个月 / 1年 / 半年, numbers stored as text and stray spaces; and the same file
with 1% bad rows (impossible dates, an interval "forever", a valid-until before the
verification date, a duplicate management number) spread through it. Then measures:

(a) the import of the clean file into an empty enterprise's ledger by the background job that
    commits it, ``services.ledger_import_run`` (read the stored file, check its cells, plan the
    rows while writing instruments and records, keep the import's counts), in a process of its
    own, against (b) a baseline in the same run: python-calamine reading the same file and
    writing its rows into a bare 20-column text table (COPY on PostgreSQL, executemany on
    SQLite). The two alternate, RUNS times each; the ratio of the medians is the figure, and
    the range of the runs' ratios shows how steady it is. Target: within 2.5× on PostgreSQL.
(c) the job's process's peak resident memory (VmHWM). Target: < 1 GiB.
(d) the file with bad rows, planned lazily and written as the job does: every bad row reported
    in one pass, nothing written.

``BENCH_ROWS`` sets the number of rows (default 100000), ``BENCH_RUNS`` the runs of (a) and (b)
(default 5); ``BENCH_PROFILE=/tmp/x.txt`` also profiles one more import of the clean file with
cProfile into that file.

Run with ``make bench`` (SQLite, then PostgreSQL when pg_virtualenv is available), or
``JILIANG_DATABASE_URL=... python bench/import.py``. Uses its own database, never var/.
"""

import cProfile
import io
import json
import os
import pstats
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROWS = int(os.environ.get("BENCH_ROWS", "100000"))
BAD_ROWS = ROWS // 100
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
PROFILE = os.environ.get("BENCH_PROFILE", "")
CHILD = len(sys.argv) > 1 and sys.argv[1] == "--child"

from timing import in_child, memory_kib, mib, reset_peak, throwaway_state  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiliang.settings")
os.environ.setdefault("JILIANG_DEBUG", "0")  # as in production: no query log while importing
if not CHILD:  # the children measured share the parent's throw-away state and database
    throwaway_state()

import django  # noqa: E402

django.setup()

import openpyxl  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.files import File  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from python_calamine import CalamineWorkbook  # noqa: E402

from jiliang.core.dates import period_end  # noqa: E402
from jiliang.instruments import services  # noqa: E402
from jiliang.instruments.demo import CAL, EXEMPT, HENGXIN, ONCE, SELF, V  # noqa: E402
from jiliang.instruments.importing import plan_import  # noqa: E402
from jiliang.instruments.models import Instrument, LedgerImport, VerificationRecord  # noqa: E402
from jiliang.orgs.demo import demo_uscc  # noqa: E402
from jiliang.orgs.models import Membership, Organisation, Region  # noqa: E402

TODAY = date(2026, 11, 1)
TITLE = "郑州恒信精密机械有限公司计量器具台账"
HEADER = [
    "内部编号",
    "仪器名称",
    "规格型号",
    "测量范围",
    "准确度等级",
    "序列号",
    "生产厂家",
    "使用部门",
    "存放地点",
    "保管人",
    "启用日期",
    "管理类别",
    "用途",
    "检定/校准",
    "检定周期",
    "检定日期",
    "证书编号",
    "检定结论",
    "有效期至",
    "状态",
]
NUMBER, INTERVAL, RECORD_DATE, CERTIFICATE, CONCLUSION, VALID_UNTIL = (
    HEADER.index(name)
    for name in ("内部编号", "检定周期", "检定日期", "证书编号", "检定结论", "有效期至")
)
HEADER_ROWS = 4  # title, 填表日期, blank, header: the first data row is the sheet's fifth
PURPOSE_WORDS = {
    "trade": ["贸易结算", "贸易"],
    "safety": ["安全防护", "安全"],
    "health": ["医疗卫生", "医疗"],
    "environment": ["环境监测", "环保"],
    "other": ["其他", "其它", "生产", "质量检测", "工艺控制"],
}
TRACEABILITY_WORDS = {
    V: ["检定", "检定", "周期检定"],
    CAL: ["校准"],
    SELF: ["自校", "内校"],
    ONCE: ["一次性检定", "一次性"],
    EXEMPT: ["免检"],
}
CERTIFICATE_PREFIX = {V: "JD", ONCE: "JD", CAL: "JZ", SELF: "ZJ"}
STATUS_WORDS = {"在用": 85, "正常": 8, "停用": 2, "封存": 1, "维修": 1, "送检中": 1, "报废": 2}
CONCLUSION_WORDS = {"合格": 90, "": 5, "准用": 3, "不合格": 2}
FULL_WIDTH = str.maketrans("0123456789-", "０１２３４５６７８９－")
BAD_KINDS = ["impossible date", "interval forever", "valid-until before date", "duplicate number"]


# Generating the files ----------------------------------------------------------------------


def date_cell(day: date, rng: random.Random):
    """A date as ledgers hold it: a date cell or one of the ways people type it."""
    y, m, d = day.year, day.month, day.day
    form = rng.randrange(20)
    if form < 6:
        return datetime(y, m, d)
    if form < 10:
        return day.isoformat()
    if form < 12:
        return f"{y}/{m}/{d}"
    if form < 14:
        return f"{y}.{m}.{d}"
    if form < 16:
        return f"{y}年{m}月{d}日"
    if form == 16:
        return f"{y}{m:02d}{d:02d}"
    if form == 17:
        return int(f"{y}{m:02d}{d:02d}")  # 20200506 as a number
    if form == 18:
        return day.isoformat().translate(FULL_WIDTH)
    return f" {y} 年 {m} 月 {d} 日 "


def interval_cell(months: int | None, rng: random.Random):
    if months is None:
        return ""
    forms = [str(months), months, f"{months}个月", str(months).translate(FULL_WIDTH)]
    if months % 12 == 0:
        forms += [f"{months // 12}年"] * 2
    if months == 6:
        forms += ["半年"] * 2
    return rng.choice(forms)


def ledger_rows(rng: random.Random):
    """The clean ledger's rows, and for each whether it has a verification record."""
    kinds = HENGXIN.instruments
    weights = [row[-1] for row in kinds]
    statuses, status_weights = list(STATUS_WORDS), list(STATUS_WORDS.values())
    conclusions, conclusion_weights = list(CONCLUSION_WORDS), list(CONCLUSION_WORDS.values())
    for index in range(ROWS):
        kind = rng.choices(kinds, weights)[0]
        name, model, maker, measuring_range, accuracy, traceability, interval, purpose = kind[:8]
        abc_class, departments = kind[8:10]
        department = rng.choice(departments.split())
        locations, custodians = HENGXIN.departments[department]
        # Mostly text numbers, one in ten a number cell (unique either way).
        number = f"HX-JL-{index + 1:06d}" if index % 10 else 20_000_000 + index
        serial = f"{rng.randint(0, 9_999_999):07d}" if rng.random() < 0.8 else rng.randint(1, 10**7)
        commissioned = TODAY - timedelta(days=rng.randint(400, 6000))
        row = [
            number,
            rng.choice([name, name, name, f" {name}", f"{name} "]),
            model,
            measuring_range,
            accuracy,
            serial,
            maker,
            department if rng.random() < 0.9 else f"{department}\u3000",
            rng.choice(locations),
            rng.choice(custodians),
            date_cell(commissioned, rng),
            rng.choice([abc_class, f"{abc_class}类"]),
            rng.choice(PURPOSE_WORDS[purpose]),
            rng.choice(TRACEABILITY_WORDS[traceability]),
            interval_cell(interval, rng),
            "",
            "",
            "",
            "",
            rng.choices(statuses, status_weights)[0],
        ]
        has_record = traceability != EXEMPT
        if has_record:
            months = interval or 12
            verified = TODAY - timedelta(days=rng.randint(0, months * 30))
            row[RECORD_DATE] = date_cell(verified, rng)
            prefix = CERTIFICATE_PREFIX[traceability]
            row[CERTIFICATE] = f"{prefix}{verified.year}-{rng.randint(1, 99999):06d}"
            row[CONCLUSION] = rng.choices(conclusions, conclusion_weights)[0]
            if interval and rng.random() < 0.85:
                row[VALID_UNTIL] = date_cell(period_end(verified, interval), rng)
        yield row, has_record


def spoil(row: list, kind: str, previous_number, rng: random.Random) -> list:
    row = list(row)
    if kind == "impossible date":
        row[RECORD_DATE] = rng.choice(["2020-13-45", "2021/2/30", "2019年13月1日"])
    elif kind == "interval forever":
        row[INTERVAL] = rng.choice(["forever", "永久", "0"])
    elif kind == "valid-until before date":
        verified = TODAY - timedelta(days=rng.randint(30, 300))
        row[RECORD_DATE] = verified.isoformat()
        row[VALID_UNTIL] = (verified - timedelta(days=rng.randint(1, 400))).isoformat()
    else:
        row[NUMBER] = previous_number
    return row


def write_files(directory: Path) -> tuple[Path, Path, dict[int, str], int]:
    """The clean file, the one with bad rows, {sheet row: what is wrong} and the number of
    verification records the clean file holds."""
    rng, spoiler = random.Random(2020), random.Random(4040)
    # One bad row in each hundred, at a random place within it (never the first data row).
    step = ROWS // BAD_ROWS if BAD_ROWS else ROWS
    bad = {
        max(1, block * step + spoiler.randrange(step)): BAD_KINDS[block % len(BAD_KINDS)]
        for block in range(BAD_ROWS)
    }
    books, sheets = [], []
    for _ in range(2):
        book = openpyxl.Workbook(write_only=True)
        sheet = book.create_sheet("计量器具台账")
        sheet.merged_cells.add(f"A1:{openpyxl.utils.get_column_letter(len(HEADER))}1")
        sheet.append([TITLE])
        sheet.append(["填表日期：2026年11月1日", "", "", "", "", "", "", "", "填表人：周敏"])
        sheet.append([])
        sheet.append(HEADER)
        books.append(book)
        sheets.append(sheet)
    records, previous_number = 0, None
    for index, (row, has_record) in enumerate(ledger_rows(rng)):
        records += has_record
        sheets[0].append(row)
        kind = bad.get(index)
        sheets[1].append(spoil(row, kind, previous_number, spoiler) if kind else row)
        previous_number = row[NUMBER]
    clean, spoilt = directory / "计量器具台账.xlsx", directory / "计量器具台账-有错误.xlsx"
    books[0].save(clean)
    books[1].save(spoilt)
    return clean, spoilt, {index + HEADER_ROWS + 1: kind for index, kind in bad.items()}, records


# Measured in a process of their own ------------------------------------------------------


def child_import(path: str, organisation_pk: str, user_pk: str, profile: str = "") -> dict:
    """The background job committing the stored file, timed, with this process's peak RSS."""
    actor = get_user_model().objects.get(pk=user_pk)
    with open(path, "rb") as content:
        ledger_import = LedgerImport.objects.create(
            organisation_id=organisation_pk,
            created_by=actor,
            filename=Path(path).name,
            file=File(content, name=Path(path).name),
            status=LedgerImport.Status.QUEUED,
        )
    reset_peak()
    before = memory_kib("VmRSS")
    profiler = cProfile.Profile() if profile else None
    start = time.perf_counter()
    if profiler:
        profiler.enable()
    services.ledger_import_run(import_id=ledger_import.pk, actor_id=actor.pk, commit=True)
    end = time.perf_counter()
    if profiler:
        profiler.disable()
        write_profile(profiler, profile, end - start)
    ledger_import.refresh_from_db()
    return {
        "total_s": end - start,
        "before_mib": mib(before),
        "peak_mib": mib(memory_kib("VmHWM")),
        "outcome": ledger_import.status,
        "error": ledger_import.error,
        "counts": ledger_import.counts,
    }


def child_reject(path: str, organisation_pk: str, user_pk: str) -> dict:
    """The file planned lazily and written as the job does, timed, with every problem found
    (the job keeps the first thousand)."""
    organisation = Organisation.objects.get(pk=organisation_pk)
    actor = get_user_model().objects.get(pk=user_pk)
    start = time.perf_counter()
    plan = plan_import(
        organisation=organisation,
        content=Path(path).read_bytes(),
        filename=Path(path).name,
        lazily=True,
    )
    result = services.ledger_import_apply(actor=actor, organisation=organisation, plan=plan)
    return {
        "total_s": time.perf_counter() - start,
        "outcome": result.status,
        "counts": plan.counts(),
        "problem_rows": sorted({problem.row for problem in plan.problems}),
    }


def write_profile(profiler: cProfile.Profile, path: str, seconds: float) -> None:
    out = io.StringIO()
    out.write(
        f"cProfile of ledger_import_run, {ROWS:,} rows, {connection.vendor}, "
        f"{seconds:.1f} s under the profiler\n\n== all functions, by cumulative time (top 25)\n"
    )
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(25)
    out.write("\n== jiliang functions, by cumulative time (top 10)\n")
    stats.sort_stats("cumulative").print_stats(r"/jiliang/", 10)
    out.write("\n== jiliang functions, by own time (top 10)\n")
    stats.sort_stats("tottime").print_stats(r"/jiliang/", 10)
    out.write("\n== all functions, by own time (top 20)\n")
    stats.sort_stats("tottime").print_stats(20)
    Path(path).write_text(out.getvalue(), encoding="utf-8")


def child_baseline(path: str) -> dict:
    """calamine reading the same file, then its rows written into the bare table."""
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM bench_bare")
    reset_peak()
    before = memory_kib("VmRSS")
    start = time.perf_counter()
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(Path(path).read_bytes()))
    rows = sheet.get_sheet_by_name("计量器具台账").to_python()[HEADER_ROWS:]
    read = time.perf_counter()
    columns = ", ".join(f"c{number:02d}" for number in range(1, len(HEADER) + 1))
    text_rows = ([str(cell) for cell in row] for row in rows)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            raw = connection.connection  # psycopg 3
            with (
                raw.cursor() as cursor,
                cursor.copy(f"COPY bench_bare ({columns}) FROM STDIN") as copy,
            ):
                for row in text_rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" * len(HEADER))
            connection.connection.cursor().executemany(
                f"INSERT INTO bench_bare ({columns}) VALUES ({marks})", text_rows
            )
    end = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM bench_bare")
        written = cursor.fetchone()[0]
    return {
        "read_s": read - start,
        "write_s": end - read,
        "rows": written,
        "before_mib": mib(before),
        "peak_mib": mib(memory_kib("VmHWM")),
    }


# The parent: database, files, figures ----------------------------------------------------


def enterprise(serial: int):
    """An empty enterprise and its administrator."""
    organisation = Organisation.objects.create(
        kind="enterprise",
        name=f"郑州恒信精密机械有限公司{serial}",
        region=Region.objects.get(code="410105"),
        uscc=demo_uscc("91", "410105", 8_100_000 + serial),
        size_class="medium",
        industry="C",
    )
    user = get_user_model().objects.create(username=f"bench-import-{serial}")
    Membership.objects.create(user=user, organisation=organisation, role="admin")
    return organisation, user


def settle() -> None:
    """Vacuum what a run wrote, so that PostgreSQL's autovacuum does not take one of the two
    cores from the next run (it would, after 100,000 new rows)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "VACUUM ANALYZE instruments_instrument, instruments_verificationrecord, bench_bare"
            )


def verdict(met: bool, target: str) -> str:
    return f"{'met' if met else 'MISSED'} ({target})"


def main():
    start = time.perf_counter()
    call_command("migrate", verbosity=0)
    columns = ", ".join(f"c{number:02d} text" for number in range(1, len(HEADER) + 1))
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE bench_bare ({columns})")
    directory = tempfile.TemporaryDirectory(prefix="jiliang-bench-import-")
    clean, spoilt, bad, records = write_files(Path(directory.name))
    print(
        f"database: {connection.vendor}; files: {ROWS:,} rows × {len(HEADER)} columns, "
        f"clean {clean.stat().st_size / 2**20:.1f} MiB, with {len(bad):,} bad rows "
        f"{spoilt.stat().st_size / 2**20:.1f} MiB; generated in {time.perf_counter() - start:.0f} s"
    )

    imports, baselines = [], []
    for run in range(RUNS):  # alternating, so that both meet the same load on the machine
        organisation, user = enterprise(run + 1)
        imported = in_child(__file__, "import", str(clean), str(organisation.pk), str(user.pk))
        if imported["outcome"] != "committed":
            raise SystemExit(f"the clean file was {imported['outcome']}: {imported['error']}")
        instruments = Instrument.objects.filter(organisation=organisation).count()
        written = VerificationRecord.objects.filter(instrument__organisation=organisation).count()
        assert (instruments, written) == (ROWS, records), (instruments, written, ROWS, records)
        imports.append(imported)
        settle()
        baselines.append(in_child(__file__, "baseline", str(clean)))
        assert baselines[-1]["rows"] == ROWS, baselines[-1]
        settle()
    totals = [run["total_s"] for run in imports]
    baseline_totals = [run["read_s"] + run["write_s"] for run in baselines]
    total, baseline_s = statistics.median(totals), statistics.median(baseline_totals)
    print(
        f"(a) the job committing the clean file into an empty ledger (ledger_import_run, "
        f"median of {RUNS}):"
    )
    print(
        f"      {total:6.1f} s (runs {', '.join(f'{value:.1f}' for value in totals)}) | "
        f"{ROWS / total:8,.0f} rows/s | {ROWS:,} instruments and {records:,} records written"
    )
    method = "COPY" if connection.vendor == "postgresql" else "executemany"
    print(
        f"(b) baseline: calamine to_python + {method} into a bare {len(HEADER)}-column text table "
        f"(median of {RUNS}):"
    )
    read_s = statistics.median(run["read_s"] for run in baselines)
    write_s = statistics.median(run["write_s"] for run in baselines)
    print(
        f"      read {read_s:6.1f} s | write {write_s:6.1f} s | total {baseline_s:6.1f} s | "
        f"{ROWS / baseline_s:8,.0f} rows/s"
    )
    ratio = total / baseline_s
    ratios = sorted(a / b for a, b in zip(totals, baseline_totals, strict=True))
    target = (
        verdict(ratio <= 2.5, "within 2.5× on PostgreSQL")
        if connection.vendor == "postgresql"
        else "(the target, within 2.5×, is PostgreSQL's)"
    )
    print(
        f"      ratio (a)/(b) {ratio:5.2f} (each run's {ratios[0]:.2f} to {ratios[-1]:.2f}) | "
        f"{target}"
    )

    peak = max(run["peak_mib"] for run in imports)
    baseline_peak = max(run["peak_mib"] for run in baselines)
    print(
        f"(c) peak RSS of the job's process {peak:6.0f} MiB (Django loaded, before the "
        f"import: {imports[0]['before_mib']:.0f} MiB) | baseline's process {baseline_peak:.0f} MiB "
        f"| ratio {peak / baseline_peak:4.1f} | {verdict(peak < 1024, '< 1 GiB')}"
    )

    organisation, user = enterprise(RUNS + 1)
    rejected = in_child(__file__, "reject", str(spoilt), str(organisation.pk), str(user.pk))
    reported = set(rejected["problem_rows"])
    found = len(reported & set(bad))
    others = len(reported - set(bad))
    left = Instrument.objects.filter(organisation=organisation).count()
    one_pass = found == len(bad) and not others
    nothing_written = rejected["outcome"] == "rejected" and not left
    print(f"(d) the file with {len(bad):,} bad rows ({', '.join(BAD_KINDS)}):")
    print(
        f"      planned and rolled back in {rejected['total_s']:6.1f} s (ratio to the clean "
        f"file's import {rejected['total_s'] / total:4.2f}) | "
        f"{rejected['counts']['problems']:,} problems on "
        f"{found:,} of {len(bad):,} bad rows, {others} on other rows | outcome "
        f"{rejected['outcome']}, instruments written: {left} | "
        f"{verdict(one_pass and nothing_written, 'all in one pass, nothing written')}"
    )
    missed = sorted(set(bad) - reported)[:5]
    if missed:
        print(f"      not reported, e.g.: {[(row, bad[row]) for row in missed]}")

    if PROFILE:
        organisation, user = enterprise(RUNS + 2)
        profiled = in_child(
            __file__, "import", str(clean), str(organisation.pk), str(user.pk), PROFILE
        )
        print(f"profile of (a) under cProfile ({profiled['total_s']:.0f} s) written to {PROFILE}")
    print(f"whole benchmark: {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    if CHILD:
        mode, *arguments = sys.argv[2:]
        children = {"import": child_import, "reject": child_reject, "baseline": child_baseline}
        result = children[mode](*arguments)
        print(json.dumps(result))
    else:
        sys.exit(main())
