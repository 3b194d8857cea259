"""Notifications: the in-app inbox, the e-mail outbox, reminder settings and the reminder outbox.

Every message goes through ``services.notify`` (in-app and e-mail as each user chose); due-date
reminders are written to the ``Reminder`` outbox under a unique key before anything is sent,
which is what makes them exactly-once (see ``reminders``).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiliang.core.scoping import OrganisationScopedQuerySet, ScopedQuerySet, scope_for

DEFAULT_OFFSETS = [30, 15, 7, 0]
MAX_OFFSET = 365
MAX_OFFSETS = 8


class OwnRowsQuerySet(ScopedQuerySet):
    """Rows that belong to one user: only they see and change them, platform administrators
    included (an inbox or a calendar is nobody else's)."""

    def _restrict(self, user, condition):
        scope = scope_for(user)
        return self.filter(condition(scope)) if scope else self.none()

    def visible_condition(self, scope):
        return Q(**{self.model.owner_field: scope.user_id})

    editable_condition = visible_condition


class AdministratorsQuerySet(OrganisationScopedQuerySet):
    """Rows of an organisation that its administrators see (its administrators and staff
    change them); regulators see none. Reminder problems."""

    viewer_roles = frozenset({"admin"})
    regulators_see = False


class AddressedQuerySet(AdministratorsQuerySet):
    """As ``AdministratorsQuerySet``, and each row is also seen by the user it is addressed to
    (``recipient``). E-mail and reminders."""

    def visible_condition(self, scope):
        return super().visible_condition(scope) | Q(recipient_id=scope.user_id)


def organisation_field(**options) -> models.ForeignKey:
    """The organisation whose administrators see the row (no reverse accessor)."""
    return models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="+",
        **options,
    )


class NotificationQuerySet(OwnRowsQuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One message in a user's inbox."""

    owner_field = "recipient_id"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    organisation = organisation_field(null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=32)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created = models.DateTimeField(_("time"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient", "-created"]),
            models.Index(
                fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread"
            ),
        ]

    def __str__(self):
        return self.title


class NotificationPreference(models.Model):
    """How a user wants to be told: the channels, and whether reminders are muted."""

    owner_field = "user_id"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    by_email = models.BooleanField(_("by e-mail"), default=True)
    in_app = models.BooleanField(_("in the inbox"), default=True)
    mute_reminders = models.BooleanField(
        _("mute due-date reminders"),
        default=False,
        help_text=_("You receive no reminders until you turn this off."),
    )

    objects = OwnRowsQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self):
        return str(self.user)


class CalendarFeed(models.Model):
    """A private iCalendar URL of the due dates a user may see. Only the token's SHA-256 is
    stored; a new token revokes the old one."""

    owner_field = "user_id"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="calendar_feed",
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    objects = OwnRowsQuerySet.as_manager()

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self):
        return str(self.user)


class Email(models.Model):
    """The e-mail outbox: a message is written here in the transaction that decides to send
    it, then sent, retried with backoff when the server fails, and never sent twice."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        UNCERTAIN = "uncertain", _("Perhaps not delivered")

    organisation = organisation_field(null=True, blank=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    to = models.CharField(_("to"), max_length=254)
    subject = models.CharField(_("subject"), max_length=200)
    text = models.TextField(_("text"))
    html = models.TextField(_("HTML"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt = models.DateTimeField(_("next attempt"), null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_error = models.TextField(_("last error"), blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    # An organisation's administrators see its undelivered mail; the recipient sees their own.
    objects = AddressedQuerySet.as_manager()

    class Meta:
        verbose_name = _("e-mail")
        verbose_name_plural = _("e-mails")
        indexes = [
            models.Index(
                fields=["next_attempt"],
                condition=Q(status="queued"),
                name="email_to_send",
            ),
            models.Index(
                fields=["claimed_at"], condition=Q(status="sending"), name="email_sending"
            ),
            models.Index(fields=["organisation", "status"]),
        ]

    def __str__(self):
        return f"{self.to}: {self.subject}"


def validate_offsets(value):
    if not isinstance(value, list) or not all(isinstance(day, int) for day in value):
        raise ValidationError(_("Give whole numbers of days."))
    if len(value) > MAX_OFFSETS:
        raise ValidationError(
            _("Give at most %(count)d reminders before the due date.") % {"count": MAX_OFFSETS}
        )
    if any(not 0 <= day <= MAX_OFFSET for day in value):
        raise ValidationError(
            _("A reminder comes 0 to %(max)d days before the due date.") % {"max": MAX_OFFSET}
        )
    if len(set(value)) != len(value):
        raise ValidationError(_("Each number of days once."))


class ReminderPolicyQuerySet(OrganisationScopedQuerySet):
    viewer_roles = frozenset({"admin", "staff"})
    editor_roles = frozenset({"admin"})
    regulators_see = False


class ReminderPolicy(models.Model):
    """When an organisation's instruments are reminded, and to whom. An organisation without
    one is reminded 30, 15 and 7 days before, on the due day, then weekly while overdue."""

    organisation = models.OneToOneField(
        "orgs.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="reminder_policy",
    )
    offsets = models.JSONField(
        _("days before the due date"), default=list, blank=True, validators=[validate_offsets]
    )
    weekly_when_overdue = models.BooleanField(_("weekly while overdue"), default=True)
    to_custodian = models.BooleanField(_("the instrument's custodian"), default=True)
    to_department_contacts = models.BooleanField(_("the department's contacts"), default=True)
    to_managers = models.BooleanField(
        _("the organisation's metrology managers"),
        default=True,
        help_text=_("Members with the administrator or staff role."),
    )
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects = ReminderPolicyQuerySet.as_manager()

    class Meta:
        verbose_name = _("reminder settings")
        verbose_name_plural = _("reminder settings")

    def __str__(self):
        return str(self.organisation)

    @classmethod
    def default_for(cls, organisation):
        return cls(organisation=organisation, offsets=list(DEFAULT_OFFSETS))

    def rule(self) -> tuple:
        """What decides who is reminded when; organisations with the same rule are selected
        together."""
        return (
            tuple(sorted(self.offsets, reverse=True)),
            self.weekly_when_overdue,
            self.to_custodian,
            self.to_department_contacts,
            self.to_managers,
        )


class DepartmentContact(models.Model):
    """A member who receives the reminders of one department's instruments."""

    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="department_contacts",
    )
    department = models.CharField(_("department"), max_length=100)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("contact"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    objects = ReminderPolicyQuerySet.as_manager()

    class Meta:
        verbose_name = _("department contact")
        verbose_name_plural = _("department contacts")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "department", "user"],
                name="department_contact_once",
                violation_error_message=_("This member is already a contact of the department."),
            )
        ]

    def __str__(self):
        return f"{self.department}: {self.user}"


class ReminderRun(models.Model):
    """One run of the daily job, for the day it covers."""

    date = models.DateField(_("date"))
    started = models.DateTimeField(_("started"), auto_now_add=True)
    finished = models.DateTimeField(_("finished"), null=True, blank=True)
    counts = models.JSONField(_("counts"), default=dict, blank=True)

    class Meta:
        verbose_name = _("reminder run")
        verbose_name_plural = _("reminder runs")
        indexes = [
            models.Index(fields=["-date"], condition=Q(finished__isnull=False), name="run_done")
        ]

    def __str__(self):
        return f"{self.date}"


class Reminder(models.Model):
    """The outbox of due-date reminders: one row per instrument, due date, offset and recipient,
    written before anything is sent. The unique key is what stops a second run, a restarted
    run or a second worker from reminding twice."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        CLAIMED = "claimed", _("Being put in a digest")
        QUEUED = "queued", _("In a digest")
        SKIPPED = "skipped", _("Skipped")

    organisation = organisation_field(db_index=False)  # the (organisation, status) index serves it
    instrument = models.ForeignKey(
        "instruments.Instrument",
        verbose_name=_("instrument"),
        on_delete=models.CASCADE,
        related_name="reminders",
        db_index=False,  # the unique key starts with the instrument
    )
    due_date = models.DateField(_("due date"))
    offset = models.SmallIntegerField(
        _("days before due"), help_text=_("Negative while overdue: -7 is a week after.")
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    claim = models.UUIDField(null=True, blank=True, editable=False)
    skip_reason = models.CharField(_("why skipped"), max_length=200, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    objects = AddressedQuerySet.as_manager()

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "due_date", "offset", "recipient"], name="reminder_once"
            )
        ]
        indexes = [
            models.Index(
                fields=["recipient"], condition=Q(status="pending"), name="reminder_pending"
            ),
            models.Index(fields=["claim"], condition=Q(status="claimed"), name="reminder_claimed"),
            models.Index(fields=["organisation", "status"]),
        ]

    def __str__(self):
        return f"{self.instrument_id} {self.due_date} {self.offset} → {self.recipient_id}"


class ReminderProblem(models.Model):
    """Something that kept a reminder from someone, for the organisation's administrators."""

    class Kind(models.TextChoices):
        NO_RECIPIENT = "no_recipient", _("Nobody to remind")
        NO_EMAIL = "no_email", _("No e-mail address")
        BAD_EMAIL = "bad_email", _("Invalid e-mail address")
        NO_CHANNEL = "no_channel", _("Every channel turned off")

    run = models.ForeignKey(
        ReminderRun, verbose_name=_("run"), on_delete=models.CASCADE, related_name="problems"
    )
    organisation = organisation_field()
    kind = models.CharField(_("problem"), max_length=16, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    created = models.DateTimeField(_("time"), auto_now_add=True)

    objects = AdministratorsQuerySet.as_manager()

    class Meta:
        verbose_name = _("reminder problem")
        verbose_name_plural = _("reminder problems")
        indexes = [models.Index(fields=["organisation", "-created"])]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.detail}"
