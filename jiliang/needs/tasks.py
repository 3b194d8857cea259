"""The needs app's background jobs (huey finds them here)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from jiliang.needs.models import Questionnaire
from jiliang.needs.services import distribution


@db_task()
def invite_task(questionnaire_id: int) -> None:
    """Invite an opened questionnaire's audience (queued after the opening commits)."""
    questionnaire = Questionnaire.objects.select_related("owner", "audience_region").filter(
        pk=questionnaire_id
    )
    for found in questionnaire:
        distribution.invite(found)


# huey reads crontabs in UTC: 00:15 UTC is 08:15 in Beijing (TIME_ZONE, Asia/Shanghai), whose
# date the services take as today.
@db_periodic_task(crontab(hour="0", minute="15"))
def close_overdue_task() -> None:
    """In the morning: the questionnaires whose close date was yesterday stop."""
    distribution.close_overdue()


@db_periodic_task(crontab(hour="0", minute="30"))
def remind_before_closing_task() -> None:
    """08:30 in Beijing: the enterprises that have not submitted a questionnaire whose
    reminder day is today are reminded (inbox and e-mail)."""
    distribution.remind_before_closing()
