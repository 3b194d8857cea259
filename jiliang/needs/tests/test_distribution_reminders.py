"""Automatic reminders before the close date: on the reminder day, once, to the enterprises
that have not submitted (inbox and e-mail); the setting on the form, the API and the page."""

from datetime import datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from jiliang.core.models import AuditEvent
from jiliang.needs.choices import QuestionnaireStatus
from jiliang.needs.forms.questionnaires import QuestionnaireForm
from jiliang.needs.services import answering, distribution
from jiliang.needs.services import questionnaires as services
from jiliang.needs.tasks import remind_before_closing_task
from jiliang.needs.tests.factories import GOOD, survey
from jiliang.notifications.models import Notification
from jiliang.notifications.services import send_queued_emails
from jiliang.notifications.tests.conftest import smtp  # noqa: F401 (the fixture)
from jiliang.orgs.models import Region

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def today():
    return timezone.localdate()


def reminded():
    return sorted(
        Notification.objects.filter(kind="survey").values_list("recipient__username", flat=True)
    )


def owner_of(world):
    return world.organisations["regulator_above"]


def test_those_not_submitted_are_reminded_on_the_day_once(world, today, smtp):  # noqa: F811
    province = Region.objects.get(code="410000")
    form = survey(owner_of(world), region=province, closes_on=today + timedelta(days=3))
    other = world.users["other_enterprise"]
    response = answering.response_start(
        actor=other, questionnaire=form, enterprise=world.organisations["other_enterprise"]
    )
    answering.save_answers(actor=other, response=response, data=GOOD)
    answering.submit_response(actor=other, response=response)

    assert distribution.remind_before_closing(today - timedelta(days=1)) == 0
    assert reminded() == []
    assert distribution.remind_before_closing(today) == 1
    assert reminded() == ["same_enterprise"]
    assert send_queued_emails()["sent"] == 1
    [message] = smtp.messages
    assert message["To"] == "same_enterprise@example.com"
    assert message["Subject"].strip() == f"Reminder: please answer “{form.title}”"
    assert distribution.remind_before_closing(today) == 0  # once
    assert distribution.remind_before_closing(today + timedelta(days=1)) == 0
    assert reminded() == ["same_enterprise"]
    form.refresh_from_db()
    assert form.auto_reminded_on == today
    event = AuditEvent.objects.get(action="needs.questionnaire.reminded")
    assert event.actor is None
    assert event.changes["reminded"] == [None, 1]


def test_only_open_questionnaires_asking_for_it_are_reminded(world, today):
    region, day = world.regions["410100"], today + timedelta(days=3)
    kept = {
        "draft": survey(owner_of(world), region=region, closes_on=day,
                        status=QuestionnaireStatus.DRAFT),
        "closed": survey(owner_of(world), region=region, closes_on=day,
                         status=QuestionnaireStatus.CLOSED),
        "never": survey(owner_of(world), region=region, closes_on=day, reminder_days=0),
        "no date": survey(owner_of(world), region=region),
        "later": survey(owner_of(world), region=region, closes_on=day, reminder_days=2),
    }  # fmt: skip
    due = survey(owner_of(world), region=region, closes_on=today + timedelta(days=5),
                 reminder_days=5, title="due")  # fmt: skip
    assert distribution.remind_before_closing(today) == 1
    due.refresh_from_db()
    assert due.auto_reminded_on == today
    for name, form in kept.items():
        form.refresh_from_db()
        assert form.auto_reminded_on is None, name


def test_a_missed_morning_is_made_up_unless_the_invitation_is_as_recent(world, today):
    region = world.regions["410100"]
    missed = survey(owner_of(world), region=region, closes_on=today + timedelta(days=2),
                    published_at=timezone.now() - timedelta(days=5))  # fmt: skip
    opened_late = survey(owner_of(world), region=region, closes_on=today + timedelta(days=2),
                         published_at=timezone.now())  # fmt: skip
    assert distribution.remind_before_closing(today) == 1
    missed.refresh_from_db()
    opened_late.refresh_from_db()
    assert missed.auto_reminded_on == today
    assert opened_late.auto_reminded_on is None


def test_a_new_close_date_gets_its_own_reminder(world, today, client):
    owner = world.users["regulator_above"]
    form = survey(owner_of(world), region=world.regions["410100"],
                  closes_on=today + timedelta(days=3))  # fmt: skip
    client.force_login(owner)
    client.cookies["django_language"] = "en"
    page = reverse("questionnaires:questionnaire_detail", args=[form.pk])
    assert f"automatic reminder on {today:%Y-%m-%d}" in client.get(page).text
    assert distribution.remind_before_closing(today) == 1
    assert f"reminded automatically on {today:%Y-%m-%d}" in client.get(page).text
    form.refresh_from_db()
    services.questionnaire_update(
        actor=owner, questionnaire=form, data={"closes_on": today + timedelta(days=10)}
    )
    assert form.auto_reminded_on is None
    new_day = today + timedelta(days=7)
    assert f"automatic reminder on {new_day:%Y-%m-%d}" in client.get(page).text
    assert distribution.remind_before_closing(new_day) == 1
    assert reminded() == ["same_enterprise", "same_enterprise"]


def test_the_reminder_days_are_checked_on_the_form_and_in_the_service(world):
    for days, valid in ((0, True), (60, True), (61, False), (-1, False)):
        form = QuestionnaireForm(data={"title": "t", "reminder_days": days})
        assert form.is_valid() is valid, days
        assert valid or list(form.errors) == ["reminder_days"]
    blank = QuestionnaireForm(data={"title": "t"})
    assert blank.is_valid()
    assert blank.cleaned_data["reminder_days"] == 3
    form = survey(owner_of(world), status=QuestionnaireStatus.DRAFT)
    with pytest.raises(ValidationError) as error:
        services.questionnaire_update(
            actor=world.users["regulator_above"], questionnaire=form, data={"reminder_days": 61}
        )
    assert error.value.message_dict == {"reminder_days": ["At most 60 days before the close date."]}


def test_the_reminder_days_through_the_api(world, today):
    client = world.client_for("regulator_above", api=True, language="en")
    form = survey(owner_of(world), region=world.regions["410100"])
    path = f"/api/v1/questionnaires/{form.pk}"
    too_many = client.patch(path, data={"reminder_days": 61}, content_type="application/json")
    assert too_many.status_code == 422
    assert [error["field"] for error in too_many.json()["errors"]] == ["reminder_days"]
    data = {"reminder_days": 5, "closes_on": (today + timedelta(days=20)).isoformat()}
    changed = client.patch(path, data=data, content_type="application/json")  # open: allowed
    assert changed.status_code == 200
    body = changed.json()
    assert (body["reminder_days"], body["reminder_on"], body["auto_reminded_on"]) == (
        5, (today + timedelta(days=15)).isoformat(), None
    )  # fmt: skip
    created = client.post(
        "/api/v1/questionnaires",
        data={"title": "新问卷", "reminder_days": 0},
        content_type="application/json",
    )
    assert (created.status_code, created.json()["reminder_days"]) == (201, 0)


def test_the_daily_task_runs_in_the_beijing_morning():
    task = remind_before_closing_task.task_class()
    assert task.validate_datetime(datetime(2026, 12, 8, 0, 30))  # UTC: 08:30 in Beijing
    assert not task.validate_datetime(datetime(2026, 12, 8, 8, 30))
