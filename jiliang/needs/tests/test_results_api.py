"""The results API (statistics with filters, one response, the exports) and every results
view and endpoint against the permission matrix.

The matrix world gets a questionnaire of 郑州市's bureau ("regulator_above") sent to 郑州市,
answered by the enterprise of 金水区. Its results are read by the owner and the platform's
administrators; 开封市's bureau, the institution and the enterprises do not see it (404).
"""

from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.test import override_settings
from django.urls import reverse

from jiliang.core.testing.matrix import SIGNED_IN_ACTORS, MatrixCase, check, matrix_params
from jiliang.needs.models import Answer
from jiliang.needs.tests import factories
from jiliang.needs.tests.results_data import START, respond

READERS = {"regulator_above": 200, "platform_admin": 200}


@pytest.fixture(scope="module")
def media_root(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="module")
def module_world(module_world, media_root):
    """With the questionnaire and its response (a file among its answers), built once."""
    world = module_world
    questionnaire = factories.survey(
        world.organisations["regulator_above"], region=world.regions["410100"]
    )
    world.questionnaire = questionnaire
    world.response = respond(
        questionnaire,
        world.enterprise,
        {"has_lab": "yes", "lab_staff": Decimal(3), "needs": ["training"], "remarks": "好"},
        submitted=START,
    )
    with override_settings(MEDIA_ROOT=media_root):
        Answer.objects.create(
            response=world.response,
            question=questionnaire.questions.get(name="licence"),
            file=ContentFile(b"%PDF-1.7\n", name="licence.pdf"),
        )
    return world


@pytest.fixture(autouse=True)
def survey_world(matrix_world, settings, media_root):
    settings.MEDIA_ROOT = media_root
    return matrix_world


def page(name, *extra):
    return lambda w: reverse(
        f"survey_results:{name}",
        args=[w.questionnaire.pk, *[part(w) for part in extra]],
    )


def api(suffix=""):
    return lambda w: f"/api/v1/surveys/{w.questionnaire.pk}/results{suffix}"


VIEW_CASES = [
    MatrixCase(
        "results-index",
        "get",
        lambda w: reverse("survey_results:index"),
        {"anonymous": 302, **dict.fromkeys(SIGNED_IN_ACTORS, 200)},
    ),
    MatrixCase("results", "get", page("results"), {"anonymous": 302, **READERS}),
    MatrixCase("responses", "get", page("responses"), {"anonymous": 302, **READERS}),
    MatrixCase(
        "response",
        "get",
        page("response", lambda w: w.response.pk),
        {"anonymous": 302, **READERS},
    ),
    MatrixCase(
        "response-file",
        "get",
        page("response_file", lambda w: w.response.pk, lambda w: "licence"),
        {"anonymous": 302, **READERS},
    ),
    MatrixCase(
        "texts",
        "get",
        page("texts", lambda w: w.questionnaire.questions.get(name="remarks").pk),
        {"anonymous": 302, **READERS},
    ),
    MatrixCase("export-xlsx", "get", page("export_xlsx"), {"anonymous": 302, **READERS}),
    MatrixCase("export-csv", "get", page("export_csv"), {"anonymous": 302, **READERS}),
    MatrixCase(
        "export-xlsx-job",
        "post",
        page("export_xlsx"),
        {"anonymous": 302, "regulator_above": 302, "platform_admin": 302},
    ),
]
API_CASES = [
    MatrixCase("api-results", "get", api(), {"anonymous": 401, **READERS}, api=True),
    MatrixCase(
        "api-response",
        "get",
        lambda w: f"{api('/responses/')(w)}{w.response.pk}",
        {"anonymous": 401, **READERS},
        api=True,
    ),
    MatrixCase(
        "api-export-xlsx", "get", api("/responses.xlsx"), {"anonymous": 401, **READERS}, api=True
    ),
    MatrixCase(
        "api-export-csv", "get", api("/responses.csv"), {"anonymous": 401, **READERS}, api=True
    ),
]


@pytest.mark.parametrize(("case", "actor"), matrix_params(VIEW_CASES))
def test_permission_matrix_views(survey_world, case, actor):
    check(survey_world, case, actor)


@pytest.mark.parametrize(("case", "actor"), matrix_params(API_CASES))
def test_permission_matrix_api(survey_world, case, actor):
    check(survey_world, case, actor)


def test_the_results_as_json(survey_world):
    client = survey_world.client_for("regulator_above", api=True)
    body = client.get(api()(survey_world)).json()
    assert body["responses"] == 1
    assert body["region"] is None  # the owner reads every response
    by_name = {question["name"]: question for question in body["questions"]}
    assert by_name["has_lab"]["shares"][0] == {"label": "是", "count": 1, "percent": 100.0}
    assert by_name["lab_staff"]["average"] == 3.0
    jinshui = next(line for line in body["rates"] if line["region"] == "410105")
    assert (jinshui["invited"], jinshui["responded"], jinshui["rate"]) == (1, 1, 100.0)
    filtered = client.get(api()(survey_world), {"size": "medium"}).json()
    assert filtered["responses"] == 0


def test_a_region_outside_or_a_bad_filter_is_a_4xx(survey_world):
    client = survey_world.client_for("regulator_above", api=True)
    kaifeng = survey_world.regions["410200"].pk
    # The owner reads every response, 开封 included (none there).
    assert client.get(api()(survey_world), {"region": kaifeng}).status_code == 200
    assert client.get(api()(survey_world), {"region": 10**9}).status_code == 404
    assert client.get(api()(survey_world), {"industry": "Z"}).status_code == 422


def test_one_response_as_json(survey_world):
    client = survey_world.client_for("platform_admin", api=True)
    body = client.get(f"{api('/responses/')(survey_world)}{survey_world.response.pk}").json()
    assert body["enterprise"] == survey_world.enterprise.name
    assert body["paper"] is False
    answers = {line["question"]: line for line in body["answers"]}
    assert answers["lab_staff"]["values"] == ["3人"]
    assert answers["needs"]["values"] == ["培训"]
    assert "instruments" not in answers  # its section is hidden: calibration not chosen
