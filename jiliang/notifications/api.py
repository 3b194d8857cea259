"""The inbox, a user's own notification settings and calendar feed, and an organisation's
reminder settings and delivery problems."""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Status
from ninja.pagination import paginate
from pydantic import StrictInt

from jiliang.core.api import ErrorOut, Id, Schema, get_visible_or_404
from jiliang.core.scoping import scope_for
from jiliang.core.services import require_organisation_role
from jiliang.notifications import selectors, services
from jiliang.notifications.models import (
    AdministratorsQuerySet,
    DepartmentContact,
    Email,
    Notification,
    ReminderPolicyQuerySet,
    ReminderProblem,
)
from jiliang.orgs.models import Organisation

router = Router(tags=["notifications"])
PROBLEM_DAYS = 30  # how far back /reminder-problems looks
PROBLEM_ROWS = 200  # at most this many problems and this many e-mails


# The inbox -------------------------------------------------------------------------------------


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    url: str
    organisation: int | None = Field(alias="organisation_id")
    created: datetime
    read: bool
    read_at: datetime | None

    @staticmethod
    def resolve_read(obj):
        return obj.read_at is not None


class InboxFilters(Schema):
    unread: bool | None = Field(
        None, description="true: unread messages only; false: read messages only"
    )


class UnreadCountOut(Schema):
    unread: int


class MarkedOut(Schema):
    marked: int


def _inbox(request):
    # Only the user's own messages, platform administrators included.
    return Notification.objects.visible_to(request.user).filter(recipient=request.user)


@router.get("/notifications", response=list[NotificationOut])
@paginate
def notification_list(request, filters: Query[InboxFilters]):
    """Your inbox, newest first."""
    notifications = _inbox(request)
    if filters.unread is not None:
        notifications = notifications.filter(read_at__isnull=filters.unread)
    return notifications.order_by("-created", "-pk")


@router.get("/notifications/unread-count", response=UnreadCountOut)
def notification_unread_count(request):
    return {"unread": _inbox(request).unread().count()}


@router.post("/notifications/read-all", response=MarkedOut)
def notification_read_all(request):
    """Mark every unread message of yours as read."""
    marked = services.notifications_mark_read(actor=request.user, notifications=_inbox(request))
    return {"marked": marked}


@router.post("/notifications/{int:notification_id}/read", response=NotificationOut)
def notification_read(request, notification_id: Id):
    """Mark one of your messages as read; marking it again changes nothing."""
    notification = get_object_or_404(_inbox(request), pk=notification_id)
    services.notifications_mark_read(
        actor=request.user, notifications=_inbox(request).filter(pk=notification.pk)
    )
    notification.refresh_from_db()
    return notification


# A user's own settings -------------------------------------------------------------------------


class PreferenceIn(Schema):
    by_email: bool
    in_app: bool
    mute_reminders: bool


class PreferenceOut(PreferenceIn):
    pass


class CalendarFeedOut(Schema):
    url: str


@router.get("/notification-preferences", response=PreferenceOut)
def preference_detail(request):
    """How you are told: by e-mail, in the inbox, and whether reminders are muted."""
    return services.preference_for(request.user)


@router.put("/notification-preferences", response={200: PreferenceOut, 400: ErrorOut})
def preference_update(request, payload: PreferenceIn):
    return services.preference_update(actor=request.user, **payload.dict())


def calendar_feed_url(token: str) -> str:
    try:
        path = reverse("notifications:calendar_feed", kwargs={"token": token})
    except NoReverseMatch:
        path = f"/notifications/calendar/{token}.ics"
    return settings.JILIANG_SITE_URL + path


@router.post("/calendar-feed", response={201: CalendarFeedOut})
def calendar_feed_renew(request):
    """A new private calendar URL of the due dates you see; shown in this answer only. The
    previous URL stops working."""
    token = services.calendar_feed_renew(actor=request.user)
    return Status(201, {"url": calendar_feed_url(token)})


@router.delete("/calendar-feed", response={204: None})
def calendar_feed_revoke(request):
    """Your calendar URL stops working."""
    services.calendar_feed_revoke(actor=request.user)
    return Status(204, None)


# An organisation's reminder settings -----------------------------------------------------------


class OrganisationQuery(Schema):
    organisation: Id | None = Field(
        None,
        description="Organisation id; may be left out by a user who manages a single organisation",
    )


class DepartmentContactOut(Schema):
    id: int
    department: str
    user: int = Field(alias="user_id")
    user_name: str

    @staticmethod
    def resolve_user_name(obj):
        return obj.user.get_full_name() or obj.user.username


class ReminderPolicyFields(Schema):
    offsets: list[StrictInt] = Field(
        description="Days before the due date: at most 8 different numbers from 0 to 365"
    )
    weekly_when_overdue: bool
    to_custodian: bool
    to_department_contacts: bool
    to_managers: bool


class ReminderPolicyOut(ReminderPolicyFields):
    organisation: int = Field(alias="organisation_id")
    is_default: bool
    updated: datetime | None
    department_contacts: list[DepartmentContactOut]

    @staticmethod
    def resolve_is_default(obj):
        return obj.pk is None

    @staticmethod
    def resolve_department_contacts(obj):
        return (
            DepartmentContact.objects.filter(organisation_id=obj.organisation_id)
            .select_related("user")
            .order_by("department", "user__username", "pk")
        )


class DepartmentContactIn(Schema):
    department: str = Field(max_length=100)
    user: Id = Field(description="The id of a member of the organisation")


class ReminderProblemOut(Schema):
    id: int
    created: datetime
    kind: ReminderProblem.Kind
    message: str
    user: int | None = Field(alias="user_id")
    user_name: str
    detail: str

    @staticmethod
    def resolve_message(obj):
        return obj.get_kind_display()

    @staticmethod
    def resolve_user_name(obj):
        return (obj.user.get_full_name() or obj.user.username) if obj.user else ""


class UndeliveredEmailOut(Schema):
    id: int
    created: datetime
    recipient: int | None = Field(alias="recipient_id")
    to: str
    subject: str
    status: Email.Status
    attempts: int
    next_attempt: datetime | None
    last_error: str


class ReminderProblemsOut(Schema):
    organisation: int
    problems: list[ReminderProblemOut]
    undelivered_emails: list[UndeliveredEmailOut]


def _organisation(request, organisation_id, roles) -> Organisation:
    """The organisation named, or the only one where the user holds one of ``roles``."""
    if organisation_id is None:
        candidates = scope_for(request.user).organisation_ids(roles)
        if len(candidates) != 1:
            raise ValidationError({"organisation": _("Say which organisation you mean.")})
        organisation_id = candidates.pop()
    return get_visible_or_404(Organisation, request, pk=organisation_id)


def _managed_organisation(request, organisation_id, roles) -> Organisation:
    """As ``_organisation``, and the user must hold one of ``roles`` in it (403 otherwise)."""
    organisation = _organisation(request, organisation_id, roles)
    require_organisation_role(request.user, organisation, roles)
    return organisation


@router.get(
    "/reminder-settings",
    response={200: ReminderPolicyOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
)
def reminder_settings_detail(request, query: Query[OrganisationQuery]):
    """When the organisation's instruments are reminded and to whom; for its administrators
    and staff."""
    organisation = _managed_organisation(
        request, query.organisation, ReminderPolicyQuerySet.viewer_roles
    )
    return services.policy_for(organisation)


@router.put(
    "/reminder-settings",
    response={200: ReminderPolicyOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
)
def reminder_settings_update(
    request, query: Query[OrganisationQuery], payload: ReminderPolicyFields
):
    """Replace the reminder settings; for the organisation's administrators."""
    organisation = _organisation(request, query.organisation, ReminderPolicyQuerySet.viewer_roles)
    return services.policy_update(actor=request.user, organisation=organisation, **payload.dict())


@router.post(
    "/reminder-settings/contacts",
    response={201: DepartmentContactOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
)
def department_contact_add(request, query: Query[OrganisationQuery], payload: DepartmentContactIn):
    """Make a member a contact of a department: they receive its instruments' reminders."""
    organisation = _organisation(request, query.organisation, ReminderPolicyQuerySet.viewer_roles)
    # Refused before the user is looked up: a 403 must not depend on the body.
    require_organisation_role(request.user, organisation, ReminderPolicyQuerySet.editor_roles)
    user = get_user_model().objects.filter(pk=payload.user).first()
    if user is None:
        raise ValidationError({"user": _("Choose a member of the organisation.")})
    contact = services.department_contact_add(
        actor=request.user, organisation=organisation, department=payload.department, user=user
    )
    return Status(201, contact)


@router.delete(
    "/reminder-settings/contacts/{int:contact_id}",
    response={204: None, 403: ErrorOut},
)
def department_contact_remove(request, contact_id: Id):
    contact = get_object_or_404(
        DepartmentContact.objects.visible_to(request.user).select_related("organisation", "user"),
        pk=contact_id,
    )
    services.department_contact_remove(actor=request.user, contact=contact)
    return Status(204, None)


@router.get(
    "/reminder-problems",
    response={200: ReminderProblemsOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
)
def reminder_problems(request, query: Query[OrganisationQuery]):
    """What kept reminders and messages from the organisation's people in the last 30 days:
    nobody to remind, missing or invalid addresses, e-mail that failed or may not have
    arrived; for its administrators."""
    organisation = _managed_organisation(
        request, query.organisation, AdministratorsQuerySet.viewer_roles
    )
    since = timezone.now() - timedelta(days=PROBLEM_DAYS)
    user = request.user
    return {
        "organisation": organisation.pk,
        "problems": list(
            selectors.recent_reminder_problems(
                user=user, organisation=organisation, since=since, rows=PROBLEM_ROWS
            )
        ),
        "undelivered_emails": list(
            selectors.undelivered_emails(
                user=user, organisation=organisation, since=since, rows=PROBLEM_ROWS
            )
        ),
    }
