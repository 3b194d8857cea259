"""File answers through the API: uploaded (multipart) to a draft, replaced, removed, and
downloaded by those who see the response; every refusal a 4xx JSON naming the question."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jiliang.core.uploads import MAX_DOCUMENT_BYTES
from jiliang.needs.models import Answer
from jiliang.needs.services import answering
from jiliang.needs.tests.factories import GOOD, survey

pytestmark = pytest.mark.usefixtures("english")

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
PDF = b"%PDF-1.7\n" + b"0" * 64


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def draft(world):
    form = survey(world.organisations["regulator_above"], region=world.regions["410100"])
    return answering.response_start(
        actor=world.users["same_enterprise"], questionnaire=form, enterprise=world.enterprise
    )


def client(world, actor="same_enterprise"):
    return world.client_for(actor, api=True, language="en")


def path(response, name="licence"):
    return f"/api/v1/survey-responses/{response.pk}/files/{name}"


def upload(world, response, content, *, name="licence", filename="licence.png", actor=None):
    file = SimpleUploadedFile(filename, content)
    return client(world, actor or "same_enterprise").post(path(response, name), {"file": file})


def errors(reply) -> list:
    return [(error["field"], error["message"]) for error in reply.json()["errors"]]


def test_a_file_is_uploaded_replaced_downloaded_and_removed(world, draft):
    sent = upload(world, draft, PNG)
    assert sent.status_code == 200
    [(name, shown)] = sent.json()["files"].items()
    assert (name, shown["name"]) == ("licence", "licence.png")
    assert sent.json()["answers"]["licence"].startswith("survey-files/")
    for actor in ("same_enterprise", "same_enterprise_viewer", "regulator_above"):
        got = client(world, actor).get(shown["url"])
        assert (got.status_code, got["Content-Type"]) == (200, "image/png"), actor
        assert b"".join(got.streaming_content) == PNG
    assert client(world, "other_enterprise").get(shown["url"]).status_code == 404
    replaced = upload(world, draft, PDF, filename="licence.pdf")
    assert replaced.json()["files"]["licence"]["name"] == "licence.pdf"
    assert Answer.objects.filter(response=draft).count() == 1
    removed = client(world).delete(path(draft))
    assert removed.status_code == 200
    assert (removed.json()["files"], removed.json()["answers"]) == ({}, {})
    assert client(world).get(shown["url"]).status_code == 404


def test_only_a_file_question_takes_a_file(world, draft):
    wrong = upload(world, draft, PNG, name="remarks")
    assert wrong.status_code == 400
    assert errors(wrong) == [("remarks", "The questionnaire has no file question named remarks.")]
    assert errors(upload(world, draft, PNG, name="colour"))[0][0] == "colour"
    assert errors(client(world).delete(path(draft, "remarks")))[0][0] == "remarks"
    assert client(world).post(path(draft)).status_code == 422  # no file sent
    assert not Answer.objects.exists()


def test_too_large_and_hostile_files_are_refused_naming_the_question(world, draft):
    large = upload(world, draft, PNG + b"\0" * MAX_DOCUMENT_BYTES)
    assert large.status_code == 400
    [(field, message)] = errors(large)
    assert field == "licence"
    assert message.startswith("“营业执照”: licence.png is 10.0")
    assert "the limit is 10.0" in message
    for filename, content in (
        ("licence.png", PNG + b"<script>alert(1)</script>"),
        ("licence.pdf", b"<html><body>not a PDF</body></html>"),
    ):
        hostile = upload(world, draft, content, filename=filename)
        assert hostile.status_code == 400
        assert errors(hostile) == [
            ("licence", f"“营业执照”: {filename} is not a PDF, PNG or JPEG file.")
        ]
    assert not Answer.objects.exists()


def test_a_submitted_response_and_others_responses_are_refused(world, draft):
    assert upload(world, draft, PNG, actor="other_enterprise").status_code == 404
    assert upload(world, draft, PNG, actor="same_enterprise_viewer").status_code == 403
    assert client(world, "other_enterprise").delete(path(draft)).status_code == 404
    user = world.users["same_enterprise"]
    answering.save_answers(actor=user, response=draft, data=GOOD)
    answering.submit_response(actor=user, response=draft)
    late = upload(world, draft, PNG)
    assert late.status_code == 400
    assert late.json()["detail"].startswith("This enterprise has already submitted")
    assert client(world).delete(path(draft)).status_code == 400
    assert not Answer.objects.filter(question__name="licence").exists()


def test_the_results_link_the_submitted_file_for_those_who_read_them(world, draft):
    upload(world, draft, PNG)
    actor = world.users["same_enterprise"]
    calibration = {**GOOD, "needs": ["calibration"], "instruments": "10"}  # shows the file
    answering.save_answers(actor=actor, response=draft, data=calibration)
    answering.submit_response(actor=actor, response=draft)
    form = draft.questionnaire
    link = reverse("survey_results:response_file", args=[form.pk, draft.pk, "licence"])
    owner = world.client_for("regulator_above", language="en")
    page = owner.get(reverse("survey_results:response", args=[form.pk, draft.pk]))
    assert f'href="{link}"' in page.text
    got = owner.get(link)
    assert (got.status_code, got["Content-Type"]) == (200, "image/png")
    assert got["Content-Security-Policy"].startswith("sandbox")
    assert b"".join(got.streaming_content) == PNG
    missing = reverse("survey_results:response_file", args=[form.pk, draft.pk, "remarks"])
    assert owner.get(missing).status_code == 404
    for outsider in ("other_enterprise", "sibling_regulator", "institution"):
        assert world.client_for(outsider).get(link).status_code == 404, outsider
