from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from jiliang.campaigns import services

FULL_RECOUNT_HOUR = 3


# No huey lock: a recount is safe twice or in two workers at once (it recomputes, under the
# campaign's row lock), and a lock left by a killed consumer would stop the recounts for good.
@db_periodic_task(crontab(minute="*/10"))
def recount_task() -> None:
    """Every ten minutes, recount what the platform's records changed since the previous run
    started (a ``RecountRun`` row); at 3:00 (the first run of that hour), everything, which also
    catches a record that stopped counting."""
    from django.utils import timezone

    now = timezone.localtime()
    services.recount_due(full=now.hour == FULL_RECOUNT_HOUR and now.minute < 10)
