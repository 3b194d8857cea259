from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from jiliang.core import documents


@db_task()
def document_job_task(job_id: int) -> None:
    documents.document_job_run(job_id=job_id)


@db_periodic_task(crontab(minute="*/5"))
def document_jobs_fail_stale_task() -> None:
    documents.document_jobs_fail_stale(now=timezone.now())
