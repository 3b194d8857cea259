"""The running tallies of submitted answers (``AnswerTally``), which the results page adds up
instead of reading every answer.

A tally cell is (question, region, industry, size_class, row_key, choice_key) with a
``count`` and a ``total``:

- ``(0, 0)``: the responses that answered the question; ``total`` the sum of a number
  question's answers (the average is total / count);
- ``(0, choice id)``: the responses that chose the option; ``(0, OTHER_KEY)`` "other, please
  specify";
- ``(row id, choice id)``: a matrix row answered on that point of the scale.

A response counts in the region, industry section and size class it noted at submission, and
also under ``ANY`` industry and ``ANY`` size class (``counted_as``), so that the results,
filtered by industry and size or not, read one slice of tallies and add up no more rows than
the unfiltered ones did when the tallies were per region only.

``add`` runs inside the submit transaction and increments in SQL (``INSERT … ON CONFLICT DO
UPDATE SET count = count + excluded.count``, which PostgreSQL and SQLite ≥ 3.24 both speak),
so two submissions at once both count; the cells are written in key order, so that concurrent
submissions lock rows in the same order and cannot deadlock. ``rebuild`` recounts a
questionnaire from its answers.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, Sum

from jiliang.needs.choices import ResponseStatus
from jiliang.needs.models import Answer, AnswerTally, Response

# The choice_key of "other, please specify" (an answer with ``is_other`` and no choice): the
# largest value the column holds, which no choice id reaches.
OTHER_KEY = 2**31 - 1
# Cells a statement: a response of 40 questions has some 85 a slice, 340 in all, so one
# statement (8 parameters a cell: 4,000 at most, within SQLite's 32,766 since 3.32).
UPSERT_BATCH = 500
# The industry or size class of the tallies of every industry or size class, as the results'
# filters say "any" (a response that noted none counts only there).
ANY = ""


def counted_as(industry: str, size_class: str) -> set[tuple[str, str]]:
    """The (industry, size class) slices a response of ``industry`` and ``size_class`` counts
    in."""
    return {(each, size) for each in (industry, ANY) for size in (size_class, ANY)}


def cell_key(row_id, choice_id, is_other) -> tuple[int, int]:
    """The (row_key, choice_key) an answer row counts in, beside its question's (0, 0)."""
    return (row_id or 0, OTHER_KEY if is_other and not choice_id else choice_id or 0)


def add(response: Response) -> None:
    """Count one submitted response's answers in the tallies of its region, industry and size
    class."""
    counts, totals = Counter(), Counter()
    answered = set()
    for question_id, row_id, choice_id, is_other, number in response.answers.values_list(
        "question_id", "row_id", "choice_id", "is_other", "number"
    ):
        answered.add(question_id)
        totals[question_id] += number or 0
        key = cell_key(row_id, choice_id, is_other)
        if key != (0, 0):
            counts[(question_id, *key)] += 1
    for question_id in answered:
        counts[(question_id, 0, 0)] = 1
    rows = sorted(
        (question_id, response.region_id, industry, size_class, row_key, choice_key, count,
         totals[question_id] if (row_key, choice_key) == (0, 0) else Decimal(0))
        for (question_id, row_key, choice_key), count in counts.items()
        for industry, size_class in counted_as(response.industry, response.size_class)
    )  # fmt: skip
    for start in range(0, len(rows), UPSERT_BATCH):
        _upsert(rows[start : start + UPSERT_BATCH])


def _upsert(rows: list[tuple]) -> None:
    table = connection.ops.quote_name(AnswerTally._meta.db_table)
    values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s)"] * len(rows))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (question_id, region_id, industry, size_class, row_key, "
            f"choice_key, count, total) VALUES {values} "
            "ON CONFLICT (question_id, region_id, industry, size_class, row_key, choice_key) "
            "DO UPDATE SET "
            f"count = {table}.count + excluded.count, total = {table}.total + excluded.total",
            [value for row in rows for value in row],
        )


@transaction.atomic
def rebuild(questionnaire) -> int:
    """Recount every tally of ``questionnaire`` from its submitted answers, grouped in SQL;
    returns the number of cells written. Used by the bench and after repairs of data."""
    AnswerTally.objects.filter(question__questionnaire=questionnaire).delete()
    answers = Answer.objects.filter(
        question__questionnaire=questionnaire, response__status=ResponseStatus.SUBMITTED
    )
    groups = ("question_id", "response__region_id", "response__industry", "response__size_class")
    answered = answers.values(*groups).annotate(
        count=Count("response_id", distinct=True), total=Sum("number")
    )
    chosen = (
        answers.exclude(row=None, choice=None, is_other=False)
        .values(*groups, "row_id", "choice_id", "is_other")
        .annotate(count=Count("id"))
    )
    counts, totals = Counter(), Counter()
    for line in [*answered, *chosen]:  # an "answered" line has no row nor choice: cell (0, 0)
        cell = cell_key(line.get("row_id"), line.get("choice_id"), line.get("is_other"))
        for slice_ in counted_as(line["response__industry"], line["response__size_class"]):
            key = (line["question_id"], line["response__region_id"], *slice_, *cell)
            counts[key] += line["count"]
            totals[key] += line.get("total") or 0
    fields = ("question_id", "region_id", "industry", "size_class", "row_key", "choice_key")
    tallies = [
        AnswerTally(
            **dict(zip(fields, key, strict=True)),
            count=count,
            total=totals[key],
        )
        for key, count in counts.items()
    ]
    AnswerTally.objects.bulk_create(tallies, batch_size=2000)
    return len(tallies)
