"""Every write of notifications: messages to users, the e-mail outbox, preferences, reminder
settings and calendar feeds. Other apps tell users things through ``notify``."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import secrets
import smtplib
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from jiliang.core import audit
from jiliang.core.services import require_organisation_role
from jiliang.notifications.models import (
    DEFAULT_OFFSETS,
    CalendarFeed,
    DepartmentContact,
    Email,
    Notification,
    NotificationPreference,
    ReminderPolicy,
    ReminderPolicyQuerySet,
    ReminderProblem,
)

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 6
FIRST_RETRY = timedelta(minutes=2)  # then 4, 8, 16 and 32 minutes
# A message left "sending" this long was interrupted mid-send: it may have gone out, so it is
# not sent again but shown to the organisation's administrators.
SENDING_LEASE = timedelta(minutes=15)
SEND_BATCH = 50
CALENDAR_TOKEN_BYTES = 24


@dataclass
class Message:
    """What one user is told: a title, lines of text and a link into the platform."""

    recipient: object
    kind: str
    title: str
    lines: list[str] = field(default_factory=list)
    url: str = ""
    organisation_id: int | None = None

    @property
    def body(self) -> str:
        return "\n".join(self.lines)


def notify(*, recipients, kind: str, title: str, lines=(), url: str = "", organisation=None):
    """Tell users something, in the inbox and by e-mail as each chose. Later issues call this
    for order status changes, booking decisions, consultation answers and report approvals."""
    messages = [
        Message(
            recipient=user,
            kind=kind,
            title=title,
            lines=list(lines),
            url=url,
            organisation_id=organisation.pk if organisation else None,
        )
        for user in recipients
    ]
    return deliver_many(messages)


@transaction.atomic
def deliver_many(messages: list[Message], *, problem_run=None) -> dict:
    """Inbox rows and outbox e-mails for ``messages``; e-mail leaves after the commit.

    With ``problem_run`` (a reminder run), a recipient who cannot be e-mailed is recorded for
    the organisation's administrators."""
    preferences = NotificationPreference.objects.in_bulk(
        {message.recipient.pk for message in messages}, field_name="user_id"
    )
    notifications, emails, problems = [], [], []
    for message in messages:
        preference = preferences.get(message.recipient.pk) or NotificationPreference()
        if preference.in_app:
            notifications.append(_notification(message))
        problem = _email_problem(message.recipient) if preference.by_email else None
        if preference.by_email and problem is None:
            emails.append(_email(message))
        elif not preference.in_app and not preference.by_email:
            problem = (ReminderProblem.Kind.NO_CHANNEL, "")
        if problem and problem_run and message.organisation_id:
            kind, detail = problem
            problems.append(
                ReminderProblem(
                    run=problem_run,
                    organisation_id=message.organisation_id,
                    kind=kind,
                    user=message.recipient,
                    detail=detail,
                )
            )
    Notification.objects.bulk_create(notifications, batch_size=1000)
    Email.objects.bulk_create(emails, batch_size=1000)
    ReminderProblem.objects.bulk_create(problems, batch_size=1000)
    if emails:
        # robust: if the task cannot be queued, the caller goes on; the periodic task sends.
        transaction.on_commit(_send_soon, robust=True)
    return {"notifications": len(notifications), "emails": len(emails), "problems": len(problems)}


def _send_soon() -> None:
    from jiliang.notifications.tasks import send_emails_task

    send_emails_task()


def _notification(message: Message) -> Notification:
    return Notification(
        recipient=message.recipient,
        organisation_id=message.organisation_id,
        kind=message.kind,
        title=message.title[:200],
        body=message.body,
        url=message.url[:500],
    )


def _email_problem(user) -> tuple[str, str] | None:
    if not user.email:
        return ReminderProblem.Kind.NO_EMAIL, ""
    try:
        validate_email(user.email)
    except ValidationError:
        return ReminderProblem.Kind.BAD_EMAIL, user.email[:300]
    return None


def _email(message: Message) -> Email:
    link = settings.JILIANG_SITE_URL + message.url if message.url else ""
    context = {"message": message, "link": link}
    with override(settings.LANGUAGE_CODE):
        text = render_to_string("notifications/email.txt", context)
        html = render_to_string("notifications/email.html", context)
    return Email(
        organisation_id=message.organisation_id,
        recipient=message.recipient,
        to=message.recipient.email,
        subject=message.title[:200],
        text=text,
        html=html,
    )


# Sending ---------------------------------------------------------------------------------


def send_queued_emails(*, now=None) -> dict:
    """Send every e-mail that is due. Each is claimed by one conditional UPDATE just before it
    is sent, so two workers never send the same message and a crash leaves at most the one
    being sent in doubt."""
    now = now or timezone.now()
    counts = Counter(sent=0, retry=0, failed=0, uncertain=_mark_interrupted(now))
    connection = None
    try:
        for email in _due_emails(now):
            if not _claim(email, now):
                continue  # another worker took it
            if connection is None:
                connection = get_connection()
                try:
                    connection.open()
                except (smtplib.SMTPException, OSError) as error:
                    # The server cannot be reached: the rest stays queued for the next attempt.
                    counts[_retry(email, error, now)] += 1
                    break
            outcome = _send_one(email, connection, now)
            counts[outcome] += 1
            if outcome != "sent":  # the connection may be broken: start a new one
                _close_quietly(connection)
                connection = None
    finally:
        if connection is not None:
            _close_quietly(connection)
    return dict(counts)


def _mark_interrupted(now) -> int:
    with override(settings.LANGUAGE_CODE):  # read by the organisation's administrators
        error = _("Sending was interrupted; the message may or may not have arrived.")
    return Email.objects.filter(
        status=Email.Status.SENDING, claimed_at__lt=now - SENDING_LEASE
    ).update(status=Email.Status.UNCERTAIN, last_error=error)


def _due_emails(now):
    """The queued e-mails due at ``now``, oldest first, read in batches."""
    last = 0
    while batch := list(
        Email.objects.filter(status=Email.Status.QUEUED, pk__gt=last)
        .filter(Q(next_attempt__isnull=True) | Q(next_attempt__lte=now))
        .order_by("pk")[:SEND_BATCH]
    ):
        yield from batch
        last = batch[-1].pk


def _claim(email: Email, now) -> bool:
    # The clock, not ``now``: a long send loop must not start the lease of its last messages
    # when it began.
    return bool(
        Email.objects.filter(pk=email.pk, status=Email.Status.QUEUED)
        .filter(Q(next_attempt__isnull=True) | Q(next_attempt__lte=now))
        .update(status=Email.Status.SENDING, claimed_at=timezone.now())
    )


def _send_one(email: Email, connection, now) -> str:
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.text,
        to=[email.to],
        connection=connection,
        headers={"Message-ID": f"<jiliang-{email.pk}-{email.created:%Y%m%d}@jiliang>"},
    )
    if email.html:
        message.attach_alternative(email.html, "text/html")
    try:
        message.send()
    except ValueError as error:  # an address that cannot be written in a header
        return _failed(email, error)
    except (smtplib.SMTPException, OSError) as error:
        if _refused_for_good(error):
            return _failed(email, error)
        return _retry(email, error, now)  # refused for now, timed out, dropped
    Email.objects.filter(pk=email.pk).update(status=Email.Status.SENT, sent_at=timezone.now())
    return "sent"


def _refused_for_good(error) -> bool:
    """The server refused this message with a permanent (5xx) reply: sending it again would be
    refused again. Temporary (4xx) replies and errors of the server as a whole are retried."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _reply in error.recipients.values())
    return isinstance(error, smtplib.SMTPDataError) and error.smtp_code >= 500


def _failed(email: Email, error) -> str:
    logger.warning("E-mail %s to %s refused: %s", email.pk, email.to, error)
    Email.objects.filter(pk=email.pk).update(
        status=Email.Status.FAILED,
        attempts=F("attempts") + 1,
        last_error=_describe(error),
    )
    return "failed"


def _retry(email: Email, error, now) -> str:
    attempts = email.attempts + 1
    logger.warning("E-mail %s to %s, attempt %d: %s", email.pk, email.to, attempts, error)
    if attempts >= MAX_ATTEMPTS:
        return _failed(email, error)
    Email.objects.filter(pk=email.pk).update(
        status=Email.Status.QUEUED,
        attempts=attempts,
        next_attempt=now + FIRST_RETRY * 2 ** (attempts - 1),
        last_error=_describe(error),
    )
    return "retry"


def _describe(error) -> str:
    return f"{type(error).__name__}: {error}"[:2000]


def _close_quietly(connection) -> None:
    with contextlib.suppress(smtplib.SMTPException, OSError):
        connection.close()


# Users' own settings -------------------------------------------------------------------------


def preference_for(user) -> NotificationPreference:
    return NotificationPreference.objects.filter(user=user).first() or NotificationPreference(
        user=user
    )


@transaction.atomic
def preference_update(*, actor, by_email: bool, in_app: bool, mute_reminders: bool):
    choices = {"by_email": by_email, "in_app": in_app, "mute_reminders": mute_reminders}
    NotificationPreference(user=actor, **choices).full_clean(validate_unique=False)
    # update_or_create also copes with two first saves at once.
    return NotificationPreference.objects.update_or_create(user=actor, defaults=choices)[0]


@transaction.atomic
def notifications_mark_read(*, actor, notifications) -> int:
    """Mark the given notifications of the actor as read; returns how many changed."""
    return (
        notifications.filter(recipient=actor)
        .filter(read_at__isnull=True)
        .update(read_at=timezone.now())
    )


def hash_calendar_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def calendar_feed_renew(*, actor) -> str:
    """A new private calendar URL token for the actor; the old URL stops working."""
    raw = secrets.token_urlsafe(CALENDAR_TOKEN_BYTES)
    CalendarFeed.objects.update_or_create(
        user=actor, defaults={"token_hash": hash_calendar_token(raw), "created": timezone.now()}
    )
    return raw


@transaction.atomic
def calendar_feed_revoke(*, actor) -> None:
    CalendarFeed.objects.filter(user=actor).delete()


# Organisations' reminder settings ---------------------------------------------------------------


def policy_for(organisation) -> ReminderPolicy:
    return ReminderPolicy.objects.filter(
        organisation=organisation
    ).first() or ReminderPolicy.default_for(organisation)


@transaction.atomic
def policy_update(*, actor, organisation, **fields) -> ReminderPolicy:
    require_organisation_role(actor, organisation, ReminderPolicyQuerySet.editor_roles)
    policy = ReminderPolicy.objects.select_for_update().get_or_create(
        organisation=organisation, defaults={"offsets": list(DEFAULT_OFFSETS)}
    )[0]
    before = {name: getattr(policy, name) for name in fields}
    for name, value in fields.items():
        setattr(policy, name, value)
    policy.full_clean()
    policy.save()
    audit.record(
        actor=actor,
        action="notifications.reminder_policy.update",
        instance=policy,
        organisation=organisation,
        changes={
            name: [before[name], value] for name, value in fields.items() if before[name] != value
        },
    )
    return policy


@transaction.atomic
def department_contact_add(*, actor, organisation, department: str, user) -> DepartmentContact:
    require_organisation_role(actor, organisation, ReminderPolicyQuerySet.editor_roles)
    if not organisation.memberships.filter(user=user).exists():
        raise ValidationError({"user": _("Choose a member of the organisation.")})
    contact = DepartmentContact(organisation=organisation, department=department.strip(), user=user)
    contact.full_clean()
    contact.save()
    audit.record(
        actor=actor,
        action="notifications.department_contact.add",
        instance=contact,
        organisation=organisation,
        changes={"department": [None, contact.department], "user": [None, str(user)]},
    )
    return contact


@transaction.atomic
def department_contact_remove(*, actor, contact: DepartmentContact) -> None:
    require_organisation_role(actor, contact.organisation, ReminderPolicyQuerySet.editor_roles)
    audit.record(
        actor=actor,
        action="notifications.department_contact.remove",
        instance=contact,
        organisation=contact.organisation,
        changes={"department": [contact.department, None], "user": [str(contact.user), None]},
    )
    contact.delete()
