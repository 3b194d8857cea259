"""Label sheets of long lists: made by a background job (core.documents) the user follows."""

import re
import subprocess

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from jiliang.core.models import DocumentJob
from jiliang.instruments import label_jobs
from jiliang.instruments.tests.conftest import add_instrument, add_record
from jiliang.instruments.views import labels as label_views

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture(autouse=True)
def small_batches(monkeypatch, settings, tmp_path):
    """Two labels are drawn at once, more by the job; files under a temporary media root."""
    monkeypatch.setattr(label_views, "LABELS_AT_ONCE", 2)
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def ledger(world):
    """Three vernier callipers and a pressure gauge."""
    made = []
    for number in range(3):
        instrument = add_instrument(world, management_number=f"JOB-{number}")
        add_record(world, instrument)
        made.append(instrument)
    made.append(add_instrument(world, management_number="JOB-GAUGE", name="压力表"))
    return made


def pdf_text(tmp_path, content: bytes) -> str:
    path = tmp_path / "labels.pdf"
    path.write_bytes(content)
    return subprocess.run(
        ["/usr/bin/pdftotext", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def test_a_short_list_is_printed_at_once(world, ledger):
    client = world.client_for("same_enterprise")
    response = client.get(reverse("instruments:label_sheet"), {"q": "JOB-1"})
    assert response["Content-Type"] == "application/pdf"
    assert not DocumentJob.objects.exists()


def test_a_long_list_offers_the_job_and_the_job_makes_the_filtered_labels(
    world, ledger, tmp_path, django_capture_on_commit_callbacks
):
    client = world.client_for("same_enterprise")
    client.cookies["django_language"] = "en"  # the words as their msgids
    url = f"{reverse('instruments:label_sheet')}?q=游标卡尺"
    page = client.get(url).content.decode()
    assert "The list holds 3 instruments" in page
    assert re.search(r'<form method="post" action="[^"]*labels.pdf\?q=%E6%B8%B8', page)
    assert not DocumentJob.objects.exists()  # a GET starts nothing

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)

    job = DocumentJob.objects.get()
    assert response.url == job.get_absolute_url()
    job.refresh_from_db()
    assert (job.kind, job.status, job.progress, job.title) == (
        "instruments.labels",
        "done",
        100,
        "Labels of 3 instruments",
    )
    assert job.created_by == world.users["same_enterprise"]
    text = pdf_text(tmp_path, job.file.read())
    assert all(f"JOB-{number}" in text for number in range(3))
    assert "JOB-GAUGE" not in text  # the list's filter holds in the job
    download = client.get(reverse("core:document_job_download", args=[job.pk]))
    assert download.status_code == 200
    # Someone else cannot follow it nor download it.
    other = world.client_for("other_enterprise")
    assert other.get(job.get_absolute_url()).status_code == 404


def test_a_job_whose_list_became_empty_fails_with_a_message(
    world, ledger, django_capture_on_commit_callbacks
):
    client = world.client_for("same_enterprise")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{reverse('instruments:label_sheet')}?q=游标卡尺")
        # The instruments leave the list between the request and the job.
        job = DocumentJob.objects.get()
        job.parameters["filters"]["query"] = "nothing-matches"
        job.save()
    job.refresh_from_db()
    assert job.status == "failed"
    # The job speaks the site's language: the message is the existing one, translated.
    with translation.override(settings.LANGUAGE_CODE):
        assert job.error == translation.gettext(
            "No instruments match: there are no labels to print."
        )


def test_an_outsider_starts_nothing(world, ledger):
    response = world.client_for("other_enterprise").post(reverse("instruments:label_sheet"))
    assert response.status_code == 302
    assert not DocumentJob.objects.exists()


def test_the_api_starts_the_job_and_serves_the_file(
    world, ledger, tmp_path, django_capture_on_commit_callbacks
):
    client = world.client_for("same_enterprise", api=True)
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post("/api/v1/instruments/labels?q=游标卡尺")
    assert started.status_code == 202
    assert started.json()["status"] == "queued"
    state = client.get(f"/api/v1/documents/{started.json()['id']}").json()
    assert (state["status"], state["progress"], state["filename"]) == ("done", 100, "labels.pdf")
    download = client.get(state["download"])
    assert download["Content-Type"] == "application/pdf"
    text = pdf_text(tmp_path, b"".join(download.streaming_content))
    assert "JOB-2" in text
    assert "JOB-GAUGE" not in text


def test_the_api_refuses_an_empty_list(world, ledger):
    client = world.client_for("same_enterprise", api=True)
    response = client.post("/api/v1/instruments/labels?q=nothing-matches")
    assert response.status_code == 400
    with translation.override(settings.LANGUAGE_CODE):
        assert response.json()["detail"] == translation.gettext(
            "No instruments match: there are no labels to print."
        )
    assert not DocumentJob.objects.exists()


def test_a_list_over_the_limit_is_refused(world, ledger, monkeypatch):
    monkeypatch.setattr(label_jobs, "LABEL_SHEET_LIMIT", 3)
    client = world.client_for("same_enterprise")
    response = client.get(reverse("instruments:label_sheet"))  # four instruments
    assert response.status_code == 302
    assert response.url.startswith(reverse("instruments:instrument_list"))
    assert client.post(reverse("instruments:label_sheet")).status_code == 302
    api = world.client_for("same_enterprise", api=True)
    assert api.post("/api/v1/instruments/labels").status_code == 400
    assert not DocumentJob.objects.exists()
