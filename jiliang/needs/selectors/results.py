"""A questionnaire's results as the viewer may read them: per question counts, percentages,
averages and matrix distributions, the response rate per region, the texts answered and one
response's full view.

Who reads what: the owner's members (and platform administrators) read every response; a
regulator reads the responses of its region subtree, for the questionnaires it sees and those
sent to a region on its reporting line or inside its subtree. The statistics add up the
tallies (``services.tallies``) of the regions under the viewed region, of the industry and
size class filtered by.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404

from jiliang.core.scoping import scope_for
from jiliang.needs.choices import (
    CHOICE_KINDS,
    QuestionKind,
    QuestionnaireStatus,
    ResponseStatus,
)
from jiliang.needs.models import Answer, AnswerTally, Choice, Question, Questionnaire, Response
from jiliang.needs.selectors.audience import audience
from jiliang.needs.services.answer_data import answer_values, load_form, shown_questions
from jiliang.needs.services.tallies import OTHER_KEY
from jiliang.orgs.models import Region

# The printed label of "other, please specify" in results and exports, beside the options'
# own labels, which are the questionnaire's words (Chinese), not the interface's.
OTHER_LABEL = "其他"


def questionnaires_with_results(user):
    """The questionnaires whose results ``user`` reads (see the module's note)."""
    scope = scope_for(user)
    visible = Questionnaire.objects.visible_to(user)
    if scope is None or scope.is_platform_admin or not scope.regulated_region_ids:
        return visible
    sent_here = scope.regulated_region_ids | scope.reporting_line_region_ids
    return Questionnaire.objects.filter(
        Q(pk__in=visible.values("pk"))
        | (Q(audience_region_id__in=sent_here) & ~Q(status=QuestionnaireStatus.DRAFT))
    )


def questionnaire_results_list(user):
    """With the number of submitted responses each (all of them: the viewer's share is on
    the results page)."""
    return (
        questionnaires_with_results(user)
        .exclude(status=QuestionnaireStatus.DRAFT)
        .select_related("owner")
        .annotate(
            submitted=Count("responses", filter=Q(responses__status=ResponseStatus.SUBMITTED))
        )
        .order_by("-created", "-pk")
    )


def questionnaire_for_results(user, pk) -> Questionnaire:
    return get_object_or_404(
        questionnaires_with_results(user).select_related("owner", "audience_region"), pk=pk
    )


def reads_all(user, questionnaire) -> bool:
    scope = scope_for(user)
    return scope.is_platform_admin or questionnaire.owner_id in scope.organisation_ids()


def home_region(user, questionnaire) -> Region | None:
    """The region the results open on: None (every response, wherever) for those who read
    every response, else the viewer's first regulated region."""
    if reads_all(user, questionnaire):
        return None
    return Region.objects.filter(path__in=scope_for(user).regulated_paths).order_by("path")[0]


def region_choices(user, questionnaire) -> list[tuple[Region, int]]:
    """The regions the viewer may narrow the results to, with their depth: the two levels
    below the home region, or the audience region and the two levels below it for those who
    read every response."""
    home = home_region(user, questionnaire)
    top = home or questionnaire.audience_region
    if top is None:
        return []
    depth = top.path.count("/")
    regions = Region.objects.filter(path__startswith=top.path).order_by("path")
    return [
        (region, region.path.count("/") - depth)
        for region in regions
        if region.path.count("/") <= depth + 2 and region != home
    ]


def region_for_results(user, questionnaire, region_id) -> Region | None:
    """The region asked for, if the viewer reads it (404 otherwise); the home region when
    none is asked for."""
    if region_id is None:
        return home_region(user, questionnaire)
    region = get_object_or_404(Region, pk=region_id)
    if not reads_all(user, questionnaire) and not region.path.startswith(
        scope_for(user).regulated_paths
    ):
        raise Http404
    return region


@dataclass(frozen=True)
class Filters:
    """What the results are narrowed to: a region subtree (None: everywhere), an industry
    section and a size class (empty: any)."""

    region: Region | None = None
    industry: str = ""
    size: str = ""

    def responses(self, questionnaire, responses=Response.objects):
        responses = responses.submitted().filter(questionnaire=questionnaire)
        if self.region is not None:
            responses = responses.filter(region_path__startswith=self.region.path)
        if self.industry:
            responses = responses.filter(industry=self.industry)
        if self.size:
            responses = responses.filter(size_class=self.size)
        return responses


@dataclass
class Share:
    label: str
    count: int
    percent: float | None


@dataclass
class MatrixLine:
    label: str
    answered: int
    shares: list[Share]
    mean: float | None  # the mean point of the scale, counted from 1


@dataclass
class QuestionResult:
    question: Question
    answered: int
    shares: list[Share] = field(default_factory=list)
    matrix: list[MatrixLine] = field(default_factory=list)
    average: Decimal | None = None
    total: Decimal | None = None

    @property
    def chart(self) -> dict | None:
        """What the page's chart of the question draws (see static/jiliang/surveys.js)."""
        if self.shares:
            return {"kind": "bar", "labels": [s.label for s in self.shares],
                    "values": [s.count for s in self.shares]}  # fmt: skip
        if self.matrix:
            scale = [share.label for share in self.matrix[0].shares]
            return {"kind": "stacked", "labels": [line.label for line in self.matrix],
                    "scale": scale,
                    "values": [[line.shares[i].count for line in self.matrix]
                               for i in range(len(scale))]}  # fmt: skip
        return None


@dataclass
class Results:
    questionnaire: Questionnaire
    filters: Filters
    responses: int
    questions: list[QuestionResult]

    @property
    def charts(self) -> dict:
        return {f"q{r.question.pk}": r.chart for r in self.questions if r.chart}


def results(*, questionnaire, filters: Filters) -> Results:
    """Every question's statistics under ``filters`` (the caller checked the viewer reads
    the questionnaire and the region)."""
    questions = list(questionnaire.questions.order_by("position"))
    choices = defaultdict(list)
    for choice in Choice.objects.filter(question__questionnaire=questionnaire).order_by(
        "question_id", "is_row", "position"
    ):
        choices[choice.question_id].append(choice)
    cells = answer_cells(questions, filters)
    return Results(
        questionnaire=questionnaire,
        filters=filters,
        responses=filters.responses(questionnaire).count(),
        questions=[_question_result(q, choices[q.pk], cells) for q in questions],
    )


def answer_cells(questions, filters: Filters) -> dict:
    """{(question id, row key, choice key): (count, total)}, added up from the tallies of the
    industry and size class filtered by (empty: ``tallies.ANY``)."""
    tallies = AnswerTally.objects.filter(
        question_id__in=[q.pk for q in questions],
        industry=filters.industry,
        size_class=filters.size,
    )
    regions = Region.objects.all()
    if filters.region is not None:
        regions = regions.filter(path__startswith=filters.region.path)
    # By the regions' ids, even every region's, so that the index of the tallies' unique key
    # (question, region, industry, size class, …) finds the slice; without, or by
    # ``region_path``, every tally row of the questionnaire is read (twice as long on SQLite).
    tallies = tallies.filter(region__in=regions)
    lines = tallies.values("question_id", "row_key", "choice_key").annotate(
        counted=Sum("count"), summed=Sum("total")
    )
    return {
        (line["question_id"], line["row_key"], line["choice_key"]): (
            line["counted"],
            line["summed"],
        )
        for line in lines
    }


def _question_result(question, choices, cells) -> QuestionResult:
    answered, total = cells.get((question.pk, 0, 0), (0, None))
    result = QuestionResult(question=question, answered=answered)
    if question.kind == QuestionKind.MATRIX:
        scale = [choice for choice in choices if not choice.is_row]
        result.matrix = [_matrix_line(question, row, scale, cells) for row in choices if row.is_row]
    elif question.kind in CHOICE_KINDS:
        options = [(choice.label, choice.pk) for choice in choices]
        if question.allows_other:
            options.append((OTHER_LABEL, OTHER_KEY))
        result.shares = [
            _share(label, cells.get((question.pk, 0, key), (0, None))[0], answered)
            for label, key in options
        ]
    elif question.kind == QuestionKind.NUMBER and answered:
        result.total = Decimal(total or 0)
        result.average = result.total / answered
    return result


def _matrix_line(question, row, scale, cells) -> MatrixLine:
    counts = [cells.get((question.pk, row.pk, point.pk), (0, None))[0] for point in scale]
    answered = sum(counts)
    weighted = sum(position * count for position, count in enumerate(counts, 1))
    return MatrixLine(
        label=row.label,
        answered=answered,
        shares=[
            _share(point.label, count, answered) for point, count in zip(scale, counts, strict=True)
        ],
        mean=round(weighted / answered, 2) if answered else None,
    )


def _share(label, count, base) -> Share:
    return Share(label=label, count=count, percent=round(100 * count / base, 1) if base else None)


@dataclass
class RateLine:
    region: Region | None  # None: the total line
    invited: int
    responded: int

    @property
    def rate(self) -> float | None:
        return round(100 * self.responded / self.invited, 1) if self.invited else None


def response_rates(*, questionnaire, filters: Filters) -> list[RateLine]:
    """Per child region of the viewed region (the audience region when the viewer reads
    everything), the invited enterprises of the audience there and the submitted responses
    of the audience's enterprises; then the total line."""
    region = filters.region or questionnaire.audience_region
    if region is None:
        return []
    invited = audience(questionnaire).filter(region__path__startswith=region.path)
    if filters.industry:
        invited = invited.filter(industry=filters.industry)
    if filters.size:
        invited = invited.filter(size_class=filters.size)
    invited_by_path = dict(
        invited.values_list("region__path")
        .annotate(n=Count("id", distinct=True))
        .values_list("region__path", "n")
    )
    responded_by_path = dict(
        _audience_responses(questionnaire, Filters(region, filters.industry, filters.size))
        .values_list("region_path")
        .annotate(n=Count("id"))
        .values_list("region_path", "n")
    )
    lines = [
        RateLine(child, _under(invited_by_path, child.path), _under(responded_by_path, child.path))
        for child in region.children.order_by("code")
    ]
    lines.append(RateLine(None, sum(invited_by_path.values()), sum(responded_by_path.values())))
    return lines


def _audience_responses(questionnaire, filters: Filters):
    """The submitted responses of the audience's enterprises, told by the industry and size
    class the responses noted at submission (no join on the enterprises: a subquery of the
    audience takes seconds over 100,000 responses on SQLite); the audience's tags need the
    enterprises."""
    responses = filters.responses(questionnaire).filter(enterprise__isnull=False)
    if questionnaire.audience_industries:
        responses = responses.filter(industry__in=questionnaire.audience_industries)
    if questionnaire.audience_sizes:
        responses = responses.filter(size_class__in=questionnaire.audience_sizes)
    if questionnaire.audience_tags:
        responses = responses.filter(enterprise__in=audience(questionnaire).values("pk"))
    return responses


def _under(counts: dict, path: str) -> int:
    return sum(count for each, count in counts.items() if each.startswith(path))


def responses_for_results(user, questionnaire, filters: Filters):
    """The submitted responses ``user`` reads under ``filters``, latest first."""
    return (
        filters.responses(questionnaire, Response.objects.visible_to(user))
        .select_related("enterprise", "region")
        .order_by("-submitted_at", "-pk")
    )


def text_answers(*, user, questionnaire, question, filters: Filters):
    """The texts answered to ``question`` (and the words of "other"), latest first."""
    return (
        Answer.objects.filter(
            question=question,
            response__in=filters.responses(questionnaire, Response.objects.visible_to(user)),
        )
        .exclude(text="")
        .select_related("response__enterprise", "response__region")
        .order_by("-response__submitted_at", "-pk")
    )


def response_for_results(user, questionnaire, pk) -> Response:
    """One submitted response to ``questionnaire`` that ``user`` reads (404 otherwise)."""
    return get_object_or_404(
        Response.objects.visible_to(user)
        .submitted()
        .filter(questionnaire=questionnaire)
        .select_related("enterprise", "region", "entered_by", "submitted_by"),
        pk=pk,
    )


@dataclass
class AnswerLine:
    question: Question
    values: list[str]  # what was answered, in words; empty: not answered
    other: str = ""


def response_answers(response) -> list[AnswerLine]:
    """The response's answers in the questionnaire's order, leaving out the questions its
    skip logic hid."""
    form = load_form(response.questionnaire)
    answers = list(
        response.answers.select_related("choice", "row", "region").order_by(
            "row__position", "choice__position", "pk"
        )
    )
    rows = defaultdict(list)
    for answer in answers:
        rows[answer.question_id].append(answer)
    return [
        AnswerLine(
            question=question,
            values=[
                answer_words(question, answer)
                for answer in rows[question.pk]
                if not answer.is_other or answer.choice_id
            ],
            other=next((a.text for a in rows[question.pk] if a.is_other), ""),
        )
        for question in shown_questions(form, answer_values(form, answers))
    ]


def answer_words(question, answer) -> str:
    """One answer row in words: a choice's label (a matrix row's as "row: point"), a number
    with its unit, a date, a region's name, a file's name, or the text."""
    if question.kind == QuestionKind.MATRIX:
        return f"{answer.row.label}：{answer.choice.label}"
    if answer.choice_id:
        return answer.choice.label
    if answer.number is not None:
        return f"{answer.number.normalize():f}{question.unit}"
    if answer.date is not None:
        return answer.date.isoformat()
    if answer.region_id:
        return answer.region.name
    if answer.file:
        return answer.file.name.rsplit("/", 1)[-1]
    return answer.text
