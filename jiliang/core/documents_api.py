"""The API of documents made in the background: a job's state, and its file once ready. Apps
start the jobs (``POST /instruments/labels``)."""

from datetime import datetime

from django.http import FileResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Router
from ninja.errors import HttpError

from jiliang.core.api import ErrorOut, Id, Schema, get_visible_or_404
from jiliang.core.models import DocumentJob

router = Router(tags=["documents"])


class DocumentJobOut(Schema):
    id: int
    kind: str
    title: str
    status: str
    progress: int
    created: datetime
    filename: str
    error: str
    download: str | None

    @staticmethod
    def resolve_download(job) -> str | None:
        if job.status != DocumentJob.Status.DONE:
            return None
        return reverse("api:document_job_download", kwargs={"job_id": job.pk})


@router.get("/documents/{int:job_id}", response=DocumentJobOut)
def document_job(request, job_id: Id):
    """A document being made: queued, running (with its progress in percent), done (with the
    path to download it) or failed (with the error). Yours only."""
    return get_visible_or_404(DocumentJob, request, pk=job_id)


@router.get("/documents/{int:job_id}/download", response={200: None, 409: ErrorOut})
def document_job_download(request, job_id: Id):
    """The finished document; 409 while it is being made or when it failed."""
    job = get_visible_or_404(DocumentJob, request, pk=job_id)
    if job.status != DocumentJob.Status.DONE or not job.file:
        raise HttpError(409, _("The document is not ready."))
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.filename)
