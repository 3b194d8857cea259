"""Documents made in the background: the kinds that apps register, and the job that makes one.

A document too large to make while the user waits (labels of more than a few hundred
instruments) is a ``DocumentJob``: ``document_jobs.document_job_start`` records it and queues
the job; the job calls the kind's ``build(job, on_progress)``, which returns the file's content
and name, stores the file and marks the job ready; the user follows its progress on the job's
page and downloads it there. Each app registers its kinds from ``AppConfig.ready()``, by
dotted path (imported when a job runs), so that ``core`` knows no app above it:

    registry.register("instruments.labels", "jiliang.instruments.label_jobs.build")
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from jiliang.core.models import DocumentJob

logger = logging.getLogger(__name__)
# The largest documents are made in a minute or two: a job still running after this has been
# stopped from outside (its worker killed, the machine restarted).
STALE_JOB = timedelta(minutes=30)


@dataclass(frozen=True)
class DocumentKind:
    key: str
    path: str  # "package.module.function": build(job, on_progress) -> (content, filename)

    def build(self, job, on_progress) -> tuple[bytes, str]:
        return import_string(self.path)(job, on_progress)


class DocumentRegistry:
    def __init__(self):
        self._kinds: dict[str, DocumentKind] = {}

    def register(self, key: str, path: str) -> DocumentKind:
        """Add a kind of document; the same again changes nothing, another under a key taken
        is an error."""
        kind = DocumentKind(key=key, path=path)
        existing = self._kinds.get(key)
        if existing is not None and existing != kind:
            raise ImproperlyConfigured(f"Document kind {key!r} is already registered: {existing}.")
        self._kinds[key] = kind
        return kind

    def get(self, key: str) -> DocumentKind:
        try:
            return self._kinds[key]
        except KeyError:
            raise ImproperlyConfigured(f"No document kind {key!r} is registered.") from None


registry = DocumentRegistry()


def document_job_run(*, job_id: int) -> None:
    """The background job: make the document, store it, and say so; a failure is recorded on
    the job, which always ends ready or failed."""
    job = DocumentJob.objects.select_related("created_by").get(pk=job_id)
    DocumentJob.objects.filter(pk=job_id).update(
        status=DocumentJob.Status.RUNNING, progress=0, started=timezone.now()
    )

    def on_progress(percent: int) -> None:
        DocumentJob.objects.filter(pk=job_id).update(progress=min(max(percent, 0), 99))

    try:
        content, filename = registry.get(job.kind).build(job, on_progress)
        job.file.save(filename, ContentFile(content), save=False)
    except Exception as error:  # a job must always end in a state the user can see
        logger.exception("Document job %s failed", job_id)
        DocumentJob.objects.filter(pk=job_id).update(
            status=DocumentJob.Status.FAILED, error=str(error)[:2000], progress=100
        )
        return
    DocumentJob.objects.filter(pk=job_id).update(
        status=DocumentJob.Status.DONE, file=job.file.name, filename=filename, progress=100
    )


def document_jobs_fail_stale(*, now) -> int:
    """Jobs whose worker stopped without a word stay waiting or running: after STALE_JOB they
    are marked failed, so that the user sees it and starts again."""
    running = [DocumentJob.Status.QUEUED, DocumentJob.Status.RUNNING]
    return (
        DocumentJob.objects.filter(status__in=running, created__lt=now - STALE_JOB)
        .exclude(started__gte=now - STALE_JOB)
        .update(
            status=DocumentJob.Status.FAILED,
            progress=100,
            error=_("The document was not finished: the job stopped. Start it again."),
        )
    )
