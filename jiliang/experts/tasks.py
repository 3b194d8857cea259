"""The experts app's background jobs (huey finds them here)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from jiliang.experts.services import consultations, problems


# huey reads crontabs in UTC: 00:45 UTC is 08:45 in Beijing, whose date the services take as
# today.
@db_periodic_task(crontab(hour="0", minute="45"))
def flag_overdue_problems_task() -> None:
    """In the morning: the problems past their target date are flagged to their bureau once."""
    problems.flag_overdue()


@db_periodic_task(crontab(hour="0", minute="50"))
def escalate_overdue_consultations_task() -> None:
    """08:50 in Beijing: questions unanswered past their due date go to their field's group,
    each once."""
    consultations.escalate_overdue()


@db_periodic_task(crontab(minute="5"))
def route_waiting_consultations_task() -> None:
    """Every hour: questions that found no available expert go to one who is available now."""
    consultations.route_waiting()
