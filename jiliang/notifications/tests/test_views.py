"""The notification pages as users drive them, bad input included."""

import io
from datetime import timedelta

import icalendar
import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from jiliang.accounts.services import user_create
from jiliang.core.models import AuditEvent
from jiliang.core.scoping import scope_for
from jiliang.instruments.models import Instrument
from jiliang.instruments.tests.conftest import add_instrument
from jiliang.notifications import context_processors, services
from jiliang.notifications.models import (
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
from jiliang.orgs.demo import demo_uscc

INBOX = "/notifications/"
PREFERENCES = "/notifications/preferences/"
REMINDERS = "/notifications/reminders/"


def client_for(world, actor="same_enterprise", user=None):
    """A signed-in client that asks for English pages (the messages below are msgids)."""
    client = Client()
    client.force_login(user or world.users[actor])
    client.cookies["django_language"] = "en"
    return client


def tell(user, title, url="/instruments/", lines=("line",)):
    services.notify(recipients=[user], kind="test", title=title, lines=list(lines), url=url)
    return Notification.objects.filter(recipient=user).latest("pk")


def member(world, username, role, organisation=None, email=None):
    admin = world.users["platform_admin"]
    user = user_create(
        actor=admin,
        username=username,
        email=f"{username}@example.com" if email is None else email,
        password="matrix-password-1",
        check_password_strength=False,
    )
    org_services.membership_add(
        actor=admin, organisation=organisation or world.enterprise, user=user, role=role
    )
    return user


def reminder_url(organisation):
    return f"{REMINDERS}?organisation={organisation.pk}"


def due_in(world, days, organisation=None, actor="same_enterprise", **fields):
    """An instrument in use whose next due date is ``days`` from today."""
    number = fields.pop("management_number", f"D{days:+d}")
    instrument = add_instrument(
        world, actor=actor, organisation=organisation, management_number=number, **fields
    )
    Instrument.objects.filter(pk=instrument.pk).update(
        next_due=timezone.localdate() + timedelta(days=days)
    )
    return instrument


# The inbox ---------------------------------------------------------------------------------------


def test_inbox_shows_own_messages_newest_first_unread_ones_marked(world):
    me = world.users["same_enterprise"]
    old = tell(me, "Old message")
    Notification.objects.filter(pk=old.pk).update(read_at=timezone.now())
    new = tell(me, "New message", lines=[f"line {n}" for n in range(8)])
    tell(world.users["other_enterprise"], "Not mine")

    response = client_for(world).get(INBOX)

    assert response.status_code == 200
    assert list(response.context["object_list"]) == [new, old]
    html = response.content.decode()
    assert "Not mine" not in html
    unread = html[html.index(f'id="notification-{new.pk}"') :]
    unread = unread[: unread.index("</li>")]
    assert "fw-bold" in unread
    assert ">New<" in unread
    assert 'href="/instruments/"' in unread
    assert f'id="mark-read-{new.pk}"' in unread
    assert "3 more lines" in unread  # five lines shown, the rest folded
    read = html[html.index(f'id="notification-{old.pk}"') :]
    read = read[: read.index("</li>")]
    assert "fw-bold" not in read
    assert "mark-read" not in read


def test_inbox_pages_by_25_and_platform_administrators_see_only_their_own(world):
    admin = world.users["platform_admin"]
    for number in range(26):
        tell(admin, f"Message {number}")
    tell(world.users["same_enterprise"], "Someone else's")

    client = client_for(world, "platform_admin")
    first, second = client.get(INBOX), client.get(INBOX + "?page=2")

    assert len(first.context["object_list"]) == 25
    assert [n.title for n in second.context["object_list"]] == ["Message 0"]
    assert "Someone else" not in first.content.decode() + second.content.decode()
    assert first.context["notifications_menu"].unread == 26


def test_a_link_leaving_the_site_is_not_linked(world):
    me = world.users["same_enterprise"]
    for url in ("https://evil.example/", "//evil.example/", "javascript:alert(1)"):
        tell(me, "Bad link", url=url)

    html = client_for(world).get(INBOX).content.decode()

    assert "evil.example" not in html
    assert "javascript:" not in html


def test_mark_read_changes_only_the_users_own_notification(world):
    mine = tell(world.users["same_enterprise"], "Mine")
    theirs = tell(world.users["other_enterprise"], "Theirs")
    client = client_for(world)

    refused = client.post(reverse("notifications:mark_read", args=[theirs.pk]))
    response = client.post(
        reverse("notifications:mark_read", args=[mine.pk]), {"next": INBOX + "?page=1"}
    )

    assert refused.status_code == 404
    assert response.status_code == 302
    assert response.url == INBOX + "?page=1"
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None
    assert theirs.read_at is None
    # Marking it again changes nothing; a "next" leaving the site is not followed.
    read_at = mine.read_at
    again = client.post(
        reverse("notifications:mark_read", args=[mine.pk]), {"next": "https://evil.example/"}
    )
    assert again.url == INBOX
    mine.refresh_from_db()
    assert mine.read_at == read_at


def test_mark_read_by_htmx_swaps_the_entry_and_updates_the_bell(world):
    me = world.users["same_enterprise"]
    first, _second = tell(me, "First"), tell(me, "Second")

    response = client_for(world).post(
        reverse("notifications:mark_read", args=[first.pk]), headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="notification-{first.pk}"' in html
    assert "mark-read" not in html
    assert 'id="inbox-bell"' in html
    assert 'hx-swap-oob="true"' in html
    assert 'id="inbox-unread-count">1<' in html


def test_mark_all_read_marks_only_the_users_own(world):
    me, other = world.users["same_enterprise"], world.users["other_enterprise"]
    tell(me, "One")
    tell(me, "Two")
    theirs = tell(other, "Theirs")

    response = client_for(world).post(reverse("notifications:mark_all_read"))

    assert response.status_code == 302
    assert response.url == INBOX
    assert not Notification.objects.filter(recipient=me, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert client_for(world).get(response.url).content.decode().count("mark-read-") == 0


def test_mark_read_refuses_get(world):
    mine = tell(world.users["same_enterprise"], "Mine")
    client = client_for(world)
    assert client.get(reverse("notifications:mark_read", args=[mine.pk])).status_code == 405
    assert client.get(reverse("notifications:mark_all_read")).status_code == 405
    mine.refresh_from_db()
    assert mine.read_at is None


# The bell ----------------------------------------------------------------------------------------


def test_the_bell_shows_the_unread_count_on_every_page(world):
    me = world.users["same_enterprise"]
    client = client_for(world)
    assert 'id="inbox-unread-count"' not in client.get("/").content.decode()

    tell(me, "One")
    tell(me, "Two")
    Notification.objects.create(recipient=me, kind="test", title="Read", read_at=timezone.now())
    html = client.get("/").content.decode()

    assert 'id="inbox-unread-count">2<' in html
    assert "Inbox, 2 unread" in html
    assert reverse("notifications:preferences") in html
    assert reverse("notifications:reminder_settings") in html  # an administrator


def test_the_bell_caps_the_count_and_the_reminder_link_is_for_managers(world):
    viewer = world.users["same_enterprise_viewer"]
    Notification.objects.bulk_create(
        Notification(recipient=viewer, kind="test", title=str(n)) for n in range(120)
    )

    html = client_for(world, "same_enterprise_viewer").get("/").content.decode()

    assert 'id="inbox-unread-count">99+<' in html
    assert reverse("notifications:reminder_settings") not in html


def test_the_context_processor_counts_once_and_not_for_anonymous(world, django_assert_num_queries):
    factory = RequestFactory()
    anonymous = factory.get("/")
    anonymous.user = AnonymousUser()
    with django_assert_num_queries(0):
        assert context_processors.notifications(anonymous) == {}

    user = world.users["same_enterprise"]
    tell(user, "One")
    request = factory.get("/")
    request.user = user
    scope_for(user)  # every page computes the scope before the header is drawn
    with django_assert_num_queries(1):
        menu = context_processors.notifications(request)["notifications_menu"]
        assert menu.unread == 1
        assert menu.unread == 1
        assert menu.manages_reminders is True


# A user's own settings ---------------------------------------------------------------------------


def test_preferences_show_the_address_and_save_through_the_service(world):
    client = client_for(world)
    page = client.get(PREFERENCES)
    assert "same_enterprise@example.com" in page.content.decode()
    assert 'id="no-email-warning"' not in page.content.decode()
    assert page.context["form"].initial == {
        "in_app": True,
        "by_email": True,
        "mute_reminders": False,
    }

    response = client.post(PREFERENCES, {"in_app": "on", "mute_reminders": "on"})

    assert response.status_code == 302
    assert response.url == PREFERENCES
    preference = NotificationPreference.objects.get(user=world.users["same_enterprise"])
    assert (preference.in_app, preference.by_email, preference.mute_reminders) == (
        True,
        False,
        True,
    )
    assert client.get(PREFERENCES).context["form"].initial["mute_reminders"] is True


def test_preferences_warn_a_user_without_an_email_address(world):
    user = member(world, "no-mail", "viewer", email="")
    html = client_for(world, user=user).get(PREFERENCES).content.decode()
    assert 'id="no-email-warning"' in html


# The calendar feed -------------------------------------------------------------------------------


def renew(client):
    response = client.post(reverse("notifications:calendar_renew"))
    assert response.status_code == 200
    url = response.context["new_calendar_url"]
    assert url in response.content.decode()
    return url, url.split("/notifications/", 1)[1]


def test_the_calendar_url_is_shown_once_and_gives_the_visible_due_dates(world):
    mine = due_in(world, 20, management_number="MY-1", name="游标卡尺")
    due_in(world, 40, management_number="MY-2", name="压力表, 精密")
    due_in(
        world, 10, organisation=world.organisations["other_enterprise"], actor="other_enterprise"
    )
    retired = due_in(world, 30, management_number="MY-3", status="retired")
    client = client_for(world)

    url, path = renew(client)
    feed = client.get("/notifications/" + path)
    page = client.get(PREFERENCES).content.decode()

    assert url.startswith("http")
    assert url.endswith(".ics")
    assert path not in page  # only the hash is kept: the address is not shown again
    assert 'id="calendar-feed-status"' in page
    assert 'id="calendar-revoke"' in page
    assert feed.status_code == 200
    assert feed["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(feed.content)
    events = {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}
    assert len(events) == 2
    summaries = " ".join(events)
    assert "MY-1" in summaries
    assert "MY-2" in summaries
    assert "压力表, 精密" in summaries
    assert retired.management_number not in summaries
    first = next(event for summary, event in events.items() if "MY-1" in summary)
    assert first.decoded("DTSTART") == timezone.localdate() + timedelta(days=20)
    assert str(first["URL"]).endswith(mine.get_absolute_url())


def test_the_calendar_needs_no_session_and_renewing_or_revoking_ends_the_old_url(world):
    due_in(world, 20)
    client = client_for(world)
    _old_url, old_path = renew(client)
    anonymous = Client()
    assert anonymous.get("/notifications/" + old_path).status_code == 200

    _new_url, new_path = renew(client)
    assert CalendarFeed.objects.count() == 1
    assert anonymous.get("/notifications/" + old_path).status_code == 404
    assert anonymous.get("/notifications/" + new_path).status_code == 200

    response = client.post(reverse("notifications:calendar_revoke"))
    assert response.status_code == 302
    assert response.url == PREFERENCES
    assert anonymous.get("/notifications/" + new_path).status_code == 404
    assert not CalendarFeed.objects.exists()


def test_an_unknown_token_or_an_inactive_user_gets_no_calendar(world):
    client = Client()
    assert client.get("/notifications/calendar/" + "x" * 32 + ".ics").status_code == 404
    assert client.get("/notifications/calendar/short.ics").status_code == 404

    _url, path = renew(client_for(world))
    user = world.users["same_enterprise"]
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert client.get("/notifications/" + path).status_code == 404


# An organisation's reminder settings -------------------------------------------------------------


def test_reminder_settings_show_the_defaults_then_save_the_offsets(world):
    client = client_for(world)
    page = client.get(REMINDERS)
    assert page.status_code == 200
    assert page.context["organisation"] == world.enterprise
    html = page.content.decode()
    assert 'value="30, 15, 7, 0"' in html
    assert 'id="default-policy"' in html

    response = client.post(
        reminder_url(world.enterprise),
        {"offsets": " 0，30、60 ", "weekly_when_overdue": "on", "to_managers": "on"},
    )

    assert response.status_code == 302
    assert response.url == reminder_url(world.enterprise)
    policy = ReminderPolicy.objects.get(organisation=world.enterprise)
    assert policy.offsets == [60, 30, 0]
    assert policy.rule() == ((60, 30, 0), True, False, False, True)
    assert AuditEvent.objects.filter(action="notifications.reminder_policy.update").exists()
    assert 'value="60, 30, 0"' in client.get(response.url).content.decode()


@pytest.mark.parametrize(
    ("offsets", "message"),
    [
        ("30, abc, 7", "“abc” is not a whole number of days."),
        ("30, 7.5", "“7.5” is not a whole number of days."),
        ("400", "“400”: a reminder comes 0 to 365 days before the due date."),
        ("-1", "“-1”: a reminder comes 0 to 365 days before the due date."),
        ("7, 30, 7", "“7” is given twice."),
        ("1, 2, 3, 4, 5, 6, 7, 8, 9", "Give at most 8 reminders before the due date."),
    ],
)
def test_bad_offsets_are_named_and_nothing_is_saved(world, offsets, message):
    before = AuditEvent.objects.count()

    response = client_for(world).post(REMINDERS, {"offsets": offsets, "to_managers": "on"})

    assert response.status_code == 200
    assert response.context["policy_form"].errors["offsets"] == [message]
    assert message in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    assert not ReminderPolicy.objects.exists()
    assert AuditEvent.objects.count() == before


def test_at_least_one_offset_is_needed(world):
    response = client_for(world).post(REMINDERS, {"offsets": " , ", "weekly_when_overdue": "on"})
    assert response.status_code == 200
    assert response.context["policy_form"].errors["offsets"] == [
        "Give at least one number of days; 0 is the due date."
    ]
    assert not ReminderPolicy.objects.exists()


def test_staff_see_the_settings_read_only_and_may_not_change_them(world):
    staff = member(world, "staff", "staff")
    client = client_for(world, user=staff)

    page = client.get(REMINDERS)
    refused = client.post(REMINDERS, {"offsets": "1", "to_managers": "on"})

    assert page.status_code == 200
    assert page.context["organisation"] == world.enterprise
    assert page.context["can_edit"] is False
    assert all(field.disabled for field in page.context["policy_form"].fields.values())
    assert 'id="save-reminder-settings"' not in page.content.decode()
    assert 'id="contact-form"' not in page.content.decode()
    assert refused.status_code == 403
    assert not ReminderPolicy.objects.exists()


def test_reminder_settings_without_a_managed_organisation(world):
    viewer = client_for(world, "same_enterprise_viewer")
    page = viewer.get(REMINDERS)
    assert page.status_code == 200
    assert 'id="no-reminder-organisation"' in page.content.decode()
    assert viewer.get(reminder_url(world.enterprise)).status_code == 403
    assert viewer.post(REMINDERS, {"offsets": "1"}).status_code == 404
    assert (
        client_for(world, "regulator_above").get(reminder_url(world.enterprise)).status_code == 403
    )
    assert (
        client_for(world, "other_enterprise").get(reminder_url(world.enterprise)).status_code == 404
    )
    for bad in ("abc", "0", "99999999999", "²"):
        assert client_for(world).get(f"{REMINDERS}?organisation={bad}").status_code == 404


def test_an_administrator_of_several_organisations_chooses_one(world):
    admin = world.users["platform_admin"]
    second = org_services.organisation_create(
        actor=admin,
        kind="enterprise",
        name="AAA second enterprise",
        uscc=demo_uscc("91", "410105", 990),
        region=world.regions["410105"],
        size_class="small",
        industry="C",
    )
    org_services.membership_add(
        actor=admin, organisation=second, user=world.users["same_enterprise"], role="admin"
    )
    client = client_for(world)

    first_page = client.get(REMINDERS)
    chosen = client.get(reminder_url(world.enterprise))
    saved = client.post(reminder_url(world.enterprise), {"offsets": "5"})

    assert first_page.context["organisation"] == second  # by name
    assert 'id="organisation-choice"' in first_page.content.decode()
    assert chosen.context["organisation"] == world.enterprise
    assert saved.status_code == 302
    assert ReminderPolicy.objects.get().organisation == world.enterprise
    # The platform administrator reaches any organisation by its id.
    platform = client_for(world, "platform_admin")
    assert platform.get(reminder_url(second)).context["can_edit"] is True


def test_department_contacts_are_added_and_removed(world):
    contact = member(world, "zhang", "viewer")
    contact.first_name, contact.last_name = "三", "张"
    contact.save()
    client = client_for(world)
    add_url = (
        reverse("notifications:department_contact_add") + f"?organisation={world.enterprise.pk}"
    )

    page = client.get(REMINDERS)
    members = list(page.context["contact_form"].fields["user"].queryset)
    added = client.post(add_url, {"contact-department": " 动力科 ", "contact-user": contact.pk})
    twice = client.post(add_url, {"contact-department": "动力科", "contact-user": contact.pk})

    assert contact in members
    assert world.users["other_enterprise"] not in members
    assert added.status_code == 302
    assert added.url == reminder_url(world.enterprise)
    row = DepartmentContact.objects.get()
    assert (row.department, row.user) == ("动力科", contact)
    assert twice.status_code == 200
    assert twice.context["contact_form"].non_field_errors() == [
        "This member is already a contact of the department."
    ]
    assert "动力科" in client.get(REMINDERS).content.decode()

    confirm = client.get(reverse("notifications:department_contact_remove", args=[row.pk]))
    removed = client.post(reverse("notifications:department_contact_remove", args=[row.pk]))
    assert confirm.status_code == 200
    assert removed.status_code == 302
    assert removed.url == reminder_url(world.enterprise)
    assert not DepartmentContact.objects.exists()


def test_a_contact_must_be_a_member_and_have_a_department(world):
    client = client_for(world)
    add_url = reverse("notifications:department_contact_add")
    outsider = world.users["other_enterprise"]

    response = client.post(add_url, {"contact-department": "", "contact-user": outsider.pk})

    assert response.status_code == 200
    errors = response.context["contact_form"].errors
    assert set(errors) == {"department", "user"}
    assert not DepartmentContact.objects.exists()


def test_staff_may_not_add_or_remove_contacts(world):
    staff = member(world, "staff", "staff")
    contact = services.department_contact_add(
        actor=world.users["same_enterprise"],
        organisation=world.enterprise,
        department="动力科",
        user=staff,
    )
    client = client_for(world, user=staff)
    assert "动力科" in client.get(REMINDERS).content.decode()
    refused_add = client.post(
        reverse("notifications:department_contact_add"),
        {"contact-department": "质检部", "contact-user": staff.pk},
    )
    refused_remove = client.post(
        reverse("notifications:department_contact_remove", args=[contact.pk])
    )
    assert (refused_add.status_code, refused_remove.status_code) == (403, 403)
    assert list(DepartmentContact.objects.all()) == [contact]


def test_the_problems_panel_shows_what_kept_reminders_from_people(world, mailoutbox):
    no_mail = member(world, "no-mail", "staff", email="")
    due_in(world, 30, custodian="nobody-known")
    call_command("remind", "--date", timezone.localdate().isoformat(), stdout=io.StringIO())
    sent_to = {address for message in mailoutbox for address in message.to}
    assert sent_to == {"same_enterprise@example.com"}
    Email.objects.create(
        organisation=world.enterprise,
        recipient=world.users["same_enterprise"],
        to="same_enterprise@example.com",
        subject="Refused one",
        text="x",
        status=Email.Status.FAILED,
        attempts=1,
        last_error="(550, b'SMTP refused: mailbox unavailable')",
    )
    Email.objects.create(
        organisation=world.enterprise,
        to="a@example.com",
        subject="Retried one",
        text="x",
        status=Email.Status.QUEUED,
        attempts=2,
        next_attempt=timezone.now() + timedelta(minutes=4),
        last_error="SMTPServerDisconnected: Connection unexpectedly closed",
    )
    Email.objects.create(
        organisation=world.enterprise, to="b@example.com", subject="Waiting", text="x"
    )
    other = world.organisations["other_enterprise"]
    run = ReminderRun.objects.create(date=timezone.localdate())
    ReminderProblem.objects.create(
        run=run, organisation=other, kind="no_recipient", detail="THEIRS"
    )

    response = client_for(world).get(REMINDERS)

    html = response.content.decode()
    problems = response.context["problems"]
    assert [(p["kind"], p["user"]) for p in problems] == [("no_email", no_mail)]
    assert "No e-mail address" in html
    assert "no-mail" in html
    assert "THEIRS" not in html
    subjects = [email.subject for email in response.context["undelivered_emails"]]
    assert subjects == ["Retried one", "Refused one"]
    assert "SMTP refused" in html
    assert "Connection unexpectedly closed" in html
    assert "Waiting" not in html
    assert response.context["reminder_counts"] == {"queued": 2}
    assert response.context["last_run"].date == timezone.localdate()


def test_pages_use_a_constant_number_of_queries(world, django_assert_max_num_queries):
    admin = world.users["same_enterprise"]
    run = ReminderRun.objects.create(date=timezone.localdate())
    for number in range(5):
        tell(admin, f"Message {number}")
        user = member(world, f"member-{number}", "staff", email="")
        services.department_contact_add(
            actor=admin, organisation=world.enterprise, department=f"D{number}", user=user
        )
        ReminderProblem.objects.create(
            run=run, organisation=world.enterprise, kind="no_email", user=user
        )
        Email.objects.create(
            organisation=world.enterprise,
            recipient=user,
            to="x@example.com",
            subject="s",
            text="t",
            status=Email.Status.FAILED,
        )
    client = client_for(world)
    with django_assert_max_num_queries(8):  # session, user, scope, menu, rows, count, ...
        client.get(INBOX)
    with django_assert_max_num_queries(14):
        client.get(REMINDERS)
