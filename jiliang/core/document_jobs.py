"""What users do with documents made in the background: start one."""

from __future__ import annotations

from django.db import transaction

from jiliang.core.documents import registry
from jiliang.core.models import DocumentJob
from jiliang.core.tasks import document_job_task


@transaction.atomic
def document_job_start(*, actor, kind: str, title: str, parameters: dict) -> DocumentJob:
    """Record a document of a registered ``kind`` for ``actor`` and queue the job that makes
    it from ``parameters``; the caller has checked that the actor may read what it holds (the
    job reads it again as the actor, through the app's selectors)."""
    registry.get(kind)
    job = DocumentJob(kind=kind, title=title[:200], parameters=parameters, created_by=actor)
    job.full_clean()
    job.save()
    transaction.on_commit(lambda: document_job_task(job.pk))
    return job
