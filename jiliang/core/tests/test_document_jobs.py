"""Documents made in the background: the registry, the job (progress, failure, stale) and its
pages."""

from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from jiliang.core import documents
from jiliang.core.document_jobs import document_job_start
from jiliang.core.models import DocumentJob
from jiliang.core.testing.matrix import MatrixCase, check, matrix_params

pytestmark = pytest.mark.django_db
KIND = "tests.sample"
FAILING = "tests.failing"
SEEN = []  # the progress the job had in the database while it ran


def build_sample(job, on_progress):
    on_progress(40)
    SEEN.append(DocumentJob.objects.get(pk=job.pk).progress)
    SEEN.append(DocumentJob.objects.get(pk=job.pk).status)
    return b"%PDF-1.7 " + job.parameters["text"].encode(), "sample.pdf"


def build_failing(job, on_progress):
    raise ValueError("the printer ran out of ink")


documents.registry.register(KIND, f"{__name__}.build_sample")
documents.registry.register(FAILING, f"{__name__}.build_failing")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def start(user, kind=KIND):
    return document_job_start(actor=user, kind=kind, title="Sample", parameters={"text": "hello"})


def test_registering_the_same_again_changes_nothing_and_another_is_refused():
    assert documents.registry.register(KIND, f"{__name__}.build_sample").key == KIND
    with pytest.raises(ImproperlyConfigured):
        documents.registry.register(KIND, f"{__name__}.build_failing")
    with pytest.raises(ImproperlyConfigured):
        documents.registry.get("tests.unknown")


def test_a_job_reports_progress_and_ends_with_its_file(world, django_capture_on_commit_callbacks):
    SEEN.clear()
    user = world.users["same_enterprise"]
    with django_capture_on_commit_callbacks(execute=True):
        job = start(user)
    assert job.status == DocumentJob.Status.QUEUED  # recorded before the job runs
    job.refresh_from_db()
    assert SEEN == [40, DocumentJob.Status.RUNNING]
    assert (job.status, job.progress, job.filename) == ("done", 100, "sample.pdf")
    assert job.file.read() == b"%PDF-1.7 hello"
    assert job.started is not None


def test_a_failing_job_ends_failed_with_the_error(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = start(world.users["same_enterprise"], kind=FAILING)
    job.refresh_from_db()
    assert (job.status, job.progress) == ("failed", 100)
    assert "ran out of ink" in job.error
    assert not job.file


def test_an_unknown_kind_is_not_started(world):
    with pytest.raises(ImproperlyConfigured):
        start(world.users["same_enterprise"], kind="tests.unknown")
    assert not DocumentJob.objects.exists()


def test_stale_jobs_are_marked_failed(world, english):
    user = world.users["same_enterprise"]
    now = timezone.now()
    long_ago = now - documents.STALE_JOB - timedelta(minutes=1)
    running = DocumentJob.objects.create(
        kind=KIND, title="stuck", created_by=user, status="running", started=long_ago
    )
    waiting = DocumentJob.objects.create(kind=KIND, title="never ran", created_by=user)
    fresh = DocumentJob.objects.create(
        kind=KIND, title="working", created_by=user, status="running", started=now
    )
    DocumentJob.objects.filter(pk__in=[running.pk, waiting.pk, fresh.pk]).update(created=long_ago)
    DocumentJob.objects.create(
        kind=KIND, title="done", created_by=user, status="done", started=long_ago
    )

    assert documents.document_jobs_fail_stale(now=now) == 2

    statuses = dict(DocumentJob.objects.values_list("title", "status"))
    assert statuses == {
        "stuck": "failed",
        "never ran": "failed",
        "working": "running",
        "done": "done",
    }
    assert "Start it again" in DocumentJob.objects.get(pk=running.pk).error


def test_the_page_polls_while_running_and_offers_the_file_when_done(world, english):
    user = world.users["same_enterprise"]
    job = DocumentJob.objects.create(
        kind=KIND,
        title="Labels of 300 instruments",
        created_by=user,
        status="running",
        progress=37,
    )
    client = world.client_for("same_enterprise")
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Labels of 300 instruments" in page
    assert 'hx-trigger="every 1s"' in page
    assert 'value="37"' in page
    assert reverse("core:document_job_download", args=[job.pk]) not in page
    assert client.get(reverse("core:document_job_download", args=[job.pk])).status_code == 404

    job.file.save("labels.pdf", ContentFile(b"%PDF-1.7 labels"), save=False)
    DocumentJob.objects.filter(pk=job.pk).update(
        status="done", progress=100, file=job.file.name, filename="labels.pdf"
    )
    partial = client.get(job.get_absolute_url(), headers={"hx-request": "true"}).content.decode()
    assert "every 1s" not in partial
    assert reverse("core:document_job_download", args=[job.pk]) in partial
    download = client.get(reverse("core:document_job_download", args=[job.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert "attachment" in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == b"%PDF-1.7 labels"


def done_job(world) -> DocumentJob:
    job = DocumentJob.objects.create(
        kind=KIND,
        title="Sample",
        created_by=world.users["same_enterprise"],
        status="done",
        filename="sample.pdf",
    )
    job.file.save("sample.pdf", ContentFile(b"%PDF-1.7"), save=True)
    return job


def test_the_api_says_409_until_the_document_is_ready(world):
    job = DocumentJob.objects.create(
        kind=KIND, title="Sample", created_by=world.users["same_enterprise"], status="running"
    )
    client = world.client_for("same_enterprise", api=True)
    state = client.get(f"/api/v1/documents/{job.pk}").json()
    assert (state["status"], state["download"]) == ("running", None)
    response = client.get(f"/api/v1/documents/{job.pk}/download")
    assert response.status_code == 409
    assert set(response.json()) == {"detail", "errors"}


# Only the user who asked for a document (and platform administrators) see and download it.
OWNER = {"anonymous": 302, "same_enterprise": 200, "platform_admin": 200}
OWNER_API = {**OWNER, "anonymous": 401}
CASES = [
    MatrixCase("document-job", "get", lambda w: done_job(w).get_absolute_url(), OWNER),
    MatrixCase(
        "document-job-download",
        "get",
        lambda w: reverse("core:document_job_download", args=[done_job(w).pk]),
        OWNER,
    ),
    MatrixCase(
        "api-document-job",
        "get",
        lambda w: f"/api/v1/documents/{done_job(w).pk}",
        OWNER_API,
        api=True,
    ),
    MatrixCase(
        "api-document-job-download",
        "get",
        lambda w: f"/api/v1/documents/{done_job(w).pk}/download",
        OWNER_API,
        api=True,
    ),
]


@pytest.mark.parametrize(("case", "actor"), matrix_params(CASES))
def test_permission_matrix(world, case, actor):
    check(world, case, actor)
