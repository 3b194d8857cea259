"""Every notification page against the permission matrix."""

import pytest
from django.urls import reverse

from jiliang.core.testing.matrix import SIGNED_IN_ACTORS, MatrixCase, check, matrix_params
from jiliang.notifications import services
from jiliang.notifications.models import DepartmentContact, Notification

ANONYMOUS_HTML = {"anonymous": 302}
SIGNED_IN = dict.fromkeys(SIGNED_IN_ACTORS, 200)
SIGNED_IN_REDIRECTED = dict.fromkeys(SIGNED_IN_ACTORS, 302)
# The enterprise's reminder settings: its administrator and the platform's read and change them;
# its viewer and the regulator above see the enterprise, so they are told no, not "not found".
SETTINGS_READERS = {"same_enterprise": 200, "platform_admin": 200}
SETTINGS_EDITORS = {"same_enterprise": 302, "platform_admin": 302}
SEE_BUT_MAY_NOT = {"same_enterprise_viewer": 403, "regulator_above": 403}


def own_notification(world):
    return Notification.objects.get_or_create(
        recipient=world.users["same_enterprise"], kind="test", title="Yours"
    )[0]


def mark_all_read_url(world):
    own_notification(world)  # the enterprise administrator has a message to mark
    return reverse("notifications:mark_all_read")


def calendar_url(world):
    token = services.calendar_feed_renew(actor=world.users["same_enterprise"])
    return reverse("notifications:calendar_feed", args=[token])


def enterprise_settings(name="notifications:reminder_settings"):
    return lambda world: f"{reverse(name)}?organisation={world.enterprise.pk}"


def contact(world):
    return DepartmentContact.objects.get_or_create(
        organisation=world.enterprise,
        department="动力科",
        user=world.users["same_enterprise_viewer"],
    )[0]


def contact_url(world):
    return reverse("notifications:department_contact_remove", args=[contact(world).pk])


@pytest.fixture
def world(matrix_world):
    """The matrix world, built once for the module's tests."""
    return matrix_world


CASES = [
    MatrixCase(
        "inbox", "get", lambda w: reverse("notifications:inbox"), {**ANONYMOUS_HTML, **SIGNED_IN}
    ),
    MatrixCase(
        "mark-read",
        "post",
        lambda w: reverse("notifications:mark_read", args=[own_notification(w).pk]),
        # Someone else's message is not found, for the platform administrator too.
        {**ANONYMOUS_HTML, "same_enterprise": 302},
    ),
    MatrixCase(
        "mark-all-read",
        "post",
        mark_all_read_url,
        {**ANONYMOUS_HTML, **SIGNED_IN_REDIRECTED},
    ),
    MatrixCase(
        "preferences",
        "get",
        lambda w: reverse("notifications:preferences"),
        {**ANONYMOUS_HTML, **SIGNED_IN},
    ),
    MatrixCase(
        "preferences-save",
        "post",
        lambda w: reverse("notifications:preferences"),
        {**ANONYMOUS_HTML, **SIGNED_IN_REDIRECTED},
        data=lambda w: {"in_app": "on"},
    ),
    MatrixCase(
        "calendar-renew",
        "post",
        lambda w: reverse("notifications:calendar_renew"),
        {**ANONYMOUS_HTML, **SIGNED_IN},
    ),
    MatrixCase(
        "calendar-revoke",
        "post",
        lambda w: reverse("notifications:calendar_revoke"),
        {**ANONYMOUS_HTML, **SIGNED_IN_REDIRECTED},
    ),
    # The token is the key: whoever has the URL gets the owner's calendar, session or not.
    MatrixCase("calendar-feed", "get", calendar_url, {}, default=200),
    MatrixCase(
        "calendar-feed-unknown",
        "get",
        lambda w: reverse("notifications:calendar_feed", args=["a" * 32]),
        {},
    ),
    MatrixCase(
        "reminder-settings-own",
        "get",
        lambda w: reverse("notifications:reminder_settings"),
        {**ANONYMOUS_HTML, **SIGNED_IN},
    ),
    MatrixCase(
        "reminder-settings",
        "get",
        enterprise_settings(),
        {**ANONYMOUS_HTML, **SEE_BUT_MAY_NOT, **SETTINGS_READERS},
    ),
    MatrixCase(
        "reminder-settings-save",
        "post",
        enterprise_settings(),
        {**ANONYMOUS_HTML, **SEE_BUT_MAY_NOT, **SETTINGS_EDITORS},
        data=lambda w: {"offsets": "60, 30, 0", "weekly_when_overdue": "on", "to_managers": "on"},
    ),
    MatrixCase(
        "department-contact-add",
        "post",
        enterprise_settings("notifications:department_contact_add"),
        {**ANONYMOUS_HTML, **SEE_BUT_MAY_NOT, **SETTINGS_EDITORS},
        data=lambda w: {
            "contact-department": "质检部",
            "contact-user": w.users["same_enterprise_viewer"].pk,
        },
    ),
    MatrixCase(
        "department-contact-remove-form",
        "get",
        contact_url,
        {**ANONYMOUS_HTML, **SETTINGS_READERS},
    ),
    MatrixCase(
        "department-contact-remove",
        "post",
        contact_url,
        {**ANONYMOUS_HTML, **SETTINGS_EDITORS},
    ),
]


@pytest.mark.parametrize(("case", "actor"), matrix_params(CASES))
def test_permission_matrix(world, case, actor):
    check(world, case, actor)


@pytest.mark.parametrize("actor", SIGNED_IN_ACTORS)
def test_marking_all_read_leaves_other_peoples_messages_alone(world, actor):
    theirs = Notification.objects.create(
        recipient=world.users[
            "same_enterprise_viewer" if actor == "same_enterprise" else "same_enterprise"
        ],
        kind="test",
        title="Not yours",
    )
    world.client_for(actor).post(reverse("notifications:mark_all_read"))
    theirs.refresh_from_db()
    assert theirs.read_at is None
