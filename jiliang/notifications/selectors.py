"""Reads of notifications and reminder settings that depend on who is asking."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count, Max, Q
from django.utils import timezone

from jiliang.core.scoping import scope_for
from jiliang.notifications import services
from jiliang.notifications.models import (
    CalendarFeed,
    DepartmentContact,
    Email,
    Notification,
    Reminder,
    ReminderPolicy,
    ReminderPolicyQuerySet,
    ReminderProblem,
    ReminderRun,
)
from jiliang.orgs.models import Membership, Organisation

RECENT_DAYS = 30  # the problems panel looks back this far
PANEL_ROWS = 50


def own_notifications(*, user):
    """The user's own messages: platform administrators, who see every row, included."""
    return Notification.objects.visible_to(user).filter(recipient=user)


def inbox(*, user):
    """The user's notifications, newest first."""
    return own_notifications(user=user).order_by("-created", "-pk")


def unread_count(*, user) -> int:
    return own_notifications(user=user).unread().count()


def calendar_feed(*, user) -> CalendarFeed | None:
    return CalendarFeed.objects.visible_to(user).filter(user=user).first()


def managed_organisation_ids(*, user) -> set[int]:
    """The organisations whose reminder settings the user sees as a member (administrator or
    staff). From the scope cached on the user: no query once the request computed it."""
    scope = scope_for(user)
    return scope.organisation_ids(ReminderPolicyQuerySet.viewer_roles) if scope else set()


def reminder_organisations(*, user):
    """The organisations whose reminder settings the user sees and may choose between."""
    return (
        Organisation.objects.visible_to(user)
        .filter(pk__in=managed_organisation_ids(user=user), is_active=True)
        .order_by("name", "pk")
    )


def may_see_reminder_settings(*, user, organisation) -> bool:
    scope = scope_for(user)
    return bool(scope) and (
        scope.is_platform_admin or organisation.pk in managed_organisation_ids(user=user)
    )


def may_change_reminder_settings(*, user, organisation) -> bool:
    scope = scope_for(user)
    return bool(scope) and (
        scope.is_platform_admin
        or organisation.pk in scope.organisation_ids(ReminderPolicyQuerySet.editor_roles)
    )


def reminder_policy(*, organisation) -> ReminderPolicy:
    """The organisation's settings, or the defaults it is reminded by without any."""
    return services.policy_for(organisation)


def department_contacts(*, user, organisation):
    return (
        DepartmentContact.objects.visible_to(user)
        .filter(organisation=organisation)
        .select_related("user")
        .order_by("department", "user__username")
    )


def organisation_members(*, user, organisation):
    """The active members of the organisation the user may see, as users (to choose from)."""
    memberships = Membership.objects.visible_to(user).filter(organisation=organisation)
    return (
        get_user_model()
        .objects.filter(pk__in=memberships.values("user_id"), is_active=True)
        .order_by("last_name", "first_name", "username")
    )


def reminder_problems(*, user, organisation, now=None) -> list[dict]:
    """What kept reminders from people in the last RECENT_DAYS, the same problem counted once:
    [{kind, user, detail, count, last}], latest first."""
    since = (now or timezone.now()) - timedelta(days=RECENT_DAYS)
    rows = list(
        ReminderProblem.objects.visible_to(user)
        .filter(organisation=organisation, created__gte=since)
        .values("kind", "user_id", "detail")
        .annotate(count=Count("pk"), last=Max("created"))
        .order_by("-last", "kind", "detail")[:PANEL_ROWS]
    )
    users = get_user_model().objects.in_bulk({row["user_id"] for row in rows if row["user_id"]})
    labels = dict(ReminderProblem.Kind.choices)
    for row in rows:
        row["user"] = users.get(row["user_id"])
        row["kind_label"] = labels.get(row["kind"], row["kind"])
    return rows


def recent_reminder_problems(*, user, organisation, since, rows: int = PANEL_ROWS):
    """Each of the organisation's reminder problems since ``since``, with its user, newest
    first (``reminder_problems`` counts the same problem once)."""
    return (
        ReminderProblem.objects.visible_to(user)
        .filter(organisation=organisation, created__gte=since)
        .select_related("user")
        .order_by("-created", "-pk")[:rows]
    )


def undelivered_emails(*, user, organisation, since=None, rows: int = PANEL_ROWS):
    """The organisation's e-mail that failed, may not have arrived, or is being retried (since
    ``since`` when given), newest first, without the messages' text."""
    emails = (
        Email.objects.visible_to(user)
        .filter(organisation=organisation)
        .filter(
            Q(status__in=[Email.Status.FAILED, Email.Status.UNCERTAIN])
            | Q(status=Email.Status.QUEUED, attempts__gt=0)
        )
    )
    if since is not None:
        emails = emails.filter(created__gte=since)
    return (
        emails.select_related("recipient").defer("text", "html").order_by("-created", "-pk")[:rows]
    )


def reminder_counts(*, user, organisation, now=None) -> dict[str, int]:
    """How many reminders of the organisation's instruments the last RECENT_DAYS queued, by
    status."""
    since = (now or timezone.now()) - timedelta(days=RECENT_DAYS)
    rows = (
        Reminder.objects.visible_to(user)
        .filter(organisation=organisation, created__gte=since)
        .order_by()
        .values("status")
        .annotate(total=Count("pk"))
    )
    return {row["status"]: row["total"] for row in rows}


def last_reminder_run() -> ReminderRun | None:
    """The platform's last finished daily run (not per organisation: it covers them all)."""
    return ReminderRun.objects.filter(finished__isnull=False).order_by("-date", "-pk").first()
