"""The notification and reminder endpoints as clients use them, bad input included."""

import hashlib
import json
from datetime import timedelta

import pytest
from django.conf import settings
from django.db.models import Q
from django.test import Client
from django.utils import timezone

from jiliang.accounts.services import user_create
from jiliang.core.models import AuditEvent
from jiliang.notifications import services
from jiliang.notifications.models import (
    AddressedQuerySet,
    AdministratorsQuerySet,
    CalendarFeed,
    DepartmentContact,
    Email,
    Notification,
    NotificationPreference,
    ReminderPolicy,
    ReminderProblem,
    ReminderRun,
)
from jiliang.orgs import services as org_services


def api(world, actor="same_enterprise"):
    """A token client that asks for messages in English (the msgids)."""
    client = world.client_for(actor, api=True)
    client.cookies["django_language"] = "en"
    return client


def send(client, method, url, body=None):
    """A JSON request; ``body`` is encoded unless it is already a string."""
    if body is None:
        return getattr(client, method)(url)
    data = body if isinstance(body, str) else json.dumps(body)
    return getattr(client, method)(url, data=data, content_type="application/json")


def fields(response):
    return [error["field"] for error in response.json()["errors"]]


def tell(user, title, organisation=None):
    services.notify(
        recipients=[user],
        kind="test",
        title=title,
        lines=["a", "b"],
        url="/x/",
        organisation=organisation,
    )
    return Notification.objects.filter(recipient=user).latest("pk")


@pytest.fixture
def staff(world):
    user = user_create(
        actor=world.users["platform_admin"],
        username="enterprise-staff",
        email="enterprise-staff@example.com",
        password="matrix-password-1",
        check_password_strength=False,
    )
    org_services.membership_add(
        actor=world.users["platform_admin"], organisation=world.enterprise, user=user, role="staff"
    )
    return user


def staff_client(world, staff):
    client = Client()
    client.force_login(staff)  # a session works for the API too
    client.cookies["django_language"] = "en"
    return client


def settings_url(world, organisation=None):
    organisation = organisation or world.enterprise
    return f"/api/v1/reminder-settings?organisation={organisation.pk}"


POLICY = {
    "offsets": [60, 30, 0],
    "weekly_when_overdue": False,
    "to_custodian": True,
    "to_department_contacts": False,
    "to_managers": True,
}


# The inbox ---------------------------------------------------------------------------------


def test_inbox_lists_own_messages_newest_first_and_filters_unread(world):
    me = world.users["same_enterprise"]
    first = tell(me, "first", organisation=world.enterprise)
    second = tell(me, "second")
    tell(world.users["other_enterprise"], "not mine")
    Notification.objects.filter(pk=first.pk).update(read_at=timezone.now())

    body = api(world).get("/api/v1/notifications").json()
    assert body["count"] == 2
    assert [item["title"] for item in body["items"]] == ["second", "first"]
    newest, oldest = body["items"]
    assert newest == {
        "id": second.pk,
        "kind": "test",
        "title": "second",
        "body": "a\nb",
        "url": "/x/",
        "organisation": None,
        "created": newest["created"],
        "read": False,
        "read_at": None,
    }
    assert oldest["organisation"] == world.enterprise.pk
    assert oldest["read"] is True
    assert oldest["read_at"] is not None

    unread = api(world).get("/api/v1/notifications", {"unread": "true"}).json()
    assert [item["title"] for item in unread["items"]] == ["second"]
    read = api(world).get("/api/v1/notifications", {"unread": "false"}).json()
    assert [item["title"] for item in read["items"]] == ["first"]
    paged = api(world).get("/api/v1/notifications", {"limit": 1, "offset": 1}).json()
    assert paged["count"] == 2
    assert [item["title"] for item in paged["items"]] == ["first"]
    assert api(world).get("/api/v1/notifications/unread-count").json() == {"unread": 1}


def test_platform_administrators_see_only_their_own_inbox(world):
    tell(world.users["same_enterprise"], "for the enterprise")
    tell(world.users["platform_admin"], "for the administrator")
    client = api(world, "platform_admin")
    body = client.get("/api/v1/notifications").json()
    assert [item["title"] for item in body["items"]] == ["for the administrator"]
    assert client.get("/api/v1/notifications/unread-count").json() == {"unread": 1}
    assert send(client, "post", "/api/v1/notifications/read-all").json() == {"marked": 1}
    assert Notification.objects.get(title="for the enterprise").read_at is None


@pytest.mark.parametrize(
    ("query", "field"), [({"unread": "perhaps"}, "unread"), ({"limit": 0}, "limit")]
)
def test_bad_inbox_filters_are_422_naming_the_parameter(world, query, field):
    response = api(world).get("/api/v1/notifications", query)
    assert response.status_code == 422
    assert fields(response) == [field]


def test_mark_one_read(world):
    notification = tell(world.users["same_enterprise"], "hello")
    url = f"/api/v1/notifications/{notification.pk}/read"
    response = send(api(world), "post", url)
    assert response.status_code == 200
    assert response.json()["read"] is True
    read_at = Notification.objects.get(pk=notification.pk).read_at
    assert read_at is not None
    again = send(api(world), "post", url)
    assert again.status_code == 200
    assert Notification.objects.get(pk=notification.pk).read_at == read_at  # unchanged
    assert api(world).get("/api/v1/notifications/unread-count").json() == {"unread": 0}


@pytest.mark.parametrize("actor", ["other_enterprise", "same_enterprise_viewer", "platform_admin"])
def test_mark_read_cannot_touch_another_users_notification(world, actor):
    notification = tell(world.users["same_enterprise"], "private")
    response = send(api(world, actor), "post", f"/api/v1/notifications/{notification.pk}/read")
    assert response.status_code == 404
    assert set(response.json()) == {"detail", "errors"}
    assert Notification.objects.get(pk=notification.pk).read_at is None


@pytest.mark.parametrize(
    ("notification_id", "status"), [("999999", 404), ("0", 422), (str(2**64), 422)]
)
def test_mark_read_of_unknown_or_invalid_ids(world, notification_id, status):
    response = send(api(world), "post", f"/api/v1/notifications/{notification_id}/read")
    assert response.status_code == status
    if status == 422:
        assert fields(response) == ["notification_id"]


def test_read_all_marks_only_own_unread_messages(world):
    me = world.users["same_enterprise"]
    for title in ("a", "b", "c"):
        tell(me, title)
    other = tell(world.users["other_enterprise"], "theirs")
    send(api(world), "post", f"/api/v1/notifications/{Notification.objects.get(title='a').pk}/read")
    assert send(api(world), "post", "/api/v1/notifications/read-all").json() == {"marked": 2}
    assert send(api(world), "post", "/api/v1/notifications/read-all").json() == {"marked": 0}
    assert not Notification.objects.filter(recipient=me, read_at__isnull=True).exists()
    assert Notification.objects.get(pk=other.pk).read_at is None


# Preferences ---------------------------------------------------------------------------------


def test_preferences_default_then_round_trip(world):
    client = api(world)
    assert client.get("/api/v1/notification-preferences").json() == {
        "by_email": True,
        "in_app": True,
        "mute_reminders": False,
    }
    assert not NotificationPreference.objects.exists()  # reading creates nothing
    wanted = {"by_email": False, "in_app": True, "mute_reminders": True}
    response = send(client, "put", "/api/v1/notification-preferences", wanted)
    assert response.status_code == 200
    assert response.json() == wanted
    assert client.get("/api/v1/notification-preferences").json() == wanted
    preference = NotificationPreference.objects.get()
    assert preference.user == world.users["same_enterprise"]
    # Someone else's preferences are their own.
    other = api(world, "other_enterprise").get("/api/v1/notification-preferences").json()
    assert other["mute_reminders"] is False


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"by_email": True, "in_app": True}, "mute_reminders"),
        ({"by_email": "sometimes", "in_app": True, "mute_reminders": False}, "by_email"),
    ],
)
def test_bad_preferences_are_422_naming_the_field(world, body, field):
    response = send(api(world), "put", "/api/v1/notification-preferences", body)
    assert response.status_code == 422
    assert fields(response) == [field]
    assert not NotificationPreference.objects.exists()


def test_malformed_json_is_a_4xx(world):
    response = send(api(world), "put", "/api/v1/notification-preferences", "{not json")
    assert 400 <= response.status_code < 500
    assert set(response.json()) == {"detail", "errors"}


# Calendar feed -------------------------------------------------------------------------------


def test_calendar_feed_renew_and_revoke(world):
    client = api(world)
    response = send(client, "post", "/api/v1/calendar-feed")
    assert response.status_code == 201
    url = response.json()["url"]
    prefix = settings.JILIANG_SITE_URL + "/notifications/calendar/"
    assert url.startswith(prefix)
    assert url.endswith(".ics")
    token = url.removeprefix(prefix).removesuffix(".ics")
    feed = CalendarFeed.objects.get(user=world.users["same_enterprise"])
    assert feed.token_hash == hashlib.sha256(token.encode()).hexdigest()  # only the hash is kept

    renewed = send(client, "post", "/api/v1/calendar-feed").json()["url"]
    assert renewed != url
    assert CalendarFeed.objects.get().token_hash != feed.token_hash  # the old URL is dead

    assert send(client, "delete", "/api/v1/calendar-feed").status_code == 204
    assert not CalendarFeed.objects.exists()
    assert send(client, "delete", "/api/v1/calendar-feed").status_code == 204


def test_the_calendar_url_serves_the_feed(world):
    url = send(api(world), "post", "/api/v1/calendar-feed").json()["url"]
    response = Client().get(url.removeprefix(settings.JILIANG_SITE_URL))  # no sign-in
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VCALENDAR" in b"".join(response)
    send(api(world), "post", "/api/v1/calendar-feed")  # renewed: the old URL is dead
    assert Client().get(url.removeprefix(settings.JILIANG_SITE_URL)).status_code == 404


def test_calendar_feeds_are_per_user(world):
    send(api(world), "post", "/api/v1/calendar-feed")
    send(api(world, "other_enterprise"), "delete", "/api/v1/calendar-feed")
    assert CalendarFeed.objects.filter(user=world.users["same_enterprise"]).exists()


# Reminder settings ---------------------------------------------------------------------------


def test_reminder_settings_default_then_round_trip(world):
    client = api(world)
    body = client.get(settings_url(world)).json()
    assert body == {
        "organisation": world.enterprise.pk,
        "offsets": [30, 15, 7, 0],
        "weekly_when_overdue": True,
        "to_custodian": True,
        "to_department_contacts": True,
        "to_managers": True,
        "is_default": True,
        "updated": None,
        "department_contacts": [],
    }
    assert not ReminderPolicy.objects.exists()

    response = send(client, "put", settings_url(world), POLICY)
    assert response.status_code == 200
    saved = response.json()
    assert {name: saved[name] for name in POLICY} == POLICY
    assert saved["is_default"] is False
    assert saved["updated"] is not None
    assert client.get(settings_url(world)).json() == saved
    policy = ReminderPolicy.objects.get(organisation=world.enterprise)
    assert policy.offsets == [60, 30, 0]
    event = AuditEvent.objects.get(action="notifications.reminder_policy.update")
    assert event.organisation == world.enterprise
    assert event.changes["offsets"] == [[30, 15, 7, 0], [60, 30, 0]]


def test_organisation_may_be_left_out_by_the_manager_of_one_organisation(world):
    response = api(world).get("/api/v1/reminder-settings")
    assert response.status_code == 200
    assert response.json()["organisation"] == world.enterprise.pk
    response = send(api(world), "put", "/api/v1/reminder-settings", POLICY)
    assert response.status_code == 200
    assert ReminderPolicy.objects.get().organisation == world.enterprise


@pytest.mark.parametrize("actor", ["platform_admin", "same_enterprise_viewer"])
def test_organisation_is_required_when_it_is_not_clear(world, actor):
    for method, body in (("get", None), ("put", POLICY)):
        response = send(api(world, actor), method, "/api/v1/reminder-settings", body)
        assert response.status_code == 400
        assert fields(response) == ["organisation"]
    assert not ReminderPolicy.objects.exists()


def test_platform_administrators_manage_any_organisation(world):
    client = api(world, "platform_admin")
    assert send(client, "put", settings_url(world), POLICY).status_code == 200
    assert ReminderPolicy.objects.get().offsets == [60, 30, 0]


@pytest.mark.parametrize(
    ("offsets", "message"),
    [
        ([366], "0 to 365"),
        ([-1], "0 to 365"),
        ([30, 30], "once"),
        (list(range(9)), "at most 8"),
        ([2**70], "0 to 365"),
    ],
)
def test_bad_offsets_are_400_naming_the_field(world, offsets, message):
    response = send(api(world), "put", settings_url(world), {**POLICY, "offsets": offsets})
    assert response.status_code == 400
    assert fields(response) == ["offsets"]
    assert message in response.json()["detail"]
    assert not ReminderPolicy.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"offsets": ["soon"]}, "offsets.0"),
        ({"offsets": [True]}, "offsets.0"),
        ({"offsets": ["7"]}, "offsets.0"),
        ({"offsets": 30}, "offsets"),
        ({"to_managers": None}, "to_managers"),
    ],
)
def test_malformed_settings_are_422_naming_the_field(world, change, field):
    response = send(api(world), "put", settings_url(world), {**POLICY, **change})
    assert response.status_code == 422
    assert fields(response) == [field]


def test_missing_settings_field_is_422(world):
    body = {name: value for name, value in POLICY.items() if name != "weekly_when_overdue"}
    response = send(api(world), "put", settings_url(world), body)
    assert response.status_code == 422
    assert fields(response) == ["weekly_when_overdue"]


@pytest.mark.parametrize("organisation", ["x", "0", str(2**64)])
def test_bad_organisation_parameter_is_422(world, organisation):
    response = api(world).get(f"/api/v1/reminder-settings?organisation={organisation}")
    assert response.status_code == 422
    assert fields(response) == ["organisation"]


def test_unknown_organisation_is_404(world):
    response = api(world).get("/api/v1/reminder-settings?organisation=999999")
    assert response.status_code == 404


def test_staff_read_the_settings_but_may_not_change_them(world, staff):
    client = staff_client(world, staff)
    response = client.get("/api/v1/reminder-settings")  # staff of one organisation
    assert response.status_code == 200
    assert response.json()["organisation"] == world.enterprise.pk
    response = send(client, "put", settings_url(world), POLICY)
    assert response.status_code == 403
    assert set(response.json()) == {"detail", "errors"}
    assert not ReminderPolicy.objects.exists()


# Department contacts ---------------------------------------------------------------------------


def contacts_url(world):
    return f"/api/v1/reminder-settings/contacts?organisation={world.enterprise.pk}"


def test_department_contacts_add_list_remove(world):
    client = api(world)
    viewer = world.users["same_enterprise_viewer"]
    response = send(
        client, "post", contacts_url(world), {"department": " 质检部 ", "user": viewer.pk}
    )
    assert response.status_code == 201
    contact = response.json()
    assert contact == {
        "id": contact["id"],
        "department": "质检部",
        "user": viewer.pk,
        "user_name": "same_enterprise_viewer",
    }
    listed = client.get(settings_url(world)).json()["department_contacts"]
    assert listed == [contact]
    assert AuditEvent.objects.filter(action="notifications.department_contact.add").exists()

    duplicate = send(
        client, "post", contacts_url(world), {"department": "质检部", "user": viewer.pk}
    )
    assert duplicate.status_code == 400
    assert fields(duplicate) == ["__all__"]

    url = f"/api/v1/reminder-settings/contacts/{contact['id']}"
    assert send(client, "delete", url).status_code == 204
    assert not DepartmentContact.objects.exists()
    assert AuditEvent.objects.filter(action="notifications.department_contact.remove").exists()
    assert send(client, "delete", url).status_code == 404


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"department": "质检部", "user": "member:other_enterprise"}, 400, "user"),
        ({"department": "质检部", "user": 999999}, 400, "user"),
        ({"department": "   ", "user": "member:same_enterprise"}, 400, "department"),
        ({"department": "x" * 101, "user": "member:same_enterprise"}, 422, "department"),
        ({"department": "a\x00b", "user": "member:same_enterprise"}, 422, "department"),
        ({"department": "质检部", "user": 0}, 422, "user"),
        ({"department": "质检部"}, 422, "user"),
    ],
)
def test_bad_department_contacts(world, body, status, field):
    if str(body.get("user")).startswith("member:"):
        body = {**body, "user": world.users[body["user"].removeprefix("member:")].pk}
    response = send(api(world), "post", contacts_url(world), body)
    assert response.status_code == status, response.json()
    assert field in fields(response)
    assert not DepartmentContact.objects.exists()


def test_staff_see_contacts_but_may_not_change_them(world, staff):
    contact = services.department_contact_add(
        actor=world.users["same_enterprise"],
        organisation=world.enterprise,
        department="动力科",
        user=staff,
    )
    client = staff_client(world, staff)
    listed = client.get(settings_url(world)).json()["department_contacts"]
    assert [row["id"] for row in listed] == [contact.pk]
    body = {"department": "质检部", "user": staff.pk}
    assert send(client, "post", contacts_url(world), body).status_code == 403
    # Refused before the body is looked at: an unknown user is still a 403.
    assert send(client, "post", contacts_url(world), {**body, "user": 999999}).status_code == 403
    url = f"/api/v1/reminder-settings/contacts/{contact.pk}"
    assert send(client, "delete", url).status_code == 403
    assert DepartmentContact.objects.count() == 1


# Reminder problems -----------------------------------------------------------------------------


def test_reminder_problems_show_recent_problems_and_undelivered_mail(world):
    enterprise = world.enterprise
    member = world.users["same_enterprise_viewer"]
    run = ReminderRun.objects.create(date=timezone.localdate())
    problem = ReminderProblem.objects.create(
        run=run, organisation=enterprise, kind="no_email", user=member
    )
    ReminderProblem.objects.create(
        run=run, organisation=enterprise, kind="no_recipient", detail="动力科"
    )
    ReminderProblem.objects.create(
        run=run, organisation=world.organisations["other_enterprise"], kind="no_email"
    )
    old = ReminderProblem.objects.create(run=run, organisation=enterprise, kind="bad_email")
    ReminderProblem.objects.filter(pk=old.pk).update(created=timezone.now() - timedelta(days=40))

    def email(status, attempts=0, organisation=enterprise):
        return Email.objects.create(
            organisation=organisation,
            recipient=member,
            to="x@example.com",
            subject=f"{status} {attempts}",
            text="t",
            status=status,
            attempts=attempts,
            last_error="refused" if status == "failed" else "",
        )

    failed, uncertain, retrying = email("failed", 1), email("uncertain", 1), email("queued", 2)
    email("queued"), email("sent", 1), email("sending"), email("failed", 1, None)
    email("failed", 1, world.organisations["other_enterprise"])

    response = api(world).get(f"/api/v1/reminder-problems?organisation={enterprise.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["organisation"] == enterprise.pk
    assert [row["kind"] for row in body["problems"]] == ["no_recipient", "no_email"]
    mine = body["problems"][1]
    assert mine["id"] == problem.pk
    assert mine["user"] == member.pk
    assert mine["user_name"] == "same_enterprise_viewer"
    assert mine["message"] == "No e-mail address"
    assert body["problems"][0]["user"] is None
    assert body["problems"][0]["detail"] == "动力科"
    assert [row["id"] for row in body["undelivered_emails"]] == [
        retrying.pk,
        uncertain.pk,
        failed.pk,
    ]
    assert body["undelivered_emails"][2]["last_error"] == "refused"
    assert "text" not in body["undelivered_emails"][0]
    # Without the parameter: the administrator of one organisation.
    assert api(world).get("/api/v1/reminder-problems").json() == body


def test_reminder_problems_are_for_administrators(world, staff):
    url = f"/api/v1/reminder-problems?organisation={world.enterprise.pk}"
    assert staff_client(world, staff).get(url).status_code == 403
    assert api(world, "same_enterprise_viewer").get(url).status_code == 403
    assert api(world, "other_enterprise").get(url).status_code == 404


def test_reminder_problems_are_read_through_the_scoped_querysets(world, monkeypatch):
    """After the role check, the rows still come from ``visible_to(user)``: a scope that
    reaches nothing returns nothing."""
    enterprise, admin = world.enterprise, world.users["same_enterprise"]
    run = ReminderRun.objects.create(date=timezone.localdate())
    ReminderProblem.objects.create(run=run, organisation=enterprise, kind="no_email", user=admin)
    Email.objects.create(
        organisation=enterprise, to="x@example.com", subject="s", text="t", status="failed"
    )
    url = f"/api/v1/reminder-problems?organisation={enterprise.pk}"
    body = api(world).get(url).json()
    assert (len(body["problems"]), len(body["undelivered_emails"])) == (1, 1)

    nothing = lambda self, scope: Q(pk__in=[])  # noqa: E731
    monkeypatch.setattr(AdministratorsQuerySet, "visible_condition", nothing)
    monkeypatch.setattr(AddressedQuerySet, "visible_condition", nothing)
    response = api(world).get(url)
    assert response.status_code == 200
    assert (response.json()["problems"], response.json()["undelivered_emails"]) == ([], [])


# The published contract ------------------------------------------------------------------------


def test_endpoints_are_in_the_openapi_schema(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/notifications",
        "/api/v1/notifications/unread-count",
        "/api/v1/notifications/read-all",
        "/api/v1/notifications/{notification_id}/read",
        "/api/v1/notification-preferences",
        "/api/v1/reminder-settings",
        "/api/v1/reminder-settings/contacts",
        "/api/v1/reminder-settings/contacts/{contact_id}",
        "/api/v1/reminder-problems",
        "/api/v1/calendar-feed",
    ):
        assert path in paths, path
    assert "notifications" in paths["/api/v1/notifications"]["get"]["tags"]
