from huey.contrib.djhuey import db_task

from jiliang.instruments import services


@db_task()
def ledger_import_task(import_id: int, actor_id: int, commit: bool) -> None:
    services.ledger_import_run(import_id=import_id, actor_id=actor_id, commit=commit)
