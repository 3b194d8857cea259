"""The e-mail outbox against a real SMTP server: delivery, refusals, retries with backoff,
connections that drop or never answer, interrupted sends, two senders at once."""

from collections import Counter
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone

from jiliang.core.testing.threads import in_threads
from jiliang.notifications import services
from jiliang.notifications.models import (
    Email,
    Notification,
    NotificationPreference,
    ReminderProblem,
    ReminderRun,
)
from jiliang.notifications.tests.conftest import member


def tell(world, *users, title="检定到期：游标卡尺"):
    services.notify(
        recipients=users,
        kind="test",
        title=title,
        lines=["JL-001 游标卡尺 — 2026-12-22", "JL-002 电子计价秤 — 2026-12-29"],
        url="/instruments/?id=1&id=2",
        organisation=world.enterprise,
    )


def users(world, count):
    return [member(world, f"user-{number}") for number in range(count)]


def test_a_message_goes_out_once_as_chinese_text_and_html(world, smtp):
    admin = world.users["same_enterprise"]
    tell(world, admin)
    assert services.send_queued_emails() == {"sent": 1, "retry": 0, "failed": 0, "uncertain": 0}
    assert services.send_queued_emails()["sent"] == 0
    [message] = smtp.messages
    assert message["Subject"] == "检定到期：游标卡尺"
    assert "=?utf-8?" in message.as_string()  # encoded on the wire, decoded above
    assert message["To"] == admin.email
    assert message["From"] == settings.DEFAULT_FROM_EMAIL
    email = Email.objects.get()
    assert message["Message-ID"] == f"<jiliang-{email.pk}-{email.created:%Y%m%d}@jiliang>"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "JL-002 电子计价秤 — 2026-12-29" in text
    assert f"{settings.JILIANG_SITE_URL}/instruments/?id=1&id=2" in text
    assert "<li>JL-001 游标卡尺 — 2026-12-22</li>" in html
    assert f'<html lang="{settings.LANGUAGE_CODE}">' in html
    assert f'href="{settings.JILIANG_SITE_URL}/instruments/?id=1&amp;id=2"' in html
    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error) == (Email.Status.SENT, 0, "")
    assert email.sent_at is not None
    assert Notification.objects.get(recipient=admin).title == "检定到期：游标卡尺"


def test_channels_as_each_user_chose(world, smtp):
    inbox_only, mail_only, neither = users(world, 3)
    NotificationPreference.objects.create(user=inbox_only, by_email=False)
    NotificationPreference.objects.create(user=mail_only, in_app=False)
    NotificationPreference.objects.create(user=neither, by_email=False, in_app=False)
    run = ReminderRun.objects.create(date=timezone.localdate())
    messages = [
        services.Message(
            recipient=user, kind="test", title="到期", organisation_id=world.enterprise.pk
        )
        for user in (inbox_only, mail_only, neither)
    ]
    assert services.deliver_many(messages, problem_run=run) == {
        "notifications": 1,
        "emails": 1,
        "problems": 1,
    }
    services.send_queued_emails()
    assert smtp.recipients() == [mail_only.email]
    assert list(Notification.objects.values_list("recipient", flat=True)) == [inbox_only.pk]
    assert ReminderProblem.objects.get().kind == ReminderProblem.Kind.NO_CHANNEL


def test_a_refused_recipient_fails_for_good_and_the_admin_sees_it(world, smtp):
    refused, welcome = users(world, 2)
    smtp.refuse = {refused.email}
    tell(world, refused, welcome)
    assert services.send_queued_emails() == {"sent": 1, "retry": 0, "failed": 1, "uncertain": 0}
    failed = Email.objects.visible_to(world.users["same_enterprise"]).get(to=refused.email)
    assert failed.status == Email.Status.FAILED
    assert "550" in failed.last_error
    later = timezone.now() + timedelta(days=1)
    assert services.send_queued_emails(now=later)["sent"] == 0
    assert smtp.recipients() == [welcome.email]
    assert not Email.objects.visible_to(world.users["same_enterprise_viewer"]).exists()


@pytest.mark.parametrize("stage", ["RCPT", "DATA"])
def test_a_temporary_refusal_is_retried_with_backoff_and_sent_once(world, smtp, stage):
    user = users(world, 1)[0]
    if stage == "RCPT":
        smtp.temporary = {user.email: 2}
    else:
        smtp.temporary_data = 2
    tell(world, user)
    now = timezone.now()
    assert services.send_queued_emails(now=now)["retry"] == 1
    email = Email.objects.get()
    assert (email.status, email.attempts) == (Email.Status.QUEUED, 1)
    assert email.next_attempt == now + services.FIRST_RETRY
    assert "451" in email.last_error
    assert services.send_queued_emails(now=now + timedelta(minutes=1))["retry"] == 0  # too soon
    now += services.FIRST_RETRY
    assert services.send_queued_emails(now=now)["retry"] == 1
    email.refresh_from_db()
    assert email.next_attempt == now + 2 * services.FIRST_RETRY  # doubled
    now += 2 * services.FIRST_RETRY
    assert services.send_queued_emails(now=now)["sent"] == 1
    assert services.send_queued_emails(now=now + timedelta(days=1))["sent"] == 0
    assert smtp.recipients() == [user.email]
    email.refresh_from_db()
    assert (email.status, email.attempts) == (Email.Status.SENT, 2)


def test_a_message_refused_for_now_every_time_fails_in_the_end(world, smtp):
    user = users(world, 1)[0]
    smtp.temporary = {user.email: 100}
    tell(world, user)
    now = timezone.now()
    for _attempt in range(services.MAX_ATTEMPTS):
        services.send_queued_emails(now=now)
        now += timedelta(days=1)
    email = Email.objects.get()
    assert (email.status, email.attempts) == (Email.Status.FAILED, services.MAX_ATTEMPTS)
    assert "451" in email.last_error
    assert not smtp.messages


def test_a_connection_dropped_in_the_middle_of_a_message_is_retried_and_the_rest_goes_out(
    world, smtp
):
    first, dropped, last = users(world, 3)
    smtp.drop = {dropped.email}
    tell(world, first, dropped, last)
    assert services.send_queued_emails() == {"sent": 2, "retry": 1, "failed": 0, "uncertain": 0}
    assert smtp.recipients() == [first.email, last.email]
    email = Email.objects.get(to=dropped.email)
    assert email.status == Email.Status.QUEUED
    assert "SMTPServerDisconnected" in email.last_error
    smtp.drop = set()
    services.send_queued_emails(now=timezone.now() + timedelta(hours=1))
    assert Counter(smtp.recipients()) == {first.email: 1, dropped.email: 1, last.email: 1}


def test_a_recipient_never_answered_times_out_and_the_rest_goes_out(world, smtp, settings):
    settings.EMAIL_TIMEOUT = 1
    first, hung, last = users(world, 3)
    smtp.hang = {hung.email}
    tell(world, first, hung, last)
    assert services.send_queued_emails() == {"sent": 2, "retry": 1, "failed": 0, "uncertain": 0}
    assert smtp.recipients() == [first.email, last.email]
    assert Email.objects.get(to=hung.email).status == Email.Status.QUEUED


def test_a_server_that_never_answers_stops_the_batch_and_everything_is_retried(
    world, smtp, silent_smtp, settings
):
    recipients = users(world, 3)
    tell(world, *recipients)
    now = timezone.now()
    # One attempt times out (1 s); the others are not tried against a dead server.
    assert services.send_queued_emails(now=now) == {
        "sent": 0,
        "retry": 1,
        "failed": 0,
        "uncertain": 0,
    }
    assert list(Email.objects.order_by("pk").values_list("status", "attempts")) == [
        (Email.Status.QUEUED, 1),
        (Email.Status.QUEUED, 0),
        (Email.Status.QUEUED, 0),
    ]
    assert "SMTPServerDisconnected" in Email.objects.order_by("pk").first().last_error
    settings.EMAIL_PORT = smtp.port  # the server is back
    services.send_queued_emails(now=now + timedelta(hours=1))
    assert Counter(smtp.recipients()) == {user.email: 1 for user in recipients}


def test_an_email_left_sending_by_a_crash_is_marked_uncertain_never_resent(
    world, smtp, monkeypatch
):
    recipients = users(world, 3)
    tell(world, *recipients)
    send = EmailMultiAlternatives.send

    def dies_once_the_server_has_it(message, *args, **kwargs):
        send(message, *args, **kwargs)
        raise KeyboardInterrupt  # the worker is killed before it writes "sent"

    with monkeypatch.context() as patch:
        patch.setattr(EmailMultiAlternatives, "send", dies_once_the_server_has_it)
        with pytest.raises(KeyboardInterrupt):
            services.send_queued_emails()
    assert Email.objects.filter(status=Email.Status.SENDING).count() == 1
    now = timezone.now()
    # Within the lease: the others go out, the one in doubt is left alone.
    assert services.send_queued_emails(now=now)["sent"] == 2
    assert Email.objects.filter(status=Email.Status.SENDING).count() == 1
    later = now + services.SENDING_LEASE + timedelta(seconds=1)
    assert services.send_queued_emails(now=later)["uncertain"] == 1
    assert services.send_queued_emails(now=later + timedelta(days=1))["uncertain"] == 0
    assert Counter(smtp.recipients()) == {user.email: 1 for user in recipients}
    doubtful = Email.objects.get(status=Email.Status.UNCERTAIN)
    assert doubtful.to == recipients[0].email
    assert doubtful.last_error
    assert Email.objects.visible_to(world.users["same_enterprise"]).filter(pk=doubtful.pk)


@pytest.mark.django_db(transaction=True)
def test_two_senders_at_once_send_each_message_once(shared_world, smtp, monkeypatch):
    monkeypatch.setattr(services, "SEND_BATCH", 3)
    monkeypatch.setattr(services, "_send_soon", lambda: None)  # queued, not sent yet
    recipients = users(shared_world, 12)
    tell(shared_world, *recipients)
    assert in_threads(3, services.send_queued_emails) == []
    assert Counter(smtp.recipients()) == {user.email: 1 for user in recipients}
    assert set(Email.objects.values_list("status", flat=True)) == {Email.Status.SENT}


@pytest.mark.django_db(transaction=True)
def test_mail_leaves_when_the_transaction_commits(shared_world, smtp):
    tell(shared_world, shared_world.users["same_enterprise"])  # huey runs the task at once here
    assert smtp.recipients() == [shared_world.users["same_enterprise"].email]
    assert Email.objects.get().status == Email.Status.SENT
