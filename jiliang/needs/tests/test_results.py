"""The results against hand-counted figures (see results_data): per question counts,
percentages, averages and a matrix's distribution; filters by region, industry and size;
what each viewer reads; the response rate per region; one response's full view."""

from collections import Counter, defaultdict
from decimal import Decimal
from itertools import product

import pytest
from django.db import transaction
from django.http import Http404
from django.urls import reverse

from jiliang.needs.models import Answer
from jiliang.needs.selectors import results as selectors
from jiliang.needs.services import tallies
from jiliang.needs.tests.results_data import build_survey


@pytest.fixture(scope="module")
def survey(django_db_setup, django_db_blocker):
    """Built once for the module's tests and rolled back after them."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_survey()
        transaction.set_rollback(True)


def figures(survey, viewer="province", region=None, **filters):
    user = survey.users[viewer]
    q = selectors.questionnaire_for_results(user, survey.questionnaire.pk)
    chosen = selectors.region_for_results(user, q, region.pk if region else None)
    found = selectors.results(questionnaire=q, filters=selectors.Filters(chosen, **filters))
    return found, {item.question.name: item for item in found.questions}


def shares(item) -> dict:
    return {share.label: (share.count, share.percent) for share in item.shares}


@pytest.mark.django_db
def test_the_owner_reads_every_submitted_response(survey):
    found, by_name = figures(survey)
    assert found.responses == 3  # the draft d is not counted
    assert by_name["has_lab"].answered == 3
    assert shares(by_name["has_lab"]) == {"是": (1, 33.3), "否": (2, 66.7)}
    assert shares(by_name["needs"]) == {
        "培训": (1, 33.3),
        "检定校准": (2, 66.7),
        "政策": (1, 33.3),
        "其他": (1, 33.3),
    }
    assert by_name["instruments"].answered == 2
    assert by_name["instruments"].average == Decimal(20)
    assert by_name["instruments"].total == Decimal(40)
    assert by_name["lab_staff"].average == Decimal(4)
    speed, price = by_name["satisfaction"].matrix
    assert (speed.label, speed.answered, speed.mean) == ("速度", 2, 4.5)
    assert [(s.label, s.count, s.percent) for s in speed.shares][3:] == [
        ("4", 1, 50.0),
        ("5", 1, 50.0),
    ]
    assert (price.answered, price.mean, price.shares[2].count) == (1, 3.0, 1)
    assert by_name["remarks"].answered == 1
    assert by_name["city"].answered == 0
    assert by_name["city"].average is None
    assert found.charts[f"q{by_name['needs'].question.pk}"] == {
        "kind": "bar",
        "labels": ["培训", "检定校准", "政策", "其他"],
        "values": [1, 2, 1, 1],
    }


@pytest.mark.django_db
def test_a_city_bureau_reads_its_subtree_only(survey):
    found, by_name = figures(survey, "zhengzhou")
    assert found.filters.region.code == "410100"
    assert found.responses == 2
    assert shares(by_name["has_lab"]) == {"是": (1, 50.0), "否": (1, 50.0)}
    assert shares(by_name["needs"])["政策"] == (0, 0.0)
    assert by_name["employees"].answered == 0
    found, by_name = figures(survey, "kaifeng")
    assert found.responses == 1
    assert by_name["employees"].average == Decimal(50)


@pytest.mark.django_db
def test_a_region_filter_and_its_limits(survey):
    found, by_name = figures(survey, region=survey.regions["410200"])
    assert found.responses == 1
    assert shares(by_name["needs"])["政策"] == (1, 100.0)
    with pytest.raises(Http404):  # 开封市's bureau does not read 金水区
        figures(survey, "kaifeng", region=survey.regions["410105"])


@pytest.mark.django_db
def test_industry_and_size_filters(survey, django_assert_num_queries):
    found, by_name = figures(survey, industry="C")
    assert found.responses == 2  # a and c
    assert shares(by_name["needs"]) == {
        "培训": (1, 50.0),
        "检定校准": (1, 50.0),
        "政策": (1, 50.0),
        "其他": (0, 0.0),
    }
    assert by_name["instruments"].average == Decimal(10)
    found, by_name = figures(survey, "zhengzhou", size="medium")
    assert found.responses == 1
    assert shares(by_name["has_lab"])["否"] == (1, 100.0)
    assert by_name["satisfaction"].matrix[0].mean == 4.0
    found, by_name = figures(survey, industry="C", size="small")
    assert found.responses == 2
    assert shares(by_name["has_lab"]) == {"是": (1, 50.0), "否": (1, 50.0)}
    assert by_name["instruments"].total == Decimal(10)
    found, by_name = figures(survey, industry="F", size="small")
    assert found.responses == 0
    assert by_name["has_lab"].answered == 0
    filters = selectors.Filters(survey.regions["410000"], industry="C", size="small")
    with django_assert_num_queries(4):  # the questions, the choices, the tallies, the responses
        selectors.results(questionnaire=survey.questionnaire, filters=filters)


def counted_from_answers(questionnaire, filters) -> dict:
    """The cells of ``selectors.answer_cells``, counted from the answers of the responses that
    match ``filters`` (without totals)."""
    cells, answered = Counter(), defaultdict(set)
    answers = Answer.objects.filter(response__in=filters.responses(questionnaire))
    for answer in answers:
        answered[answer.question_id].add(answer.response_id)
        cell = tallies.cell_key(answer.row_id, answer.choice_id, answer.is_other)
        if cell != (0, 0):
            cells[(answer.question_id, *cell)] += 1
    return cells | {(question, 0, 0): len(ids) for question, ids in answered.items()}


@pytest.mark.django_db
def test_tallies_and_answers_give_the_same_cells(survey):
    q = survey.questionnaire
    questions = list(q.questions.all())
    for region, industry, size in product(
        (None, survey.regions["410100"], survey.regions["410200"]),
        ("", "C", "F"),
        ("", "small", "medium"),
    ):
        filters = selectors.Filters(region, industry, size)
        tallied = selectors.answer_cells(questions, filters)
        assert {key: count for key, (count, _) in tallied.items() if count} == (
            counted_from_answers(q, filters)
        ), filters


@pytest.mark.django_db
def test_the_response_rate_per_child_region(survey):
    q = selectors.questionnaire_for_results(survey.users["province"], survey.questionnaire.pk)
    lines = selectors.response_rates(questionnaire=q, filters=selectors.Filters())
    by_code = {line.region.code if line.region else "total": line for line in lines}
    # 郑州市: a, b and d (a draft) invited, a and b answered; 开封市: c answered, e did not.
    assert (by_code["410100"].invited, by_code["410100"].responded) == (3, 2)
    assert by_code["410100"].rate == 66.7
    assert (by_code["410200"].invited, by_code["410200"].responded, by_code["410200"].rate) == (
        2,
        1,
        50.0,
    )
    assert by_code["410300"].invited == 0
    assert by_code["410300"].rate is None
    assert (by_code["total"].invited, by_code["total"].responded) == (5, 3)
    city = selectors.response_rates(
        questionnaire=q, filters=selectors.Filters(survey.regions["410100"], industry="C")
    )
    jinshui = next(line for line in city if line.region and line.region.code == "410105")
    assert (jinshui.invited, jinshui.responded) == (1, 1)


@pytest.mark.django_db
def test_one_response_in_full_leaves_hidden_questions_out(survey, client):
    client.force_login(survey.users["province"])
    q = survey.questionnaire
    page = client.get(reverse("survey_results:response", args=[q.pk, survey.responses["c"].pk]))
    assert page.status_code == 200
    names = [line.question.name for line in page.context["lines"]]
    # c said no lab (lab_staff hidden) and did not choose calibration (its section hidden).
    assert names == ["has_lab", "needs", "founded", "remarks", "employees"]
    assert b'id="paper-badge"' in page.content
    lines = selectors.response_answers(survey.responses["b"])
    by_name = {line.question.name: line for line in lines}
    assert by_name["needs"].values == ["检定校准"]
    assert by_name["needs"].other == "能源计量"
    assert by_name["instruments"].values == ["30台"]
    assert by_name["satisfaction"].values == ["速度：4"]
    assert by_name["founded"].values == []  # shown, not answered


@pytest.mark.django_db
def test_the_results_page_and_the_texts(survey, client, django_assert_max_num_queries):
    client.force_login(survey.users["zhengzhou"])
    q = survey.questionnaire
    with django_assert_max_num_queries(20):
        page = client.get(reverse("survey_results:results", args=[q.pk]))
    assert page.status_code == 200
    assert page.context["results"].responses == 2
    assert b'id="survey-chart-data"' in page.content
    assert b"jl-chart" in page.content
    remarks = q.questions.get(name="remarks")
    texts = client.get(reverse("survey_results:texts", args=[q.pk, remarks.pk]))
    assert [a.text for a in texts.context["object_list"]] == ["需要培训"]
    listing = client.get(reverse("survey_results:responses", args=[q.pk]), {"industry": "F"})
    assert [r.enterprise.name for r in listing.context["object_list"]] == ["企业B"]
    client.force_login(survey.users["kaifeng"])
    outside = client.get(reverse("survey_results:response", args=[q.pk, survey.responses["a"].pk]))
    assert outside.status_code == 404
    assert (
        client.get(reverse("survey_results:texts", args=[q.pk, remarks.pk])).context["object_list"]
        == []
    )
