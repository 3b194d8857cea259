"""Two workers running the automatic reminders at once (two consumers, or a task retried while
the first still runs) remind each questionnaire once: the conditional claim decides."""

from datetime import timedelta

import pytest
from django.utils import timezone

from jiliang.core.models import AuditEvent
from jiliang.core.testing.threads import in_threads
from jiliang.needs.services import distribution
from jiliang.needs.tests.factories import survey
from jiliang.notifications.models import Notification

ATTEMPTS = 4


@pytest.mark.django_db(transaction=True)
def test_two_workers_reminding_at_once_remind_once(shared_world):
    world = shared_world
    today = timezone.localdate()
    for attempt in range(ATTEMPTS):
        form = survey(
            world.organisations["regulator_above"],
            title=f"race {attempt}",
            region=world.regions["410100"],
            closes_on=today + timedelta(days=3),
        )
        counts = []

        def remind(counts=counts):
            counts.append(distribution.remind_before_closing(today))

        errors = in_threads(2, remind)
        assert errors == [], f"attempt {attempt}"
        assert sorted(counts) == [0, 1], f"attempt {attempt}"
        form.refresh_from_db()
        assert form.auto_reminded_on == today
        assert Notification.objects.filter(kind="survey").count() == attempt + 1
        events = AuditEvent.objects.filter(action="needs.questionnaire.reminded")
        assert events.filter(object_id=str(form.pk)).count() == 1
