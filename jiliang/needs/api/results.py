"""A questionnaire's results: the statistics (same filters as the page), one response in full,
and every response as xlsx or CSV."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Query, Router

from jiliang.core.api import ErrorOut, Id, Schema
from jiliang.needs import exports
from jiliang.needs.selectors import results as selectors
from jiliang.orgs.choices import Industry, SizeClass

router = Router(tags=["results"])

READ = {404: ErrorOut}


class ResultsQuery(Schema):
    region: Id | None = Field(None, description="A region of your subtree; default: all you read")
    industry: Industry | None = Field(None, description="GB/T 4754 section letter")
    size: SizeClass | None = None


class ShareOut(Schema):
    label: str
    count: int
    percent: float | None = Field(description="Of the responses that answered the question")


class MatrixLineOut(Schema):
    label: str
    answered: int
    shares: list[ShareOut]
    mean: float | None = Field(description="The mean point of the scale, counted from 1")


class QuestionResultOut(Schema):
    id: int
    name: str
    label: str
    kind: str
    answered: int
    shares: list[ShareOut]
    matrix: list[MatrixLineOut]
    average: float | None = Field(description="Number questions: the mean answer")
    total: float | None = Field(description="Number questions: the sum of the answers")


class RateOut(Schema):
    region: str | None = Field(description="The child region's code; null: the total line")
    name: str
    invited: int
    responded: int
    rate: float | None


class ResultsOut(Schema):
    questionnaire: int
    region: str | None = Field(description="The region code viewed; null: every response")
    responses: int
    questions: list[QuestionResultOut]
    rates: list[RateOut]


class AnswerLineOut(Schema):
    question: str
    label: str
    values: list[str]
    other: str


class ResponseOut(Schema):
    id: int
    enterprise: str | None
    uscc: str | None
    region: str | None
    source: str
    paper: bool
    submitted_at: datetime
    answers: list[AnswerLineOut]


def _filters(request, questionnaire, query: ResultsQuery) -> selectors.Filters:
    return selectors.Filters(
        region=selectors.region_for_results(request.user, questionnaire, query.region),
        industry=query.industry or "",
        size=query.size or "",
    )


@router.get("/surveys/{int:questionnaire_id}/results", response={200: ResultsOut, **READ})
def results(request, questionnaire_id: Id, query: Query[ResultsQuery]):
    """Every question's statistics and the response rate per child region, for your subtree
    (a bureau) or every response (the owner)."""
    questionnaire = selectors.questionnaire_for_results(request.user, questionnaire_id)
    filters = _filters(request, questionnaire, query)
    found = selectors.results(questionnaire=questionnaire, filters=filters)
    rates = selectors.response_rates(questionnaire=questionnaire, filters=filters)
    return {
        "questionnaire": questionnaire.pk,
        "region": filters.region.code if filters.region else None,
        "responses": found.responses,
        "questions": [
            {
                "id": item.question.pk,
                "name": item.question.name,
                "label": item.question.label,
                "kind": item.question.kind,
                "answered": item.answered,
                "shares": item.shares,
                "matrix": item.matrix,
                "average": item.average,
                "total": item.total,
            }
            for item in found.questions
        ],
        "rates": [
            {
                "region": line.region.code if line.region else None,
                "name": line.region.name if line.region else "",
                "invited": line.invited,
                "responded": line.responded,
                "rate": line.rate,
            }
            for line in rates
        ],
    }


@router.get(
    "/surveys/{int:questionnaire_id}/results/responses/{int:response_id}",
    response={200: ResponseOut, **READ},
)
def response_detail(request, questionnaire_id: Id, response_id: Id):
    """One submitted response in full: its answers in order, hidden questions left out."""
    questionnaire = selectors.questionnaire_for_results(request.user, questionnaire_id)
    response = selectors.response_for_results(request.user, questionnaire, response_id)
    enterprise = response.enterprise
    return {
        "id": response.pk,
        "enterprise": enterprise.name if enterprise else None,
        "uscc": enterprise.uscc if enterprise else None,
        "region": response.region.code if response.region else None,
        "source": response.source,
        "paper": response.source == "paper",
        "submitted_at": response.submitted_at,
        "answers": [
            {
                "question": line.question.name,
                "label": line.question.label,
                "values": line.values,
                "other": line.other,
            }
            for line in selectors.response_answers(response)
        ],
    }


def _table(request, questionnaire_id, query):
    questionnaire = selectors.questionnaire_for_results(request.user, questionnaire_id)
    filters = _filters(request, questionnaire, query)
    responses = selectors.responses_for_results(request.user, questionnaire, filters)
    return exports.Table(questionnaire, responses)


@router.get("/surveys/{int:questionnaire_id}/results/responses.xlsx", response={200: None, **READ})
def export_xlsx(request, questionnaire_id: Id, query: Query[ResultsQuery]):
    """Every response you read, one row each, as xlsx (labels in Chinese)."""
    return exports.xlsx_response(_table(request, questionnaire_id, query))


@router.get("/surveys/{int:questionnaire_id}/results/responses.csv", response={200: None, **READ})
def export_csv(request, questionnaire_id: Id, query: Query[ResultsQuery]):
    """As the xlsx, in CSV (UTF-8 with a BOM), streamed."""
    return exports.csv_response(_table(request, questionnaire_id, query))
