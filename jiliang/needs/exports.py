"""Every response to a questionnaire as a table: xlsx and CSV, one row per response.

Columns: the respondent (enterprise, USCC, region, industry, size class, source, submitted),
then one column per answer, headed by the question's label: a single choice gives the chosen
option's label; a multiple choice one column per option holding 1 or 0 (so that a column adds
up to the option's count in Excel); a matrix one column per row holding the point of the scale
chosen; "other, please specify" its own column with the words.

Responses are read in chunks of ``CHUNK`` by primary key (two queries a chunk) and written as
they come: the xlsx by xlsxwriter in constant-memory mode into a temporary file that is then
streamed, the CSV (UTF-8 with a BOM, which Excel needs to read Chinese) row by row. Memory
does not grow with the number of responses.
"""

from __future__ import annotations

import csv
import tempfile
from collections import defaultdict
from dataclasses import dataclass

import xlsxwriter
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from jiliang.core.responses import XLSX
from jiliang.needs.choices import QuestionKind, ResponseSource
from jiliang.needs.models import Answer, Choice
from jiliang.needs.selectors.results import OTHER_LABEL
from jiliang.orgs.choices import Industry, SizeClass

CHUNK = 1000
# Respondents' words stay words: no text becomes a formula ("=…") or a link.
WORKBOOK_OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
}
K = QuestionKind

# An answer as the export reads it: a tuple, not a model instance (ten times quicker).
ANSWER_FIELDS = (
    "response_id",
    "question_id",
    "row_id",
    "choice_id",
    "is_other",
    "text",
    "number",
    "date",
    "region__name",
    "file",
)


@dataclass(frozen=True)
class Column:
    header: str
    question_id: int = 0
    # What fills the column from the question's answers: "value" (the answer in words or its
    # number), "option" (1/0 for choice ``key``), "row" (the scale label for matrix row
    # ``key``), "other" (the words of "other").
    fill: str = "value"
    key: int = 0


def respondent_headers() -> list[str]:
    return [
        _("Enterprise"),
        _("Unified social credit code"),
        _("Region"),
        _("Industry"),
        _("Size class"),
        _("Source"),
        _("Submitted on"),
    ]


def answer_columns(questions, choices) -> list[Column]:
    """The answers' columns of ``questions`` (in order); ``choices`` by question id."""
    columns = []
    for question in questions:
        label, qid = question.label, question.pk
        if question.kind == K.MULTIPLE:
            columns += [
                Column(f"{label} - {choice.label}", qid, "option", choice.pk)
                for choice in choices[qid]
            ]
        elif question.kind == K.MATRIX:
            columns += [
                Column(f"{label} - {row.label}", qid, "row", row.pk)
                for row in choices[qid]
                if row.is_row
            ]
        else:
            columns.append(Column(label, qid))
        if question.allows_other:
            columns.append(Column(f"{label} - {OTHER_LABEL}", qid, "other"))
    return columns


class Table:
    """The rows of the export, read chunk by chunk."""

    def __init__(self, questionnaire, responses):
        self.questionnaire = questionnaire
        self.responses = responses
        questions = list(questionnaire.questions.order_by("position"))
        choices = defaultdict(list)
        for choice in Choice.objects.filter(question__in=questions).order_by(
            "question_id", "is_row", "position"
        ):
            choices[choice.question_id].append(choice)
        self.columns = answer_columns(questions, choices)
        # Choices' labels in the active language, once (their keys do not overlap).
        self.labels = {
            value: str(label)
            for choices in (Industry, SizeClass, ResponseSource)
            for value, label in choices.choices
        }
        self.index = {(c.question_id, c.fill, c.key): i for i, c in enumerate(self.columns)}
        self.placements = self._placements(questions, choices)
        # A multiple choice answered: its options not chosen hold 0 (unanswered: empty).
        self.options = defaultdict(list)
        for position, column in enumerate(self.columns):
            if column.fill == "option":
                self.options[column.question_id].append(position)

    def _placements(self, questions, choices) -> dict:
        """(question, row, choice) of a chosen answer → (its column, the cell's value): one
        lookup an answer, for the hundred thousand rows of a large export."""
        placements = {}
        for question in questions:
            qid = question.pk
            scale = [choice for choice in choices[qid] if not choice.is_row]
            for choice in scale:
                if question.kind == K.SINGLE:
                    placements[(qid, None, choice.pk)] = (
                        self.index[(qid, "value", 0)],
                        choice.label,
                    )
                elif question.kind == K.MULTIPLE:
                    placements[(qid, None, choice.pk)] = (self.index[(qid, "option", choice.pk)], 1)
            if question.kind == K.MATRIX:
                for row in choices[qid]:
                    if row.is_row:
                        column = self.index[(qid, "row", row.pk)]
                        placements.update(
                            {(qid, row.pk, point.pk): (column, point.label) for point in scale}
                        )
            if question.allows_other:
                # "Other": its words in its column; a single choice says 其他 besides.
                placements[(qid, None, None)] = (self.index.get((qid, "value", 0)), OTHER_LABEL)
        return placements

    @property
    def headers(self) -> list[str]:
        return respondent_headers() + [column.header for column in self.columns]

    def rows(self):
        last = 0
        while True:
            chunk = list(
                self.responses.filter(pk__gt=last)
                .order_by("pk")
                .values_list(
                    "pk",
                    "enterprise__name",
                    "enterprise__uscc",
                    "region__name",
                    "industry",
                    "size_class",
                    "source",
                    "submitted_at",
                )[:CHUNK]
            )
            if not chunk:
                return
            last = chunk[-1][0]
            answers = defaultdict(list)
            for answer in Answer.objects.filter(
                response_id__in=[line[0] for line in chunk]
            ).values_list(*ANSWER_FIELDS):
                answers[answer[0]].append(answer)
            for line in chunk:
                yield self._respondent(line) + self._answer_cells(answers[line[0]])

    def _respondent(self, line) -> list:
        _pk, name, uscc, region, industry, size, source, submitted = line
        return [
            name or "",
            uscc or "",
            region or "",
            self.labels.get(industry, ""),
            self.labels.get(size, ""),
            self.labels[source],
            timezone.localtime(submitted).strftime("%Y-%m-%d %H:%M"),
        ]

    def _answer_cells(self, answers) -> list:
        cells = [None] * len(self.columns)
        placements, index = self.placements, self.index
        for _response, qid, row, choice, is_other, text, number, day, region, file in answers:
            if is_other:
                cells[index[(qid, "other", 0)]] = text
                column, label = placements[(qid, None, None)]
                if column is not None:
                    cells[column] = label
                continue
            placed = placements.get((qid, row, choice))
            if placed is not None:
                cells[placed[0]] = placed[1]
            else:
                cells[index[(qid, "value", 0)]] = _plain(number, day, region, file, text)
        for qid in {answer[1] for answer in answers}:
            for position in self.options.get(qid, ()):
                if cells[position] is None:
                    cells[position] = 0
        return cells


def _plain(number, day, region, file, text):
    """A number (as a number, for Excel to add up), a date, a region's name, a file's name or
    the text."""
    if number is not None:
        return float(number)
    if day is not None:
        return day.isoformat()
    if region:
        return region
    if file:
        return file.rsplit("/", 1)[-1]
    return text


def write_xlsx(table: Table, on_row=None):
    """The table as an xlsx in a temporary file, rewound (deleted when closed);
    ``on_row(number)`` is told after each chunk of rows."""
    # Closed (and so deleted) by the response that streams it, or by the document job.
    target = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115
    workbook = xlsxwriter.Workbook(target, WORKBOOK_OPTIONS)
    sheet = workbook.add_worksheet(_("Responses")[:31])
    bold = workbook.add_format({"bold": True})
    sheet.write_row(0, 0, table.headers, bold)
    sheet.freeze_panes(1, 1)
    for number, row in enumerate(table.rows(), 1):
        sheet.write_row(number, 0, row)
        if on_row is not None and number % CHUNK == 0:
            on_row(number)
    workbook.close()
    target.seek(0)
    return target


class _Echo:
    def write(self, value):
        return value


def csv_lines(table: Table):
    """The table as CSV lines (text), the first carrying the BOM."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(table.headers)
    for row in table.rows():
        yield writer.writerow(["" if cell is None else cell for cell in row])


def export_filename(questionnaire, suffix: str) -> str:
    return f"survey-{questionnaire.pk}-responses-{timezone.localdate().isoformat()}.{suffix}"


def xlsx_response(table: Table) -> FileResponse:
    return FileResponse(
        write_xlsx(table),
        as_attachment=True,
        filename=export_filename(table.questionnaire, "xlsx"),
        content_type=XLSX,
    )


def csv_response(table: Table) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_lines(table), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        True, export_filename(table.questionnaire, "csv")
    )
    return response
