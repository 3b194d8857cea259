"""Every answering and distribution page and endpoint against the permission matrix.

郑州市's bureau ("regulator_above") owns an open questionnaire sent to the enterprises of
郑州市: the enterprise of 金水区 ("same_enterprise") answers it (its viewer sees it but may
not answer: 403); the owner sends it out and, like the bureaus above an enterprise, enters
paper questionnaires; everyone else is told it does not exist (404). A refusal changes
nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jiliang.core.testing.matrix import (
    ALL_ACTORS,
    MatrixCase,
    check,
    database_fingerprint,
    matrix_params,
)
from jiliang.needs.choices import QuestionnaireStatus
from jiliang.needs.models import Questionnaire, Response
from jiliang.needs.services import answering
from jiliang.needs.tests.factories import GOOD, survey

OWNERS = {"regulator_above": 200, "platform_admin": 200}
ANSWERER = {"same_enterprise": 200, "same_enterprise_viewer": 403}
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


@pytest.fixture(scope="module")
def module_world(module_world):
    """With 郑州市's open questionnaire (public link on), built once for the module's tests."""
    module_world.survey = survey(
        module_world.organisations["regulator_above"],
        region=module_world.regions["410100"],
        public_link_enabled=True,
    )
    return module_world


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def form(world):
    return Questionnaire.objects.get(pk=world.survey.pk)


def draft(world):
    """The enterprise's draft, answered enough to submit."""
    user = world.users["same_enterprise"]
    response = answering.response_start(
        actor=user, questionnaire=form(world), enterprise=world.enterprise
    )
    answering.save_answers(actor=user, response=response, data=GOOD)
    return response


def with_file(world):
    """The enterprise's draft with its licence uploaded."""
    response = draft(world)
    licence = SimpleUploadedFile("licence.png", PNG)
    answering.save_file(
        actor=world.users["same_enterprise"], response=response, name="licence", upload=licence
    )
    return response


def unopened(world):
    return survey(
        world.organisations["regulator_above"],
        title="草稿",
        region=world.regions["410100"],
        status=QuestionnaireStatus.DRAFT,
    )


def page(name, *parts):
    return lambda world: reverse(f"answering:{name}", args=[part(world) for part in parts])


def pk_of(getter):
    return lambda world: getter(world).pk


def enterprise_pk(world):
    return world.enterprise.pk


def token(world):
    return form(world).public_token


def signed_in(ok: dict, anonymous=302):
    return {"anonymous": anonymous, **ok}


VIEW_CASES = [
    MatrixCase("surveys", "get", page("surveys"), {"anonymous": 302}, default=200),
    MatrixCase(
        "answer",
        "get",
        page("answer", pk_of(form), enterprise_pk),
        signed_in({"same_enterprise": 200, "same_enterprise_viewer": 200}),
    ),
    MatrixCase(
        "answer_save",
        "post",
        page("answer", pk_of(form), enterprise_pk),
        signed_in({"same_enterprise": 302, "same_enterprise_viewer": 403}),
        data=lambda world: {"has_lab": "yes", "save": ""},
    ),
    MatrixCase("paper", "get", page("paper", pk_of(form)), signed_in(OWNERS)),
    MatrixCase(
        "paper_entry",
        "post",
        page("paper_entry", pk_of(form), enterprise_pk),
        signed_in({"regulator_above": 302, "platform_admin": 302}),
        data=lambda world: {**GOOD, "submit": ""},
    ),
    MatrixCase("distribution", "get", page("distribution", pk_of(form)), signed_in(OWNERS)),
    MatrixCase(
        "distribution_save",
        "post",
        page("distribution", pk_of(form)),
        signed_in({"regulator_above": 302, "platform_admin": 302}),
        data=lambda world: {"audience_region": world.regions["410105"].pk},
    ),
    MatrixCase(
        "open",
        "post",
        page("open", pk_of(unopened)),
        signed_in({"regulator_above": 302, "platform_admin": 302}),
    ),
    MatrixCase(
        "remind",
        "post",
        page("remind", pk_of(form)),
        signed_in({"regulator_above": 302, "platform_admin": 302}),
    ),
    MatrixCase(
        "close",
        "post",
        page("close", pk_of(form)),
        signed_in({"regulator_above": 302, "platform_admin": 302}),
    ),
    MatrixCase("public", "get", page("public", token), {}, default=200),
]


def api(path):
    return lambda world: "/api/v1" + path(world)


API_CASES = [
    MatrixCase(
        "api_to_answer",
        "get",
        api(lambda world: "/surveys/to-answer"),
        {"anonymous": 401},
        default=200,
        api=True,
    ),
    MatrixCase(
        "api_start",
        "post",
        api(lambda world: f"/surveys/{world.survey.pk}/responses"),
        signed_in(ANSWERER, anonymous=401),
        data=lambda world: {"enterprise": world.enterprise.pk},
        api=True,
    ),
    MatrixCase(
        "api_response",
        "get",
        api(lambda world: f"/survey-responses/{draft(world).pk}"),
        signed_in({"same_enterprise": 200, "same_enterprise_viewer": 200, **OWNERS}, anonymous=401),
        api=True,
    ),
    MatrixCase(
        "api_answers",
        "put",
        api(lambda world: f"/survey-responses/{draft(world).pk}/answers"),
        signed_in({**ANSWERER, "regulator_above": 403, "platform_admin": 200}, anonymous=401),
        data=lambda world: {"answers": {"remarks": "好"}},
        api=True,
    ),
    MatrixCase(
        "api_submit",
        "post",
        api(lambda world: f"/survey-responses/{draft(world).pk}/submit"),
        signed_in({**ANSWERER, "regulator_above": 403, "platform_admin": 200}, anonymous=401),
        api=True,
    ),
    MatrixCase(
        "api_file",
        "get",
        api(lambda world: f"/survey-responses/{with_file(world).pk}/files/licence"),
        signed_in({"same_enterprise": 200, "same_enterprise_viewer": 200, **OWNERS}, anonymous=401),
        api=True,
    ),
    MatrixCase(
        "api_file_remove",
        "delete",
        api(lambda world: f"/survey-responses/{with_file(world).pk}/files/licence"),
        signed_in({**ANSWERER, "regulator_above": 403, "platform_admin": 200}, anonymous=401),
        api=True,
    ),
    MatrixCase(
        "api_paper",
        "post",
        api(lambda world: f"/surveys/{world.survey.pk}/paper"),
        signed_in({"regulator_above": 201, "platform_admin": 201}, anonymous=401),
        data=lambda world: {"enterprise": world.enterprise.pk, "answers": GOOD},
        api=True,
    ),
    MatrixCase(
        "api_audience",
        "put",
        api(lambda world: f"/questionnaires/{world.survey.pk}/audience"),
        signed_in(OWNERS, anonymous=401),
        data=lambda world: {"audience_region": "410105"},
        api=True,
    ),
    MatrixCase(
        "api_open",
        "post",
        api(lambda world: f"/questionnaires/{unopened(world).pk}/open"),
        signed_in(OWNERS, anonymous=401),
        api=True,
    ),
    MatrixCase(
        "api_remind",
        "post",
        api(lambda world: f"/questionnaires/{world.survey.pk}/remind"),
        signed_in(OWNERS, anonymous=401),
        api=True,
    ),
    MatrixCase(
        "api_close",
        "post",
        api(lambda world: f"/questionnaires/{world.survey.pk}/close"),
        signed_in(OWNERS, anonymous=401),
        api=True,
    ),
]


@pytest.mark.parametrize(("case", "actor"), matrix_params(VIEW_CASES + API_CASES))
def test_permission_matrix_answering(matrix_world, case, actor):
    check(matrix_world, case, actor)
    if case.name == "api_submit" and actor in ("same_enterprise", "platform_admin"):
        assert Response.objects.get().status == "submitted"


UPLOAD = signed_in({**ANSWERER, "regulator_above": 403, "platform_admin": 200}, anonymous=401)


@pytest.mark.parametrize("actor", ALL_ACTORS)
def test_permission_matrix_answering_file_upload(matrix_world, actor):
    """The upload is multipart, which ``check`` does not send: the same checks by hand."""
    world = matrix_world
    url = f"/api/v1/survey-responses/{draft(world).pk}/files/licence"
    before = database_fingerprint()
    licence = SimpleUploadedFile("licence.png", PNG)
    reply = world.client_for(actor, api=True).post(url, {"file": licence})
    expected = UPLOAD.get(actor, 404)
    assert reply.status_code == expected, f"{actor}: {reply.status_code}, expected {expected}"
    if expected >= 400:
        assert database_fingerprint() == before
