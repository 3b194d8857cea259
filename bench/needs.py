"""Benchmark: the results of a large survey, its export, and one submission.

Generates a questionnaire of 40 questions sent by 河南省's bureau to the province (12 single
choices of 4 options, 8 multiple choices of 5 options (2 with "other, please specify"), 6
numbers, 4 matrices of 4 rows on a scale of 5, 6 texts (a third answered), 4 dates) and
``BENCH_ROWS`` (default 100,000) submitted responses of as many enterprises spread over the
province's counties, with their answers (some 56 rows a response: 5.6 million for 100,000),
written with ``core.bulk.insert_rows`` (COPY on PostgreSQL), then ``tallies.rebuild`` (timed).

Measured:
(1) ``selectors.results`` for the province (every question's statistics, the region subtree
    filter, from the tallies), median of 15, and the same filtered by an industry section and
    a size class (also from the tallies). Target: both under 300 ms. For information: the same
    for the owner without a region (every response) and the response rate per city.
(2) the xlsx export of every response (``exports.write_xlsx``: chunks of responses and their
    answers, xlsxwriter in constant-memory mode) in a child process, at a fifth of the responses
    and at all of them: its time and its peak memory (VmHWM, reset when the work starts); the
    peak must not grow with the responses. Baseline: the same cells (read from the database
    untimed, a chunk at a time) written by a bare xlsxwriter workbook in constant-memory mode
    with the export's options (no formulas nor links made from text), the write and the
    closing timed. Target: the export within 2× the baseline.
(3) ``answering.submit_response`` of one response of 40 answers (its draft saved before, not
    timed): the checks, the answers to hidden questions, the tallies, the audit event; median
    of 15 responses of 15 enterprises. Target: under 50 ms.

Run with ``make bench`` or ``python bench/needs.py`` (``BENCH_ROWS=20000`` for a quicker run);
on PostgreSQL: ``pg_virtualenv -t -o 'fsync=off' sh -c 'JILIANG_DATABASE_URL=... python
bench/needs.py'``. Uses its own database, never var/.
"""

import json
import os
import random
import statistics
import sys
import tempfile
import time
from contextlib import nullcontext
from datetime import date, timedelta
from decimal import Decimal

from timing import REPEATS, in_child, median_ms, memory_kib, mib, reset_peak, throwaway_state

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiliang.settings")
os.environ.setdefault("JILIANG_DEBUG", "0")
os.environ["JILIANG_TASKS_IMMEDIATE"] = "0"
throwaway_state()

import django  # noqa: E402

django.setup()

import xlsxwriter  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from jiliang.accounts.services import user_create  # noqa: E402
from jiliang.core.bulk import insert_rows, reserve_ids  # noqa: E402
from jiliang.needs import exports  # noqa: E402
from jiliang.needs.choices import QuestionKind as K  # noqa: E402
from jiliang.needs.models import (  # noqa: E402
    Answer,
    Choice,
    Question,
    Questionnaire,
    Response,
    Section,
)
from jiliang.needs.selectors import results as selectors  # noqa: E402
from jiliang.needs.services import tallies  # noqa: E402
from jiliang.orgs import services as org_services  # noqa: E402
from jiliang.orgs.demo import demo_uscc  # noqa: E402
from jiliang.orgs.models import Organisation, Region  # noqa: E402

POSTGRES = connection.vendor == "postgresql"
ROWS = int(os.environ.get("BENCH_ROWS", "100000"))
TITLE = "企业计量需求调研（基准）"
LAYOUT = [(K.SINGLE, 12), (K.MULTIPLE, 8), (K.NUMBER, 6), (K.MATRIX, 4), (K.TEXT, 6), (K.DATE, 4)]
TEXTS = ["希望加强计量培训", "需要上门检定服务", "建议简化送检流程", "希望提供测量管理体系指导"]
RESULTS_TARGET_MS, SUBMIT_TARGET_MS, EXPORT_RATIO_TARGET = 300, 50, 2.0


def verdict(met: bool) -> str:
    return "met" if met else "MISSED"


def log(message, started):
    print(f"  … {message} ({time.perf_counter() - started:.0f} s)", flush=True)


def build_questionnaire(owner, province) -> Questionnaire:
    questionnaire = Questionnaire.objects.create(
        owner=owner, title=TITLE, status="open", audience_region=province
    )
    section = Section.objects.create(
        questionnaire=questionnaire, position=1, name="s", title="调研"
    )
    position = 0
    for kind, count in LAYOUT:
        for number in range(count):
            position += 1
            question = Question.objects.create(
                questionnaire=questionnaire,
                section=section,
                position=position,
                name=f"{kind}_{number}",
                kind=kind,
                label=f"第{position}题（{kind}）",
                allows_other=kind == K.MULTIPLE and number < 2,
                unit="台" if kind == K.NUMBER else "",
            )
            options = {K.SINGLE: 4, K.MULTIPLE: 5, K.MATRIX: 5}.get(kind, 0)
            Choice.objects.bulk_create(
                [
                    Choice(question=question, position=p, value=f"o{p}", label=f"选项{p}")
                    for p in range(1, options + 1)
                ]
                + [
                    Choice(
                        question=question, position=p, value=f"r{p}", label=f"方面{p}", is_row=True
                    )
                    for p in range(1, 5 if kind == K.MATRIX else 0)
                ]
            )
    return questionnaire


def answer_plan(questionnaire):
    """Per question: (id, kind, option ids, row ids, allows other)."""
    plan = []
    for question in questionnaire.questions.order_by("position").prefetch_related("choices"):
        choices = list(question.choices.all())
        plan.append(
            (
                question.pk,
                question.kind,
                [c.pk for c in choices if not c.is_row],
                [c.pk for c in choices if c.is_row],
                question.allows_other,
            )
        )
    return plan


def answers_of(rng, response_id, plan):
    """The answer rows (response, question, row, choice, is_other, text, number, date)."""
    for question_id, kind, options, rows, allows_other in plan:
        base = (response_id, question_id)
        if kind == K.SINGLE:
            yield (*base, None, rng.choice(options), False, "", None, None)
        elif kind == K.MULTIPLE:
            for choice in rng.sample(options, rng.randint(1, 3)):
                yield (*base, None, choice, False, "", None, None)
            if allows_other and rng.random() < 0.1:
                yield (*base, None, None, True, "能源计量", None, None)
        elif kind == K.NUMBER:
            yield (*base, None, None, False, "", Decimal(rng.randint(0, 500)), None)
        elif kind == K.MATRIX:
            for row in rows:
                yield (*base, row, rng.choice(options), False, "", None, None)
        elif kind == K.TEXT:
            if rng.random() < 1 / 3:
                yield (*base, None, None, False, rng.choice(TEXTS), None, None)
        else:
            yield (
                *base,
                None,
                None,
                False,
                "",
                None,
                date(2000, 1, 1) + timedelta(rng.randint(0, 9000)),
            )


def generate(rng) -> dict:
    started = time.perf_counter()
    admin = user_create(actor=None, username="bench-admin", email="b@example.com", is_staff=True)
    province = Region.objects.get(code="410000")
    owner = org_services.organisation_create(
        actor=admin,
        kind="regulator",
        name="河南省市场监督管理局",
        uscc=demo_uscc("11", "410000", 1),
        region=province,
    )
    questionnaire = build_questionnaire(owner, province)
    counties = list(
        Region.objects.filter(path__startswith=province.path, children__isnull=True)
        .exclude(pk=province.pk)
        .values_list("pk", "code", "path")
    )
    enterprise_ids = reserve_ids(Organisation, ROWS)
    placed = [(pk, counties[n % len(counties)]) for n, pk in enumerate(enterprise_ids)]
    sizes = ["micro", "small", "medium"]
    industries = ["C", "C", "F", "M", "E"]
    facts = {pk: (rng.choice(industries), rng.choice(sizes)) for pk, _ in placed}
    insert_rows(
        Organisation,
        ["id", "kind", "name", "uscc", "region", "size_class", "industry"],
        (
            (pk, "enterprise", f"基准企业{n:06d}", demo_uscc("91", code, 2_000_000 + n), region,
             facts[pk][1], facts[pk][0])
            for n, (pk, (region, code, _path)) in enumerate(placed)
        ),
    )  # fmt: skip
    log(f"{ROWS:,} enterprises", started)
    response_ids = reserve_ids(Response, ROWS)
    moment = timezone.now() - timedelta(days=30)
    insert_rows(
        Response,
        ["id", "questionnaire", "enterprise", "region", "region_path", "industry", "size_class",
         "status", "source", "submitted_at"],
        (
            (rid, questionnaire.pk, pk, region, path, facts[pk][0], facts[pk][1], "submitted",
             "paper" if n % 10 == 0 else "online", moment + timedelta(seconds=n))
            for n, (rid, (pk, (region, _code, path))) in enumerate(
                zip(response_ids, placed, strict=True)
            )
        ),
    )  # fmt: skip
    log(f"{ROWS:,} responses", started)
    plan = answer_plan(questionnaire)
    written = insert_rows(
        Answer,
        ["response", "question", "row", "choice", "is_other", "text", "number", "date"],
        (row for rid in response_ids for row in answers_of(rng, rid, plan)),
    )
    log(f"{written:,} answers", started)
    return {"questionnaire": questionnaire.pk, "answers": written, "admin": admin.pk}


def submit_drafts(questionnaire, admin) -> list:
    """REPEATS enterprises of 金水区, each with a member and a saved draft of 40 answers."""
    from jiliang.needs.services import answering

    jinshui = Region.objects.get(code="410105")
    drafts = []
    data = {}
    for question_id, kind, _options, _rows, _other in answer_plan(questionnaire):
        name = Question.objects.get(pk=question_id).name
        data[name] = {
            K.SINGLE: "o2",
            K.MULTIPLE: ["o1", "o3"],
            K.NUMBER: "42",
            K.MATRIX: {f"r{n}": "o4" for n in range(1, 5)},
            K.TEXT: "希望加强计量培训",
            K.DATE: "2015-06-01",
        }[kind]
    for number in range(REPEATS):
        enterprise = org_services.organisation_create(
            actor=admin,
            kind="enterprise",
            name=f"提交基准企业{number}",
            uscc=demo_uscc("91", "410105", 3_000_000 + number),
            region=jinshui,
            size_class="small",
            industry="C",
        )
        user = user_create(
            actor=admin, username=f"bench-submit-{number}", email=f"s{number}@example.com"
        )
        org_services.membership_add(actor=admin, organisation=enterprise, user=user, role="admin")
        response = answering.response_start(
            actor=user, questionnaire=questionnaire, enterprise=enterprise
        )
        answering.save_answers(actor=user, response=response, data=data)
        drafts.append((user, response))
    return drafts


def child_export(questionnaire_id, up_to, mode):
    """In a child: the export (or the baseline) of the responses up to id ``up_to``."""
    if mode not in ("export", "baseline"):
        raise SystemExit(f"unknown mode {mode}")
    questionnaire = Questionnaire.objects.get(pk=questionnaire_id)
    responses = Response.objects.submitted().filter(questionnaire=questionnaire, pk__lte=int(up_to))
    table = exports.Table(questionnaire, responses)
    reset_peak()
    started = time.perf_counter()
    if mode == "export":
        target = exports.write_xlsx(table)
        seconds = time.perf_counter() - started
        size = target.seek(0, 2)
        target.close()
        cells = None
    else:
        seconds, size, cells = bare_write(table)
    return {"seconds": seconds, "peak_mib": mib(memory_kib("VmHWM")), "bytes": size, "cells": cells}


def bare_write(table):
    """The table's cells, read a chunk at a time untimed, written by a bare xlsxwriter."""
    writing = 0.0
    cells = 0
    with tempfile.TemporaryFile(suffix=".xlsx") as target:
        started = time.perf_counter()
        workbook = xlsxwriter.Workbook(target, exports.WORKBOOK_OPTIONS)
        sheet = workbook.add_worksheet("答卷")
        sheet.write_row(0, 0, table.headers)
        writing += time.perf_counter() - started
        rows = table.rows()
        number = 0
        while True:
            chunk = [row for _, row in zip(range(exports.CHUNK), rows, strict=False)]
            if not chunk:
                break
            started = time.perf_counter()
            for row in chunk:
                number += 1
                sheet.write_row(number, 0, row)
            writing += time.perf_counter() - started
            cells += sum(len(row) for row in chunk)
        started = time.perf_counter()
        workbook.close()
        writing += time.perf_counter() - started
        size = target.seek(0, 2)
    return writing, size, cells


def main():
    started = time.perf_counter()
    print(
        f"database: {connection.vendor}; a questionnaire of 40 questions, {ROWS:,} responses",
        flush=True,
    )
    call_command("migrate", verbosity=0)
    rng = random.Random(15)
    with transaction.atomic() if not POSTGRES else nullcontext():
        world = generate(rng)
    if POSTGRES:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    questionnaire = Questionnaire.objects.get(pk=world["questionnaire"])
    province = Region.objects.get(code="410000")
    began = time.perf_counter()
    cells = tallies.rebuild(questionnaire)
    print(
        f"generated in {time.perf_counter() - started:.0f} s ({world['answers']:,} answers); "
        f"tallies.rebuild: {time.perf_counter() - began:.1f} s, {cells:,} tally rows",
        flush=True,
    )
    if POSTGRES:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    load = os.getloadavg()[0]
    print(f"medians of {REPEATS} (load average {load:.1f} on {os.cpu_count()} CPUs):", flush=True)
    province_filters = selectors.Filters(region=province)
    found = selectors.results(questionnaire=questionnaire, filters=province_filters)
    assert found.responses == ROWS, found.responses
    first = found.questions[0]
    assert sum(share.count for share in first.shares) == first.answered == ROWS
    results_ms = median_ms(
        lambda: selectors.results(questionnaire=questionnaire, filters=province_filters)
    )
    everything_ms = median_ms(
        lambda: selectors.results(questionnaire=questionnaire, filters=selectors.Filters())
    )
    rates_ms = median_ms(
        lambda: selectors.response_rates(questionnaire=questionnaire, filters=province_filters)
    )
    filtered = selectors.Filters(region=province, industry="C", size="small")
    found = selectors.results(questionnaire=questionnaire, filters=filtered)
    first = found.questions[0]
    assert sum(share.count for share in first.shares) == first.answered == found.responses
    filtered_ms = median_ms(
        lambda: selectors.results(questionnaire=questionnaire, filters=filtered)
    )
    print(
        f"(1) results of 河南省 (40 questions, from the tallies): {results_ms:.1f} ms "
        f"(target < {RESULTS_TARGET_MS} ms: {verdict(results_ms < RESULTS_TARGET_MS)}); "
        f"industry C and size small ({found.responses:,} responses): {filtered_ms:.1f} ms "
        f"(target < {RESULTS_TARGET_MS} ms: {verdict(filtered_ms < RESULTS_TARGET_MS)})"
        f"; every response (owner): {everything_ms:.1f} ms; response rate per child region: "
        f"{rates_ms:.1f} ms",
        flush=True,
    )

    ids = list(
        Response.objects.filter(questionnaire=questionnaire)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    fifth, every = ids[len(ids) // 5 - 1], ids[-1]
    small = in_child(__file__, "export", str(questionnaire.pk), str(fifth), "export")
    large = in_child(__file__, "export", str(questionnaire.pk), str(every), "export")
    baseline = in_child(__file__, "export", str(questionnaire.pk), str(every), "baseline")
    ratio = large["seconds"] / baseline["seconds"]
    print(
        f"(2) xlsx export: {len(ids) // 5:,} responses {small['seconds']:.1f} s, peak "
        f"{small['peak_mib']:.0f} MiB; {len(ids):,} responses {large['seconds']:.1f} s, peak "
        f"{large['peak_mib']:.0f} MiB ({large['bytes'] / 2**20:.0f} MiB file); baseline (bare "
        f"xlsxwriter, the same {baseline['cells']:,} cells) {baseline['seconds']:.1f} s, peak "
        f"{baseline['peak_mib']:.0f} MiB; ratio {ratio:.2f}× (target ≤ {EXPORT_RATIO_TARGET}×: "
        f"{verdict(ratio <= EXPORT_RATIO_TARGET)}); peak growth 5× responses: "
        f"{large['peak_mib'] - small['peak_mib']:+.0f} MiB",
        flush=True,
    )

    from jiliang.needs.services import answering

    admin = get_user_model().objects.get(pk=world["admin"])
    drafts = submit_drafts(questionnaire, admin)
    timings = []
    for user, response in drafts:
        began = time.perf_counter()
        answering.submit_response(actor=user, response=response)
        timings.append((time.perf_counter() - began) * 1000)
    submit_ms = statistics.median(timings)
    print(
        f"(3) submit_response of 40 answers: {submit_ms:.1f} ms (target < {SUBMIT_TARGET_MS} ms: "
        f"{verdict(submit_ms < SUBMIT_TARGET_MS)})",
        flush=True,
    )
    print(f"whole run {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        print(json.dumps({"export": child_export}[sys.argv[2]](*sys.argv[3:])))
    else:
        main()
