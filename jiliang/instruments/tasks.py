from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from jiliang.instruments.importing import writing


@db_task()
def ledger_import_task(import_id: int, actor_id: int, commit: bool) -> None:
    writing.ledger_import_run(import_id=import_id, actor_id=actor_id, commit=commit)


@db_periodic_task(crontab(minute="*/5"))
def ledger_imports_fail_stale_task() -> None:
    writing.ledger_imports_fail_stale(now=timezone.now())
